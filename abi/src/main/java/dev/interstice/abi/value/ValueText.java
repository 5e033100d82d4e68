package dev.interstice.abi.value;

/**
 * Values as people read them in error messages and logs, in the JSON the CLI prints and reads: {@code 42},
 * {@code "alice"}, {@code [1, 2]}, {@code {"x": 1, "y": 2}} (a struct), {@code "Empty"} and {@code {"Circle": 2.5}}
 * (enum variants), {@code null} (none, unit). Strings are quoted with control characters escaped, and long values are
 * cut (a message never carries a megabyte row).
 */
public final class ValueText {
    /** Characters of text a rendering keeps before it is cut with "…". */
    public static final int MAX_CHARS = 200;

    private ValueText() {}

    public static String of(IntersticeValue v) {
        var sb = new StringBuilder();
        append(sb, v);
        return sb.length() <= MAX_CHARS ? sb.toString() : sb.substring(0, MAX_CHARS) + "…";
    }

    private static void append(StringBuilder sb, IntersticeValue v) {
        if (sb.length() > MAX_CHARS) return;
        switch (v) {
            case IntersticeValue.Void x -> sb.append("null");
            case IntersticeValue.U8 x -> sb.append(x.value());
            case IntersticeValue.U32 x -> sb.append(x.value());
            case IntersticeValue.U64 x -> sb.append(Long.toUnsignedString(x.value()));
            case IntersticeValue.I32 x -> sb.append(x.value());
            case IntersticeValue.I64 x -> sb.append(x.value());
            case IntersticeValue.F32 x -> number(sb, x.value());
            case IntersticeValue.F64 x -> number(sb, x.value());
            case IntersticeValue.Bool x -> sb.append(x.value());
            case IntersticeValue.Str x -> quote(sb, x.value());
            case IntersticeValue.Option x -> {
                if (x.isSome()) append(sb, x.value());
                else sb.append("null");
            }
            case IntersticeValue.Vec x -> list(sb, x.items());
            case IntersticeValue.Tuple x -> list(sb, x.items());
            case IntersticeValue.Struct x -> {
                sb.append('{');
                for (int i = 0; i < x.fields().size() && sb.length() <= MAX_CHARS; i++) {
                    if (i > 0) sb.append(", ");
                    quote(sb, x.fields().get(i).name());
                    sb.append(": ");
                    append(sb, x.fields().get(i).value());
                }
                sb.append('}');
            }
            case IntersticeValue.Enum x -> {
                if (x.value() instanceof IntersticeValue.Void) quote(sb, x.variant());
                else {
                    sb.append('{');
                    quote(sb, x.variant());
                    sb.append(": ");
                    append(sb, x.value());
                    sb.append('}');
                }
            }
        }
    }

    /** JSON has no NaN or infinities: those print as strings, as the CLI reads them. */
    private static void number(StringBuilder sb, double d) {
        if (Double.isFinite(d)) sb.append(d);
        else quote(sb, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    }

    private static void number(StringBuilder sb, float f) {
        if (Float.isFinite(f)) sb.append(f); // as a float: 0.1, not 0.10000000149011612
        else number(sb, (double) f);
    }

    private static void list(StringBuilder sb, java.util.List<IntersticeValue> items) {
        sb.append('[');
        for (int i = 0; i < items.size() && sb.length() <= MAX_CHARS; i++) {
            if (i > 0) sb.append(", ");
            append(sb, items.get(i));
        }
        sb.append(']');
    }

    /** Quotes {@code s} with quotes, backslashes, control and format characters escaped. */
    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else escape(sb, c);
        }
        sb.append('"');
    }

    /**
     * {@code s} with control and invisible format characters (e.g. bidirectional overrides) escaped, so a terminal
     * shows what is there instead of obeying it.
     */
    public static String visible(String s) {
        var sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) escape(sb, s.charAt(i));
        return sb.toString();
    }

    private static void escape(StringBuilder sb, char c) {
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)
                    sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
        }
    }
}
