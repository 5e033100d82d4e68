package dev.interstice.runtime.engine;

import java.util.regex.Pattern;

/**
 * A guest's own words about why it failed (an abort or panic message), as they appear in an error: cut to
 * {@link #MAX_CHARS}, quoted, control characters escaped (the text goes to terminals and logs), the source
 * location after it.
 */
public final class GuestMessage {
    /** The longest guest message an error carries; the rest is cut (a guest chooses how long its message is). */
    public static final int MAX_CHARS = 1024;

    /** What the SDKs log just before trapping: Rust's panic hook and the AssemblyScript SDK's abort. */
    public static final String PANIC_PREFIX = "Panic Error: ";

    /** The AssemblyScript SDK's location suffix: {@code msg (file:line:col)}. */
    private static final Pattern LOCATION = Pattern.compile("(?s)(.*) \\(([^()\\n]+:\\d+:\\d+)\\)");

    private GuestMessage() {}

    /** {@code aborted: "message" (file:line:col)}; the location is left out when null. */
    static String aborted(String message, String location) {
        return "aborted: " + quoted(message) + (location == null ? "" : " (" + escaped(location, 256) + ")");
    }

    /** The abort a panic log line describes (the text after {@link #PANIC_PREFIX}), its location split off. */
    static String panicked(String text) {
        var m = LOCATION.matcher(text);
        return m.matches() ? aborted(m.group(1), m.group(2)) : aborted(text, null);
    }

    /** The text in double quotes, cut to {@link #MAX_CHARS} ("..." marks the cut), escaped as in JSON. */
    static String quoted(String text) {
        return "\"" + escaped(text, MAX_CHARS) + "\"";
    }

    private static String escaped(String text, int max) {
        boolean cut = text.length() > max;
        String s = cut ? text.substring(0, Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max) : text;
        var sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return cut ? sb.append("...").toString() : sb.toString();
    }
}
