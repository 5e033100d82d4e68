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
        int b0 = in.read();
        if (b0 < 0) return null;
        int b1 = in.read(), b2 = in.read(), b3 = in.read();
        if ((b1 | b2 | b3) < 0) throw new EOFException("connection closed inside a frame header");
        long len = ((long) b0 << 24) | ((long) b1 << 16) | ((long) b2 << 8) | b3;
        if (len == 0) throw new ProtocolException("empty frame");
        if (len > maxFrameBytes)
            throw new ProtocolException("frame of " + len + " bytes exceeds the maximum of " + maxFrameBytes + " bytes");
        byte[] body = in.readNBytes((int) len);
        if (body.length != len) throw new EOFException("connection closed inside a frame (" + body.length + " of " + len + " bytes)");
        return body;
    }

    public static void write(OutputStream out, byte[] body) throws IOException {
        int n = body.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(body);
    }
}
