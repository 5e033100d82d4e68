package dev.interstice.runtime.authority.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * Java Sound's default devices: output through a {@link SourceDataLine} (32-bit float when the mixer takes it, else
 * 16-bit PCM), input through a {@link TargetDataLine}. Lines are fed without blocking: the device paces itself and
 * plays silence when the stream has nothing queued.
 */
final class SoundDevices {
    private static volatile Boolean outputAvailable;

    private SoundDevices() {}

    /** Whether Java Sound offers an output line for CD-like audio (probed once). */
    static boolean outputAvailable() {
        Boolean a = outputAvailable;
        if (a == null) {
            try {
                a = AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class, pcm16(48_000, 2)));
            } catch (RuntimeException | LinkageError e) {
                a = false;
            }
            outputAvailable = a;
        }
        return a;
    }

    private static AudioFormat pcm16(float rate, int channels) {
        return new AudioFormat(rate, 16, channels, true, false);
    }

    private static AudioFormat float32(float rate, int channels) {
        return new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, rate, 32, channels, channels * 4, rate, false);
    }

    static AudioSink openOutput(long rate, int channels, long framesPerBuffer, int buffers) throws IOException {
        IOException last = null;
        for (AudioFormat f : new AudioFormat[] {float32(rate, channels), pcm16(rate, channels)}) {
            try {
                SourceDataLine line = AudioSystem.getSourceDataLine(f);
                line.open(f, (int) Math.min(Integer.MAX_VALUE, framesPerBuffer * buffers * f.getFrameSize()));
                line.start();
                return new LineSink(line, f);
            } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
                last = new IOException("the sound device refused " + describe(f) + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    static AudioSource openInput(long rate, int channels, long framesPerBuffer, int buffers) throws IOException {
        IOException last = null;
        for (AudioFormat f : new AudioFormat[] {float32(rate, channels), pcm16(rate, channels)}) {
            try {
                TargetDataLine line = AudioSystem.getTargetDataLine(f);
                line.open(f, (int) Math.min(Integer.MAX_VALUE, framesPerBuffer * buffers * f.getFrameSize()));
                line.start();
                return new LineSource(line, f);
            } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
                last = new IOException("the capture device refused " + describe(f) + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    private static String describe(AudioFormat f) {
        return f.getChannels() + " channel(s) at " + (long) f.getSampleRate() + " Hz (" + f.getSampleSizeInBits()
                + "-bit " + (f.getEncoding() == AudioFormat.Encoding.PCM_FLOAT ? "float" : "PCM") + ")";
    }

    private static boolean isFloat(AudioFormat f) {
        return f.getEncoding() == AudioFormat.Encoding.PCM_FLOAT;
    }

    /** An output line fed only what it takes without blocking. */
    private record LineSink(SourceDataLine line, AudioFormat format) implements AudioSink {
        @Override
        public long writable(long nowNanos) {
            return line.available() / format.getFrameSize();
        }

        @Override
        public void write(float[] samples, int offset, int frames) {
            int n = frames * format.getChannels();
            var b = ByteBuffer.allocate(frames * format.getFrameSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                if (isFloat(format)) b.putFloat(samples[offset + i]);
                else b.putShort(WavWriter.toPcm16(samples[offset + i]));
            }
            line.write(b.array(), 0, b.position());
        }

        @Override
        public void late(long nowNanos) {
            // the device plays silence meanwhile
        }

        @Override
        public void start(long nowNanos) {
            // started when opened
        }

        @Override
        public long nanosUntilWritable(long frames, long nowNanos) {
            long missing = frames - writable(nowNanos);
            return missing <= 0 ? 0 : (long) (missing * 1e9 / format.getSampleRate());
        }

        @Override
        public void close() {
            line.drain();
            line.close();
        }

        @Override
        public String describe() {
            return "the sound device (" + SoundDevices.describe(format) + ")";
        }
    }

    /** A capture line read only when a whole buffer is there. */
    private record LineSource(TargetDataLine line, AudioFormat format) implements AudioSource {
        @Override
        public float[] read(long nowNanos, int frames) {
            int bytes = frames * format.getFrameSize();
            if (line.available() < bytes) return null;
            byte[] raw = new byte[bytes];
            int got = line.read(raw, 0, bytes);
            var b = ByteBuffer.wrap(raw, 0, got).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[got / format.getFrameSize() * format.getChannels()];
            for (int i = 0; i < out.length; i++) out[i] = isFloat(format) ? b.getFloat() : b.getShort() / 32768f;
            return out.length == frames * format.getChannels() ? out : null;
        }

        @Override
        public void close() {
            line.close();
        }
    }
}
