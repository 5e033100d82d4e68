package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated frames of every request type (token management and token authentication too), sent to a real node over loopback by anonymous and by admin sessions (the
 * admin ones reach publishing, so mutated modules too). Whatever arrives, the node answers, refuses or closes that
 * connection only: a fresh client is served after every try, and when the tries are over no connection, buffer or
 * thread is left behind. With the tests this runs a bounded sample; {@code scripts/fuzz.sh} runs the long one.
 */
class ProtocolFuzzTest {
    private static final List<String> NAMES = List.of("bank", "ledger", "vault", "record", "add", "", "x".repeat(300));
    private static NetNode node;
    private static byte[] bankWasm;
    private static int baselineThreads;
    private static long baselineHeap;
    private static long startedAt;
    private static CloseReasons reasons;
    private static final AtomicLong TRIES = new AtomicLong();
    private static final AtomicLong FRAMES = new AtomicLong();
    /** Tries whose connection the node refused or closed before its Welcome for a documented limit. */
    private static final AtomicLong REFUSED = new AtomicLong();

    @BeforeContainer
    static void start() {
        reasons = new CloseReasons();
        node = new NetNode(
                "fuzzed",
                NodeConfig.inMemory(),
                0,
                c -> c.withMaxFrameBytes(256 * 1024)
                        // the clients' handshake timeout, not the other tests' shorter one: a starved CPU is no finding
                        .withHandshakeTimeout(NetworkConfig.defaults().handshakeTimeout())
                        // mutated proofs fail by the thousand: the throttle must not keep the admin sessions out
                        .withProofFailures(
                                Integer.MAX_VALUE, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)));
        bankWasm = Fixtures.bank().build();
        node.t.node.load(bankWasm);
        baselineThreads = Thread.activeCount();
        baselineHeap = heapAfterGc();
        startedAt = System.nanoTime();
    }

    @AfterContainer
    static void stop() {
        try {
            NetNode.await("every fuzzed connection to close", () -> node.server.connections() == 0);
            NetNode.await("the connections' buffers to be given back", () -> node.server.bufferedBytes() == 0);
            // Platform threads only (sessions run on virtual ones): none may be left per connection.
            NetNode.await("no thread left behind", () -> Thread.activeCount() <= baselineThreads + 2);
            System.out.printf(
                    "ProtocolFuzzTest: %d tries, %d frames in %d s (%d refused or closed before the Welcome for a"
                            + " documented limit); platform threads %d at start, %d at end; heap after GC %d MiB at"
                            + " start, %d MiB at end%n",
                    TRIES.get(),
                    FRAMES.get(),
                    java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt),
                    REFUSED.get(),
                    baselineThreads,
                    Thread.activeCount(),
                    baselineHeap >> 20,
                    heapAfterGc() >> 20);
        } finally {
            node.close();
            reasons.close();
        }
    }

    /** Heap in use after a full collection (System.gc is a request: good enough to see a leak over a long run). */
    static long heapAfterGc() {
        System.gc();
        var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    /**
     * Whether the node's lines say it closed a connection for its handshake timeout: a documented limit (under a
     * starved CPU a TLS handshake can take that long), counted and shown, not a failure.
     */
    private static boolean documented(List<String> said) {
        var why = said.stream()
                .filter(l -> l.contains("handshake timeout") || l.contains("no handshake within"))
                .toList();
        if (why.isEmpty()) return false;
        REFUSED.incrementAndGet();
        System.out.println("ProtocolFuzzTest: the node refused a connection for a documented limit: " + why);
        return true;
    }

    /**
     * A fresh client is served after the try. A refusal for a documented limit (the node's reason says which) is
     * retried a few times; any other failure fails the try with the node's reasons.
     */
    private static void freshClientServed() {
        for (int attempt = 1; ; attempt++) {
            long mark = reasons.mark();
            try (NodeClient fresh = node.client()) {
                assertThat(fresh.ping()).isPositive();
                return;
            } catch (NetworkException e) {
                var said = new java.util.ArrayList<String>();
                try {
                    NetNode.await(
                            "the node's reason",
                            () -> {
                                said.clear();
                                said.addAll(reasons.since(mark));
                                return said.stream().anyMatch(l -> l.contains("Hello") || l.contains("closing"));
                            },
                            java.time.Duration.ofSeconds(5));
                } catch (AssertionError noReason) {
                    // reported below
                }
                if (attempt == 3 || !documented(said))
                    throw new AssertionError(
                            "a fresh client was not served: " + e.getMessage() + "; the node said: " + said, e);
            }
        }
    }

    /**
     * The node answered the Hello with something else than a Welcome, or closed: allowed only for a documented limit
     * (a Reject says which; a close before the Welcome is explained by the node's debug line, e.g. a handshake that a
     * starved CPU did not finish within the handshake timeout). Anything else fails the try with the node's reason.
     */
    private static void notWelcomed(Message first, int localPort) {
        if (first instanceof Message.Reject) {
            REFUSED.incrementAndGet();
            return;
        }
        var said = new java.util.ArrayList<String>();
        try {
            NetNode.await(
                    "the node's reason for closing",
                    () -> {
                        said.clear();
                        said.addAll(reasons.about(localPort));
                        return said.stream().anyMatch(l -> l.contains("Hello") || l.contains("closing"));
                    },
                    java.time.Duration.ofSeconds(5));
        } catch (AssertionError noReason) {
            // reported below
        }
        if (documented(said)) return;
        throw new AssertionError("the node answered a new connection (port " + localPort + ") with " + first
                + " instead of a Welcome; the node said: " + said);
    }

    @Property
    void mutatedFramesHurtOnlyTheirConnection(
            @ForAll("requests") List<Message.Request> requests,
            @ForAll("mutations") List<Mutations.Mutation> mutations,
            @ForAll boolean admin)
            throws Exception {
        TRIES.incrementAndGet();
        FRAMES.addAndGet(requests.size());
        try (var c = RawConnection.hello(node.server.port(), Message.Role.CLIENT, "", "")) {
            Message first = c.read();
            if (!(first instanceof Message.Welcome welcome)) {
                notWelcomed(first, c.socket.getLocalPort());
                return;
            }
            if (admin) // RawConnection's Hello carries a zero client nonce
            c.send(new Message.Authenticate(1, node.token.proof(welcome.nodeId(), welcome.nonce(), new byte[32])));
            OutputStream out = c.socket.getOutputStream();
            for (int i = 0; i < requests.size(); i++) {
                byte[] frame = MessageCodec.encode(requests.get(i));
                Frames.write(out, mutations.get(i % mutations.size()).apply(frame));
            }
            out.flush();
            c.socket.shutdownOutput(); // the node reads to the end, answers what it can, and closes
            try {
                c.drain();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the node neither answered nor closed a fuzzed connection within 5 s", e);
            }
        } catch (IOException closedOnUs) {
            // the node may close first (a malformed frame): that is one of the allowed outcomes
        }
        // over on the node's side too before the next try (tries must not outpace the node's cleanup and pile up)
        NetNode.await(
                "the node to close the fuzzed connection (5 s at most)",
                () -> node.server.connections() == 0,
                java.time.Duration.ofSeconds(5));
        freshClientServed();
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<List<Message.Request>> requests() {
        return request().list().ofMinSize(1).ofMaxSize(6);
    }

    private Arbitrary<Message.Request> request() {
        Arbitrary<Long> id = Arbitraries.longs().between(-2, 1_000);
        Arbitrary<String> name =
                Arbitraries.oneOf(Arbitraries.of(NAMES), Arbitraries.strings().ofMaxLength(12));
        Arbitrary<List<IntersticeValue>> args = Arbitraries.<IntersticeValue>oneOf(
                        Arbitraries.longs().map(IntersticeValue::u64),
                        Arbitraries.strings().ofMaxLength(20).map(IntersticeValue::str))
                .list()
                .ofMaxSize(3);
        Arbitrary<IndexKey> key = Arbitraries.longs().map(v -> new IndexKey(IntersticeValue.u64(v)));
        Arbitrary<List<Message.Where>> where = Combinators.combine(
                        name, Arbitraries.integers().between(0, 4), key)
                .as(Message.Where::new)
                .list()
                .ofMaxSize(3);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<List<Grant>> grants = Combinators.combine(
                        Arbitraries.of(Action.values()), Arbitraries.of("bank", "*", "nowhere"))
                .as(Grant::new)
                .list()
                .ofMaxSize(3);
        Arbitrary<byte[]> wasm = Arbitraries.of(true).map(t -> bankWasm);
        return Arbitraries.oneOf(
                id.map(Message.Ping::new),
                id.map(Message.GetInfo::new),
                Combinators.combine(id, bytes).as(Message.Authenticate::new),
                Combinators.combine(id, bytes, name).as(Message.Authenticate::new),
                Combinators.combine(id, grants, Arbitraries.longs().between(-1, Long.MAX_VALUE))
                        .as(Message.CreateToken::new),
                id.map(Message.ListTokens::new),
                id.map(Message.GetSupervision::new),
                Combinators.combine(id, name, name, Arbitraries.longs().between(-1, 100), Arbitraries.longs())
                        .as(Message.GetRowsAsOf::new),
                Combinators.combine(id, name, Arbitraries.longs().between(-1, 100))
                        .as(Message.Rewind::new),
                Combinators.combine(id, name).as(Message.RevokeToken::new),
                Combinators.combine(id, name, name, args).as((i, m, r, a) -> new Message.Query(i, m, r, "", a)),
                Combinators.combine(id, Arbitraries.of(true, false)).as(Message.GetSchema::new),
                Combinators.combine(id, name, name).as(Message.GetRows::new),
                Combinators.combine(
                                id,
                                name,
                                name,
                                where,
                                key,
                                Arbitraries.integers().between(-1, 20_000))
                        .as(Message.GetRowsPage::new),
                Combinators.combine(id, name, wasm, Arbitraries.of(true, false)).as(Message.Publish::new),
                Combinators.combine(
                                id,
                                name,
                                wasm,
                                Arbitraries.of(true, false),
                                name.list().ofMaxSize(2))
                        .as((i, l, w, dryRun, allow) -> new Message.Publish(i, l, w, false, dryRun, allow, dryRun)),
                Combinators.combine(id, name, Arbitraries.of(true, false)).as(Message.Rollback::new),
                Combinators.combine(id, name).as(Message.Remove::new),
                Combinators.combine(id, name).as(Message.Unload::new),
                Combinators.combine(id, name, name, name, Arbitraries.longs().between(-1, 100))
                        .as(Message.Subscribe::new),
                Combinators.combine(id, Arbitraries.longs().between(-1, 100)).as(Message.Unsubscribe::new),
                Combinators.combine(id, Arbitraries.integers().between(0, 255), name, wasm, name)
                        .as(Message.ModuleRequest::new),
                Combinators.combine(id, name, name, Arbitraries.of(true, false), args)
                        .as((i, m, r, durable, a) -> new Message.Call(i, m, r, "", durable, a)));
    }

    @Provide
    Arbitrary<List<Mutations.Mutation>> mutations() {
        return Mutations.some();
    }
}
