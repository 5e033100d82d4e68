package dev.interstice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StorageConfigTest {
    static final Path DIR = Path.of("data");

    @Test
    void defaultsCompactInTheBackgroundAndPreallocate() {
        StorageConfig c = StorageConfig.defaults(DIR);
        assertThat(c.autoCompaction()).isTrue();
        assertThat(c.periodicCompaction())
                .isEqualTo(StorageConfig.DEFAULT_PERIODIC_COMPACTION)
                .hasSeconds(60);
        assertThat(c.preallocateSegments()).isTrue();
        assertThat(new StorageConfig(DIR, 4096, Duration.ofMillis(5), true))
                .isEqualTo(StorageConfig.defaults(DIR)
                        .withSegmentBytes(4096)
                        .withFastFlushInterval(Duration.ofMillis(5))
                        .withSalvage(true));
    }

    @Test
    void eachWitherChangesOnlyItsSetting() {
        StorageConfig c = StorageConfig.defaults(DIR)
                .withAutoCompaction(false)
                .withPeriodicCompaction(Duration.ofSeconds(5))
                .withPreallocateSegments(false)
                .withDirectory(Path.of("other"));
        assertThat(c)
                .isEqualTo(new StorageConfig(
                        Path.of("other"),
                        StorageConfig.DEFAULT_SEGMENT_BYTES,
                        StorageConfig.DEFAULT_FAST_FLUSH_INTERVAL,
                        false,
                        false,
                        Duration.ofSeconds(5),
                        false));
    }

    @Test
    void aPeriodicCompactionIntervalMustBePositive() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)})
            assertThatThrownBy(() -> StorageConfig.defaults(DIR).withPeriodicCompaction(d))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("periodicCompaction must be positive");
        assertThatThrownBy(() -> StorageConfig.defaults(DIR).withPeriodicCompaction(null))
                .isInstanceOf(NullPointerException.class);
    }
}
