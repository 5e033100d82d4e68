package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.IntersticeException.Kind;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.ModuleException;
import org.junit.jupiter.api.Test;

/** Every kind of error has a wire code, and what a client receives reads as the kind that was sent. */
class ErrorKindTest {
    @Test
    void everyWireCodeReadsBackAsItself() {
        for (ErrorKind w : ErrorKind.values())
            assertThat(ErrorKind.of(w.kind())).isEqualTo(w);
    }

    @Test
    void kindsWithoutACodeOfTheirOwnTravelAsTheNearestOne() {
        assertThat(ErrorKind.of(Kind.INVALID)).isEqualTo(ErrorKind.INVALID_MODULE);
        assertThat(ErrorKind.of(Kind.CONFLICT)).isEqualTo(ErrorKind.REFUSED);
        for (Kind k : Kind.values()) assertThat(ErrorKind.of(k)).isNotNull();
    }

    @Test
    void networkModuleAndCallErrorsShareOneRoot() {
        var received = new NetworkException(ErrorKind.INVALID_MODULE, "module 'x.wasm': not a module");
        assertThat(received.kind()).isEqualTo(new ModuleException("module 'x.wasm': not a module").kind());
        assertThat(received.errorKind()).isEqualTo(ErrorKind.INVALID_MODULE);
        assertThat(new CallException(Kind.TRAP, "boom").kind()).isEqualTo(Kind.TRAP);
    }
}
