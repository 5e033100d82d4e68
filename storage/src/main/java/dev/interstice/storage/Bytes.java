package dev.interstice.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Little-endian primitives, varints and CRC32C helpers shared by the on-disk formats. */
final class Bytes {
    private Bytes() {}

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);
    private static final byte[] ZEROS = new byte[8192];

    static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }

    static int crc32c(byte[] b, int off, int len) {
        CRC32C c = CRC.get();
        c.reset();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** True if b[from, to) is all zero bytes. */
    static boolean allZero(byte[] b, int from, int to) {
        while (from < to) {
            int n = Math.min(ZEROS.length, to - from);
            if (Arrays.mismatch(b, from, from + n, ZEROS, 0, n) >= 0) return false;
            from += n;
        }
        return true;
    }

    /** Index of the first non-zero byte in b[from, to), or -1. */
    static int nextNonZero(byte[] b, int from, int to) {
        while (from < to) {
            int n = Math.min(ZEROS.length, to - from);
            int m = Arrays.mismatch(b, from, from + n, ZEROS, 0, n);
            if (m >= 0) return from + m;
            from += n;
        }
        return -1;
    }

    /** A growable byte buffer with little-endian writers. */
    static final class Sink {
        byte[] buf;
        int len;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void ensure(int extra) {
            long need = (long) len + extra;
            if (need > buf.length) {
                if (need > Integer.MAX_VALUE - 16)
                    throw new IllegalArgumentException("record too large: " + need + " bytes");
                buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16L, buf.length * 2L)));
            }
        }

        void reset() {
            len = 0;
        }

        Sink u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
            return this;
        }

        Sink u32(int v) {
            ensure(4);
            putInt(buf, len, v);
            len += 4;
            return this;
        }

        Sink u64(long v) {
            ensure(8);
            putLong(buf, len, v);
            len += 8;
            return this;
        }

        Sink varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
            return this;
        }

        Sink bytes(byte[] b) {
            return bytes(b, 0, b.length);
        }

        Sink bytes(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
            return this;
        }

        /** varint length + bytes */
        Sink lenBytes(byte[] b) {
            varint(b.length);
            return bytes(b);
        }

        Sink lenBytes(byte[] b, int off, int n) {
            varint(n);
            return bytes(b, off, n);
        }

        Sink string(String s) {
            return lenBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A bounds-checked reader over b[pos, limit). Every overrun or bad value throws {@link FormatException}. */
    static final class Source {
        final byte[] buf;
        int pos;
        final int limit;

        Source(byte[] buf, int pos, int limit) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
        }

        boolean hasMore() {
            return pos < limit;
        }

        private void need(int n) throws FormatException {
            if (n < 0 || limit - pos < n) throw new FormatException("truncated data at " + pos);
        }

        int u8() throws FormatException {
            need(1);
            return buf[pos++] & 0xFF;
        }

        int u32() throws FormatException {
            need(4);
            int v = getInt(buf, pos);
            pos += 4;
            return v;
        }

        long u64() throws FormatException {
            need(8);
            long v = getLong(buf, pos);
            pos += 8;
            return v;
        }

        long varlong() throws FormatException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                int b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) return v;
            }
            throw new FormatException("varint too long at " + pos);
        }

        /** A non-negative int varint bounded by {@code max}. */
        int varint(int max) throws FormatException {
            long v = varlong();
            if (v < 0 || v > max) throw new FormatException("value out of range: " + v + " at " + pos);
            return (int) v;
        }

        /** Reads a varint length and skips that many bytes; returns the offset of the bytes. */
        int lenBytes() throws FormatException {
            int n = varint(Integer.MAX_VALUE);
            need(n);
            int off = pos;
            pos += n;
            lastLen = n;
            return off;
        }

        int lastLen;

        void skip(int n) throws FormatException {
            need(n);
            pos += n;
        }

        String string() throws FormatException {
            int off = lenBytes();
            return new String(buf, off, lastLen, StandardCharsets.UTF_8);
        }
    }

    /** Malformed bytes (a format error, not an I/O error). */
    static final class FormatException extends Exception {
        FormatException(String message) {
            super(message, null, false, false);
        }
    }
}
