package dev.interstice.runtime.authority.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a WAV file's samples as floats: 16-bit PCM or 32-bit IEEE float, any channel count. Chunks other than
 * {@code fmt } and {@code data} are skipped; a file that is not such a WAV is refused with the reason.
 */
final class WavReader implements AutoCloseable {
    private final FileChannel ch;
    final long sampleRate;
    final int channels;
    private final boolean floats;
    private final long dataEnd;
    private long pos;

    WavReader(Path file) throws IOException {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            var riff = read(0, 12);
            if (!tag(riff, 0).equals("RIFF") || !tag(riff, 8).equals("WAVE"))
                throw new IOException(file + " is not a WAV file (no RIFF/WAVE header)");
            long at = 12;
            long rate = 0;
            int chans = 0;
            int format = 0;
            int bits = 0;
            while (true) {
                var h = read(at, 8);
                if (h.remaining() < 8) throw new IOException(file + " has no data chunk");
                String id = tag(h, 0);
                long size = h.getInt(4) & 0xFFFF_FFFFL;
                if (id.equals("fmt ")) {
                    var f = read(at + 8, 16);
                    if (f.remaining() < 16) throw new IOException(file + " has a short fmt chunk");
                    format = f.getShort(0) & 0xFFFF;
                    chans = f.getShort(2) & 0xFFFF;
                    rate = f.getInt(4) & 0xFFFF_FFFFL;
                    bits = f.getShort(14) & 0xFFFF;
                } else if (id.equals("data")) {
                    if (chans == 0) throw new IOException(file + " has its data before its fmt chunk");
                    pos = at + 8;
                    dataEnd = Math.min(ch.size(), pos + size);
                    break;
                }
                at += 8 + size + (size & 1);
            }
            boolean pcm16 = format == 1 && bits == 16;
            boolean float32 = format == 3 && bits == 32;
            if (!pcm16 && !float32)
                throw new IOException(file + " holds format " + format + " with " + bits
                        + "-bit samples; only 16-bit PCM and 32-bit float WAV files are read");
            sampleRate = rate;
            channels = chans;
            floats = float32;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Frames still to read. */
    long framesLeft() {
        return (dataEnd - pos) / bytesPerFrame();
    }

    private int bytesPerFrame() {
        return channels * (floats ? 4 : 2);
    }

    /** Up to {@code frames} interleaved frames; fewer (possibly none) at the end of the data. */
    float[] read(int frames) throws IOException {
        int n = (int) Math.min(frames, framesLeft());
        var b = read(pos, n * bytesPerFrame());
        pos += (long) n * bytesPerFrame();
        float[] out = new float[n * channels];
        for (int i = 0; i < out.length; i++) out[i] = floats ? b.getFloat(i * 4) : b.getShort(i * 2) / 32768f;
        return out;
    }

    private ByteBuffer read(long at, int len) throws IOException {
        var b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) break;
        }
        return b.flip();
    }

    private static String tag(ByteBuffer b, int at) {
        if (b.limit() < at + 4) return "";
        byte[] t = new byte[4];
        b.get(at, t);
        return new String(t, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
