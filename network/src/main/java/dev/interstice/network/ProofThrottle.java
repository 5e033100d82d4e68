package dev.interstice.network;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed credential proofs (admin or scoped token) per remote address: after {@code max} failures within
 * {@code window}, that address's proofs are refused for {@code backOff} without being evaluated, so a guesser gets
 * {@code max} tries per window and back-off, not thousands a second. Logged once per back-off. Thread-safe.
 */
final class ProofThrottle {
    private static final Logger log = LoggerFactory.getLogger(ProofThrottle.class);
    /** Beyond this many addresses, entries whose window and back-off are over are dropped (memory stays bounded). */
    private static final int PRUNE_ABOVE = 4096;

    private final int max;
    private final long window;
    private final long backOff;
    private final Map<InetAddress, Failures> byAddress = new HashMap<>();

    private static final class Failures {
        long windowStart;
        int count;
        boolean blocked;
        long blockedUntil;
    }

    ProofThrottle(int max, Duration window, Duration backOff) {
        this.max = max;
        this.window = window.toNanos();
        this.backOff = backOff.toNanos();
    }

    /** Why a proof from {@code from} is refused without being evaluated, or null when it may be checked. */
    synchronized String refusal(InetAddress from) {
        Failures f = byAddress.get(from);
        long now = System.nanoTime();
        if (f == null || !f.blocked || now - f.blockedUntil >= 0) return null;
        long seconds = Math.max(1, (f.blockedUntil - now + 999_999_999) / 1_000_000_000);
        return "too many failed authentications from " + from.getHostAddress() + " (" + max + " within "
                + NetworkConfig.describe(Duration.ofNanos(window)) + "): credentials from that address are not checked"
                + " for " + NetworkConfig.describe(Duration.ofNanos(backOff)) + "; try again in " + seconds + " s";
    }

    /** A proof from {@code from} was wrong. */
    synchronized void failed(InetAddress from) {
        long now = System.nanoTime();
        if (byAddress.size() > PRUNE_ABOVE)
            byAddress.values().removeIf(f -> now - f.windowStart > window && (!f.blocked || now - f.blockedUntil >= 0));
        Failures f = byAddress.computeIfAbsent(from, a -> new Failures());
        if (f.count == 0 || now - f.windowStart > window) {
            f.windowStart = now;
            f.count = 0;
        }
        if (++f.count < max) return;
        f.count = 0;
        f.blocked = true;
        f.blockedUntil = now + backOff;
        log.warn(
                "{} failed authentications from {} within {}: its credentials are refused unchecked for {}",
                max,
                from.getHostAddress(),
                NetworkConfig.describe(Duration.ofNanos(window)),
                NetworkConfig.describe(Duration.ofNanos(backOff)));
    }

    /** A proof from {@code from} was right: its failures are forgotten. */
    synchronized void succeeded(InetAddress from) {
        byAddress.remove(from);
    }
}
