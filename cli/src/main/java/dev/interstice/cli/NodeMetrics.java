package dev.interstice.cli;

import dev.interstice.network.NodeServer;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallObserver;
import dev.interstice.runtime.node.Node;
import dev.interstice.storage.FsyncListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A served node's metrics in a Micrometer registry, scraped as Prometheus text. Counters and histograms are fed on
 * the hot path ({@link CallObserver}, {@link FsyncListener}: two map look-ups and a few adder increments a call);
 * everything else is read from the node when scraped.
 */
public final class NodeMetrics implements CallObserver, FsyncListener {
    /** The meters of one reducer: committed transactions and the latency of every run. */
    private record ReducerMeters(Counter committed, Timer latency) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Map<String, ReducerMeters>> reducers = new ConcurrentHashMap<>();
    private final Map<IntersticeException.Kind, Counter> errors = new EnumMap<>(IntersticeException.Kind.class);
    private final Timer fsync;
    private final DistributionSummary batch;
    private final Node node;
    private final MultiGauge guestMemory;
    private final MultiGauge replicaReady;
    private final MultiGauge peerConnected;
    private final MultiGauge peerBacklog;
    private final MultiGauge peerLag;
    private volatile NodeServer server;

    public NodeMetrics(Node node) {
        this.node = node;
        for (var k : IntersticeException.Kind.values())
            errors.put(
                    k,
                    Counter.builder("interstice.errors")
                            .description("Reducer calls that failed or were refused, by error kind")
                            .tag("kind", k.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry));
        fsync = Timer.builder("interstice.storage.fsync")
                .description("Time of one fsync of the write-ahead log (one group commit)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
        batch = DistributionSummary.builder("interstice.storage.group.commit.records")
                .description("Log records made durable by one fsync (the group commit's batch size)")
                .publishPercentileHistogram()
                .maximumExpectedValue(10_000.0)
                .register(registry);
        Gauge.builder("interstice.storage.log.bytes", node, n -> storage(n, true))
                .description("Size of the live write-ahead log segments")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("interstice.storage.snapshot.bytes", node, n -> storage(n, false))
                .description("Size of the current snapshot file")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("interstice.connections", this, m -> m.server == null ? 0 : m.server.connections())
                .description("Open connections to the node's port (clients and peers)")
                .register(registry);
        guestMemory = MultiGauge.builder("interstice.module.memory")
                .description("Linear memory held by a module's guest instances")
                .baseUnit("bytes")
                .register(registry);
        replicaReady = MultiGauge.builder("interstice.replica.ready")
                .description("1 once a replicated table has its source's schema (it then follows the source)")
                .register(registry);
        peerConnected = MultiGauge.builder("interstice.peer.connected")
                .description("1 while the link to a peer node is connected")
                .register(registry);
        peerBacklog = MultiGauge.builder("interstice.peer.queued.deliveries")
                .description("Table events received from a peer and not yet applied (replication backlog)")
                .register(registry);
        peerLag = MultiGauge.builder("interstice.peer.delivery.lag")
                .description("How long the oldest table event received from a peer has waited to be applied")
                .baseUnit("seconds")
                .register(registry);
    }

    public void attach(NodeServer s) {
        server = s;
    }

    private static double storage(Node n, boolean log) {
        return n.storageStats()
                .map(s -> (double) (log ? s.logBytesOnDisk() : s.snapshotBytes()))
                .orElse(0.0);
    }

    @Override
    public void reducer(
            String module,
            String reducer,
            long txId,
            long runNanos,
            long commitNanos,
            IntersticeException.Kind failure) {
        if (failure != null) errors.get(failure).increment();
        if (module == null) return; // refused before it ran: the names are the caller's, unchecked
        ReducerMeters m =
                reducers.computeIfAbsent(module, k -> new ConcurrentHashMap<>()).get(reducer);
        if (m == null) m = reducers.get(module).computeIfAbsent(reducer, r -> meters(module, r));
        m.latency().record(runNanos + commitNanos, TimeUnit.NANOSECONDS);
        if (failure == null) m.committed().increment();
    }

    private ReducerMeters meters(String module, String reducer) {
        var tags = Tags.of("module", module, "reducer", reducer);
        return new ReducerMeters(
                Counter.builder("interstice.transactions")
                        .description("Committed reducer transactions (calls, subscribers, schedules)")
                        .tags(tags)
                        .register(registry),
                Timer.builder("interstice.reducer.duration")
                        .description("Time a reducer transaction ran, guest code and commit, failed ones too")
                        .tags(tags)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(10_000))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry));
    }

    @Override
    public void fsynced(long nanos, int records) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
        batch.record(records);
    }

    /** The current metrics as Prometheus text (the gauges read from the node now). */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        var memory = new ArrayList<MultiGauge.Row<?>>();
        for (var m : node.modules()) {
            long bytes;
            try {
                bytes = node.guestMemoryBytes(m.name());
            } catch (RuntimeException removedMeanwhile) {
                continue;
            }
            memory.add(MultiGauge.Row.of(Tags.of("module", m.name()), bytes));
        }
        guestMemory.register(memory, true);
        var ready = new ArrayList<MultiGauge.Row<?>>();
        for (var s : node.replicas().sources())
            ready.add(MultiGauge.Row.of(
                    Tags.of("replica", s.node() + "." + s.module() + "." + s.table()), s.ready() ? 1 : 0));
        replicaReady.register(ready, true);
        NodeServer s = server;
        var connected = new ArrayList<MultiGauge.Row<?>>();
        var backlog = new ArrayList<MultiGauge.Row<?>>();
        var lag = new ArrayList<MultiGauge.Row<?>>();
        if (s != null)
            s.peers().stats().forEach((address, st) -> {
                connected.add(
                        MultiGauge.Row.of(Tags.of("peer", address), Boolean.TRUE.equals(st.get("connected")) ? 1 : 0));
                backlog.add(MultiGauge.Row.of(Tags.of("peer", address), number(st.get("queuedDeliveries"))));
                lag.add(MultiGauge.Row.of(Tags.of("peer", address), number(st.get("oldestDeliveryAgeNanos")) / 1e9));
            });
        peerConnected.register(connected, true);
        peerBacklog.register(backlog, true);
        peerLag.register(lag, true);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    /** The names of the meters, for docs and tests. */
    List<String> names() {
        return registry.getMeters().stream()
                .map(m -> m.getId().getName())
                .distinct()
                .sorted()
                .toList();
    }
}
