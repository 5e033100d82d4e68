package dev.interstice.cli.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Where releases come from: an HTTPS URL, or a directory (e.g. a mounted share). Plain HTTP is accepted only on
 * loopback: the SHA-256 that vouches for the archive comes from the same source, so a source reached without TLS over
 * a network could hand out any archive with a matching sum.
 */
public final class ReleaseSource {
    /** An archive larger than this is refused (a runaway or hostile source must not fill the disk). */
    public static final long MAX_ARCHIVE_BYTES = 1L << 30;

    private static final long MAX_MANIFEST_BYTES = 64 * 1024;
    private final String location;
    private final URI base;
    private final Path dir;

    private ReleaseSource(String location, URI base, Path dir) {
        this.location = location;
        this.base = base;
        this.dir = dir;
    }

    public static ReleaseSource of(String location) {
        if (location.startsWith("https://") || location.startsWith("http://")) {
            URI u;
            try {
                u = URI.create(location.endsWith("/") ? location : location + "/");
            } catch (IllegalArgumentException e) {
                throw new UpdateException("release source '" + location + "' is not a valid URL: " + e.getMessage());
            }
            if (u.getHost() == null) throw new UpdateException("release source '" + location + "' names no host");
            if (u.getScheme().equals("http") && !loopback(u.getHost()))
                throw new UpdateException("release source '" + location
                        + "' is plain HTTP on another machine; use https:// (plain HTTP is accepted on loopback only)");
            return new ReleaseSource(location, u, null);
        }
        Path d = Path.of(location.startsWith("file:") ? URI.create(location).getPath() : location);
        if (!Files.isDirectory(d))
            throw new UpdateException("release source '" + location + "' is neither an https:// URL nor a directory");
        return new ReleaseSource(location, null, d);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return location;
    }

    /** The newest release the source offers. */
    public Release latest() {
        try (InputStream in = open("latest.json")) {
            byte[] json = in.readNBytes((int) MAX_MANIFEST_BYTES + 1);
            if (json.length > MAX_MANIFEST_BYTES)
                throw new UpdateException(location + "/latest.json is larger than " + MAX_MANIFEST_BYTES + " bytes");
            return Release.parse(json, location + "/latest.json");
        } catch (IOException e) {
            throw new UpdateException("cannot read " + location + "/latest.json: " + describe(e), e);
        }
    }

    /** Downloads the release's archive to {@code target}, refusing it (and deleting it) unless its SHA-256 matches. */
    public void download(Release r, Path target) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
        try (InputStream in = new DigestInputStream(open(r.archive()), sha);
                OutputStream out = Files.newOutputStream(target)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > MAX_ARCHIVE_BYTES)
                    throw new UpdateException(
                            r.archive() + " from " + location + " is larger than " + MAX_ARCHIVE_BYTES + " bytes");
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            deleteQuietly(target);
            throw new UpdateException("cannot download " + r.archive() + " from " + location + ": " + describe(e), e);
        } catch (UpdateException e) {
            deleteQuietly(target);
            throw e;
        }
        byte[] got = sha.digest();
        if (!MessageDigest.isEqual(got, r.sha256())) {
            deleteQuietly(target);
            throw new UpdateException(r.archive() + " from " + location + " does not match its SHA-256 in latest.json"
                    + " (expected " + HexFormat.of().formatHex(r.sha256()) + ", got "
                    + HexFormat.of().formatHex(got)
                    + "); nothing was installed");
        }
    }

    private InputStream open(String name) throws IOException {
        if (dir != null) return Files.newInputStream(dir.resolve(name));
        var client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        var request = HttpRequest.newBuilder(base.resolve(name))
                .timeout(Duration.ofMinutes(5))
                .GET()
                .build();
        HttpResponse<InputStream> res;
        try {
            res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (res.statusCode() != 200) {
            res.body().close();
            throw new IOException("HTTP " + res.statusCode() + " for " + base.resolve(name));
        }
        return res.body();
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file " + e.getMessage();
        if (e instanceof java.net.ConnectException) return "connection refused";
        return e.getMessage() == null ? "an input/output error" : e.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; the update's staging directory is removed as a whole anyway
        }
    }
}
