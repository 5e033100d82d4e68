package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record encoded ahead ({@link Storage#prepare}, outside a commit section) and appended later with its id and time
 * is the record {@link Storage#append(TxRecord)} writes: same log entries, same audit chain.
 */
@Timeout(60)
class PreparedAppendTest {
    static final TableId LATE = new TableId("late", "t");

    @TempDir
    Path direct;

    @TempDir
    Path prepared;

    private static List<TxRecord> records() {
        var origin = new TxOrigin("mod", "transfer", "", "node-1", "", new byte[] {1, 2, 3});
        var trace = new TxTrace(new TxTrace.Parent("", 7, "", 7), List.of());
        return List.of(
                new TxRecord(1, 1000, List.of(put(LOG, "a", "1"), put(STATE, "s", "x")), origin, trace),
                new TxRecord(2, 1000, List.of(del(LOG, "a")), origin),
                new TxRecord(3, 1005, List.of(put(STATE, "s", "y")), null),
                new TxRecord(4, 1010, List.of(put(LOG, "b", "2")), origin, null, List.of(new byte[] {9})));
    }

    /** Each entry's LSN and record, its inputs as hex (a record's byte arrays compare by content this way). */
    private static List<String> read(Path dir) throws IOException {
        return TxLog.read(dir, 0, Integer.MAX_VALUE, Long.MAX_VALUE, r -> true).stream()
                .map(e -> e.lsn() + " " + withoutInputs(e.record()) + " "
                        + e.record().inputs().stream()
                                .map(HexFormat.of()::formatHex)
                                .toList())
                .toList();
    }

    private static TxRecord withoutInputs(TxRecord r) {
        return new TxRecord(r.txId(), r.timestampMs(), r.changes(), r.origin(), r.trace());
    }

    @Test
    void aPreparedRecordIsTheRecordAppendWrites() throws IOException {
        Map<String, byte[]> directHeads;
        Map<String, byte[]> preparedHeads;
        try (Storage s = Storage.open(cfg(direct), BOTH)) {
            for (TxRecord r : records()) s.append(r);
            directHeads = s.auditHeads();
            s.awaitDurable(s.append(new TxRecord(5, 1010, List.of(put(LOG, "c", "3")))));
        }
        try (Storage s = Storage.open(cfg(prepared), BOTH)) {
            var ahead = records().stream()
                    .map(r -> s.prepare(new TxRecord(0, 0, r.changes(), r.origin(), r.trace(), r.inputs())))
                    .toList();
            for (int i = 0; i < ahead.size(); i++)
                s.append(ahead.get(i), records().get(i).txId(), records().get(i).timestampMs());
            preparedHeads = s.auditHeads();
            s.awaitDurable(s.append(new TxRecord(5, 1010, List.of(put(LOG, "c", "3")))));
        }
        assertThat(read(prepared)).hasSize(5).isEqualTo(read(direct));
        assertThat(read(prepared).get(3)).contains("[09]");
        assertThat(hex(preparedHeads)).isEqualTo(hex(directHeads));
        assertThat(AuditLog.verify(prepared, null).problems()).isEmpty();
    }

    @Test
    void aTableDeclaredMeanwhileIsEncodedWithTheCurrentNumbering() throws IOException {
        try (Storage s = Storage.open(cfg(prepared), BOTH)) {
            Storage.Prepared p = s.prepare(new TxRecord(0, 0, List.of(put(LOG, "a", "1"))));
            s.declareTable(LATE, Persistence.LOGGED);
            s.append(new TxRecord(1, 1000, List.of(put(LATE, "x", "y"))));
            s.awaitDurable(s.append(p, 2, 1001));
        }
        assertThat(TxLog.read(prepared, 0, 10, Long.MAX_VALUE, r -> true).stream()
                        .map(TxLog.Entry::record))
                .containsExactly(
                        new TxRecord(1, 1000, List.of(put(LATE, "x", "y"))),
                        new TxRecord(2, 1001, List.of(put(LOG, "a", "1"))));
        try (Storage s = Storage.open(cfg(prepared), BOTH)) {
            assertThat(rows(s, LOG)).containsExactly(Map.entry("a", "1"));
        }
    }

    @Test
    void anUndeclaredTableIsRefusedWhenPrepared() {
        try (Storage s = Storage.open(cfg(prepared), BOTH)) {
            assertThatThrownBy(() -> s.prepare(new TxRecord(0, 0, List.of(put(LATE, "x", "y")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not declared");
        }
    }

    private static Map<String, String> hex(Map<String, byte[]> heads) {
        var out = new java.util.TreeMap<String, String>();
        heads.forEach((k, v) -> out.put(k, HexFormat.of().formatHex(v)));
        return out;
    }
}
