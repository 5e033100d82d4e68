package dev.interstice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.interstice.runtime.node.Node;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Which API call a route is, with its parameters read from the query string or the JSON body; and the live stream. */
final class Routes {
    /** A stream sends a comment this often when idle, which also finds pages that went away. */
    static final long HEARTBEAT_SECONDS = 15;

    private final Api api;
    private final Node node;
    private final LiveFeed feed;
    private final ConsoleConfig config;

    Routes(Api api, Node node, LiveFeed feed, ConsoleConfig config) {
        this.api = api;
        this.node = node;
        this.feed = feed;
        this.config = config;
    }

    JsonNode answer(HttpExchange ex, String route, boolean post, Map<String, String> q) throws IOException {
        if (post) {
            if (route.equals("publish")) {
                byte[] wasm = Console.body(ex, config.maxUploadBytes());
                String label = q.getOrDefault("label", "(" + wasm.length + " bytes)");
                return api.publish(label, wasm, "true".equals(q.get("reset")));
            }
            JsonNode b = Http.readJson(ex, Console.MAX_JSON);
            return switch (route) {
                case "call" -> api.call(text(b, "module"), text(b, "reducer"), b.get("args"));
                case "query" -> api.query(text(b, "module"), text(b, "query"), b.get("args"));
                case "remove" -> api.remove(text(b, "module"));
                case "unload" -> api.unload(text(b, "module"));
                default -> throw new ApiException(404, "no API route POST /api/" + route);
            };
        }
        return switch (route) {
            case "session" -> Http.object().put("node", node.id());
            case "node" -> api.nodeInfo();
            case "modules" -> api.modules();
            case "module" -> api.module(param(q, "name"));
            case "rows" ->
                api.rows(
                        param(q, "module"),
                        param(q, "table"),
                        json(q.get("where")),
                        q.get("sort"),
                        json(q.get("after")),
                        integer(q.getOrDefault("limit", "50")));
            case "log" -> api.log(q.get("module"), q.get("reducer"), integer(q.getOrDefault("limit", "50")));
            case "history" -> api.history(param(q, "module"));
            case "metrics" -> api.metrics();
            default -> throw new ApiException(404, "no API route GET /api/" + route);
        };
    }

    /**
     * Server-Sent Events until the page goes away: {@code metrics} every second and, with {@code module} and
     * {@code table}, {@code row} for each change of that table once durable ({@code reload} if the page fell behind).
     */
    void events(HttpExchange ex, Map<String, String> q) throws IOException {
        String module = q.get("module");
        String table = q.get("table");
        if (feed.size() >= config.maxStreams()) throw new ApiException(429, "too many live streams are open");
        LiveFeed.Subscriber s = feed.subscribe(module, table == null || module == null ? null : table);
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            Console.write(out, ": live\n\n");
            while (true) {
                LiveFeed.Event e = s.queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                switch (e) {
                    case null -> Console.write(out, ": idle\n\n");
                    case LiveFeed.MetricsSample m -> send(out, "metrics", Api.sample(m.sample()));
                    case LiveFeed.RowChange c -> {
                        node.awaitDurable(c.lsn());
                        send(out, "row", Api.rowChange(node, c));
                    }
                    case LiveFeed.Overflow o -> {
                        s.resumed();
                        send(out, "reload", Http.object());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.unsubscribe(s);
        }
    }

    private static void send(OutputStream out, String event, JsonNode data) throws IOException {
        Console.write(out, "event: " + event + "\ndata: " + ValueJson.JSON.writeValueAsString(data) + "\n\n");
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) throw ApiException.bad("'" + field + "' is missing");
        return n.asText();
    }

    private static String param(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) throw ApiException.bad("the parameter '" + name + "' is missing");
        return v;
    }

    private static JsonNode json(String text) {
        if (text == null || text.isEmpty()) return null;
        try {
            return ValueJson.JSON.readTree(text);
        } catch (IOException e) {
            throw ApiException.bad("not JSON: " + text);
        }
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.bad("not a number: " + text);
        }
    }
}
