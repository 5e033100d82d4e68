package dev.interstice.runtime.node;

import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.exec.Ack;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * How to open a node. {@code dataDir} null means nothing is kept on disk. {@code nodeId} null means: the id stored in
 * the data directory, or a new random one. {@code clock} gives transaction timestamps (tests pin it for replay).
 * {@code ack}: when reducer calls are acknowledged by default; {@code salvage}: see {@link #withSalvage}.
 */
public record NodeConfig(Path dataDir, String nodeId, EngineConfig engine, LongSupplier clock, GuestLogSink logSink,
                         Ack ack, boolean salvage) {

    public static NodeConfig inMemory() {
        return new NodeConfig(null, null, EngineConfig.defaults(), System::currentTimeMillis, GuestLogSink.slf4j(), Ack.DURABLE, false);
    }

    public static NodeConfig at(Path dataDir) {
        return inMemory().withDataDir(dataDir);
    }

    public NodeConfig withDataDir(Path dir) { return new NodeConfig(dir, nodeId, engine, clock, logSink, ack, salvage); }

    public NodeConfig withNodeId(String id) { return new NodeConfig(dataDir, id, engine, clock, logSink, ack, salvage); }

    public NodeConfig withEngine(EngineConfig e) { return new NodeConfig(dataDir, nodeId, e, clock, logSink, ack, salvage); }

    public NodeConfig withClock(LongSupplier c) { return new NodeConfig(dataDir, nodeId, engine, c, logSink, ack, salvage); }

    public NodeConfig withLogSink(GuestLogSink s) { return new NodeConfig(dataDir, nodeId, engine, clock, s, ack, salvage); }

    /** The default acknowledgement of reducer calls (each call may override it). */
    public NodeConfig withAck(Ack a) { return new NodeConfig(dataDir, nodeId, engine, clock, logSink, a, salvage); }

    /** Start even if the log is damaged before its tail, dropping everything from the damage on (reported). */
    public NodeConfig withSalvage(boolean s) { return new NodeConfig(dataDir, nodeId, engine, clock, logSink, ack, s); }
}
