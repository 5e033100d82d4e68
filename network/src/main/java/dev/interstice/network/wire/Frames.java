package dev.interstice.network.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Framing: every message is a 4-byte big-endian unsigned length, then that many bytes of body. A length above the
 * connection's maximum, or zero, is a protocol error (the connection closes; nothing is allocated for it).
 */
public final class Frames {
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

    private Frames() {}

    /** Reads one frame body; null at a clean end of stream (between frames). */
    public static byte[] read(InputStream in, int maxFrameBytes) throws IOException, ProtocolException {
        int len = readHeader(in, maxFrameBytes);
        return len < 0 ? null : readBody(in, len);
    }

    /** Reads a frame header: the body's length, checked against the maximum; -1 at a clean end of stream. */
    public static int readHeader(InputStream in, int maxFrameBytes) throws IOException, ProtocolException {
        int b0 = in.read();
        if (b0 < 0) return -1;
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        if ((b1 | b2 | b3) < 0) throw new EOFException("connection closed inside a frame header");
        long len = ((long) b0 << 24) | ((long) b1 << 16) | ((long) b2 << 8) | b3;
        if (len == 0) throw new ProtocolException("empty frame");
        if (len > maxFrameBytes)
            throw new ProtocolException(
                    "frame of " + len + " bytes exceeds the maximum of " + maxFrameBytes + " bytes");
        return (int) len;
    }

    /** Reads a body of {@code len} bytes into one array allocated once (no growing copies while it arrives). */
    public static byte[] readBody(InputStream in, int len) throws IOException {
        byte[] body = new byte[len];
        int n = in.readNBytes(body, 0, len);
        if (n != len) throw new EOFException("connection closed inside a frame (" + n + " of " + len + " bytes)");
        return body;
    }

    public static void write(OutputStream out, byte[] body) throws IOException {
        writeHeader(out, body.length);
        out.write(body);
    }

    public static void writeHeader(OutputStream out, int length) throws IOException {
        out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
    }
}
