package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.storage.TableId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The node's own logged tables, written in the same log records as the transactions that change them: auto_inc
 * counters (so ids are never reused after deletes and a restart) and pending schedules (so timers survive a restart
 * and a scheduled reducer's run removes its entry atomically).
 */
public final class SystemTables {
    public static final String MODULE = "__interstice";
    public static final TableId SEQUENCES = new TableId(MODULE, "sequences");
    public static final TableId SCHEDULES = new TableId(MODULE, "schedules");

    private SystemTables() {}

    public record Schedule(long seq, String module, String reducer, long dueMs) {}

    public static byte[] sequenceKey(TableId table, int column) {
        return (table.module() + '\u0000' + table.table() + '\u0000' + column).getBytes(StandardCharsets.UTF_8);
    }

    /** Inverse of {@link #sequenceKey}: module, table, column. */
    public static String[] parseSequenceKey(byte[] key) {
        return new String(key, StandardCharsets.UTF_8).split("\u0000", 3);
    }

    public static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    public static byte[] encodeSchedule(Schedule s) {
        var w = new PostcardWriter(64);
        w.writeString(s.module());
        w.writeString(s.reducer());
        w.writeVarU64(s.dueMs());
        return w.toByteArray();
    }

    public static Schedule decodeSchedule(byte[] key, byte[] row) {
        var r = new PostcardReader(row);
        return new Schedule(longOf(key), r.readString(), r.readString(), r.readVarU64());
    }
}
