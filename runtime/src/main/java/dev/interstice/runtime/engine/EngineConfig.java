package dev.interstice.runtime.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits applied to every guest run by a {@link WasmEngine}.
 *
 * @param maxMemoryBytes cap on each instance's linear memory; rounded down to whole 64 KiB pages
 * @param callDeadline wall-clock budget of one outermost guest entry on a thread, nested entries included
 */
public record EngineConfig(long maxMemoryBytes, Duration callDeadline) {

    public static final long DEFAULT_MAX_MEMORY_BYTES = 256L * 1024 * 1024;
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(5);

    public EngineConfig {
        Objects.requireNonNull(callDeadline, "callDeadline");
        if (maxMemoryBytes < 0) {
            throw new IllegalArgumentException("maxMemoryBytes must be >= 0, got " + maxMemoryBytes);
        }
        if (callDeadline.isNegative() || callDeadline.isZero()) {
            throw new IllegalArgumentException("callDeadline must be positive, got " + callDeadline);
        }
    }

    /** 256 MiB of linear memory per instance, 5 s per call. */
    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_MAX_MEMORY_BYTES, DEFAULT_CALL_DEADLINE);
    }

    public EngineConfig withMaxMemoryBytes(long bytes) {
        return new EngineConfig(bytes, callDeadline);
    }

    public EngineConfig withCallDeadline(Duration deadline) {
        return new EngineConfig(maxMemoryBytes, deadline);
    }
}
