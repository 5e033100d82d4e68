package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every authority shares: only offered authorities can be held, one holder each, calls only for the holder. */
class AuthoritiesTest {
    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    private static ModuleFixture reading(String name) {
        return ModuleFixture.module(name)
                .blob("read", AuthorityCodec.encodeHostCall(new FileCall.ReadFile("x")))
                .reducer("read", List.of(), List.of(), hostCallAndLog("read"));
    }

    @Test
    void aModuleNeedingAnAuthorityTheNodeDoesNotOfferIsRefusedAtPublish() {
        t = new TestNode();
        byte[] gpu = ModuleFixture.module("painter").authority(Authority.GPU).build();
        assertThatThrownBy(() -> t.node.publish("painter.wasm", gpu, false))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("module 'painter' needs the Gpu authority, which this node does not offer")
                .hasMessageContaining("it offers: Module, Network")
                .extracting(e -> ((ModuleException) e).kind())
                .isEqualTo(IntersticeException.Kind.UNSUPPORTED);
        assertThat(t.node.modules()).isEmpty();
    }

    @Test
    void anAuthorityTurnedOffInTheConfigurationIsNotOffered() {
        t = new TestNode(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless().withOffered(EnumSet.of(Authority.MODULE))));
        assertThat(t.node.authorities().offeredNames()).isEqualTo("Module");
        assertThatThrownBy(() -> t.node.publish(
                        "f.wasm", reading("f").authority(Authority.FILE).build(), false))
                .hasMessageContaining("needs the File authority, which this node does not offer (it offers: Module)");
    }

    @Test
    void eachAuthorityHasOneHolder(@TempDir Path root) {
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withFileRoot(root)));
        t.node.publish("a.wasm", reading("a").authority(Authority.FILE).build(), false);
        assertThat(t.node.authorities().holder(Authority.FILE)).contains("a");
        assertThatThrownBy(() -> t.node.publish(
                        "b.wasm", reading("b").authority(Authority.FILE).build(), false))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("already holds");
    }

    @Test
    void aModuleWithoutTheAuthorityGetsAnErrorItCanHandle(@TempDir Path root) {
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withFileRoot(root)));
        t.node.publish("a.wasm", reading("a").build(), false);
        t.node.call("a", "read", List.of());
        byte[] answer = t.hexLogsOf("a").getFirst();
        var r = new PostcardReader(answer);
        assertThat(r.readU8()).isEqualTo(1); // Err
        assertThat(r.readString())
                .isEqualTo("module 'a' does not hold the File authority (declare it in the module's authorities)");
    }
}
