package dev.interstice.runtime.store;

import java.time.Duration;

/**
 * Bounds on what a module may keep in the content store (docs/security.md).
 *
 * @param maxBlobBytes largest single content
 * @param maxModuleBytes total of distinct content across a module's stores
 * @param maxStores stores one module may make with {@code new}
 * @param maxLabelBytes a label's length in UTF-8 bytes
 * @param maxRefsPerLabel content refs one label may hold
 * @param grace how long content no label references is kept before a collection removes it
 */
public record StoreLimits(
        int maxBlobBytes, long maxModuleBytes, int maxStores, int maxLabelBytes, int maxRefsPerLabel, Duration grace) {
    public static StoreLimits defaults() {
        return new StoreLimits(16 << 20, 1L << 30, 64, 1024, 1024, Duration.ofHours(1));
    }

    public StoreLimits withGrace(Duration g) {
        return new StoreLimits(maxBlobBytes, maxModuleBytes, maxStores, maxLabelBytes, maxRefsPerLabel, g);
    }

    public StoreLimits withMaxModuleBytes(long n) {
        return new StoreLimits(maxBlobBytes, n, maxStores, maxLabelBytes, maxRefsPerLabel, grace);
    }
}
