package dev.interstice.cli.bench.agar;

import dev.interstice.runtime.exec.CallObserver;
import dev.interstice.runtime.exec.CommitListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Replication lag of the tick, server to each client, in this process (System.nanoTime on both sides, as
 * ReplicaLagBench): of every tick the server commits, one player row that changed is the probe, remembered by its new
 * encoding with the commit time; a client's replica commit that brings exactly that row records its lag. A probe a
 * client never sees (a later tick overwrote the row before it was sent) counts as missed.
 */
final class LagProbes {
    /** Probes remembered (about 30 s of ticks): a client further behind than that would count them as missed. */
    private static final int REMEMBERED = 4096;

    private final String module;
    private final String table;
    private final String tick;
    private final String replicaTable;
    private final Map<Key, Long> probes = new ConcurrentHashMap<>();
    private final ArrayDeque<Key> order = new ArrayDeque<>();
    private final List<Histogram> lag = new ArrayList<>();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;
    // server side, under its execution lock: the last commit's candidate, kept if that transaction was a tick
    private Key candidate;
    private long candidateTx;
    private long candidateAt;
    private final AtomicLong taken = new AtomicLong();

    LagProbes(String module, String table, String tick, String replicaTable, int clients) {
        this.module = module;
        this.table = table;
        this.tick = tick;
        this.replicaTable = replicaTable;
        for (int i = 0; i < clients; i++) lag.add(new Histogram(TimeUnit.SECONDS.toMicros(60), 3));
    }

    /** On the server, registered before its table streams: the time is taken before the change can leave. */
    CommitListener serverCommits() {
        return (txId, horizonLsn, events) -> {
            long now = System.nanoTime();
            for (var e : events) {
                if (e.before() == null
                        || e.after() == null
                        || !e.table().equals(table)
                        || !e.module().equals(module)) continue;
                if (Arrays.equals(e.before(), e.after())) continue;
                candidate = new Key(e.after());
                candidateTx = txId;
                candidateAt = now;
                return;
            }
        };
    }

    /** On the server: keeps the candidate of a tick's transaction (told after its commit). */
    CallObserver serverTicks() {
        return (m, reducer, txId, runNanos, commitNanos, failure) -> {
            if (failure != null || txId != candidateTx || !reducer.equals(tick) || !m.equals(module)) return;
            if (probes.putIfAbsent(candidate, candidateAt) != null) return;
            order.add(candidate);
            if (order.size() > REMEMBERED) probes.remove(order.poll());
            if (candidateAt >= measureFrom && candidateAt < measureTo) taken.incrementAndGet();
        };
    }

    /** On client {@code k}: the replica's commits. */
    CommitListener clientCommits(int k) {
        Histogram h = lag.get(k);
        return (txId, horizonLsn, events) -> {
            long now = System.nanoTime();
            for (var e : events) {
                if (e.after() == null || !e.table().equals(replicaTable)) continue;
                Long at = probes.get(new Key(e.after()));
                if (at == null || at < measureFrom || at >= measureTo) continue;
                synchronized (h) {
                    h.recordValue(Measure.clampUs(h, now - at));
                }
            }
        };
    }

    void measure(long fromNanos, long toNanos) {
        measureFrom = fromNanos;
        measureTo = toNanos;
    }

    /** Probes taken in the window. */
    long taken() {
        return taken.get();
    }

    Measure lag(int k) {
        Histogram h = lag.get(k);
        synchronized (h) {
            return Measure.millis(h);
        }
    }

    /** Every client's lags together. */
    Measure lagAll() {
        var all = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        for (Histogram h : lag) {
            synchronized (h) {
                all.add(h);
            }
        }
        return Measure.millis(all);
    }

    /** A row's encoding as a map key. */
    private static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
