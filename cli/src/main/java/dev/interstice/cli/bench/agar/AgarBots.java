package dev.interstice.cli.bench.agar;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.NodeClient;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * N bots, each one connection to the server as a peer with its own node id (the server keys players by the caller's
 * node id: N ids, N players). One platform thread steers them all: every {@code reactionMs / SLOTS} it steers one
 * slot's bots (so each reacts every {@code reactionMs}, spread evenly) and twice per reaction it reads the world from a
 * client's replica ({@link AgarWorld}). A bot with its previous call unanswered waits for its next turn; one not in the
 * world joins (again).
 */
final class AgarBots implements AutoCloseable {
    static final int SLOTS = 10;
    /** The steering thread's name (its CPU time is the bots' own cost). */
    static final String THREAD = "agar-bots";

    private final String module;
    private final List<Bot> bots;
    private final Supplier<AgarWorld> world;
    private final long reactionMs;
    private final ScheduledExecutorService steering;
    private final ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram worldRead = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong joins = new AtomicLong();
    private final ConcurrentHashMap<String, Long> errorSamples = new ConcurrentHashMap<>();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;
    private AgarWorld current = AgarWorld.EMPTY;
    private long round;

    private record Bot(String id, NodeClient client, AtomicBoolean busy) {}

    private AgarBots(String module, List<Bot> bots, Supplier<AgarWorld> world, long reactionMs) {
        this.module = module;
        this.bots = bots;
        this.world = world;
        this.reactionMs = reactionMs;
        this.steering = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(THREAD).daemon(true).factory());
    }

    /** Connects {@code n} bots to {@code address} (closing those already connected if one cannot). */
    static AgarBots connect(String address, String module, int n, Supplier<AgarWorld> world, long reactionMs) {
        var bots = new ArrayList<Bot>(n);
        try {
            for (int i = 0; i < n; i++) {
                // a bot is a peer: its player is keyed by its node id, the id of its own (throwaway) key
                var key = NodeIdentity.generate();
                String id = key.id();
                var options = NodeClient.Options.client()
                        .asPeer(key, String.format(Locale.ROOT, "bench-bot-%05d", i))
                        .withMaxInFlight(4)
                        .withRequestTimeout(Duration.ofSeconds(10));
                bots.add(new Bot(id, NodeClient.connect(address, options), new AtomicBoolean()));
            }
        } catch (RuntimeException e) {
            for (Bot b : bots) b.client().close();
            throw e;
        }
        return new AgarBots(module, bots, world, reactionMs);
    }

    void start() {
        long period = Math.max(1, TimeUnit.MILLISECONDS.toMicros(reactionMs) / SLOTS);
        steering.scheduleAtFixedRate(this::steerSlot, 0, period, TimeUnit.MICROSECONDS);
    }

    /** Counts calls sent in [from, to) (System.nanoTime). */
    void measure(long fromNanos, long toNanos) {
        measureFrom = fromNanos;
        measureTo = toNanos;
    }

    private boolean inWindow(long nanos) {
        return nanos >= measureFrom && nanos < measureTo;
    }

    private void steerSlot() {
        int slot = (int) (round++ % SLOTS);
        if (slot % (SLOTS / 2) == 0) readWorld();
        for (int i = slot; i < bots.size(); i += SLOTS) act(bots.get(i));
    }

    private void readWorld() {
        long start = System.nanoTime();
        try {
            current = world.get();
        } catch (RuntimeException notYet) {
            return; // the replica is not there yet: keep the last world
        }
        if (!inWindow(start)) return;
        synchronized (worldRead) {
            worldRead.recordValue(Measure.clampUs(worldRead, System.nanoTime() - start));
        }
    }

    private void act(Bot bot) {
        boolean counted = inWindow(System.nanoTime());
        if (!bot.busy().compareAndSet(false, true)) {
            if (counted) skipped.incrementAndGet();
            return;
        }
        AgarWorld.Cell me = current.players().get(bot.id());
        if (me == null) {
            if (counted) joins.incrementAndGet();
            send(bot, "join", List.of(IntersticeValue.str(bot.id())));
        } else {
            var d = current.steer(me);
            send(bot, "set_direction", List.of(IntersticeValue.f32(d.dx()), IntersticeValue.f32(d.dy())));
        }
    }

    /** Fast acknowledgement (the in-memory commit), as a game's input would be sent. */
    private void send(Bot bot, String reducer, List<IntersticeValue> args) {
        long sent = System.nanoTime();
        bot.client()
                .request(id -> new Message.Call(id, module, reducer, "", false, args))
                .whenComplete((reply, failure) -> {
                    bot.busy().set(false);
                    if (!inWindow(sent)) return;
                    if (reply instanceof Message.Called) {
                        calls.incrementAndGet();
                        latency.recordValue(Measure.clampUs(latency, System.nanoTime() - sent));
                    } else {
                        errors.incrementAndGet();
                        String why = reply instanceof Message.Error e
                                ? e.kind() + ": " + e.message()
                                : String.valueOf(failure);
                        if (errorSamples.size() < 20) errorSamples.merge(why, 1L, Long::sum);
                    }
                });
    }

    int size() {
        return bots.size();
    }

    long calls() {
        return calls.get();
    }

    long errors() {
        return errors.get();
    }

    long skipped() {
        return skipped.get();
    }

    long joins() {
        return joins.get();
    }

    Map<String, Long> errorSamples() {
        return Map.copyOf(errorSamples);
    }

    Measure latency() {
        return Measure.millis(latency);
    }

    Measure worldRead() {
        synchronized (worldRead) {
            return Measure.millis(worldRead);
        }
    }

    @Override
    public void close() {
        steering.shutdownNow();
        try {
            steering.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Bot b : bots) b.client().close();
    }
}
