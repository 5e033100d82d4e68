package dev.interstice.runtime.node;

import dev.interstice.storage.AtomicFiles;
import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A node's Ed25519 key pair, which is what the node is: its id is derived from the public key (SHA-256 of the encoded
 * SubjectPublicKeyInfo, first 16 bytes, written as a UUID), and the TLS certificate it presents is made from it, so a
 * peer's id is verified, not declared. Kept in {@code <data dir>/node.key} (mode 600); in-memory nodes get an
 * ephemeral one.
 */
public final class NodeIdentity {
    public static final String FILE = "node.key";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private final KeyPair keys;
    private final String id;

    private NodeIdentity(KeyPair keys) {
        this.keys = keys;
        this.id = idOf(keys.getPublic().getEncoded());
    }

    /** A new key pair, kept nowhere. */
    public static NodeIdentity generate() {
        try {
            return new NodeIdentity(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no Ed25519", e);
        }
    }

    /** Whether {@code dir} holds a node key. */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }

    /** The key in {@code dir/node.key}, created (mode 600) if absent. */
    public static NodeIdentity loadOrCreate(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) return read(file);
            PrivateFiles.createDirectories(dir);
            NodeIdentity n = generate();
            AtomicFiles.write(file, n.pem().getBytes(StandardCharsets.US_ASCII));
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the node key " + file + ": " + e.getMessage(), e);
        }
    }

    private static NodeIdentity read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            var kf = KeyFactory.getInstance("Ed25519");
            return new NodeIdentity(new KeyPair(
                    kf.generatePublic(new X509EncodedKeySpec(block(text, PUBLIC, file))),
                    kf.generatePrivate(new PKCS8EncodedKeySpec(block(text, PRIVATE, file)))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the node key " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] block(String text, String label, Path file) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) throw new IOException("the node key " + file + " has no " + label + " block");
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    private String pem() {
        var enc = Base64.getMimeEncoder(64, new byte[] {'\n'});
        return "-----BEGIN " + PRIVATE + "-----\n"
                + enc.encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END " + PRIVATE + "-----\n" + "-----BEGIN " + PUBLIC + "-----\n"
                + enc.encodeToString(keys.getPublic().getEncoded()) + "\n-----END " + PUBLIC + "-----\n";
    }

    public KeyPair keys() {
        return keys;
    }

    /** The node id this key stands for. */
    public String id() {
        return id;
    }

    /** "SHA256:" and the unpadded base64 of the public key's SHA-256, as SSH shows host keys. */
    public String fingerprint() {
        return fingerprintOf(keys.getPublic().getEncoded());
    }

    /** The node id of an encoded (SubjectPublicKeyInfo) public key. */
    public static String idOf(byte[] spki) {
        String h = HexFormat.of().formatHex(sha256(spki), 0, 16);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    /** The fingerprint of an encoded (SubjectPublicKeyInfo) public key. */
    public static String fingerprintOf(byte[] spki) {
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha256(spki));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
