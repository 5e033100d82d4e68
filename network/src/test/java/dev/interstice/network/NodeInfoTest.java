package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GetInfo}: which authorities a node offers and who holds them; a private holder is named to admins only. */
@Timeout(60)
class NodeInfoTest {
    NetNode n = new NetNode("info-node", NodeConfig.inMemory(), 0, c -> c);

    @AfterEach
    void stop() {
        n.close();
    }

    private static Message.AuthorityStatus of(List<Message.AuthorityStatus> all, Authority a) {
        return all.stream().filter(s -> s.authority() == a).findFirst().orElseThrow();
    }

    @Test
    void everyAuthorityIsReportedWithItsHolder() {
        n.t.node.load(ModuleFixture.module("vault")
                .visibility(Visibility.PRIVATE)
                .authority(Authority.MODULE)
                .build());
        try (var admin = n.admin();
                var client = n.client()) {
            var all = admin.authorities();
            assertThat(all).extracting(Message.AuthorityStatus::authority).containsExactly(Authority.values());
            assertThat(of(all, Authority.MODULE))
                    .isEqualTo(new Message.AuthorityStatus(Authority.MODULE, true, "vault", "offered"));
            assertThat(of(all, Authority.NETWORK).detail()).isEqualTo("loopback only");
            assertThat(of(all, Authority.GPU).offered()).isFalse();
            assertThat(of(client.authorities(), Authority.MODULE).holder())
                    .as("a private module's name is not shown to non-admins")
                    .isEmpty();
        }
    }

    @Test
    void theAdminSeesEachChildModuleWithItsParentAndGrant() throws Exception {
        byte[] kid = ModuleFixture.module("kid").build();
        var spawn = new ChildCall.Spawn(
                new ChildCall.Wasm(kid), new ChildCall.Grant(Optional.empty(), Optional.empty(), true), true);
        n.t.node.load(ModuleFixture.module("parent")
                .visibility(Visibility.PRIVATE)
                .authority(Authority.MODULE)
                .importChildren()
                .blob("spawn", ChildCodec.encode(spawn))
                .reducer("spawn", List.of(), List.of(), ModuleFixture.childCallAndLog("spawn"))
                .build());
        n.t.node.call("parent", "spawn", List.of());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (n.t.node.schema("kid").isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        try (var admin = n.admin();
                var client = n.client()) {
            assertThat(of(admin.authorities(), Authority.MODULE).detail())
                    .isEqualTo("offered; children: kid (child of parent: Module over its children; stops with it)");
            assertThat(of(client.authorities(), Authority.MODULE).detail()).isEqualTo("offered");
        }
    }
}
