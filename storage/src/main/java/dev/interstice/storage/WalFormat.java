package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.storage.Bytes.FormatException;
import java.util.List;
import java.util.function.Function;

/**
 * Log record framing and payload encoding.
 *
 * <pre>
 * frame   := crc:u32 len:u32 lsn:u64 syncedLsn:u64 payload[len]        (little endian)
 *            crc = CRC32C of the bytes from len to the end of the payload
 *            syncedLsn = the LSN up to which the log was fsynced when the writer wrote this frame
 * payload := flags:u8 [txId:u64 timestampMs:u64 if flags&1] [originLen:varint origin if flags&2]
 *            [traceLen:varint trace if flags&8] [inputsLen:varint inputs if flags&16] nOps:varint op*
 *            [nLinks:varint link* if flags&4]
 * origin  := module:str reducer:str trigger:str callerNode:str callerModule:str argsLen:varint args  (see TxOrigin)
 * trace   := (0 | 1 traceNode:str traceTx:varint parentNode:str parentTx:varint
 *            | 2 traceNode:str traceTx:varint parentTx:varint (parentNode = traceNode))  nCalls:varint call*
 * inputs  := n:varint (len:varint answer)*   what the world answered the reducers, in call order (TxRecord.inputs)
 * call    := kind:u8 depth:varint module:str reducer:str [node:str address:str if kind = 1 (remote)]  (see TxTrace)
 * link    := module:str hash:32   the audit chain of each module whose tables the transaction changed (see AuditChain)
 * op      := 1 PUT     tableNo:varint keyLen:varint key rowLen:varint row
 *          | 2 DELETE  tableNo:varint keyLen:varint key
 *          | 3 CLEAR   tableNo:varint
 *          | 4 DECLARE tableNo:varint mode:u8 module:str table:str     (system record, alone)
 *          | 5 DROP    tableNo:varint                                  (system record, alone)
 * </pre>
 */
final class WalFormat {
    private WalFormat() {}

    static final int HEADER = 24;
    static final int MAX_PAYLOAD = 256 << 20;
    static final int FLAG_USER_TX = 1;
    /** The record carries a {@link TxOrigin} (records written before it existed do not: both decode). */
    static final int FLAG_ORIGIN = 2;
    /** The record ends with the audit chain's links (records written before it existed do not: both decode). */
    static final int FLAG_CHAIN = 4;
    /** The record carries a {@link TxTrace} after its origin (records written before it existed do not: both decode). */
    static final int FLAG_TRACE = 8;
    /** The record carries its reducers' inputs after its trace (records written before it existed do not: both decode). */
    static final int FLAG_INPUTS = 16;

    static final int OP_PUT = 1;
    static final int OP_DELETE = 2;
    static final int OP_CLEAR = 3;
    static final int OP_DECLARE = 4;
    static final int OP_DROP = 5;

    static final int MAX_TABLE_NO = Integer.MAX_VALUE - 1;

    /** Receives decoded records. Byte ranges point into the decoder's buffer and must be copied if kept. */
    interface Visitor {
        void begin(long lsn, boolean userTx, long txId, long timestampMs) throws FormatException;

        /** The record's origin, encoded at {@code buf[off, off+len)}; called after begin, if the record has one. */
        default void origin(byte[] buf, int off, int len) throws FormatException {}

        /** The record's trace, encoded at {@code buf[off, off+len)}; called after origin, if the record has one. */
        default void trace(byte[] buf, int off, int len) throws FormatException {}

        /** The record's inputs, encoded at {@code buf[off, off+len)}; called after trace, if the record has them. */
        default void inputs(byte[] buf, int off, int len) throws FormatException {}

        void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) throws FormatException;

        void delete(int tableNo, byte[] buf, int keyOff, int keyLen) throws FormatException;

        void clear(int tableNo) throws FormatException;

        void declare(int tableNo, Persistence mode, TableId id) throws FormatException;

        void drop(int tableNo) throws FormatException;

        /**
         * One audit chain link, after the operations: {@code module}'s hash at {@code buf[hashOff, hashOff+32)}, which
         * covers the LSN and the payload's first {@code hashedLen} bytes at {@code payloadOff} (see AuditChain).
         */
        default void link(String module, byte[] buf, int hashOff, int payloadOff, int hashedLen)
                throws FormatException {}

