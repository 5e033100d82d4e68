package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Preallocated (zero-filled) segments: crash images recover cleanly, nothing is left behind on close. */
@Timeout(60)
class PreallocationTest {
    @TempDir
    Path tmp;

    @Test
    void crashImageWithAPreallocatedActiveSegmentRecoversWithoutWarnings() throws Exception {
        Path dir = tmp.resolve("live");
        Path image = tmp.resolve("image");
        StorageConfig c = cfg(dir);
        TreeMap<String, String> expected = new TreeMap<>();
        try (Storage s = Storage.open(c.withAutoCompaction(false), BOTH)) {
            long lsn = 0;
            for (int i = 0; i < 3000; i++) {
                lsn = s.append(tx(i, put(LOG, "k" + (i % 500), "v" + i), put(STATE, "s" + (i % 10), "v" + i)));
                expected.put("k" + (i % 500), "v" + i);
                if (i % 50 == 0) s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
            }
            s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
            assertThat(s.stats().segmentsSealed()).isGreaterThan(2);
            Path active = lastSegment(dir);
            assertThat(Files.size(active)).as("active segment is preallocated").isEqualTo(c.segmentBytes());
            copyTree(dir, image); // what a SIGKILL or power cut leaves: a zero-filled tail
        }
        assertThat(Files.size(lastSegment(dir))).as("trimmed on close").isLessThan(c.segmentBytes());
        try (var st = Files.list(dir.resolve("wal"))) {
            assertThat(st.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        for (Path p : new Path[] {image, dir}) {
            try (Storage s = Storage.open(cfg(p), BOTH)) {
                assertThat(s.recovered().warnings()).isEmpty();
                assertThat(rows(s, LOG)).isEqualTo(expected);
                assertThat(rows(s, STATE)).hasSize(10).containsEntry("s9", "v2999");
                s.whenDurable(s.append(tx(5000, put(LOG, "after", "reopen")))).get(5, TimeUnit.SECONDS);
            }
            try (Storage s = Storage.open(cfg(p), BOTH)) {
                assertThat(s.recovered().warnings()).isEmpty();
                assertThat(rows(s, LOG)).containsEntry("after", "reopen").hasSize(expected.size() + 1);
            }
        }
    }

    @Test
    void sealedSegmentsAreTrimmedAndCompactionReadsThem() throws Exception {
        try (Storage s = Storage.open(cfg(tmp).withAutoCompaction(false), BOTH)) {
            for (int i = 0; i < 2000; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + i, "x".repeat(50))));
                if (i % 100 == 0) s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
            }
            java.util.List<Path> segs = segments(tmp);
            for (Path p : segs.subList(0, segs.size() - 1))
                assertThat(Files.size(p)).isLessThan(2L * cfg(tmp).segmentBytes());
            s.snapshotNow();
            assertThat(segments(tmp)).hasSize(1);
        }
        try (Storage s = Storage.open(cfg(tmp), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(2000);
        }
    }
}
