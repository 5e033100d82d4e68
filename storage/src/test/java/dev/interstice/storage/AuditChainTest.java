package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every module's committed transactions form a hash chain that survives restarts and compaction and shows tampering. */
@Timeout(60)
class AuditChainTest {
    static final TableId OTHER = new TableId("other", "t");
    static final Map<TableId, Persistence> THREE =
            Map.of(LOG, Persistence.LOGGED, STATE, Persistence.STATEFUL, OTHER, Persistence.LOGGED);

    @TempDir
    Path dir;

    private StorageConfig small() {
        return cfg(dir).withSegmentBytes(8192).withAutoCompaction(false);
    }

    /** Transactions from {@code from}: most touch "mod", every third also "other", every fifth only "other". */
    private static void fill(Storage s, int from, int n) {
        for (int i = from; i < from + n; i++) {
            List<Change> changes = i % 5 == 0
                    ? List.of(put(OTHER, "o" + i, "x"))
                    : i % 3 == 0
                            ? List.of(put(LOG, "k" + (i % 40), "v" + i), put(OTHER, "o" + i, "y"))
                            : List.of(put(LOG, "k" + (i % 40), "v" + i), put(STATE, "s" + (i % 7), "w" + i));
            long lsn = s.append(new TxRecord(i, 1000 + i, changes));
            if (i % 25 == 0) s.whenDurable(lsn).join(); // several write batches: segments roll between them
        }
    }

    private AuditLog.Report verify() throws IOException {
        return AuditLog.verify(dir, null);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void chainsVerifyFromGenesisAndContinueAcrossRestartsAndCompaction() throws IOException {
        Map<String, byte[]> heads;
        try (Storage s = Storage.open(small(), THREE)) {
            fill(s, 1, 300);
        }
        try (Storage s = Storage.open(small(), THREE)) { // heads recovered from the log
            fill(s, 301, 300);
            s.snapshotNow();
            fill(s, 601, 100);
            heads = s.auditHeads();
        }
        AuditLog.Report r = verify();
        assertThat(r.problems()).isEmpty();
        assertThat(r.rowFiles()).isEqualTo(7);
        assertThat(r.chains()).extracting(AuditLog.Chain::module).containsExactly("mod", "other");
        assertThat(r.chains()).allSatisfy(c -> assertThat(c.anchor()).isEqualTo("genesis"));
        assertThat(r.chains().getFirst().records()).isEqualTo(700 - 140); // all but the "other"-only fifths
        assertThat(r.chains().get(1).records()).isEqualTo(140 + 187); // fifths, plus thirds that are not fifths
        for (AuditLog.Chain c : r.chains()) assertThat(c.head()).isEqualTo(hex(heads.get(c.module())));

        try (Storage s = Storage.open(small().withLogRetention(LogRetention.NONE), THREE)) { // history deleted
            s.snapshotNow();
            fill(s, 701, 50);
            heads = s.auditHeads();
        }
        r = verify();
        assertThat(r.problems()).isEmpty();
        assertThat(r.chains()).allSatisfy(c -> assertThat(c.anchor()).startsWith("the snapshot at LSN"));
        for (AuditLog.Chain c : r.chains()) assertThat(c.head()).isEqualTo(hex(heads.get(c.module())));
    }

    @Test
    void aRecordChangedWithItsChecksumRecomputedBreaksTheChainThere() throws IOException {
        try (Storage s = Storage.open(small(), THREE)) {
            fill(s, 1, 300);
        }
        Path seg = segments(dir).get(1);
        byte[] data = readAll(seg);
        // the third record of the second segment: change one byte of its row, then make its CRC right again
        int pos = 0;
        for (int i = 0; i < 2; i++) pos += WalFormat.HEADER + WalFormat.payloadLen(data, pos);
        long lsn = WalFormat.lsn(data, pos);
        int len = WalFormat.payloadLen(data, pos);
        data[pos + WalFormat.HEADER + len - 40] ^= 1; // inside the last op's row, before the links
        WalFormat.seal(data, pos, WalFormat.syncedLsn(data, pos));
        write(seg, data);

        AuditLog.Report r = verify();
        assertThat(r.problems()).isNotEmpty();
        AuditLog.Problem p = r.problems().getFirst();
        assertThat(p.lsn()).isEqualTo(lsn);
        assertThat(p.file()).isEqualTo(seg.toString());
        assertThat(p.offset()).isEqualTo(pos);
        assertThat(p.what()).contains("breaks at LSN " + lsn);
    }

    @Test
    void aFlippedByteInAnyDataFileIsReportedWithItsFile() throws IOException {
        try (Storage s = Storage.open(small(), THREE)) {
            fill(s, 1, 300);
            s.snapshotNow();
            fill(s, 301, 100);
        }
        assertThat(verify().problems()).isEmpty();

        Path seg = segments(dir).getFirst(); // a record in the live log
        write(seg, flip(readAll(seg), 100, 3));
        Path snap = SnapshotFile.list(dir).getLast().path();
        write(snap, flip(readAll(snap), (int) Files.size(snap) / 2, 5));
        Path rowFile = rowFiles(dir, STATE).getFirst();
        write(rowFile, flip(readAll(rowFile), 12, 0));
        Path history = LogHistory.dir(dir);
        Path kept;
        try (var files = Files.list(history)) {
            kept = files.sorted().toList().get(1);
        }
        write(kept, flip(readAll(kept), 500, 1));

        List<String> files =
                verify().problems().stream().map(AuditLog.Problem::file).toList();
        assertThat(files).contains(seg.toString(), snap.toString(), rowFile.toString(), kept.toString());
    }

    @Test
    void anExportIsVerifiableWithSha256Alone() throws Exception {
        try (Storage s = Storage.open(small(), THREE)) {
            fill(s, 1, 200);
        }
        List<AuditLog.Link> links = new ArrayList<>();
        AuditLog.Start start = AuditLog.export(dir, "other", links::add);
        assertThat(start.prev()).isEqualTo(new byte[32]);
        assertThat(links).hasSize(40 + 66 - 13);
        // the documented rule, written out again: link = SHA-256(previous link || u64 LE lsn || payload up to the
        // links)
        byte[] prev = start.prev();
        for (AuditLog.Link l : links) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev);
            sha.update(java.nio.ByteBuffer.allocate(8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(l.lsn())
                    .array());
            sha.update(l.hashed());
            assertThat(sha.digest()).as("link at LSN %d", l.lsn()).isEqualTo(l.link());
            prev = l.link();
        }
    }

    @Test
    void anExportOfADamagedLogFails() throws IOException {
        try (Storage s = Storage.open(small(), THREE)) {
            fill(s, 1, 300);
        }
        Path seg = segments(dir).get(1);
        write(seg, flip(readAll(seg), 200, 2));
        assertThatThrownBy(() -> AuditLog.export(dir, "mod", l -> {}))
                .isInstanceOf(StorageCorruptionException.class)
                .hasMessageContaining(seg.getFileName().toString());
    }
}
