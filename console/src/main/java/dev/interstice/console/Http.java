package dev.interstice.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing JSON and the bundled page's files to an exchange. */
final class Http {
    /** Where the built page lies on the class path. */
    static final String ROOT = "console/";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    private Http() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ObjectNode error(String message) {
        return object().put("error", message == null ? "error" : message);
    }

    static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = ValueJson.JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    static JsonNode readJson(HttpExchange ex, int max) throws IOException {
        byte[] b = Console.body(ex, max);
        if (b.length == 0) return object();
        try {
            return ValueJson.JSON.readTree(new String(b, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw ApiException.bad("the request is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A file of the built page (the page itself for {@code /} and any path without an extension). */
    static void resource(HttpExchange ex, String path) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            json(ex, 405, error("GET only"));
            return;
        }
        String name =
                path.equals("/") || !path.substring(path.lastIndexOf('/') + 1).contains(".")
                        ? "index.html"
                        : path.substring(1);
        if (name.contains("..") || name.contains("//")) {
            json(ex, 404, error("no such file"));
            return;
        }
        try (InputStream in = Http.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                json(
                        ex,
                        404,
                        error(name.equals("index.html") ? "the console's page was not built (npm)" : "no such file"));
                return;
            }
            byte[] b = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
            // Vite names assets by content hash, so they never change; the page itself is re-read every time
            ex.getResponseHeaders()
                    .set("Cache-Control", name.startsWith("assets/") ? "max-age=31536000, immutable" : "no-cache");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(200, head ? -1 : b.length);
            if (!head) ex.getResponseBody().write(b);
        }
    }
}
