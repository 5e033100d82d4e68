package dev.interstice.cli;

import dev.interstice.runtime.exec.OutsideEvents;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a test: measures how fast a running agar client's log grows (docs/operability.md, *Replay and time travel*). An
 * agar-server node and an agar-client node in a real window (DISPLAY) on loopback; after 5 s, for {@code args[0]}
 * seconds (default 30) with the client in its lobby rendering every frame: the transactions, the records and bytes
 * appended to the log, how many of those records are origin-only (an outside event that changed only ephemeral rows),
 * and the inputs they keep.
 */
public final class AgarLogRate {
    private AgarLogRate() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = Files.createTempDirectory("agar-log-rate");
        try (var game = AgarClientTest.server(dir.resolve("server"));
                var client = AgarClientTest.Client.start(dir.resolve("client"), "agar-log-rate", game)) {
            Thread.sleep(5000);
            var before = client.node().storageStats().orElseThrow();
            long fromTx = client.node().lastTxId();
            Thread.sleep(seconds * 1000L);
            var after = client.node().storageStats().orElseThrow();
            long toTx = client.node().lastTxId();
            var records = client.node().readLog(fromTx + 1, 1_000_000, r -> r.txId() <= toTx);
            long originOnly = records.stream()
                    .filter(e -> e.record().changes().isEmpty()
                            && OutsideEvents.startedBy(e.record().origin()))
                    .count();
            long inputs = 0;
            long inputBytes = 0;
            for (var e : records)
                for (byte[] in : e.record().inputs()) {
                    inputs++;
                    inputBytes += in.length;
                }
            long bytes = after.appendedBytes() - before.appendedBytes();
            long appended = after.appendedRecords() - before.appendedRecords();
            System.out.printf(
                    "%d s: %d transactions, %d records (%d origin-only), %d bytes appended (%.0f B/s, %.0f B a record),"
                            + " %d inputs (%d bytes)%n",
                    seconds,
                    toTx - fromTx,
                    appended,
                    originOnly,
                    bytes,
                    bytes / (double) seconds,
                    bytes / (double) Math.max(1, appended),
                    inputs,
                    inputBytes);
        }
        System.exit(0);
    }
}
