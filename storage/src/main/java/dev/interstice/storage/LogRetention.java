package dev.interstice.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the log a snapshot already covers is kept for reading history ({@code wal/}'s covered segments move to
 * {@code history/}; recovery never replays them). A covered segment is deleted once it is older than {@code maxAge}
 * (by its last write) or once the kept segments exceed {@code maxBytes}, oldest first: whichever bound is hit first.
 * Either bound 0 keeps nothing (covered segments are deleted at once, as before retention existed).
 */
public record LogRetention(Duration maxAge, long maxBytes) {
    /**
     * A day, but at most 1 GiB: a quiet node keeps a day of history, a busy one (about 10k small transactions per
     * second write ~1 MB/s) keeps its last quarter of an hour or so, and disk use stays bounded either way.
     */
    public static final LogRetention DEFAULT = new LogRetention(Duration.ofHours(24), 1L << 30);

    /** Covered segments are deleted at once. */
    public static final LogRetention NONE = new LogRetention(Duration.ZERO, 0);

    public LogRetention {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative())
            throw new IllegalArgumentException("log retention age must not be negative: " + maxAge);
        if (maxBytes < 0) throw new IllegalArgumentException("log retention bytes must not be negative: " + maxBytes);
    }

    /** Whether covered segments are deleted at once. */
    public boolean keepsNothing() {
        return maxAge.isZero() || maxBytes == 0;
    }
}
