package dev.interstice.runtime.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Module code served over HTTP(S) as {@code <base>/<sha256>.wasm}: a 404 means the server does not have it; what it
 * answers is verified by {@link CodeChain} like any other place's answer.
 */
public final class UrlCodeSource implements CodeSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final URI base;
    private final HttpClient http;

    public UrlCodeSource(URI base) {
        String s = base.getScheme();
        if (!"http".equals(s) && !"https".equals(s))
            throw new IllegalArgumentException("not an http or https URL: " + base);
        this.base = base;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** The URL asked for {@code hash}. */
    URI uri(String hash) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b : b + "/") + hash + ".wasm");
    }

    @Override
    public String describe() {
        return base.toString();
    }

    @Override
    public byte[] fetch(String hash) throws IOException {
        if (!Blobs.isHash(hash)) throw new IOException("not a SHA-256: " + hash);
        URI u = uri(hash);
        var request = HttpRequest.newBuilder(u).timeout(TIMEOUT).GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException("cannot reach " + u + ": " + e.getMessage(), e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) return null;
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " for " + u);
            long announced = r.headers().firstValueAsLong("content-length").orElse(-1);
            if (announced > CodeChain.MAX_CODE_BYTES)
                throw new IOException(u + " is " + announced + " bytes, more than " + (CodeChain.MAX_CODE_BYTES >> 20)
                        + " MiB: refused");
            return CodeChain.readBounded(in, u.toString());
        }
    }
}
