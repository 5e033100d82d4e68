package dev.interstice.network.wire;

import java.util.List;

/**
 * The encoding of one outgoing message, produced while it is written. Most messages are encoded at once. A rows reply
 * ({@link Message.RowsResult}, {@link Message.Subscribed}) keeps the list of its encoded rows (references to the
 * table's own bytes) and produces each row's length prefix and bytes only as the writer reads them, so a large table
 * is never copied into one buffer. The writer cuts a message larger than one frame into {@link Message.Part}s.
 * Read once, by one thread.
 */
public final class MessageBytes {
    private final long id;
    /** The whole encoding ({@code rows} null), or the part before the rows. */
    private final byte[] head;

    private final List<byte[]> rows;
    private final long size;

    // Read position: segment -1 is the head, then 2i is row i's length prefix and 2i+1 its bytes.
    private int segment = -1;
    private int offset;
    private final byte[] prefix = new byte[5];
    private int prefixLength;

    private MessageBytes(long id, byte[] head, List<byte[]> rows) {
        this.id = id;
        this.head = head;
        this.rows = rows;
        long n = head.length;
        if (rows != null) for (byte[] r : rows) n += varintSize(r.length) + r.length;
        this.size = n;
    }

    /** {@code m}'s encoding: lazy for rows replies, encoded now otherwise. */
    public static MessageBytes of(Message m) {
        return switch (m) {
            case Message.RowsResult r -> new MessageBytes(r.id(), MessageCodec.rowsHead(r), r.rows());
            case Message.Subscribed s -> new MessageBytes(s.id(), MessageCodec.rowsHead(s), s.rows());
            case Message.Reply r -> new MessageBytes(r.id(), MessageCodec.encode(m), null);
            default -> new MessageBytes(-1, MessageCodec.encode(m), null);
        };
    }

    /** An already encoded message that is never cut into parts. */
    public static MessageBytes encoded(byte[] body) {
        return new MessageBytes(-1, body, null);
    }

    /** The reply's id (what its parts carry), -1 for other messages. */
    public long id() {
        return id;
    }

    /** Length of the whole encoding. */
    public long size() {
        return size;
    }

    /** The whole encoding if it exists as one array (not a rows reply), else null. */
    public byte[] whole() {
        return rows == null ? head : null;
    }

    /** What precedes {@code length} bytes of this reply in a {@link Message.Part} frame. */
    public byte[] partHead(boolean last, int length) {
        return MessageCodec.partHead(id, last, length);
    }

    /** Bytes this object holds apart from the rows it refers to. */
    public long heldBytes() {
        return head.length;
    }

    /** The row references a lazy reply holds (0 for encoded messages); what its rows pin while it waits. */
    public int rowCount() {
        return rows == null ? 0 : rows.size();
    }

    /** Copies the next bytes of the encoding into {@code dst[off, off + len)}; returns how many (fewer only at the end). */
    public int read(byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            byte[] src;
            int srcLength;
            if (segment < 0) {
                src = head;
                srcLength = head.length;
            } else {
                int row = segment >> 1;
                if (rows == null || row >= rows.size()) break;
                if ((segment & 1) == 0) {
                    if (prefixLength == 0) prefixLength = writeVarint(prefix, rows.get(row).length);
                    src = prefix;
                    srcLength = prefixLength;
                } else {
                    src = rows.get(row);
                    srcLength = src.length;
                }
            }
            int n = Math.min(len - done, srcLength - offset);
            System.arraycopy(src, offset, dst, off + done, n);
            done += n;
            offset += n;
            if (offset == srcLength) {
                segment++;
                offset = 0;
                prefixLength = 0;
            }
        }
        return done;
    }

    private static int varintSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) n++;
        return n;
    }

    private static int writeVarint(byte[] out, int v) {
        int i = 0;
        while ((v & ~0x7F) != 0) {
            out[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[i++] = (byte) v;
        return i;
    }
}
