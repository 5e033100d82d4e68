import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The floor under a durable call, measured on this machine (run with the source launcher: java LatencyProbe.java).
 *
 * <pre>
 *   java LatencyProbe.java fsync DIR [N]   4 KiB appends to a preallocated (zero-filled, fsynced) file:
 *                                           write + fdatasync (FileChannel.force(false)) and O_DSYNC writes
 *                                           (StandardOpenOption.DSYNC), interleaved in rounds; p50/p99 in µs
 *   java LatencyProbe.java rtt [N]         loopback TCP round trip of a 64-byte message; p50/p99 in µs
 *   java LatencyProbe.java overlap DIR [MS] whether the disk overlaps syncs: 1, 2 and 4 threads each appending 4 KiB
 *                                           + fdatasync to one preallocated file (distinct offsets) for MS ms
 *                                           each; lines "overlap-T p50 p99 syncs_per_s"
 * </pre>
 * Output lines are "name p50 p99" (µs), for scripts.
 */
public final class LatencyProbe {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fsync" -> fsync(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 2000);
            case "rtt" -> rtt(args.length > 1 ? Integer.parseInt(args[1]) : 20000);
            case "overlap" -> overlap(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 3000);
            default -> throw new IllegalArgumentException("fsync DIR [N] | rtt [N] | overlap DIR [MS]");
        }
    }

    static void fsync(Path dir, int n) throws IOException {
        int block = 4096;
        long size = (long) block * (n + 16);
        Path a = dir.resolve("probe-fdatasync.tmp");
        Path b = dir.resolve("probe-dsync.tmp");
        preallocate(a, size);
        preallocate(b, size);
        long[] fdatasync = new long[n];
        long[] dsync = new long[n];
        ByteBuffer buf = ByteBuffer.allocateDirect(block);
        try (FileChannel fa = FileChannel.open(a, StandardOpenOption.WRITE);
                FileChannel fb = FileChannel.open(b, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
            for (int i = 0; i < n; i++) { // interleaved, so both see the same disk and load
                buf.clear();
                buf.putLong(0, i);
                long t0 = System.nanoTime();
                fa.write(buf);
                fa.force(false);
                fdatasync[i] = System.nanoTime() - t0;
                buf.clear();
                t0 = System.nanoTime();
                fb.write(buf);
                dsync[i] = System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
        print("fdatasync", fdatasync);
        print("o_dsync", dsync);
    }

    /**
     * What a log could gain from syncs that overlap: if T threads, each waiting for its own fdatasync, complete more
     * syncs per second than one thread, the device (and file system) runs them concurrently. The file is preallocated
     * and fsynced, then left alone for a second, so that its own writeback does not slow the first run.
     */
    static void overlap(Path dir, int millis) throws Exception {
        int block = 4096;
        long size = 256L << 20;
        Path f = dir.resolve("probe-overlap.tmp");
        preallocate(f, size);
        Thread.sleep(1000);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            var next = new java.util.concurrent.atomic.AtomicLong();
            for (int threads : new int[] {1, 2, 4, 1}) {
                var stop = new java.util.concurrent.atomic.AtomicBoolean();
                long[][] lat = new long[threads][1 << 20];
                int[] count = new int[threads];
                Thread[] ts = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ts[t] = Thread.ofPlatform().start(() -> {
                        ByteBuffer buf = ByteBuffer.allocateDirect(block);
                        try {
                            while (!stop.get() && count[id] < lat[id].length) {
                                long off = next.getAndIncrement() * block % size;
                                long t0 = System.nanoTime();
                                buf.clear();
                                ch.write(buf, off);
                                ch.force(false);
                                lat[id][count[id]++] = System.nanoTime() - t0;
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
                long start = System.nanoTime();
                Thread.sleep(millis);
                stop.set(true);
                for (Thread t : ts) t.join();
                double secs = (System.nanoTime() - start) / 1e9;
                int total = 0;
                for (int c : count) total += c;
                long[] all = new long[total];
                int at = 0;
                for (int t = 0; t < threads; t++) {
                    System.arraycopy(lat[t], 0, all, at, count[t]);
                    at += count[t];
                }
                Arrays.sort(all);
                System.out.printf(
                        Locale.ROOT,
                        "overlap-%d %.1f %.1f %.0f%n",
                        threads,
                        all[all.length / 2] / 1000.0,
                        all[(int) (all.length * 0.99)] / 1000.0,
                        total / secs);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    static void preallocate(Path p, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(
                p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long pos = 0; pos < size; ) {
                zeros.clear();
                if (size - pos < zeros.capacity()) zeros.limit((int) (size - pos));
                pos += ch.write(zeros, pos);
            }
            ch.force(true);
        }
    }

    static void rtt(int n) throws Exception {
        long[] t = new long[n];
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    var in = new DataInputStream(s.getInputStream());
                    var out = new DataOutputStream(s.getOutputStream());
                    byte[] m = new byte[64];
                    while (true) {
                        in.readFully(m);
                        out.write(m);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the client closed
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.setTcpNoDelay(true);
                var in = new DataInputStream(c.getInputStream());
                var out = new DataOutputStream(c.getOutputStream());
                byte[] m = new byte[64];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    out.write(m);
                    out.flush();
                    in.readFully(m);
                    t[i] = System.nanoTime() - t0;
                }
            }
            echo.join(1000);
        }
        print("rtt", Arrays.copyOfRange(t, t.length / 5, t.length)); // after a warm-up fifth
    }

    static void print(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(
                Locale.ROOT, "%s %.1f %.1f%n", name, s[s.length / 2] / 1000.0, s[(int) (s.length * 0.99)] / 1000.0);
    }
}
