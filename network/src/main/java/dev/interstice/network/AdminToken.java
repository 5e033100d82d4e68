package dev.interstice.network;

import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A node's admin credential: 32 random bytes (64 hex characters), created with the node and kept in
 * {@code <data dir>/admin.token} (mode 600). It never crosses the network: a client proves it knows the token with
 * HMAC-SHA256(token, "interstice-admin-v1" | node id | server nonce | client nonce), fresh nonces per connection.
 */
public final class AdminToken {
    public static final String FILE = "admin.token";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    public static AdminToken of(String value) {
        String v = value == null ? "" : value.strip();
        if (v.length() < 16) throw new IllegalArgumentException("an admin token has at least 16 characters");
        return new AdminToken(v);
    }

    public static AdminToken random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new AdminToken(HexFormat.of().formatHex(b));
    }

    /** The token in {@code dir/admin.token}, created (mode 600) if absent. */
    public static AdminToken loadOrCreate(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) return of(Files.readString(file, StandardCharsets.US_ASCII));
            PrivateFiles.createDirectories(dir);
            AdminToken t = random();
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) { // not a POSIX file system
                Files.createFile(tmp);
            }
            Files.writeString(tmp, t.value + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
                return of(Files.readString(file, StandardCharsets.US_ASCII));
            }
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token " + file + ": " + e.getMessage(), e);
        }
    }

    public String value() {
        return value;
    }

    /** The proof a client sends for this token. */
    public byte[] proof(String nodeId, byte[] serverNonce, byte[] clientNonce) {
        return proof(value, "interstice-admin-v1", serverNonce, clientNonce, nodeId);
    }

    /**
     * The proof scheme of every credential: HMAC-SHA256 keyed with {@code secret} over {@code label}, then each of
     * {@code fields} after a 0 byte, then a 0 byte and both nonces.
     */
    static byte[] proof(String secret, String label, byte[] serverNonce, byte[] clientNonce, String... fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            for (String f : fields) {
                mac.update((byte) 0);
                mac.update(f.getBytes(StandardCharsets.UTF_8));
            }
            mac.update((byte) 0);
            mac.update(serverNonce);
            mac.update(clientNonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time check of a client's proof. */
    public boolean verify(byte[] proof, String nodeId, byte[] serverNonce, byte[] clientNonce) {
        return proof != null && MessageDigest.isEqual(proof, proof(nodeId, serverNonce, clientNonce));
    }

    /**
     * Initialises what a connection's proof needs from the JDK's security providers (their configuration, the
     * SecureRandom, HMAC-SHA256): tens of milliseconds the first time in a JVM. A short-lived client runs this on a
     * second thread as it starts, so that the work overlaps its argument parsing instead of following it.
     */
    public static void prepare() {
        random().proof("", nonce(), new byte[0]);
    }

    static byte[] nonce() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return "AdminToken[****]";
    }
}
