package dev.interstice.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The process's CPU time per committed transaction over a run's measured window (warmup excluded): a figure that holds
 * on a loaded machine, where throughput does not. Sampled by a daemon thread at the window's start and end.
 */
final class CpuPerTransaction {
    private final LongSupplier commits;
    private final Thread sampler;
    private volatile String result = "not measured";

    /**
     * Starts sampling now: the window opens {@code warmupMs} from now and lasts 4/5 of {@code durationMs}, so that it ends
     * inside the run even when the driver starts a little late.
     */
    CpuPerTransaction(LongSupplier commits, long warmupMs, long durationMs) {
        this.commits = commits;
        this.sampler =
                Thread.ofPlatform().daemon().name("cpu-per-tx").start(() -> sample(warmupMs, durationMs * 4 / 5));
    }

    private void sample(long warmupMs, long durationMs) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            Thread.sleep(warmupMs);
            long cpu0 = os.getProcessCpuTime();
            Map<String, Long> threads0 = byThreadGroup();
            long[] os0 = procStat();
            long alloc0 = allocated();
            long tx0 = commits.getAsLong();
            long t0 = System.nanoTime();
            Thread.sleep(durationMs);
            long cpu = os.getProcessCpuTime() - cpu0;
            long tx = commits.getAsLong() - tx0;
            Map<String, Long> threads = byThreadGroup();
            long alloc = allocated() - alloc0;
            long[] osNow = procStat();
            threads.replaceAll((k, v) -> v - threads0.getOrDefault(k, 0L));
            double wall = (System.nanoTime() - t0) / 1e9;
            result = tx == 0
                    ? "no commits"
                    : String.format(
                            Locale.ROOT,
                            "%.2f us/tx (%d tx, %.1f s CPU in %.1f s, %.2f cores; system %.2f us/tx, %.2f context"
                                    + " switches/tx, %d bytes allocated/tx; us/tx by thread: %s)",
                            cpu / 1e3 / tx,
                            tx,
                            cpu / 1e9,
                            wall,
                            cpu / 1e9 / wall,
                            (osNow[0] - os0[0]) * 1e6 / TICKS_PER_S / tx,
                            (double) (osNow[1] - os0[1]) / tx,
                            alloc / tx,
                            perTx(cpu, threads, tx));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
    private static final double TICKS_PER_S = 100;

    /** The process's system time in ticks and its threads' context switches (Linux /proc; zeros elsewhere). */
    private static long[] procStat() {
        long[] out = new long[2];
        try {
            String[] stat = Files.readString(Path.of("/proc/self/stat"))
                    .split("\\) ", 2)[1]
                    .split(" ");
            out[0] = Long.parseLong(stat[12]); // stime (field 15)
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        for (String line : Files.readAllLines(t.resolve("status")))
                            if (line.contains("ctxt_switches:"))
                                out[1] += Long.parseLong(
                                        line.substring(line.indexOf(':') + 1).trim());
                    } catch (IOException ended) {
                        // a thread that ended meanwhile
                    }
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return new long[2];
        }
        return out;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    /** Java threads' CPU time, summed by name without digits (the 8 load senders are one group). */
    private static Map<String, Long> byThreadGroup() {
        var mx = ManagementFactory.getThreadMXBean();
        var out = new TreeMap<String, Long>();
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long ns = mx.getThreadCpuTime(id);
            if (info == null || ns < 0) continue;
            out.merge(info.getThreadName().replaceAll("[0-9]+", "N"), ns, Long::sum);
        }
        return out;
    }

    /** Each group's CPU per transaction, and the rest of the process (GC, JIT, threads that ended). */
    private static String perTx(long cpu, Map<String, Long> threads, long tx) {
        var sb = new StringBuilder();
        long java = 0;
        for (var e : threads.entrySet()) {
            java += e.getValue();
            if (e.getValue() * 100 >= cpu) // 1% of the process or more
            sb.append(String.format(Locale.ROOT, "%s=%.2f ", e.getKey(), e.getValue() / 1e3 / tx));
        }
        return sb.append(String.format(Locale.ROOT, "jvm/other=%.2f", (cpu - java) / 1e3 / tx))
                .toString();
    }

    /** The figure, once the window is over (waits for it). */
    String result() throws InterruptedException {
        sampler.join();
        return result;
    }
}
