package dev.interstice.network;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may connect: at most {@code max} connections, at most {@code maxPerAddress} of them from one remote address,
 * and beyond that {@code reserve} slots for connections that must then authenticate as admin (so a node filled by
 * others can still be administered). Thread-safe.
 */
final class ConnectionSlots {
    /** A connection's slot; {@code full} (null for a regular slot) says why it had to take one of the admin reserve. */
    record Slot(InetAddress address, String full) {
        boolean reserve() {
            return full != null;
        }
    }

    private final String nodeName;
    private final int max;
    private final int maxPerAddress;
    private final int reserve;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int regular;
    private int reserved;

    ConnectionSlots(String nodeName, int max, int maxPerAddress, int reserve) {
        this.nodeName = nodeName;
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.reserve = reserve;
    }

    /** A regular slot, else one of the admin reserve, else null (then {@link #refusal} says why). */
    synchronized Slot take(InetAddress from) {
        String full = full(from);
        if (full == null) {
            regular++;
            perAddress.merge(from, 1, Integer::sum);
            return new Slot(from, null);
        }
        if (reserved >= reserve) return null;
        reserved++;
        return new Slot(from, full);
    }

    synchronized void release(Slot s) {
        if (s.reserve()) {
            reserved--;
            return;
        }
        regular--;
        perAddress.computeIfPresent(s.address(), (a, n) -> n > 1 ? n - 1 : null);
    }

    /** Why a connection from {@code from} gets no slot at all. */
    synchronized String refusal(InetAddress from) {
        String full = full(from);
        return (full != null ? full : "node '" + nodeName + "' is full") + "; try again later";
    }

    /** Why no regular slot is free for {@code from}, or null if one is. */
    private String full(InetAddress from) {
        int fromThere = perAddress.getOrDefault(from, 0);
        String addr = from.getHostAddress();
        if (regular >= max)
            return "node '" + nodeName + "' is full: " + regular + " connections open (" + fromThere + " from " + addr
                    + ")";
        if (fromThere >= maxPerAddress)
            return "node '" + nodeName + "' is full for " + addr + ": " + fromThere
                    + " connections open from that address (at most " + maxPerAddress + " per address)";
        return null;
    }
}
