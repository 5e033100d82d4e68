package dev.interstice.network;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What the holder of a scoped token keeps: its id ({@code tk_} and 8 hex digits, shown in lists and refusals) and its
 * secret (64 hex digits, shown once). Written as one string, {@code <id>.<secret>}. Like the admin token, the secret
 * never crosses the network: the proof is HMAC-SHA256(secret, "interstice-token-v1" 0 id 0 node id 0 server nonce
 * client nonce), so a proof names its token and is useless on another connection or for another token.
 */
public final class TokenCredential {
    public static final String PREFIX = "tk_";
    private final String id;
    private final String secret;

    private TokenCredential(String id, String secret) {
        this.id = id;
        this.secret = secret;
    }

    /** {@code <id>.<secret>} as {@link #value()} writes it. */
    public static TokenCredential parse(String text) {
        String t = text == null ? "" : text.strip();
        int dot = t.indexOf('.');
        if (!t.startsWith(PREFIX) || dot < 0)
            throw new IllegalArgumentException(
                    "a scoped token is written tk_<id>.<secret> (as 'interstice token create' printed it)");
        return of(t.substring(0, dot), t.substring(dot + 1));
    }

    public static TokenCredential of(String id, String secret) {
        if (!isId(id))
            throw new IllegalArgumentException("'" + id + "' is not a token id (tk_ and 1-32 letters or digits)");
        if (secret == null || !secret.matches("[0-9a-f]{32,128}"))
            throw new IllegalArgumentException("the secret of token '" + id + "' is not 32-128 hex digits");
        return new TokenCredential(id, secret);
    }

    public static boolean isId(String id) {
        return id != null && id.matches(PREFIX + "[A-Za-z0-9]{1,32}");
    }

    static TokenCredential random() {
        byte[] idBytes = AdminToken.nonce();
        var hex = HexFormat.of();
        return new TokenCredential(PREFIX + hex.formatHex(idBytes, 0, 4), hex.formatHex(AdminToken.nonce()));
    }

    public String id() {
        return id;
    }

    String secret() {
        return secret;
    }

    /** The one string a holder keeps: {@code <id>.<secret>}. */
    public String value() {
        return id + "." + secret;
    }

    /** The proof a client sends in Authenticate with this token's id. */
    public byte[] proof(String nodeId, byte[] serverNonce, byte[] clientNonce) {
        return AdminToken.proof(secret, "interstice-token-v1", serverNonce, clientNonce, id, nodeId);
    }

    /** Constant-time check of a client's proof. */
    boolean verify(byte[] proof, String nodeId, byte[] serverNonce, byte[] clientNonce) {
        return proof != null && MessageDigest.isEqual(proof, proof(nodeId, serverNonce, clientNonce));
    }

    @Override
    public String toString() {
        return id + ".****";
    }
}
