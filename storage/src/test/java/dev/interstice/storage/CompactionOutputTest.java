package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes a compaction writes: a fixed workload over every merge path (first snapshot, merge into the old
 * snapshot, LOGGED to STATEFUL and back, a table dropped and one re-declared) must produce exactly the snapshot
 * files and row files the reference implementation produced (SHA-256 recorded below). A change of these digests
 * is a change of the on-disk format.
 */
@Timeout(60)
class CompactionOutputTest {
    static final TableId A = new TableId("golden", "a");
    static final TableId B = new TableId("golden", "b");
    static final TableId C = new TableId("golden", "c");
    static final TableId D = new TableId("golden", "d");
    static final TableId E = new TableId("golden", "e");

    /** Digest of (snapshot file, row files) after each of the four rounds (snapshot version 2: with chain links). */
    static final List<String> EXPECTED = List.of(
            "d9fe68ce6c50688d85d068f08e9e6876dbb2f10f23b72ecfbae81f089cd05e8d",
            "3821311c33b8172eda3d13bea633c7847a76b0ef4d8ed04d30d19b0b73851e41",
            "067bd22b85fd9d04ab836fc9ac5a089564c9f1424edbf0b69a7e88689c0e27af",
            "d7eed6823c8a53afb273c11d0534c3e5c4bb91ad2f775e113db457dc92f0ca14");

    @TempDir
    Path dir;

    @Test
    void compactionOutputIsByteIdenticalToTheReference() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        List<String> digests = new ArrayList<>();
        long txId = 0;
        try (Storage s = Storage.open(cfg(dir).withAutoCompaction(false), Map.of())) {
            // one by one: table numbers follow declaration order (Map.of iterates in a per-JVM order)
            s.declareTable(A, Persistence.LOGGED);
            s.declareTable(B, Persistence.STATEFUL);
            s.declareTable(C, Persistence.LOGGED);
            s.declareTable(D, Persistence.STATEFUL);
            s.declareTable(E, Persistence.LOGGED);
            for (int round = 0; round < 4; round++) {
                switch (round) {
                    case 1 -> s.dropTable(E);
                    case 2 -> {
                        s.declareTable(C, Persistence.STATEFUL);
                        s.declareTable(D, Persistence.LOGGED);
                        s.declareTable(E, Persistence.STATEFUL);
                    }
                    case 3 -> s.append(new TxRecord(++txId, 0, List.of(new Change.Clear(A))));
                    default -> {}
                }
                for (int i = 0; i < 250; i++) {
                    List<Change> changes = new ArrayList<>();
                    for (int c = 1 + r.nextInt(3); c > 0; c--) {
                        TableId t = List.of(A, B, C, D, E).get(r.nextInt(round == 1 ? 4 : 5));
                        byte[] k = DeltaTest.key(r, r.nextInt(12));
                        if (r.nextInt(5) == 0) {
                            changes.add(new Change.Delete(t, k));
                        } else {
                            byte[] row = new byte[r.nextInt(40)];
                            r.nextBytes(row);
                            changes.add(new Change.Put(t, k, row));
                        }
                    }
                    s.append(new TxRecord(++txId, 0, changes));
                }
                s.snapshotNow();
                digests.add(digest(dir));
            }
        }
        assertThat(digests).isEqualTo(EXPECTED);
    }

    /** SHA-256 over the snapshot file and every row file (relative path and content, in path order). */
    private static String digest(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(readAll(SnapshotFile.list(dir).getLast().path()));
        try (Stream<Path> st = Files.walk(dir.resolve("rows"))) {
            for (Path p : st.filter(Files::isRegularFile).sorted().toList()) {
                md.update(b(dir.relativize(p).toString()));
                md.update(readAll(p));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
