package dev.interstice.runtime.node;

import dev.interstice.runtime.engine.EngineConfig;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * How to open a node. {@code dataDir} null means nothing is kept on disk. {@code nodeId} null means: the id stored in
 * the data directory, or a new random one. {@code clock} gives transaction timestamps (tests pin it for replay).
 */
public record NodeConfig(Path dataDir, String nodeId, EngineConfig engine, LongSupplier clock, GuestLogSink logSink) {

    public static NodeConfig inMemory() {
        return new NodeConfig(null, null, EngineConfig.defaults(), System::currentTimeMillis, GuestLogSink.slf4j());
    }

    public static NodeConfig at(Path dataDir) {
        return inMemory().withDataDir(dataDir);
    }

    public NodeConfig withDataDir(Path dir) { return new NodeConfig(dir, nodeId, engine, clock, logSink); }

    public NodeConfig withNodeId(String id) { return new NodeConfig(dataDir, id, engine, clock, logSink); }

    public NodeConfig withEngine(EngineConfig e) { return new NodeConfig(dataDir, nodeId, e, clock, logSink); }

    public NodeConfig withClock(LongSupplier c) { return new NodeConfig(dataDir, nodeId, engine, c, logSink); }

    public NodeConfig withLogSink(GuestLogSink s) { return new NodeConfig(dataDir, nodeId, engine, clock, s); }
}
