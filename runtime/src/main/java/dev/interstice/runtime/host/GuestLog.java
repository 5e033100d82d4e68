package dev.interstice.runtime.host;

import dev.interstice.runtime.engine.GuestInstance;
import java.nio.charset.StandardCharsets;

/** Reads an {@code interstice_log} line, at most {@code max} bytes of it: a guest cannot flood the node's log. */
final class GuestLog {
    private GuestLog() {}

    static String line(GuestInstance g, int ptr, int len, int max) {
        byte[] b = g.readPrefix(ptr, len, max);
        if (b.length == len) return new String(b, StandardCharsets.UTF_8);
        int keep = utf8Boundary(b, b.length);
        return new String(b, 0, keep, StandardCharsets.UTF_8) + " [... " + (len - keep) + " more bytes cut]";
    }

    /** The largest {@code n <= end} that does not cut a UTF-8 sequence of {@code b} in two. */
    static int utf8Boundary(byte[] b, int end) {
        int start = end;
        while (start > 0 && start > end - 4 && (b[start - 1] & 0xC0) == 0x80) start--; // continuation bytes
        if (start == 0) return end;
        int lead = b[start - 1] & 0xFF;
        int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return end - (start - 1) >= size ? end : start - 1;
    }
}
