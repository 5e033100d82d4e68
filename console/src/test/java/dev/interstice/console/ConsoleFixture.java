package dev.interstice.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interstice.network.AdminToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;

/** An HTTP client of a console, logging in as the page does; and the example modules' code. */
final class ConsoleFixture {
    final HttpClient http = HttpClient.newHttpClient();
    final String url;
    String cookie;

    ConsoleFixture(String url) {
        this.url = url;
    }

    record Answer(int status, JsonNode body) {}

    Answer get(String route) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(url + "api/" + route));
        if (cookie != null) b.header("Cookie", cookie);
        return send(b.GET().build());
    }

    Answer post(String route, String json, boolean csrf) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(url + "api/" + route)).header("Content-Type", "application/json");
        if (cookie != null) b.header("Cookie", cookie);
        if (csrf) b.header(Console.CSRF_HEADER, "1");
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer send(HttpRequest r) throws Exception {
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        res.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        JsonNode body = res.body().isEmpty() ? null : ValueJson.JSON.readTree(res.body());
        return new Answer(res.statusCode(), body);
    }

    /** Logs in with {@code token} as the page does: a challenge, then its HMAC. */
    Answer login(AdminToken token) throws Exception {
        JsonNode c = get("challenge").body();
        String nonce = c.get("nonce").asText();
        String proof = HexFormat.of()
                .formatHex(Sessions.proof(
                        token.value(), c.get("node").asText(), HexFormat.of().parseHex(nonce)));
        return post("login", "{\"nonce\":\"" + nonce + "\",\"proof\":\"" + proof + "\"}", true);
    }

    static byte[] wasm(String module) {
        try (InputStream in = ConsoleFixture.class.getResourceAsStream("/modules/" + module + ".wasm")) {
            if (in == null) throw new IllegalStateException("/modules/" + module + ".wasm is not on the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
