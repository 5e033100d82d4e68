package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading committed transactions back: their origin, records of the format before origins, kept history. */
@Timeout(60)
class TxLogTest {
    @TempDir
    Path dir;

    private static TxOrigin origin(String reducer, byte[] args) {
        return new TxOrigin("mod", reducer, "", "node-1", "caller", args);
    }

    private List<TxLog.Entry> readAll(long fromTx) throws IOException {
        return TxLog.read(dir, fromTx, Integer.MAX_VALUE, Long.MAX_VALUE, r -> true);
    }

    @Test
    void originRoundTripsAndRecordsWithoutOneStillRead() throws IOException {
        TxOrigin big = new TxOrigin("mod", "r", "mod.logged.insert", "n", "", new byte[300]); // a 2-byte length
        var first = new TxRecord(1, 1000, List.of(put(LOG, "a", "1")), origin("set", new byte[] {1, 2, 3}));
        var second = new TxRecord(2, 2000, List.of(del(LOG, "a"), put(STATE, "s", "x")));
        var third = new TxRecord(3, 3000, List.of(new Change.Clear(LOG)), big);
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.append(first);
            s.append(second);
            s.awaitDurable(s.append(third));
        }
        assertThat(readAll(0).stream().map(TxLog.Entry::record)).containsExactly(first, second, third);
        assertThat(readAll(2).stream().map(e -> e.record().txId())).containsExactly(2L, 3L);
        try (Storage s = Storage.open(cfg(dir), BOTH)) { // the origin takes no part in recovery
            assertThat(rows(s, LOG)).isEmpty();
            assertThat(rows(s, STATE)).containsExactly(Map.entry("s", "x"));
            assertThat(s.recovered().lastTxId()).isEqualTo(3);
        }
    }

    /** A segment as the log was written before records had an origin (flags 1), built byte by byte. */
    /** A record keeps its reducers' inputs (answers from the world, in call order) beside its origin and trace. */
    @Test
    void inputsRoundTripAndRecordsWithoutThemReadEmpty() throws IOException {
        var calls = List.of(new TxTrace.Call(TxTrace.Kind.LOCAL, 1, "", "", "helper", "bump"));
        var with = new TxRecord(
                1,
                1000,
                List.of(put(LOG, "a", "1")),
                origin("read", new byte[0]),
                new TxTrace(null, calls),
                List.of(new byte[] {1, 2}, new byte[0], new byte[200]));
        var without = new TxRecord(2, 2000, List.of(put(LOG, "b", "2")), origin("set", new byte[0]));
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.append(with);
            s.awaitDurable(s.append(without));
        }
        List<TxLog.Entry> read = readAll(0);
        assertThat(read.get(0).record().inputs()).containsExactly(new byte[] {1, 2}, new byte[0], new byte[200]);
        assertThat(read.get(0).record().trace()).isEqualTo(with.trace());
        assertThat(read.get(0).record().changes()).isEqualTo(with.changes());
        assertThat(read.get(1).record().inputs()).isEmpty();
        try (Storage s = Storage.open(cfg(dir), BOTH)) { // the inputs take no part in recovery
            assertThat(rows(s, LOG)).hasSize(2);
        }
    }

    @Test
    void recordsOfTheFormatBeforeOriginsRecoverAndRead() throws IOException {
        Files.createDirectories(dir.resolve("wal"));
        Bytes.Sink seg = new Bytes.Sink(256);
        frame(seg, 1, p -> p.u8(0).varint(1).u8(4).varint(1).u8(0).string("mod").string("logged")); // DECLARE LOGGED
        frame(
                seg,
                2,
                p -> p.u8(1)
                        .u64(7)
                        .u64(1234)
                        .varint(1)
                        .u8(1)
                        .varint(1)
                        .lenBytes(b("k"))
                        .lenBytes(b("v")));
        Files.write(dir.resolve("wal").resolve(Segments.name(1)), java.util.Arrays.copyOf(seg.buf, seg.len));

        List<TxLog.Entry> read = readAll(0);
        assertThat(read).containsExactly(new TxLog.Entry(2, new TxRecord(7, 1234, List.of(put(LOG, "k", "v")))));
        assertThat(read.getFirst().record().origin()).isNull();
        try (Storage s = Storage.open(cfg(dir), Map.of(LOG, dev.interstice.abi.schema.Persistence.LOGGED))) {
            assertThat(rows(s, LOG)).containsExactly(Map.entry("k", "v"));
            assertThat(s.recovered().lastTxId()).isEqualTo(7);
        }
    }

    @Test
    void traceRoundTripsBesideTheOriginAndTheAuditChain() throws IOException {
        var calls = List.of(
                new TxTrace.Call(TxTrace.Kind.LOCAL, 1, "", "", "helper", "bump"),
                new TxTrace.Call(TxTrace.Kind.LOCAL, 2, "", "", "deep", "inner"),
                new TxTrace.Call(TxTrace.Kind.SCHEDULE, 1, "", "", "mod", "later"),
                new TxTrace.Call(TxTrace.Kind.REMOTE, 2, "bank-node", "127.0.0.1:4000", "bank", "record"),
                new TxTrace.Call(TxTrace.Kind.MORE, 5, "", "", "", ""));
        var root = new TxRecord(
                1, 1000, List.of(put(LOG, "a", "1")), origin("start", new byte[0]), new TxTrace(null, calls));
        var child = new TxRecord(
                2,
                1001,
                List.of(put(LOG, "b", "2")),
                origin("on_a", new byte[0]),
                new TxTrace(new TxTrace.Parent("", 1, "", 1), List.of()));
        var remote = new TxRecord(
                3,
                1002,
                List.of(put(LOG, "c", "3")),
                origin("record", new byte[0]),
                new TxTrace(new TxTrace.Parent("node-a", 9, "node-b", 12), List.of()));
        var fromRoot = new TxRecord(
                4,
                1003,
                List.of(put(LOG, "e", "5")),
                origin("record", new byte[0]),
                new TxTrace(new TxTrace.Parent("node-a", 9, "node-a", 9), List.of())); // one node id kept
        var plain = new TxRecord(5, 1004, List.of(put(LOG, "d", "4")), origin("set", new byte[0]), null);
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            for (TxRecord r : List.of(root, child, remote, fromRoot)) s.append(r);
            s.awaitDurable(s.append(plain));
        }
        assertThat(readAll(0).stream().map(TxLog.Entry::record)).containsExactly(root, child, remote, fromRoot, plain);
        assertThat(readAll(0).getLast().record().trace()).isNull();
        var audit = AuditLog.verify(dir, null); // the trace is part of what the chain covers
        assertThat(audit.problems()).isEmpty();
        assertThat(audit.chains()).isNotEmpty();
        try (Storage s = Storage.open(cfg(dir), BOTH)) { // and takes no part in recovery
            assertThat(rows(s, LOG)).hasSize(5);
        }
    }

    /** A record with an origin as written before records had a trace (flags 3), built byte by byte: no trace. */
    @Test
    void recordsOfTheFormatBeforeTracesRead() throws IOException {
        Files.createDirectories(dir.resolve("wal"));
        Bytes.Sink seg = new Bytes.Sink(256);
        frame(seg, 1, p -> p.u8(0).varint(1).u8(4).varint(1).u8(0).string("mod").string("logged"));
        Bytes.Sink o = new Bytes.Sink(64);
        origin("set", new byte[] {9}).encode(o);
        frame(
                seg,
                2,
                p -> p.u8(3)
                        .u64(7)
                        .u64(1234)
                        .lenBytes(o.buf, 0, o.len)
                        .varint(1)
                        .u8(1)
                        .varint(1)
                        .lenBytes(b("k"))
                        .lenBytes(b("v")));
        Files.write(dir.resolve("wal").resolve(Segments.name(1)), java.util.Arrays.copyOf(seg.buf, seg.len));
        TxRecord r = readAll(0).getFirst().record();
        assertThat(r.origin()).isEqualTo(origin("set", new byte[] {9}));
        assertThat(r.trace()).isNull();
    }

    private static void frame(Bytes.Sink out, long lsn, java.util.function.Consumer<Bytes.Sink> payload) {
        Bytes.Sink p = new Bytes.Sink(64);
        payload.accept(p);
        int at = out.len;
        out.u32(0).u32(p.len).u64(lsn).u64(0).bytes(p.buf, 0, p.len);
        WalFormat.seal(out.buf, at, lsn);
    }

    @Test
    void compactionKeepsCoveredSegmentsReadableAndRecoveryUnchanged() throws IOException {
        StorageConfig small = cfg(dir).withSegmentBytes(8192).withAutoCompaction(false);
        TreeMap<String, String> expected = new TreeMap<>();
        try (Storage s = Storage.open(small, BOTH)) {
            for (int i = 1; i <= 1000; i++) {
                long lsn = s.append(
                        new TxRecord(i, i, List.of(put(LOG, "k" + (i % 50), "v" + i)), origin("set", b("" + i))));
                if (i % 20 == 0) s.whenDurable(lsn).join(); // segments roll between write batches
                expected.put("k" + (i % 50), "v" + i);
            }
            s.snapshotNow();
            assertThat(segments(dir)).hasSize(1); // wal/ holds only the new active segment, as before
            assertThat(kept()).isNotEmpty();
            List<TxLog.Entry> all = readAll(1);
            assertThat(all).hasSize(1000);
            assertThat(all.get(499).record().origin().args()).isEqualTo(b("500"));
            assertThat(readAll(990).stream().map(e -> e.record().txId()))
                    .startsWith(990L)
                    .hasSize(11);
            assertThat(TxLog.read(dir, 10, 3, Long.MAX_VALUE, r -> r.txId() % 2 == 0).stream()
                            .map(e -> e.record().txId()))
                    .containsExactly(10L, 12L, 14L);
        }
        try (Storage s = Storage.open(small, BOTH)) {
            assertThat(rows(s, LOG)).isEqualTo(expected);
            assertThat(s.recovered().lastTxId()).isEqualTo(1000);
        }
        assertThat(readAll(1)).hasSize(1000); // a reopen keeps the history too
    }

    @Test
    void retentionNoneDeletesCoveredSegmentsAndABoundPrunesTheOldest() throws IOException {
        StorageConfig small = cfg(dir).withSegmentBytes(8192).withAutoCompaction(false);
        fill(small.withLogRetention(LogRetention.NONE), 1);
        assertThat(kept()).isEmpty();
        long bound = 20_000;
        fill(small.withLogRetention(new LogRetention(Duration.ofHours(1), bound)), 1001);
        long keptBytes = 0;
        for (Path p : kept()) keptBytes += Files.size(p);
        assertThat(keptBytes).isPositive().isLessThanOrEqualTo(bound);
        List<TxLog.Entry> all = readAll(0);
        assertThat(all.getFirst().record().txId()).isGreaterThan(1001); // the oldest were pruned
        assertThat(all.getLast().record().txId()).isEqualTo(2000);
    }

    private void fill(StorageConfig c, long firstTx) {
        try (Storage s = Storage.open(c, BOTH)) {
            for (long i = firstTx; i < firstTx + 1000; i++) {
                long lsn = s.append(new TxRecord(i, i, List.of(put(LOG, "k" + (i % 50), "v" + i))));
                if (i % 20 == 0) s.whenDurable(lsn).join();
            }
            s.snapshotNow();
        }
    }

    private List<Path> kept() throws IOException {
        Path h = dir.resolve("history");
        if (!Files.isDirectory(h)) return List.of();
        try (Stream<Path> st = Files.list(h)) {
            return new ArrayList<>(st.filter(p -> p.toString().endsWith(".log")).toList());
        }
    }
}
