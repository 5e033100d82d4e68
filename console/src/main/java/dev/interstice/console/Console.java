package dev.interstice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.node.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's web console (docs/console.md): the page bundled in this jar and its JSON API, on the JDK's HTTP server.
 * Every API route but the login's needs a session ({@link Sessions}); every POST needs the header
 * {@value #CSRF_HEADER} (a page on another origin cannot send it without a CORS preflight, which is never answered).
 */
public final class Console implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String COOKIE = "interstice_console";
    static final String CSRF_HEADER = "X-Interstice-Console";
    /** Largest JSON request body. */
    static final int MAX_JSON = 1 << 20;

    private final Node node;
    private final ConsoleConfig config;
    private final HttpServer http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker;
    private final Sessions sessions;
    private final Metrics metrics = new Metrics();
    private final LiveFeed feed = new LiveFeed();
    private final Api api;
    private final Routes routes;

    private Console(Node node, NodeServer server, AdminToken token, ConsoleConfig config, HttpServer http) {
        this.node = node;
        this.config = config;
        this.http = http;
        this.sessions = new Sessions(token, node.id(), config, System::nanoTime);
        this.api = new Api(node, server, metrics);
        this.routes = new Routes(api, node, feed, config);
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("interstice-console-metrics").factory());
    }

    /**
     * Serves {@code node}'s console (with {@code server}, if any, for its name, address and peers) to whoever proves
     * they hold {@code token}.
     */
    public static Console start(Node node, NodeServer server, AdminToken token, ConsoleConfig config)
            throws IOException {
        HttpServer http = HttpServer.create(config.address(), 64);
        var console = new Console(node, server, token, config, http);
        http.setExecutor(console.threads);
        http.createContext("/", console::handle);
        node.addCommitListener(console.feed);
        node.addCallObserver(console.metrics);
        console.ticker.scheduleAtFixedRate(console::tick, 1, 1, TimeUnit.SECONDS);
        http.start();
        log.info("console on {}", console.url());
        return console;
    }

    /** Where a browser opens it. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void tick() {
        try {
            feed.published(metrics.sample(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            log.warn("console metrics sample failed: {}", e.toString());
        }
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
            if (!hostAllowed(ex)) {
                Http.json(ex, 421, Http.error("this console answers only to its own address"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/")) api(ex, path.substring(5));
            else Http.resource(ex, path);
        } catch (IOException e) {
            log.debug("console request ended: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("console request failed", e);
        }
    }

    /**
     * On a loopback address only loopback names are accepted in {@code Host}, so a web page elsewhere cannot reach the
     * console through a DNS name that it re-points at 127.0.0.1 (DNS rebinding).
     */
    private boolean hostAllowed(HttpExchange ex) {
        if (!config.address().getAddress().isLoopbackAddress()) return true;
        String host =
                Optional.ofNullable(ex.getRequestHeaders().getFirst("Host")).orElse("");
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceAll(":\\d+$", "");
        return List.of("127.0.0.1", "localhost", "[::1]").contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    private void api(HttpExchange ex, String route) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        String method = ex.getRequestMethod();
        boolean post = "POST".equals(method);
        if (!post && !"GET".equals(method)) {
            Http.json(ex, 405, Http.error("GET or POST only"));
            return;
        }
        if (post && !"1".equals(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
            Http.json(ex, 403, Http.error("a state-changing request needs the header " + CSRF_HEADER + ": 1"));
            return;
        }
        Map<String, String> q = query(ex.getRequestURI());
        try {
            switch (route) {
                case "challenge" -> {
                    Http.json(
                            ex,
                            200,
                            Http.object().put("nonce", sessions.challenge()).put("node", node.id()));
                    return;
                }
                case "login" -> {
                    login(ex);
                    return;
                }
                default -> {}
            }
            String session = cookie(ex);
            if (!sessions.touch(session)) {
                Http.json(ex, 401, Http.error("not logged in (or the session expired)"));
                return;
            }
            if (route.equals("logout")) {
                sessions.logout(session);
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
                Http.json(ex, 200, Http.object());
            } else if (route.equals("events")) routes.events(ex, q);
            else Http.json(ex, 200, routes.answer(ex, route, post, q));
        } catch (ApiException e) {
            Http.json(ex, e.status, Http.error(e.getMessage()));
        } catch (IntersticeException e) {
            Http.json(ex, 400, Http.error(e.getMessage()).put("kind", e.kind().name()));
        } catch (IllegalArgumentException e) {
            Http.json(ex, 400, Http.error(e.getMessage()));
        } catch (RuntimeException e) { // the node's own failure (e.g. its storage): the page says so, the node goes on
            log.warn("console request {} failed", route, e);
            Http.json(ex, 500, Http.error("the node could not answer: " + e.getMessage()));
        }
    }

    private void login(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) throw new ApiException(405, "POST only");
        JsonNode body = Http.readJson(ex, MAX_JSON);
        Optional<String> session = sessions.login(
                body.path("nonce").asText(null), body.path("proof").asText(null));
        if (session.isEmpty()) {
            log.warn(
                    "console: failed login from {}",
                    ex.getRemoteAddress().getAddress().getHostAddress());
            Http.json(ex, 401, Http.error("wrong token (or the challenge expired): try again"));
            return;
        }
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + session.get() + "; Path=/; HttpOnly; SameSite=Strict");
        Http.json(ex, 200, Http.object().put("node", node.id()));
    }

    private static String cookie(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of()))
            for (String c : header.split(";")) {
                String t = c.strip();
                if (t.startsWith(COOKIE + "=")) return t.substring(COOKIE.length() + 1);
            }
        return null;
    }

    static Map<String, String> query(URI uri) {
        var out = new HashMap<String, String>();
        String raw = uri.getRawQuery();
        if (raw == null) return out;
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            if (eq < 0) continue;
            out.put(
                    URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        node.removeCommitListener(feed);
        node.removeCallObserver(metrics);
        ticker.shutdownNow();
        http.stop(0);
        threads.shutdownNow();
    }

    /** For {@link Routes}: a page's body. */
    static byte[] body(HttpExchange ex, int max) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) throw new ApiException(413, "the request is larger than " + max + " bytes");
            return b;
        }
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
