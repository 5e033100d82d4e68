package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.node.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer link keeps the key it verified first at an address (across reconnects and restarts) or the one a module or
 * the configuration names, and refuses another key there naming both.
 */
@Timeout(60)
class PeerKeyPinningTest {
    private final List<NetNode> nodes = new ArrayList<>();

    private NetNode node(String name, int port, java.util.function.UnaryOperator<NetworkConfig> tweak) {
        var n = new NetNode(name, NodeConfig.inMemory(), port, tweak);
        nodes.add(n);
        return n;
    }

    private NetNode bank(int port) {
        var b = node("bank-node", port, c -> c);
        b.t.node.load(Fixtures.bank().build());
        return b;
    }

    @AfterEach
    void stop() {
        for (NetNode n : nodes.reversed()) n.close();
    }

    /** What module caller's remote query {@code ask} answered last (as text: an Err carries its message). */
    private static String ask(NetNode app) {
        app.t.node.call("caller", "ask", List.of());
        return new String(app.t.hexLogsOf("caller").getLast(), StandardCharsets.ISO_8859_1);
    }

    private static void awaitAnswer(NetNode app, String fragment) {
        var last = new String[1];
        try {
            NetNode.await("caller.ask to answer with " + fragment, () -> (last[0] = ask(app)).contains(fragment));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last[0], e);
        }
    }

    @Test
    void aNodeReplacedByAnotherKeyAtTheSameAddressIsRefusedUntilItIsRePinned(@TempDir Path dir) throws Exception {
        var first = bank(0);
        int port = first.server.port();
        String firstKey = first.t.node.identity().fingerprint();
        var app = node("app-node", 0, c -> c.withPeerKeys(PeerKeys.open(dir)));
        app.t.node.load(Fixtures.caller(first.address()));
        app.asksTheBank();
        assertThat(Files.readString(dir.resolve(PeerKeys.FILE))).contains(first.address() + " " + firstKey);

        first.close();
        nodes.remove(first);
        var impostor = bank(port); // another key at the same address
        String otherKey = impostor.t.node.identity().fingerprint();
        awaitAnswer(app, "presented key " + otherKey + ", but " + firstKey + " is required there");
        awaitAnswer(app, "re-pin it (--node-key <node>=" + otherKey);
        assertThat(impostor.t.node.rows("bank", "ledger")).isEmpty();

        // a restart keeps the pin (known_peers) ...
        app.close();
        nodes.remove(app);
        var restarted = node("app-node", 0, c -> c.withPeerKeys(PeerKeys.open(dir)));
        restarted.t.node.load(Fixtures.caller(impostor.address()));
        awaitAnswer(restarted, "but " + firstKey + " is required there");
        // ... and naming the new key re-pins it
        restarted.close();
        nodes.remove(restarted);
        var rePinned =
                node("app-node", 0, c -> c.withPeerKeys(PeerKeys.open(dir)).withNodeKey("bank-node", otherKey));
        rePinned.t.node.load(Fixtures.caller(impostor.address()));
        rePinned.asksTheBank();
    }

    @Test
    void aModuleNamingItsNodeDependencysKeyReachesOnlyThatKey() {
        var bank = bank(0);
        String bankKey = bank.t.node.identity().fingerprint();
        String expected = NodeIdentity.generate().fingerprint();

        var wrong = node("app-node", 0, c -> c);
        wrong.t.node.load(Fixtures.caller(bank.address(), expected));
        awaitAnswer(
                wrong,
                "presented key " + bankKey + ", but " + expected + " is required there (module 'caller' names it"
                        + " for its node dependency 'bank-node')");

        var right = node("app-node-2", 0, c -> c);
        right.t.node.load(Fixtures.caller(bank.address(), bankKey));
        right.asksTheBank();
    }

    @Test
    void aKeyForANodeTheModuleDoesNotDependOnOrNotAFingerprintIsRefusedAtLoad() {
        var app = node("app-node", 0, c -> c);
        assertThatThrownBy(() -> app.t.node.load(Fixtures.caller("127.0.0.1:1", "SHA256:short")))
                .hasMessageContaining("interstice_node_keys is invalid")
                .hasMessageContaining("not a fingerprint");
        assertThatThrownBy(() -> NetworkConfig.defaults().withNodeKey("bank-node", "md5:x"))
                .hasMessageContaining("not a key fingerprint");
    }
}
