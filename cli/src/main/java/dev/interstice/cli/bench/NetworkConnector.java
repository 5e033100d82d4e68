package dev.interstice.cli.bench;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.Acknowledged;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import dev.interstice.network.wire.Message;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Connections to a node over the node protocol: one TCP connection ({@link NodeClient}) per driver connection, with
 * up to {@code inflight} requests outstanding on it (pipelining: requests carry ids, the node answers each once).
 * A call counts as acknowledged when the node's {@code Called} reply arrives: with {@code durable} after the fsync
 * covering it (the reply must say {@code DURABLE}, or {@code NOT_PERSISTED} for a call that changed nothing
 * persistent), otherwise after the in-memory commit. An error reply, a deadline or a lost connection fails the call.
 */
public final class NetworkConnector implements Connector {
    private final String address;
    private final AdminToken token;
    private final boolean durable;
    private final Duration requestTimeout;
    private final String label;
    private final NodeClient meta;
    /** TLS even where plaintext is served (loopback); else plaintext where the node serves it. */
    private final boolean tls;

    /**
     * Connects once to learn who answers (and to read schemas). {@code token}: the node's admin token, or null (then
     * only public modules can be called). {@code label}: how reports name the node.
     */
    public NetworkConnector(
            String address, AdminToken token, boolean durable, Duration requestTimeout, String label, boolean tls) {
        this.address = address;
        this.tls = tls;
        this.token = token;
        this.durable = durable;
        this.requestTimeout = requestTimeout;
        this.meta = open(1);
        this.label = label;
    }

    private NodeClient open(int inflight) {
        var opts = NodeClient.Options.client()
                .withRequestTimeout(requestTimeout)
                .withConnectTimeout(Duration.ofSeconds(3))
                .withMaxInFlight(Math.max(1, inflight))
                .withPlaintextOnLoopback(!tls);
        if (token != null) opts = opts.withAdminToken(token);
        return NodeClient.connect(address, opts);
    }

    /** The node's id, as it announced itself. */
    public String nodeId() {
        return meta.nodeId();
    }

    public String nodeName() {
        return meta.nodeName();
    }

    /** Pings the node over the control connection. */
    public Duration ping() {
        return meta.ping();
    }

    @Override
    public CallTarget connect(int index, int inflight) {
        return new Target(open(inflight));
    }

    @Override
    public Optional<ModuleSchema> schema(String module) {
        return meta.schema(meta.isAdmin()).modules().stream()
                .filter(m -> m.name().equals(module))
                .findFirst();
    }

    @Override
    public String ackMode() {
        return durable ? "durable" : "fast";
    }

    @Override
    public String describe() {
        return label + ": node '" + meta.nodeName() + "' (" + meta.nodeId() + ") at " + address + " over TCP"
                + (meta.isAdmin() ? " (admin)" : "");
    }

    @Override
    public void close() {
        meta.close();
    }

    private final class Target implements CallTarget {
        private final NodeClient client;

        Target(NodeClient client) {
            this.client = client;
        }

        @Override
        public CompletableFuture<Void> call(String module, String reducer, List<IntersticeValue> args) {
            return client.request(id -> new Message.Call(id, module, reducer, "", durable, args), requestTimeout)
                    .thenApply(this::acknowledged);
        }

        private Void acknowledged(Message.Reply r) {
            if (r instanceof Message.Called c) {
                if (durable && c.acknowledged() == Acknowledged.FAST)
                    throw new CompletionException(
                            new IllegalStateException("durable acknowledgement requested, the node answered FAST"));
                return null;
            }
            throw failure(r);
        }

        @Override
        public CompletableFuture<IntersticeValue> query(String module, String query, List<IntersticeValue> args) {
            return client.request(id -> new Message.Query(id, module, query, "", args), requestTimeout)
                    .thenApply(r -> {
                        if (r instanceof Message.QueryResult q) return q.value();
                        throw failure(r);
                    });
        }

        private static CompletionException failure(Message.Reply r) {
            if (r instanceof Message.Error e)
                return new CompletionException(new NetworkException(e.kind(), e.message()));
            return new CompletionException(new IllegalStateException("unexpected reply type " + r.type()));
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
