package dev.interstice.cli;

import dev.interstice.network.Addresses;
import dev.interstice.network.NodeClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Who holds a busy TCP port, for the message that says so: a node registered with this CLI at that port of this
 * machine that answers there, else the process listening there (Linux: {@code /proc/net/tcp{,6}} gives the socket's
 * inode, {@code /proc/<pid>/fd} the process holding it, when readable), else "another program".
 */
final class PortOwner {
    private PortOwner() {}

    static String describe(int port, NodeRegistry registry) {
        for (var e : registry.all()) {
            if (portOf(e.address()) == port
                    && NodeStatus.onThisMachine(e.address()).equals("this")
                    && answers(e))
                return "node '" + e.name() + "' (registered with this CLI, it answers at " + e.address() + ")";
        }
        return process(port).orElse("another program");
    }

    /** Whether the registered node answers at its address (quickly: a busy port is checked at start-up). */
    static boolean answers(NodeRegistry.Entry e) {
        var opts = Cli.secured(
                NodeClient.Options.client()
                        .withConnectTimeout(Duration.ofMillis(300))
                        .withRequestTimeout(Duration.ofSeconds(1)),
                e);
        try (var c = NodeClient.connect(e.address(), opts)) {
            return e.nodeId() == null || e.nodeId().equals(c.nodeId());
        } catch (RuntimeException notThere) {
            return false;
        }
    }

    private static int portOf(String address) {
        try {
            return Addresses.parse(address).getPort();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** "java (pid 1234)" for the process listening on the port, if this machine tells. */
    static Optional<String> process(int port) {
        OptionalLong inode = listeningInode(port);
        if (inode.isEmpty()) return Optional.empty();
        String socket = "socket:[" + inode.getAsLong() + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                if (holds(p, socket)) return Optional.of(name(p) + " (pid " + p.getFileName() + ")");
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean holds(Path proc, String socket) {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(socket)) return true;
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // not ours to read
        }
        return false;
    }

    private static String name(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            return "a process";
        }
    }

    /** The inode of the socket in state LISTEN on {@code port} (IPv4 or IPv6), from /proc/net. */
    static OptionalLong listeningInode(int port) {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    try {
                        long inode = Long.parseLong(f[9]);
                        if (inode != 0) return OptionalLong.of(inode);
                    } catch (NumberFormatException e) {
                        // not a line of the table
                    }
                }
            }
        }
        return OptionalLong.empty();
    }
}