        default void end() throws FormatException {}
    }

    /** A visitor that ignores every operation; readers override what they need. */
    abstract static class Skipping implements Visitor {
        @Override
        public void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {}

        @Override
        public void delete(int tableNo, byte[] buf, int keyOff, int keyLen) {}

        @Override
        public void clear(int tableNo) {}

        @Override
        public void declare(int tableNo, Persistence mode, TableId id) {}

        @Override
        public void drop(int tableNo) {}
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes a transaction payload; {@code tableNo} maps a table to its number or throws if it is not declared. */
    /** Writes a transaction's id and time into its encoded record {@code buf} (as {@link #encodeTx} places them). */
    static void setIdAndTime(byte[] buf, long txId, long timestampMs) {
        Bytes.putLong(buf, 1, txId);
        Bytes.putLong(buf, 9, timestampMs);
    }

    static void encodeTx(Bytes.Sink out, TxRecord tx, Function<TableId, Integer> tableNo) {
        TxOrigin origin = tx.origin();
        TxTrace trace = origin == null ? null : tx.trace();
        List<byte[]> inputs = tx.inputs();
        out.u8(
                        origin == null
                                ? FLAG_USER_TX
                                : FLAG_USER_TX
                                        | FLAG_ORIGIN
                                        | (trace == null ? 0 : FLAG_TRACE)
                                        | (inputs.isEmpty() ? 0 : FLAG_INPUTS))
                .u64(tx.txId())
                .u64(tx.timestampMs());
        if (origin != null) {
            // length-prefixed so that recovery and compaction skip it without decoding it
            out.varint(0); // placeholder, patched below (one byte suffices for short origins)
            int at = out.len;
            origin.encode(out);
            patchLength(out, at);
        }
        if (trace != null) {
            out.varint(0);
            int at = out.len;
            trace.encode(out);
            patchLength(out, at);
        }
        if (!inputs.isEmpty()) {
            out.varint(0);
            int at = out.len;
            out.varint(inputs.size());
            for (byte[] a : inputs) out.lenBytes(a);
            patchLength(out, at);
        }
        List<Change> changes = tx.changes();
        out.varint(changes.size());
        for (Change c : changes) {
            switch (c) {
                case Change.Put p -> {
                    out.u8(OP_PUT).varint(tableNo.apply(p.table()));
                    out.lenBytes(p.key()).lenBytes(p.row());
                }
                case Change.Delete d ->
                    out.u8(OP_DELETE).varint(tableNo.apply(d.table())).lenBytes(d.key());
                case Change.Clear cl -> out.u8(OP_CLEAR).varint(tableNo.apply(cl.table()));
            }
        }
    }

    /** Rewrites the one-byte varint placeholder before {@code at} as the length of {@code out[at, len)}. */
    private static void patchLength(Bytes.Sink out, int at) {
        int n = out.len - at;
        int extra = varintSize(n) - 1;
        if (extra > 0) {
            out.ensure(extra);
            System.arraycopy(out.buf, at, out.buf, at + extra, n);
            out.len += extra;
        }
        int p = at - 1;
        long v = n;
        while ((v & ~0x7FL) != 0) {
            out.buf[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.buf[p] = (byte) v;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static void encodeDeclare(Bytes.Sink out, int tableNo, Persistence mode, TableId id) {
        out.u8(0)
                .varint(1)
                .u8(OP_DECLARE)
                .varint(tableNo)
                .u8(mode.ordinal())
                .string(id.module())
                .string(id.table());
    }

    static void encodeDrop(Bytes.Sink out, int tableNo) {
        out.u8(0).varint(1).u8(OP_DROP).varint(tableNo);
    }

    // ---------------------------------------------------------------- frames

    static int payloadLen(byte[] b, int pos) {
        return Bytes.getInt(b, pos + 4);
    }

    static long lsn(byte[] b, int pos) {
        return Bytes.getLong(b, pos + 8);
    }

    static long syncedLsn(byte[] b, int pos) {
        return Bytes.getLong(b, pos + 16);
    }

    /** Writer side: stamps syncedLsn and the CRC of the frame at {@code pos}; returns the frame's total length. */
    static int seal(byte[] b, int pos, long syncedLsn) {
        int len = payloadLen(b, pos);
        Bytes.putLong(b, pos + 16, syncedLsn);
        Bytes.putInt(b, pos, Bytes.crc32c(b, pos + 4, HEADER - 4 + len));
        return HEADER + len;
    }

    /**
     * Checks the frame at {@code pos} (data ends at {@code end}): returns its total length if it is complete and its
     * CRC matches, else -1. Does not look at the LSN.
     */
    static int check(byte[] b, int pos, int end) {
        if (end - pos < HEADER) return -1;
        int len = payloadLen(b, pos);
        if (len < 0 || len > MAX_PAYLOAD || len > end - pos - HEADER) return -1;
        if (Bytes.crc32c(b, pos + 4, HEADER - 4 + len) != Bytes.getInt(b, pos)) return -1;
        return HEADER + len;
    }

    /** Describes why {@link #check} rejected the frame at pos (for messages). */
    static String whyBad(byte[] b, int pos, int end) {
        if (Bytes.allZero(b, pos, end)) return "zero-filled bytes instead of a record";
        if (end - pos < HEADER) return "incomplete record header (" + (end - pos) + " of " + HEADER + " bytes)";
        int len = payloadLen(b, pos);
        if (len < 0 || len > MAX_PAYLOAD) return "implausible record length " + Integer.toUnsignedString(len);
        if (len > end - pos - HEADER)
            return "record length " + len + " runs past the end of the file (" + (end - pos - HEADER) + " bytes left)";
        return "CRC mismatch";
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes the payload of the frame at {@code pos}; with a null visitor it only validates the syntax. */
    static void decode(byte[] b, int pos, Visitor v) throws FormatException {
        int len = payloadLen(b, pos);
        long lsn = lsn(b, pos);
        Bytes.Source in = new Bytes.Source(b, pos + HEADER, pos + HEADER + len);
        int flags = in.u8();
        if ((flags & ~(FLAG_USER_TX | FLAG_ORIGIN | FLAG_CHAIN | FLAG_TRACE | FLAG_INPUTS)) != 0)
            throw new FormatException("unknown record flags " + flags);
        boolean user = (flags & FLAG_USER_TX) != 0;
        if (!user && (flags & (FLAG_ORIGIN | FLAG_CHAIN | FLAG_TRACE | FLAG_INPUTS)) != 0)
            throw new FormatException("system record with an origin, a trace, inputs or chain links");
        if ((flags & (FLAG_TRACE | FLAG_INPUTS)) != 0 && (flags & FLAG_ORIGIN) == 0)
            throw new FormatException("record with a trace or inputs but no origin");
        long txId = user ? in.u64() : 0;
        long ts = user ? in.u64() : 0;
        int originOff = (flags & FLAG_ORIGIN) != 0 ? in.lenBytes() : -1;
        int originLen = in.lastLen;
        int traceOff = (flags & FLAG_TRACE) != 0 ? in.lenBytes() : -1;
        int traceLen = in.lastLen;
        int inputsOff = (flags & FLAG_INPUTS) != 0 ? in.lenBytes() : -1;
        int inputsLen = in.lastLen;
        int nOps = in.varint(len);
        if (!user && nOps != 1) throw new FormatException("system record with " + nOps + " operations");
        if (v != null) {
            v.begin(lsn, user, txId, ts);
            if (originOff >= 0) v.origin(b, originOff, originLen);
            if (traceOff >= 0) v.trace(b, traceOff, traceLen);
            if (inputsOff >= 0) v.inputs(b, inputsOff, inputsLen);
        }
        for (int i = 0; i < nOps; i++) {
            int op = in.u8();
            int tableNo = in.varint(MAX_TABLE_NO);
            switch (op) {
                case OP_PUT -> {
                    if (!user) throw new FormatException("PUT in a system record");
                    int k = in.lenBytes();
                    int kl = in.lastLen;
                    int r = in.lenBytes();
                    int rl = in.lastLen;
                    if (v != null) v.put(tableNo, b, k, kl, r, rl);
                }
                case OP_DELETE -> {
                    if (!user) throw new FormatException("DELETE in a system record");
                    int k = in.lenBytes();
                    if (v != null) v.delete(tableNo, b, k, in.lastLen);
                }
                case OP_CLEAR -> {
                    if (!user) throw new FormatException("CLEAR in a system record");
                    if (v != null) v.clear(tableNo);
                }
                case OP_DECLARE -> {
                    if (user) throw new FormatException("DECLARE in a transaction record");
                    int m = in.u8();
                    if (m > Persistence.STATEFUL.ordinal())
                        throw new FormatException("unknown persistence mode " + m); // ephemeral tables are never stored
                    String module = in.string();
                    String table = in.string();
                    if (v != null) v.declare(tableNo, Persistence.values()[m], new TableId(module, table));
                }
                case OP_DROP -> {
                    if (user) throw new FormatException("DROP in a transaction record");
                    if (v != null) v.drop(tableNo);
                }
                default -> throw new FormatException("unknown operation " + op);
            }
        }
        if ((flags & FLAG_CHAIN) != 0) {
            int payloadOff = pos + HEADER;
            int hashedLen = in.pos - payloadOff;
            int n = in.varint(len);
            for (int i = 0; i < n; i++) {
                String module = in.string();
                int hashOff = in.pos;
                in.skip(AuditChain.HASH_BYTES);
                if (v != null) v.link(module, b, hashOff, payloadOff, hashedLen);
            }
        }
        if (in.hasMore()) throw new FormatException((in.limit - in.pos) + " trailing bytes in record");
        if (v != null) v.end();
    }
}
