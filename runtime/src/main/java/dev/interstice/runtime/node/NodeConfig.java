package dev.interstice.runtime.node;

import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.storage.LogRetention;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * How to open a node. {@code dataDir} null means nothing is kept on disk. {@code nodeId} null means: the id of the
 * node's key (docs/security.md); given, a node with a data directory checks it is that node, an in-memory one uses it. {@code clock} gives transaction timestamps (tests pin it for replay).
 * {@code ack}: when reducer calls are acknowledged by default; {@code salvage}: see {@link #withSalvage};
 * {@code maxLogLineBytes}: see {@link #withMaxLogLineBytes}; {@code authorities}: which authorities the node offers
 * and how far they reach (default {@link AuthorityConfig#headless()}); {@code logRetention}: how much log history the
 * node keeps after compaction for reading (default {@link LogRetention#DEFAULT}; docs/operability.md); {@code
 * branchLimits}: modules' branches and past reads (docs/time-travel.md); {@code executors}: see {@link #withExecutors}.
 */
public record NodeConfig(
        Path dataDir,
        String nodeId,
        EngineConfig engine,
        LongSupplier clock,
        GuestLogSink logSink,
        Ack ack,
        boolean salvage,
        int maxLogLineBytes,
        AuthorityConfig authorities,
        LogRetention logRetention,
        BranchLimits branchLimits,
        int executors) {

    public NodeConfig {
        if (executors < 1) throw new IllegalArgumentException("executors must be at least 1, not " + executors);
    }

    /** Default bound of one guest log line: longer lines are cut (and say how many bytes were cut). */
    public static final int DEFAULT_MAX_LOG_LINE_BYTES = 4096;

    public static NodeConfig inMemory() {
        return new NodeConfig(
                null,
                null,
                EngineConfig.defaults(),
                System::currentTimeMillis,
                GuestLogSink.slf4j(),
                Ack.DURABLE,
                false,
                DEFAULT_MAX_LOG_LINE_BYTES,
                AuthorityConfig.headless(),
                LogRetention.DEFAULT,
                BranchLimits.DEFAULT,
                1);
    }

    public static NodeConfig at(Path dataDir) {
        return inMemory().withDataDir(dataDir);
    }

    public NodeConfig withDataDir(Path dir) {
        return with(cfg -> cfg.dataDir = dir);
    }

    public NodeConfig withNodeId(String id) {
        return with(cfg -> cfg.nodeId = id);
    }

    public NodeConfig withEngine(EngineConfig e) {
        return with(cfg -> cfg.engine = e);
    }

    public NodeConfig withClock(LongSupplier c) {
        return with(cfg -> cfg.clock = c);
    }

    public NodeConfig withLogSink(GuestLogSink s) {
        return with(cfg -> cfg.logSink = s);
    }

    /** The default acknowledgement of reducer calls (each call may override it). */
    public NodeConfig withAck(Ack a) {
        return with(cfg -> cfg.ack = a);
    }

    /** Start even if the log is damaged before its tail, dropping everything from the damage on (reported). */
    public NodeConfig withSalvage(boolean s) {
        return with(cfg -> cfg.salvage = s);
    }

    /** Guest log lines longer than this many bytes are cut to it (at a character boundary) and end with how much was cut. */
    public NodeConfig withMaxLogLineBytes(int n) {
        if (n < 1) throw new IllegalArgumentException("maxLogLineBytes must be at least 1, not " + n);
        return with(cfg -> cfg.maxLogLineBytes = n);
    }

    /** Which authorities the node offers, its file root and network policy. */
    public NodeConfig withAuthorities(AuthorityConfig a) {
        return with(cfg -> cfg.authorities = a);
    }

    /** How much log history is kept after compaction ({@link LogRetention#NONE}: none). */
    public NodeConfig withLogRetention(LogRetention r) {
        return with(cfg -> cfg.logRetention = r);
    }

    /** How many branches a module may keep and how big they and its past reads may grow (docs/time-travel.md). */
    public NodeConfig withBranchLimits(BranchLimits b) {
        return with(cfg -> cfg.branchLimits = b);
    }

    /**
     * How many top-level reducer calls may execute at once: 1 (the default) runs them one at a time under the execution
     * lock; more runs them optimistically and commits each, validated, in one total order (docs/parallel-execution.md).
     */
    public NodeConfig withExecutors(int n) {
        return with(cfg -> cfg.executors = n);
    }

    /** A copy of this configuration with {@code change} applied to its settings. */
    private NodeConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The settings of a configuration, to change some and make a new one. */
    private static final class Copy {
        Path dataDir;
        String nodeId;
        EngineConfig engine;
        LongSupplier clock;
        GuestLogSink logSink;
        Ack ack;
        boolean salvage;
        int maxLogLineBytes;
        AuthorityConfig authorities;
        LogRetention logRetention;
        BranchLimits branchLimits;
        int executors;

        Copy(NodeConfig o) {
            dataDir = o.dataDir;
            nodeId = o.nodeId;
            engine = o.engine;
            clock = o.clock;
            logSink = o.logSink;
            ack = o.ack;
            salvage = o.salvage;
            maxLogLineBytes = o.maxLogLineBytes;
            authorities = o.authorities;
            logRetention = o.logRetention;
            branchLimits = o.branchLimits;
            executors = o.executors;
        }

        NodeConfig build() {
            return new NodeConfig(
                    dataDir,
                    nodeId,
                    engine,
                    clock,
                    logSink,
                    ack,
                    salvage,
                    maxLogLineBytes,
                    authorities,
                    logRetention,
                    branchLimits,
                    executors);
        }
    }
}
