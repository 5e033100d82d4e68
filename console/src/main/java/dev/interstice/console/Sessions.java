package dev.interstice.console;

import dev.interstice.network.AdminToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Console logins without the token on the wire: the page asks for a challenge (a fresh random nonce, usable once,
 * for a minute), computes {@code HMAC-SHA256(token, "interstice-console-v1" 0 nodeId 0 nonce)} with WebCrypto and
 * sends only that. The label differs from the wire protocol's, so a console proof is no proof there. A good proof
 * opens a session: a random id in an HttpOnly cookie, over once unused for {@link ConsoleConfig#sessionIdle()}.
 */
final class Sessions {
    static final String LABEL = "interstice-console-v1";
    /** Outstanding challenges at most: asking for more forgets the oldest. */
    static final int MAX_CHALLENGES = 256;

    static final long CHALLENGE_NANOS = 60_000_000_000L;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final AdminToken token;
    private final String nodeId;
    private final long idleNanos;
    private final int maxSessions;
    private final LongSupplier clock;
    /** Nonce (hex) to the time it expires; insertion order = age. */
    private final Map<String, Long> challenges = new LinkedHashMap<>();
    /** Session id to the time it was last used; access order = least recently used first. */
    private final LinkedHashMap<String, Long> sessions = new LinkedHashMap<>(16, 0.75f, true);

    Sessions(AdminToken token, String nodeId, ConsoleConfig config, LongSupplier clock) {
        this.token = token;
        this.nodeId = nodeId;
        this.idleNanos = config.sessionIdle().toNanos();
        this.maxSessions = config.maxSessions();
        this.clock = clock;
    }

    /** A new nonce (hex) to sign. */
    synchronized String challenge() {
        long now = clock.getAsLong();
        challenges.values().removeIf(expiry -> expiry - now < 0);
        if (challenges.size() >= MAX_CHALLENGES) {
            Iterator<String> oldest = challenges.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        String hex = HEX.formatHex(nonce);
        challenges.put(hex, now + CHALLENGE_NANOS);
        return hex;
    }

    /** A new session's id if {@code proof} signs a live challenge {@code nonce} with the admin token (used either way). */
    synchronized Optional<String> login(String nonce, String proof) {
        if (nonce == null || proof == null) return Optional.empty();
        Long expiry = challenges.remove(nonce);
        long now = clock.getAsLong();
        if (expiry == null || expiry - now < 0) return Optional.empty();
        byte[] given;
        try {
            given = HEX.parseHex(proof);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(given, proof(token.value(), nodeId, HEX.parseHex(nonce)))) return Optional.empty();
        sessions.entrySet().removeIf(s -> now - s.getValue() > idleNanos);
        if (sessions.size() >= maxSessions) {
            Iterator<String> lru = sessions.keySet().iterator();
            lru.next();
            lru.remove();
        }
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String session = HEX.formatHex(id);
        sessions.put(session, now);
        return Optional.of(session);
    }

    /** Whether {@code id} names a live session; using it keeps it alive. */
    synchronized boolean touch(String id) {
        if (id == null) return false;
        Long last = sessions.get(id);
        long now = clock.getAsLong();
        if (last == null) return false;
        if (now - last > idleNanos) {
            sessions.remove(id);
            return false;
        }
        sessions.put(id, now);
        return true;
    }

    synchronized void logout(String id) {
        if (id != null) sessions.remove(id);
    }

    /** The proof the page computes: HMAC-SHA256 keyed with the token over the label, node id and nonce. */
    static byte[] proof(String token, String nodeId, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(LABEL.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(nodeId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(nonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
