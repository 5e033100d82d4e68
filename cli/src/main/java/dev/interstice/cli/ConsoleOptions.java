package dev.interstice.cli;

import dev.interstice.console.Console;
import dev.interstice.console.ConsoleConfig;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --console}, {@code --console-port}, {@code --console-address}: the node's web console (docs/console.md). */
final class ConsoleOptions {
    @Option(
            names = "--console",
            description = "Serve the web console (off by default): on 127.0.0.1 and a free port unless"
                    + " --console-port/--console-address say otherwise; log in with the node's admin token.")
    boolean on;

    @Option(
            names = "--console-port",
            paramLabel = "<port>",
            description = "The console's port (0: any free one); implies --console.")
    Integer port;

    @Option(
            names = "--console-address",
            paramLabel = "<host>",
            description = "The console's interface (default 127.0.0.1); implies --console. Beyond loopback the page"
                    + " travels in clear HTTP: put an HTTPS proxy in front (the login needs a secure context).")
    String address;

    boolean enabled() {
        return on || port != null || address != null;
    }

    /** A bad port is a usage error, found before anything opens. */
    void validate() {
        if (port != null && (port < 0 || port > 65535))
            throw CliException.usage("--console-port " + port + " is out of range 0-65535 (0: any free port)");
    }

    /** The console when enabled (else null), its URL printed to {@code out}; a port in use is a CliException. */
    Console start(Node node, NodeServer server, AdminToken token, Path dataDir, PrintWriter out) {
        if (!enabled()) return null;
        validate();
        String host = address != null ? address : "127.0.0.1";
        try {
            Console c = Console.start(node, server, token, ConsoleConfig.at(host, port != null ? port : 0));
            out.println("console: " + c.url() + " (log in with the admin token in " + dataDir.resolve(AdminToken.FILE)
                    + ")");
            return c;
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot serve the console on " + host + ":" + (port != null ? port : 0) + ": "
                    + e.getMessage() + " (choose another with --console-port)");
        }
    }
}
