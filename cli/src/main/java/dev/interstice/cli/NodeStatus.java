package dev.interstice.cli;

import dev.interstice.network.Addresses;
import dev.interstice.network.NodeClient;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a registered node runs (this machine or another) and whether it answers, for {@code node list}: every node is
 * asked at once, with short timeouts, so the list stays quick however many nodes are down.
 */
record NodeStatus(String machine, String status) {
    /** How long the whole check may take: a node that has not answered by then is reported as not answering. */
    static final Duration DEADLINE = Duration.ofMillis(1500);

    static List<NodeStatus> of(List<NodeRegistry.Entry> entries) {
        var out = new ArrayList<NodeStatus>(entries.size());
        var pool = Executors.newVirtualThreadPerTaskExecutor(); // not closed: close() would wait for slow lookups
        try {
            var futures = new ArrayList<Future<NodeStatus>>();
            for (var e : entries) futures.add(pool.submit(() -> check(e)));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            for (Future<NodeStatus> f : futures) {
                try {
                    out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException | ExecutionException e) {
                    f.cancel(true);
                    out.add(new NodeStatus("?", "no answer"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(new NodeStatus("?", "no answer"));
                }
            }
        } finally {
            pool.shutdownNow(); // checks still running are abandoned (virtual threads: they end on their timeouts)
        }
        return out;
    }

    static NodeStatus check(NodeRegistry.Entry e) {
        String machine = onThisMachine(e.address());
        var opts = Cli.secured(
                NodeClient.Options.client()
                        .withConnectTimeout(Duration.ofMillis(500))
                        .withRequestTimeout(Duration.ofSeconds(1)),
                e);
        try (var c = NodeClient.connect(e.address(), opts)) {
            if (e.nodeId() != null && !e.nodeId().equals(c.nodeId()))
                return new NodeStatus(machine, "another node answers (" + c.nodeName() + ")");
            return new NodeStatus(machine, "running");
        } catch (RuntimeException down) {
            return new NodeStatus(machine, "not running");
        }
    }

    /** "this" when the address's host is one of this machine's addresses, "other" when not, "?" unresolved. */
    static String onThisMachine(String address) {
        try {
            InetAddress a = InetAddress.getByName(Addresses.parse(address).getHostString());
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null
                    ? "this"
                    : "other";
        } catch (IllegalArgumentException | UnknownHostException | SocketException e) {
            return "?";
        }
    }
}
