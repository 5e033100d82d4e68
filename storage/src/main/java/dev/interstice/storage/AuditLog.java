package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Checks a storage directory against its audit chains (see {@link AuditChain}) and exports them. Read-only and
 * lock-free like {@link TxLog}: it works on a stopped node's directory and beside a running one.
 *
 * <p>{@link #verify} re-derives every module's chain from the kept log ({@code history/} and {@code wal/}) and the
 * snapshot, and also reads every byte the CRCs cover (snapshot blocks, row files), so that a flipped byte in any data
 * file is reported with its file and offset. A chain starts at its genesis (32 zero bytes) when the kept log reaches
 * back to LSN 1, at the snapshot's link when the module's records before it are no longer kept, and otherwise at its
 * first kept link, which is then taken on trust (said in {@link Chain#anchor}).
 */
public final class AuditLog {
    private AuditLog() {}

    private static final HexFormat HEX = HexFormat.of();

    /** One link of a module's chain: the record's LSN and txId, the bytes its link covers, and the link. */
    public record Link(long lsn, long txId, byte[] hashed, byte[] link) {}

    /** What the chain of one module starts from: {@code prev} (null: the first link itself is the anchor). */
    public record Start(long lsn, byte[] prev, String anchor) {}

    /** A module's chain as verified: its records, first and last LSN, where it starts, and its newest link (hex). */
    public record Chain(String module, long records, long firstLsn, long lastLsn, String anchor, String head) {}

    /** Something that does not hold: the file and offset, the record's LSN (0: none) and module ("" : none). */
    public record Problem(String file, long offset, long lsn, String module, String what) {}

    /** The outcome of {@link #verify}: the LSN range read and every chain and problem found. */
    public record Report(
            long firstLsn, long lastLsn, long records, long rowFiles, List<Chain> chains, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Verifies the chains of every module, or of {@code module} only (null: all), and every data file's checksums. */
    public static Report verify(Path dir, String module) throws IOException {
        Walk w = new Walk(dir, module, null);
        w.run();
        long rowFiles = checkRowFiles(dir.resolve("rows"), w.problems);
        List<Chain> chains = new ArrayList<>();
        w.chains.forEach((m, s) -> chains.add(
                new Chain(m, s.records, s.firstLsn, s.lastLsn, s.anchor, s.prev == null ? "" : HEX.formatHex(s.prev))));
        return new Report(w.firstLsn, w.lastLsn, w.records, rowFiles, chains, w.problems);
    }

    /**
     * Streams {@code module}'s chain: returns where it starts and gives {@code out} each link in LSN order. Problems
     * found on the way (damaged records) end the export with a {@link StorageCorruptionException}.
     */
    public static Start export(Path dir, String module, Consumer<Link> out) throws IOException {
        Walk w = new Walk(dir, module, out);
        w.run();
        if (!w.problems.isEmpty()) {
            Problem p = w.problems.getFirst();
            throw new StorageCorruptionException(Path.of(p.file()), p.offset(), p.what());
        }
        ChainState s = w.chains.get(module);
        return s == null ? new Start(0, null, "no records") : s.start;
    }

    private static final class ChainState {
        byte[] prev;
        long records;
        long firstLsn;
        long lastLsn;
        String anchor = "";
        Start start;
    }

    /** One pass over the snapshot and the log, in LSN order. */
    private static final class Walk extends WalFormat.Skipping {
        private final Path dir;
        private final String only;
        private final Consumer<Link> out;
        private final MessageDigest sha = AuditChain.sha256();
        final Map<String, ChainState> chains = new TreeMap<>();
        final List<Problem> problems = new ArrayList<>();
        private Map<String, byte[]> snapshotHeads = Map.of();
        private long snapshotLsn = -1;
        private String snapshotFile = "";
        private boolean snapshotChecked;
        private boolean fromGenesis;
        private String file = "";
        private long lsn;
        private long txId;
        long firstLsn;
        long lastLsn;
        long records;

        Walk(Path dir, String only, Consumer<Link> out) {
            this.dir = dir;
            this.only = only;
            this.out = out;
        }

        void run() throws IOException {
            readSnapshot();
            List<Segments.OnDisk> segs = TxLog.segments(dir);
            fromGenesis = !segs.isEmpty() && segs.getFirst().firstLsn() == 1;
            long expected = segs.isEmpty() ? -1 : segs.getFirst().firstLsn();
            for (int i = 0; i < segs.size(); i++) {
                Segments.OnDisk s = segs.get(i);
                file = s.path().toString();
                if (s.firstLsn() != expected) {
                    problems.add(new Problem(
                            file,
                            0,
                            s.firstLsn(),
                            "",
                            "the log from LSN " + expected + " to " + (s.firstLsn() - 1) + " is missing"));
                    unanchorAll("after missing log");
                }
                byte[] data;
                try {
                    data = Files.readAllBytes(s.path());
                } catch (java.nio.file.NoSuchFileException moved) {
                    throw new IOException(
                            "the log changed while it was read (compaction moved " + file + "); run the command again",
                            moved);
                }
                Segments.Scan scan = Segments.scan(data, data.length, s.firstLsn(), null, this);
                expected = scan.nextLsn();
                if (!scan.clean()) {
                    boolean last = i == segs.size() - 1;
                    boolean unfinishedTail = last
                            && !scan.certainCorruption()
                            && Segments.scanLater(data, scan.validEnd(), data.length, scan.nextLsn())
                                            .count()
                                    == 0;
                    if (!unfinishedTail) {
                        problems.add(new Problem(file, scan.validEnd(), scan.nextLsn(), "", scan.badReason()));
                        unanchorAll("after a damaged record");
                    }
                    // the rest of this segment cannot be framed: the next segment continues from its first LSN
                    if (!last) expected = segs.get(i + 1).firstLsn();
                }
            }
            if (!snapshotChecked) checkSnapshot();
        }

        /** Reads the newest snapshot whole (every block's CRC) and keeps its chain links. */
        private void readSnapshot() throws IOException {
            List<SnapshotFile.OnDisk> snaps = SnapshotFile.list(dir);
            if (snaps.isEmpty()) return;
            SnapshotFile.OnDisk snap = snaps.getLast();
            snapshotFile = snap.path().toString();
            try (SnapshotFile.Reader r = new SnapshotFile.Reader(snap.path())) {
                snapshotLsn = r.lsn;
                snapshotHeads = Map.copyOf(r.chainHeads);
                while (r.nextSection() >= 0) {
                    // nextSection skips the rows: reading them checks every block's CRC
                }
            } catch (StorageCorruptionException e) {
                problems.add(new Problem(e.file().toString(), e.offset(), 0, "", "snapshot: " + e.getMessage()));
            }
        }

        /** At the snapshot's LSN: each module's chain so far must end in the snapshot's link, or starts there. */
        private void checkSnapshot() {
            snapshotChecked = true;
            snapshotHeads.forEach((m, head) -> {
                if (only != null && !only.equals(m)) return;
                ChainState s = chains.computeIfAbsent(m, k -> new ChainState());
                if (s.prev != null) {
                    if (!java.util.Arrays.equals(s.prev, head))
                        problems.add(new Problem(
                                snapshotFile,
                                0,
                                snapshotLsn,
                                m,
                                "the snapshot's link of module '" + m + "' is not the log's link at LSN " + snapshotLsn
                                        + ": the snapshot or the log was changed"));
                } else {
                    s.prev = head.clone();
                    s.anchor = "the snapshot at LSN " + snapshotLsn;
                    s.start = new Start(snapshotLsn, head.clone(), s.anchor);
                }
            });
        }

        private void unanchorAll(String why) {
            for (ChainState s : chains.values()) {
                s.prev = null;
                s.anchor = s.anchor + "; re-anchored " + why;
            }
        }

        @Override
        public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
            if (!snapshotChecked && snapshotLsn >= 0 && lsn > snapshotLsn) checkSnapshot();
            this.lsn = lsn;
            this.txId = txId;
            if (firstLsn == 0) firstLsn = lsn;
            lastLsn = lsn;
            records++;
        }

        @Override
        public void link(String module, byte[] buf, int hashOff, int payloadOff, int hashedLen) {
            if (only != null && !only.equals(module)) return;
            ChainState s = chains.computeIfAbsent(module, k -> new ChainState());
            byte[] stored = SnapshotFile.copy(buf, hashOff, AuditChain.HASH_BYTES);
            if (s.prev == null && s.records == 0 && fromGenesis) {
                s.prev = AuditChain.GENESIS; // the kept log starts at LSN 1: this is the module's first record ever
                s.anchor = "genesis";
                s.start = new Start(lsn, AuditChain.GENESIS, s.anchor);
            }
            if (s.prev == null) {
                if (s.records == 0) {
                    s.anchor = "its first kept link, at LSN " + lsn + " (older log is no longer kept)";
                    s.start = new Start(lsn, null, s.anchor);
                }
            } else {
                byte[] expected = AuditChain.link(sha, s.prev, lsn, buf, payloadOff, hashedLen);
                if (!java.util.Arrays.equals(expected, stored))
                    problems.add(new Problem(
                            file,
                            payloadOff - WalFormat.HEADER,
                            lsn,
                            module,
                            "the chain of module '" + module + "' breaks at LSN " + lsn + " (transaction " + txId
                                    + "): its link does not follow from the record and the previous link"));
            }
            s.prev = stored;
            if (s.records == 0) s.firstLsn = lsn;
            s.records++;
            s.lastLsn = lsn;
            if (out != null) out.accept(new Link(lsn, txId, SnapshotFile.copy(buf, payloadOff, hashedLen), stored));
        }
    }

    /** Reads every row file under {@code rows/} and checks its CRC; returns how many were read. */
    private static long checkRowFiles(Path rows, List<Problem> problems) throws IOException {
        if (!Files.isDirectory(rows)) return 0;
        long n = 0;
        try (Stream<Path> files = Files.walk(rows)) {
            for (Path p : (Iterable<Path>) files.filter(RowFiles::isRowFile)::iterator) {
                try {
                    RowFiles.decode(p, Files.readAllBytes(p));
                    n++;
                } catch (StorageCorruptionException e) {
                    problems.add(new Problem(p.toString(), 0, 0, "", e.getMessage()));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a running node replaced or deleted it meanwhile
                }
            }
        }
        return n;
    }
}
