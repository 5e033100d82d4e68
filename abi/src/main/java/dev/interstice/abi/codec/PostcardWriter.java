package dev.interstice.abi.codec;

import java.util.Arrays;

/**
 * A growable byte buffer that writes the postcard 1.x wire primitives. Reusable: {@link #reset()} keeps the backing
 * array. Not thread-safe.
 *
 * <p>Primitive encodings: {@code u8} one raw byte; {@code u16/u32/u64/usize} unsigned LEB128 varint;
 * {@code i32/i64} zigzag then varint; {@code f32/f64} little-endian IEEE-754 bits (raw, NaN payloads kept);
 * {@code bool} one byte 0/1; {@code String} varint byte length then UTF-8.
 */
public final class PostcardWriter {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private byte[] buf;
    private int size;

    public PostcardWriter() {
        this(256);
    }

    public PostcardWriter(int initialCapacity) {
        if (initialCapacity < 0) throw new IllegalArgumentException("negative capacity: " + initialCapacity);
        buf = new byte[Math.max(initialCapacity, 16)];
    }

    /** Forgets the content; keeps the backing array. */
    public void reset() {
        size = 0;
    }

    /** Number of bytes written. */
    public int size() {
        return size;
    }

    /** A copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The backing array, valid from index 0 up to {@link #size()}; replaced when the buffer grows. */
    public byte[] buffer() {
        return buf;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need < 0 || need > MAX_ARRAY) throw new IllegalStateException("postcard buffer would exceed 2 GiB");
        if (need > buf.length) {
            int cap = buf.length << 1;
            if (cap < need || cap < 0 || cap > MAX_ARRAY)
                cap = Math.max(need, Math.min(MAX_ARRAY, buf.length + (buf.length >> 1)));
            buf = Arrays.copyOf(buf, Math.max(cap, need));
        }
    }

    /** One raw byte; {@code v} must be 0..255. */
    public void writeU8(int v) {
        if ((v & ~0xFF) != 0) throw new IllegalArgumentException("u8 out of range: " + v);
        ensure(1);
        buf[size++] = (byte) v;
    }

    /** Postcard bool: one byte, 1 for true, 0 for false. */
    public void writeBool(boolean v) {
        ensure(1);
        buf[size++] = (byte) (v ? 1 : 0);
    }

    /** Unsigned varint of a u32 (also enum discriminants); {@code v} must be 0..2^32-1. */
    public void writeVarU32(long v) {
        if ((v & ~0xFFFF_FFFFL) != 0) throw new IllegalArgumentException("u32 out of range: " + v);
        writeVarU64(v);
    }

    /** Unsigned varint of a u64 given as its raw 64 bits. */
    public void writeVarU64(long bits) {
        if ((bits & ~0x7FL) == 0) {
            ensure(1);
            buf[size++] = (byte) bits;
            return;
        }
        ensure(10);
        byte[] b = buf;
        int p = size;
        while ((bits & ~0x7FL) != 0) {
            b[p++] = (byte) ((bits & 0x7F) | 0x80);
            bits >>>= 7;
        }
        b[p++] = (byte) bits;
        size = p;
    }

    /** A usize (lengths); {@code v} must be non-negative. */
    public void writeVarUsize(int v) {
        if (v < 0) throw new IllegalArgumentException("usize cannot be negative: " + v);
        writeVarInt(v);
    }

    /** Varint of a non-negative int, or of an int viewed as unsigned 32 bits. */
    private void writeVarInt(int v) {
        if ((v & ~0x7F) == 0) {
            ensure(1);
            buf[size++] = (byte) v;
            return;
        }
        ensure(5);
        byte[] b = buf;
        int p = size;
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        size = p;
    }

    /** Unsigned varint of a u16; {@code v} must be 0..65535. */
    public void writeU16(int v) {
        if ((v & ~0xFFFF) != 0) throw new IllegalArgumentException("u16 out of range: " + v);
        writeVarInt(v);
    }

    /** i32: zigzag, then varint. */
    public void writeI32(int v) {
        writeVarInt((v << 1) ^ (v >> 31));
    }

    /** i64: zigzag, then varint. */
    public void writeI64(long v) {
        writeVarU64((v << 1) ^ (v >> 63));
    }

    /** f32: the 4 little-endian bytes of the raw IEEE bits. */
    public void writeF32(float v) {
        int bits = Float.floatToRawIntBits(v);
        ensure(4);
        byte[] b = buf;
        int p = size;
        b[p] = (byte) bits;
        b[p + 1] = (byte) (bits >>> 8);
        b[p + 2] = (byte) (bits >>> 16);
        b[p + 3] = (byte) (bits >>> 24);
        size = p + 4;
    }

    /** f64: the 8 little-endian bytes of the raw IEEE bits. */
    public void writeF64(double v) {
        long bits = Double.doubleToRawLongBits(v);
        ensure(8);
        byte[] b = buf;
        int p = size;
        for (int i = 0; i < 8; i++) {
            b[p + i] = (byte) (bits >>> (8 * i));
        }
        size = p + 8;
    }

    /**
     * String: varint UTF-8 byte length, then the UTF-8 bytes. ASCII strings take a single pass. A lone surrogate
     * (which Rust strings cannot hold) is written as {@code '?'}, as {@link String#getBytes} does.
     */
    public void writeString(String s) {
        int n = s.length();
        // Fast path: optimistic ASCII. Reserve the length prefix for n bytes, then copy chars.
        ensure(5 + n);
        int lenPos = size;
        int lenBytes = varIntSize(n);
        int p = lenPos + lenBytes;
        byte[] b = buf;
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) break;
            b[p + i] = (byte) c;
        }
        if (i == n) {
            putVarIntAt(lenPos, n);
            size = p + n;
            return;
        }
        // Slow path: compute the exact UTF-8 length of the whole string, then encode.
        int utf8Len = utf8Length(s, i);
        int lb = varIntSize(utf8Len);
        ensure(lb + utf8Len);
        b = buf;
        int start = lenPos + lb;
        if (lb != lenBytes && i > 0) {
            // The length prefix grew: move the already copied ASCII bytes first (the prefix overwrites them).
            System.arraycopy(b, p, b, start, i);
        }
        putVarIntAt(lenPos, utf8Len);
        int q = start + i;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[q++] = (byte) c;
            } else if (c < 0x800) {
                b[q++] = (byte) (0xC0 | (c >> 6));
                b[q++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[q++] = (byte) (0xF0 | (cp >> 18));
                    b[q++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[q++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[q++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[q++] = '?';
                }
            } else {
                b[q++] = (byte) (0xE0 | (c >> 12));
                b[q++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[q++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        size = q;
    }

    /** UTF-8 byte length of {@code s}, knowing chars before {@code from} are ASCII. */
    static int utf8Length(String s, int from) {
        int n = s.length();
        long len = from;
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) len += 1;
            else if (c < 0x800) len += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else if (Character.isSurrogate(c)) len += 1;
            else len += 3;
        }
        if (len > MAX_ARRAY) throw new IllegalStateException("string too long to encode");
        return (int) len;
    }

    private static int varIntSize(int v) {
        // v >= 0
        if (v < (1 << 7)) return 1;
        if (v < (1 << 14)) return 2;
        if (v < (1 << 21)) return 3;
        if (v < (1 << 28)) return 4;
        return 5;
    }

    private void putVarIntAt(int pos, int v) {
        byte[] b = buf;
        while ((v & ~0x7F) != 0) {
            b[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[pos] = (byte) v;
    }

    public void writeRaw(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeRaw(byte[] b) {
        writeRaw(b, 0, b.length);
    }
}
