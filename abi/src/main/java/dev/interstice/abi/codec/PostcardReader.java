package dev.interstice.abi.codec;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads postcard 1.x primitives from a byte slice. Every malformed input raises {@link AbiDecodeException}; offsets
 * ({@link #position()} and exception offsets) are relative to the start of the slice. Not thread-safe.
 *
 * <p>Like postcard, varints are accepted in non-minimal form as long as they fit their maximum length (5 bytes for
 * u32, 3 for u16, 10 for u64/usize) and do not overflow their width.
 */
public final class PostcardReader {

    private final byte[] buf;
    private final int start;
    private final int end;
    private int pos;

    public PostcardReader(byte[] b) {
        this(b, 0, b.length);
    }

    public PostcardReader(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        this.buf = b;
        this.start = off;
        this.end = off + len;
        this.pos = off;
    }

    /** Current offset from the start of the slice. */
    public int position() {
        return pos - start;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean atEnd() {
        return pos >= end;
    }

    /** Fails when bytes are left over. */
    public void expectEnd() {
        if (pos != end) throw error("end of input, found " + (end - pos) + " trailing byte(s)");
    }

    AbiDecodeException error(String what) {
        return new AbiDecodeException(what, pos - start);
    }

    AbiDecodeException errorAt(String what, int absolutePos) {
        return new AbiDecodeException(what, absolutePos - start);
    }

    /** Absolute index in the backing array (for error offsets). */
    int mark() {
        return pos;
    }

    private AbiDecodeException eof(String what) {
        return error("unexpected end of input, expected " + what);
    }

    public int readU8() {
        if (pos >= end) throw eof("a u8");
        return buf[pos++] & 0xFF;
    }

    /** Peeks the next byte without consuming it, or -1 at the end. */
    int peekU8() {
        return pos < end ? buf[pos] & 0xFF : -1;
    }

    public boolean readBool() {
        if (pos >= end) throw eof("a bool");
        int b = buf[pos];
        if (b == 0) {
            pos++;
            return false;
        }
        if (b == 1) {
            pos++;
            return true;
        }
        throw error("invalid bool byte 0x" + hex(b & 0xFF) + " (expected 0x00 or 0x01)");
    }

    /** u32 varint (also enum discriminants), 0..2^32-1. */
    public long readVarU32() {
        return readVarU32("a u32 varint") & 0xFFFF_FFFFL;
    }

    /** Reads a u32 varint and returns its bits as an int. */
    int readVarU32(String what) {
        int p = pos;
        int e = end;
        byte[] b = buf;
        if (p < e) {
            int x = b[p];
            if (x >= 0) {
                pos = p + 1;
                return x;
            }
        }
        int result = 0;
        for (int i = 0; i < 5; i++) {
            if (p >= e) {
                pos = p;
                throw eof(what);
            }
            int x = b[p++] & 0xFF;
            result |= (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                if (i == 4 && x > 0x0F) throw errorAt(what + " overflowing 32 bits", pos);
                pos = p;
                return result;
            }
        }
        throw errorAt(what + " longer than 5 bytes", pos);
    }

    /** u64 varint; the result holds the raw 64 bits (unsigned). */
    public long readVarU64() {
        return readVarU64("a u64 varint");
    }

    private long readVarU64(String what) {
        int p = pos;
        if (p < end) {
            int x = buf[p];
            if (x >= 0) {
                pos = p + 1;
                return x;
            }
        }
        long result = 0;
        for (int i = 0; i < 10; i++) {
            if (p >= end) {
                pos = p;
                throw eof(what);
            }
            int x = buf[p++] & 0xFF;
            result |= (long) (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                if (i == 9 && x > 0x01) throw errorAt(what + " overflowing 64 bits", pos);
                pos = p;
                return result;
            }
        }
        throw errorAt(what + " longer than 10 bytes", pos);
    }

    /**
     * A usize used as a length or element count. Decoded as a u64 varint (the host's width); rejected when larger
     * than the bytes remaining after it, since every element of every ABI sequence takes at least one byte.
     */
    public int readVarUsize() {
        int at = pos;
        long v = readVarU64("a length varint");
        int rem = end - pos;
        if (v < 0 || v > rem) {
            throw errorAt("length " + Long.toUnsignedString(v) + " exceeding the " + rem + " remaining byte(s)", at);
        }
        return (int) v;
    }

    public int readU16() {
        int at = pos;
        int result = 0;
        for (int i = 0; i < 3; i++) {
            if (pos >= end) throw eof("a u16 varint");
            int x = buf[pos++] & 0xFF;
            result |= (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                if (i == 2 && x > 0x03) throw errorAt("a u16 varint overflowing 16 bits", at);
                return result;
            }
        }
        throw errorAt("a u16 varint longer than 3 bytes", at);
    }

    public int readI32() {
        int z = readVarU32("an i32 varint");
        return (z >>> 1) ^ -(z & 1);
    }

    public long readI64() {
        long z = readVarU64("an i64 varint");
        return (z >>> 1) ^ -(z & 1);
    }

    public float readF32() {
        if (end - pos < 4) throw eof("4 bytes of f32");
        byte[] b = buf;
        int p = pos;
        int bits = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
        pos = p + 4;
        return Float.intBitsToFloat(bits);
    }

    public double readF64() {
        if (end - pos < 8) throw eof("8 bytes of f64");
        byte[] b = buf;
        int p = pos;
        long bits = 0;
        for (int i = 7; i >= 0; i--) bits = (bits << 8) | (b[p + i] & 0xFF);
        pos = p + 8;
        return Double.longBitsToDouble(bits);
    }

    /** Varint byte length then strictly valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
    public String readString() {
        int len = readVarUsize();
        int p = pos;
        int e = p + len;
        byte[] b = buf;
        int i = p;
        while (i < e && b[i] >= 0) i++;
        if (i == e) {
            pos = e;
            return new String(b, p, len, StandardCharsets.ISO_8859_1);
        }
        validateUtf8(i, e);
        pos = e;
        return new String(b, p, len, StandardCharsets.UTF_8);
    }

    private void validateUtf8(int i, int e) {
        byte[] b = buf;
        while (i < e) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int at = i;
            int need;
            int lo = 0x80; // allowed range of the second byte
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) need = 1;
            else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) lo = 0xA0; // no overlong 3-byte forms
                else if (c == 0xED) hi = 0x9F; // no UTF-16 surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) lo = 0x90; // no overlong 4-byte forms
                else if (c == 0xF4) hi = 0x8F; // nothing above U+10FFFF
            } else {
                throw errorAt("valid UTF-8 (invalid lead byte 0x" + hex(c) + ")", at);
            }
            if (e - i - 1 < need) throw errorAt("valid UTF-8 (truncated sequence)", at);
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) throw errorAt("valid UTF-8 (bad continuation byte 0x" + hex(c1) + ")", at + 1);
            for (int k = 2; k <= need; k++) {
                int ck = b[i + k] & 0xFF;
                if ((ck & 0xC0) != 0x80) throw errorAt("valid UTF-8 (bad continuation byte 0x" + hex(ck) + ")", at + k);
            }
            i += need + 1;
        }
    }

    /** Skips {@code len} raw bytes. */
    public void skip(int len) {
        if (len < 0 || len > end - pos) throw eof(len + " raw byte(s)");
        pos += len;
    }

    /** Raw bytes. */
    public byte[] readBytes(int len) {
        if (len < 0 || len > end - pos) throw eof(len + " raw byte(s)");
        byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    static String hex(int b) {
        return b < 0x10
                ? "0" + Integer.toHexString(b).toUpperCase()
                : Integer.toHexString(b).toUpperCase();
    }
}
