package dev.interstice.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.testing.Wat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Counts in a module's bytes that would make the engine's parser allocate without bound are refused before it parses
 * them; real modules pass untouched.
 */
class WasmPrecheckTest {
    private static WasmEngine engine;

    @BeforeAll
    static void open() {
        engine = new WasmEngine(EngineConfig.defaults());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void realModulesPass() throws IOException {
        assertThat(WasmPrecheck.problem(Wat.resource("engine/guest.wat"))).isNull();
        List<Path> built;
        try (Stream<Path> dirs = Files.list(Path.of("..", "modules"))) {
            built = dirs.map(d -> d.resolve("build").resolve(d.getFileName() + ".wasm"))
                    .filter(Files::isRegularFile)
                    .toList();
        }
        for (Path p : built)
            assertThat(WasmPrecheck.problem(Files.readAllBytes(p)))
                    .as(p.toString())
                    .isNull();
    }

    @Test
    void aFunctionTypeClaimingBillionsOfParametersIsRefused() {
        // one func type: 0x60, then a parameter count of 2^31 - 1 and nothing after it
        byte[] wasm = module(section(1, concat(leb(1), bytes(0x60), leb(0x7FFF_FFFFL))));
        assertRefused(wasm, "a vector of 2147483647 parameters cannot fit");
    }

    @Test
    void aDataSegmentClaimingGigabytesIsRefused() {
        // memory 0 active segment at i32.const 0, claiming 3 GiB of bytes
        byte[] segment = concat(leb(0), bytes(0x41, 0x00, 0x0B), leb(3L << 30));
        assertRefused(module(section(11, concat(leb(1), segment))), "bytes of a data segment cannot fit");
    }

    @Test
    void aFunctionWithTooManyLocalsIsRefused() {
        // one body: two groups of 40,000 i32 locals each, then end
        byte[] body = concat(leb(2), leb(40_000), bytes(0x7F), leb(40_000), bytes(0x7F), bytes(0x0B));
        assertRefused(module(section(10, concat(leb(1), leb(body.length), body))), "more than 50000 locals");
    }

    @Test
    void aBrTableClaimingBillionsOfLabelsIsRefused() {
        // one body, no locals: block, then br_table with 2^31 - 1 labels and nothing after them
        byte[] body = concat(leb(0), bytes(0x02, 0x40, 0x41, 0x00, 0x0E), leb(0x7FFF_FFFFL));
        assertRefused(
                module(section(10, concat(leb(1), leb(body.length), body))),
                "a vector of 2147483647 br_table labels cannot fit");
    }

    @Test
    void aSectionLongerThanTheModuleIsRefused() {
        byte[] wasm = module(concat(bytes(1), leb(1L << 31), bytes(0x01)));
        assertRefused(wasm, "section 1 declares 2147483648 bytes, but only 1 follow");
    }

    private static void assertRefused(byte[] wasm, String why) {
        assertThatThrownBy(() -> engine.compile("hostile", wasm))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("malformed wasm")
                .hasMessageContaining(why);
    }

    private static byte[] module(byte[] sections) {
        return concat(bytes(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00), sections);
    }

    private static byte[] section(int id, byte[] content) {
        return concat(bytes(id), leb(content.length), content);
    }

    private static byte[] leb(long v) {
        var out = new ByteArrayOutputStream();
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            out.write(v == 0 ? b : b | 0x80);
        } while (v != 0);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
