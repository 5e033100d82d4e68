package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A crash while writing leaves a partial last record: recovery truncates it with a warning. */
class TornTailTest {
    @TempDir
    Path tmp;

    /** Frame boundaries of a segment file: offsets where records start, plus the end. */
    static List<Integer> boundaries(byte[] data) {
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        out.add(0);
        while (pos < data.length) {
            pos += WalFormat.HEADER + WalFormat.payloadLen(data, pos);
            out.add(pos);
        }
        assertThat(pos).isEqualTo(data.length);
        return out;
    }

    private Path writeLog(String name, int txs, boolean durableEach) {
        Path dir = tmp.resolve(name);
        try (Storage s = Storage.open(exactLayout(cfg(dir)), BOTH)) {
            for (int i = 1; i <= txs; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + i, "v" + i), put(STATE, "counter", "" + i)));
                if (durableEach) s.whenDurable(lsn).join();
            }
        }
        return dir;
    }

    @Test
    void truncatingInsideTheLastRecordAtEveryOffset() {
        Path src = writeLog("src", 6, true);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        List<Integer> b = boundaries(full);
        int lastStart = b.get(b.size() - 2);
        ListAppender<ILoggingEvent> logs = captureWarnings();
        try {
            tornLastRecord(src, seg, full, lastStart, logs);
        } finally {
            releaseWarnings(logs);
        }
    }

    private void tornLastRecord(Path src, Path seg, byte[] full, int lastStart, ListAppender<ILoggingEvent> logs) {
        for (int c = lastStart; c < full.length; c++) {
            int cut = c;
            Path dir = tmp.resolve("cut" + cut);
            copyTree(src, dir);
            write(dir.resolve("wal").resolve(seg.getFileName()), Arrays.copyOf(full, cut));
            logs.list.clear();
            try (Storage s = Storage.open(cfg(dir), BOTH)) {
                RecoveredState r = s.recovered();
                assertThat(rows(s, LOG)).hasSize(5).doesNotContainKey("k6");
                assertThat(rows(s, STATE)).isEqualTo(Map.of("counter", "5"));
                assertThat(r.lastTxId()).isEqualTo(5);
                if (cut == lastStart) {
                    assertThat(r.warnings()).isEmpty();
                } else {
                    assertThat(r.warnings())
                            .singleElement()
                            .asString()
                            .contains(seg.getFileName().toString())
                            .contains("offset " + lastStart)
                            .contains("truncated " + (cut - lastStart) + " bytes");
                    assertThat(r.truncations()).singleElement().satisfies(t -> {
                        assertThat(t.offset()).isEqualTo(lastStart);
                        assertThat(t.bytesDropped()).isEqualTo(cut - lastStart);
                        assertThat(t.salvaged()).isFalse();
                    });
                    assertThat(logs.list).anySatisfy(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage())
                                .contains(dir.resolve("wal")
                                        .resolve(seg.getFileName())
                                        .toString())
                                .contains("offset " + lastStart)
                                .contains((cut - lastStart) + " bytes");
                    });
                }
                // the repaired log is usable: append and reopen cleanly
                s.append(tx(100, put(LOG, "after", "crash")));
            }
            try (Storage s = Storage.open(cfg(dir), BOTH)) {
                assertThat(s.recovered().warnings()).isEmpty();
                assertThat(rows(s, LOG)).containsEntry("after", "crash").hasSize(6);
            }
            deleteTree(dir);
        }
    }

    @Test
    void truncatingTheWholeSmallLogAtEveryOffset() {
        Path src = writeLog("small", 3, false);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        List<Integer> b = boundaries(full);
        assertThat(b).hasSize(6); // 2 declarations + 3 transactions, plus the end
        Path dir = tmp.resolve("each");
        for (int cut = 0; cut <= full.length; cut++) {
            deleteTree(dir);
            copyTree(src, dir);
            write(dir.resolve("wal").resolve(seg.getFileName()), Arrays.copyOf(full, cut));
            int complete = 0;
            while (complete + 1 < b.size() && b.get(complete + 1) <= cut) complete++;
            int txs = Math.max(0, complete - 2);
            try (Storage s = Storage.open(cfg(dir), BOTH)) {
                TreeMap<String, String> expected = new TreeMap<>();
                for (int i = 1; i <= txs; i++) expected.put("k" + i, "v" + i);
                assertThat(rows(s, LOG)).as("cut at %d", cut).isEqualTo(expected);
                assertThat(rows(s, STATE)).isEqualTo(txs == 0 ? Map.of() : Map.of("counter", "" + txs));
                // a torn record whose written part is all zeros (its first bytes can be, e.g. a small timestamp's) is
                // the clean end of a preallocated segment: nothing to warn about, and nothing of it was acknowledged
                boolean clean = b.contains(cut) || zeros(full, b.get(complete), cut);
                assertThat(s.recovered().warnings()).as("cut at %d", cut).hasSize(clean ? 0 : 1);
            }
        }
    }

    private static boolean zeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) if (bytes[i] != 0) return false;
        return true;
    }

    @Test
    void zerosAfterTheLastRecordAreTheCleanEndOfAPreallocatedSegment() {
        Path src = writeLog("prezeros", 3, true);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        write(seg, Arrays.copyOf(full, full.length + 8192));
        try (Storage s = Storage.open(cfg(src), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(3);
            assertThat(s.recovered().warnings()).isEmpty();
            s.whenDurable(s.append(tx(4, put(LOG, "k4", "v4")))).join(); // written over the zeros
        }
        try (Storage s = Storage.open(cfg(src), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(4);
            assertThat(s.recovered().warnings()).isEmpty();
        }
    }

    @Test
    void partialRecordBeforeZerosIsATornTail() {
        Path src = writeLog("partial", 3, true);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        List<Integer> b = boundaries(full);
        int lastStart = b.get(b.size() - 2);
        byte[] torn = Arrays.copyOf(full, full.length + 8192);
        Arrays.fill(torn, lastStart + 30, torn.length, (byte) 0); // the record's second half never reached the disk
        write(seg, torn);
        try (Storage s = Storage.open(cfg(src), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(2);
            assertThat(s.recovered().warnings()).singleElement().asString().contains("offset " + lastStart);
        }
    }

    @Test
    void garbageAfterTheLastRecordIsATornTail() {
        Path src = writeLog("zeros", 3, true);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        for (byte fill : new byte[] {(byte) 0xFF, 0x5A}) {
            Path dir = tmp.resolve("fill" + fill);
            copyTree(src, dir);
            byte[] longer = Arrays.copyOf(full, full.length + 4096);
            Arrays.fill(longer, full.length, longer.length, fill);
            write(dir.resolve("wal").resolve(seg.getFileName()), longer);
            try (Storage s = Storage.open(cfg(dir), BOTH)) {
                assertThat(rows(s, LOG)).hasSize(3);
                assertThat(s.recovered().warnings()).singleElement().asString().contains("4096 bytes");
            }
            assertThat(readAll(dir.resolve("wal").resolve(seg.getFileName()))).hasSize(full.length);
        }
    }

    @Test
    void tornUnacknowledgedBatchWithLaterValidRecordsIsATornTail() {
        // All records written in one batch (nobody waited): a damaged record followed by intact ones from the same
        // unsynced batch can be a torn write (pages persisted out of order), so recovery truncates with a warning.
        Path src = writeLog("batch", 10, false);
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        List<Integer> b = boundaries(full);
        int victim = b.get(6); // start of the 5th transaction
        byte[] bad = flip(full, victim + WalFormat.HEADER + 3, 2);
        write(seg, bad);
        try (Storage s = Storage.open(cfg(src), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(4);
            assertThat(s.recovered().warnings()).singleElement().asString().contains("unacknowledged");
            assertThat(s.recovered().truncations().getFirst().lastLostLsn()).isEqualTo(12);
        }
    }

    static void releaseWarnings(ListAppender<ILoggingEvent> app) {
        Logger logger = (Logger) LoggerFactory.getLogger(Recovery.class);
        logger.detachAppender(app);
        logger.setLevel(null);
    }

    static ListAppender<ILoggingEvent> captureWarnings() {
        Logger logger = (Logger) LoggerFactory.getLogger(Recovery.class);
        logger.setLevel(Level.WARN);
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        logger.addAppender(app);
        return app;
    }
}
