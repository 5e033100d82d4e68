package dev.interstice.cli.bench;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections to a {@link Node} in this process. {@code Node.call} runs on the calling thread, so a connection with
 * one call in flight runs each call on the driver's sender thread (no hand-off), and a connection with {@code k > 1}
 * calls in flight gets {@code k} threads of its own: "pipelining" in process is just more threads.
 */
public final class InProcessConnector implements Connector {
    private final Node node;
    private final Ack ack;
    private final String description;

    public InProcessConnector(Node node, Ack ack, String description) {
        this.node = node;
        this.ack = ack;
        this.description = description;
    }

    public Node node() {
        return node;
    }

    @Override
    public CallTarget connect(int index, int inflight) {
        var caller = new CallContext(node.id(), "");
        return inflight <= 1 ? new Direct(caller) : new Pooled(caller, index, inflight);
    }

    @Override
    public Optional<ModuleSchema> schema(String module) {
        return node.schema(module);
    }

    @Override
    public String ackMode() {
        return ack.name().toLowerCase();
    }

    @Override
    public String describe() {
        return description;
    }

    private class Direct implements CallTarget {
        final CallContext caller;

        Direct(CallContext caller) {
            this.caller = caller;
        }

        @Override
        public CompletableFuture<Void> call(String module, String reducer, List<IntersticeValue> args) {
            try {
                node.call(module, reducer, args, caller, ack);
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<IntersticeValue> query(String module, String query, List<IntersticeValue> args) {
            try {
                return CompletableFuture.completedFuture(node.query(module, query, args, caller));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    private final class Pooled extends Direct {
        private final ExecutorService threads;

        Pooled(CallContext caller, int index, int inflight) {
            super(caller);
            var n = new AtomicInteger();
            threads = Executors.newFixedThreadPool(
                    inflight,
                    r -> Thread.ofPlatform()
                            .daemon()
                            .name("load-c" + index + "-" + n.getAndIncrement())
                            .unstarted(r));
        }

        @Override
        public CompletableFuture<Void> call(String module, String reducer, List<IntersticeValue> args) {
            return CompletableFuture.runAsync(() -> node.call(module, reducer, args, caller, ack), threads);
        }

        @Override
        public CompletableFuture<IntersticeValue> query(String module, String query, List<IntersticeValue> args) {
            return CompletableFuture.supplyAsync(() -> node.query(module, query, args, caller), threads);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
