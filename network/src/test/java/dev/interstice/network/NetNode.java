package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Responses;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A test node served on an ephemeral loopback port, with fast timeouts. */
final class NetNode implements AutoCloseable {
    final TestNode t;
    final NodeServer server;
    final AdminToken token = AdminToken.random();

    NetNode(String name) {
        this(name, NodeConfig.inMemory(), 0, c -> c);
    }

    NetNode(String name, NodeConfig nodeConfig, int port, java.util.function.UnaryOperator<NetworkConfig> tweak) {
        t = new TestNode(nodeConfig);
        try {
            server = NodeServer.start(
                    t.node, tweak.apply(fast().withNodeName(name).withPort(port).withAdminToken(token)));
        } catch (IOException e) {
            t.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Calls {@code caller.ask} (Fixtures.caller) and checks the bank's answer reached it. The caller's connect hook logs
     * too, in any order, so the answer is looked for among its logs rather than taken as the last one.
     */
    void asksTheBank() {
        t.node.call("caller", "ask", java.util.List.of());
        assertThat(t.hexLogsOf("caller")).anySatisfy(l -> assertThat(l).containsExactly(Responses.queryOk(u64(42))));
    }

    static NetworkConfig fast() {
        return NetworkConfig.defaults()
                .withInsecureLoopback(true) // raw-socket tests speak plaintext; links between nodes are TLS anyway
                .withRequestTimeout(Duration.ofSeconds(10))
                .withRemoteQueryDeadline(Duration.ofSeconds(1))
                .withReconnectDelays(Duration.ofMillis(20), Duration.ofMillis(300))
                .withSubscriptionRefresh(Duration.ofMillis(100))
                .withHandshakeTimeout(Duration.ofSeconds(2))
                .withConnectTimeout(Duration.ofSeconds(1));
    }

    String address() {
        return server.address();
    }

    NodeClient client() {
        return NodeClient.connect(address(), NodeClient.Options.client());
    }

    NodeClient admin() {
        return NodeClient.connect(address(), NodeClient.Options.client().withAdminToken(token));
    }

    static void await(String what, BooleanSupplier cond) {
        await(what, cond, Duration.ofSeconds(15));
    }

    static void await(String what, BooleanSupplier cond, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.close();
        t.close();
    }
}
