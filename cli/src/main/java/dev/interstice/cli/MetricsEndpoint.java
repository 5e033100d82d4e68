package dev.interstice.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.interstice.network.Addresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The node's {@code GET /metrics} (Prometheus text format) on its own address, served by the JDK's HTTP server on one
 * thread. While it runs, the data directory's {@code metrics.address} says where it is (for {@code interstice top}).
 */
final class MetricsEndpoint implements AutoCloseable {
    static final String ADDRESS_FILE = "metrics.address";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final Path addressFile;

    private MetricsEndpoint(HttpServer http, Path addressFile) {
        this.http = http;
        this.addressFile = addressFile;
    }

    /** {@code <port>} (on loopback) or {@code <host:port>}. */
    static InetSocketAddress parse(String spec) {
        try {
            InetSocketAddress a = Addresses.parse(spec.matches("\\d+") ? "127.0.0.1:" + spec : spec);
            InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
            if (resolved.isUnresolved())
                throw CliException.usage("--metrics: unknown host '" + a.getHostString() + "'");
            return resolved;
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--metrics: " + e.getMessage());
        }
    }

    static MetricsEndpoint start(InetSocketAddress at, Supplier<String> scrape, Path dataDir) throws IOException {
        HttpServer http = HttpServer.create(at, 16);
        http.createContext("/", ex -> {
            try (ex) {
                if (!"/metrics".equals(ex.getRequestURI().getPath())) reply(ex, 404, "try /metrics\n");
                else if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod()))
                    reply(ex, 405, "GET only\n");
                else {
                    ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                    reply(ex, 200, scrape.get());
                }
            }
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "interstice-metrics");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        InetSocketAddress bound = http.getAddress();
        Path file = dataDir.resolve(ADDRESS_FILE);
        Files.writeString(file, Addresses.format(bound.getHostString(), bound.getPort()) + "\n");
        return new MetricsEndpoint(http, file);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        if (!head) ex.getResponseBody().write(b);
    }

    String address() {
        InetSocketAddress a = http.getAddress();
        return Addresses.format(a.getHostString(), a.getPort());
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            Files.deleteIfExists(addressFile);
        } catch (IOException ignored) {
            // a stale file only points top at an address that no longer answers
        }
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
