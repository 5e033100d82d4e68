package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Child process of {@link CrashProcessTest}: appends transactions in durable mode from several threads and prints
 * "ACK &lt;txId&gt;" for each acknowledged one, until it is killed; with a third argument "await" each thread waits
 * for its own record in {@link Storage#awaitDurable} (one at a time, flushing itself). A snapshot thread compacts continuously.
 *
 * <p>Transaction n (txIds are dense, in commit order): counter=n in {@link #LOGGED} and {@link #STATEFUL},
 * h&lt;n&gt; in {@link #HISTORY} (append-only), m&lt;n % 20&gt;=n in STATEFUL, and in {@link #CLEARED} (stateful)
 * a Clear when n % 37 == 0, then c&lt;n&gt;.
 */
public final class CrashChild {
    static final TableId LOGGED = new TableId("crash", "logged");
    static final TableId STATEFUL = new TableId("crash", "stateful");
    static final TableId HISTORY = new TableId("crash", "history");
    static final TableId CLEARED = new TableId("crash", "cleared");
    static final Map<TableId, Persistence> TABLES = Map.of(
            LOGGED,
            Persistence.LOGGED,
            STATEFUL,
            Persistence.STATEFUL,
            HISTORY,
            Persistence.LOGGED,
            CLEARED,
            Persistence.STATEFUL);

    static StorageConfig config(Path dir) {
        return new StorageConfig(dir, 16 << 10, Duration.ofMillis(10), false);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static TxRecord tx(long n) {
        List<Change> c = new ArrayList<>();
        c.add(new Change.Put(LOGGED, b("counter"), b(Long.toString(n))));
        c.add(new Change.Put(STATEFUL, b("counter"), b(Long.toString(n))));
        c.add(new Change.Put(HISTORY, b("h" + n), b("x".repeat(40))));
        c.add(new Change.Put(STATEFUL, b("m" + (n % 20)), b(Long.toString(n))));
        if (n % 37 == 0) c.add(new Change.Clear(CLEARED));
        c.add(new Change.Put(CLEARED, b("c" + n), b(Long.toString(n))));
        return new TxRecord(n, System.currentTimeMillis(), c);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        // "await": each thread waits for its own record with awaitDurable (callers write and fsync themselves, their
        // fsyncs overlapping); otherwise with a future the writer thread completes
        boolean await = args.length > 2 && args[2].equals("await");
        Storage s = Storage.open(config(dir), TABLES);
        byte[] counter = s.recovered().rows(LOGGED).get(new ByteKey(b("counter")));
        long start = counter == null ? 0 : Long.parseLong(new String(counter, StandardCharsets.UTF_8));
        ReentrantLock commitLock = new ReentrantLock();
        long[] next = {start + 1};
        System.out.println("START " + start);
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                while (true) {
                    long n;
                    long lsn;
                    commitLock.lock(); // the runtime's commit lock: txIds and LSNs in the same order
                    try {
                        n = next[0]++;
                        lsn = s.append(tx(n));
                    } finally {
                        commitLock.unlock();
                    }
                    if (await) s.awaitDurable(lsn);
                    else s.whenDurable(lsn).join();
                    synchronized (System.out) {
                        System.out.println("ACK " + n);
                        System.out.flush();
                    }
                }
            });
        }
        Thread.ofPlatform().start(() -> {
            while (true) {
                s.snapshotNow();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(Long.MAX_VALUE);
    }
}
