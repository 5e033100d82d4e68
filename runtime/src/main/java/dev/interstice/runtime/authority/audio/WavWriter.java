package dev.interstice.runtime.authority.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A 16-bit PCM WAV file written as frames arrive. The header's two sizes are rewritten after every write, so the file
 * is a valid WAV at every moment (a node killed mid-stream leaves a playable file), and once more on close.
 */
final class WavWriter implements AutoCloseable {
    static final int HEADER_BYTES = 44;
    /** The largest data chunk a RIFF size field can describe. */
    private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 36;

    private final FileChannel ch;
    private final int channels;
    private long dataBytes;
    private boolean full;

    WavWriter(Path file, long sampleRate, int channels) throws IOException {
        this.channels = channels;
        this.ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            var h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36);
            h.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .putInt(16);
            h.putShort((short) 1).putShort((short) channels).putInt((int) sampleRate);
            h.putInt((int) (sampleRate * channels * 2))
                    .putShort((short) (channels * 2))
                    .putShort((short) 16);
            h.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0);
            ch.write(h.flip(), 0);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Appends {@code frames} interleaved frames from {@code samples[offset..]} (clamped to [-1, 1]). */
    void write(float[] samples, int offset, int frames) throws IOException {
        if (frames == 0 || full) return;
        long bytes = (long) frames * channels * 2;
        if (dataBytes + bytes > MAX_DATA_BYTES) {
            full = true; // a WAV cannot describe more; the file keeps what it has
            return;
        }
        var b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames * channels; i++) b.putShort(toPcm16(samples[offset + i]));
        ch.write(b.flip(), HEADER_BYTES + dataBytes);
        dataBytes += bytes;
        writeSizes();
    }

    static short toPcm16(float s) {
        float c = Float.isNaN(s) ? 0 : Math.max(-1f, Math.min(1f, s));
        return (short) Math.round(c * 32767f);
    }

    long frames() {
        return dataBytes / (channels * 2L);
    }

    private void writeSizes() throws IOException {
        var size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ch.write(size.putInt(0, (int) (36 + dataBytes)), 4);
        ch.write(size.clear().putInt(0, (int) dataBytes), 40);
    }

    @Override
    public void close() throws IOException {
        try {
            writeSizes();
            ch.force(false);
        } finally {
            ch.close();
        }
    }
}
