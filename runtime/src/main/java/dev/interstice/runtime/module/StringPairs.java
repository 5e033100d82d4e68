package dev.interstice.runtime.module;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The postcard {@code Vec<(String, String)>} our optional exports hold ({@code interstice_migrations},
 * {@code interstice_node_keys}, {@code interstice_views}; docs/abi.md §5), as a map in the module's order.
 */
final class StringPairs {
    private StringPairs() {}

    /**
     * Decodes the pairs: {@code check} sees each one and refuses it by throwing IllegalArgumentException; a key that
     * comes twice is refused with the message {@code twice} makes of it, trailing bytes with their count.
     */
    static Map<String, String> decode(byte[] bytes, BiConsumer<String, String> check, Function<String, String> twice) {
        var r = new PostcardReader(bytes);
        var out = new LinkedHashMap<String, String>();
        int n = r.readVarUsize();
        for (int i = 0; i < n; i++) {
            String key = r.readString();
            String value = r.readString();
            check.accept(key, value);
            if (out.putIfAbsent(key, value) != null) throw new IllegalArgumentException(twice.apply(key));
        }
        if (!r.atEnd()) throw new IllegalArgumentException(r.remaining() + " trailing byte(s)");
        return out;
    }

    /** The export's bytes (modules built by hand, tests). */
    static byte[] encode(Map<String, String> pairs) {
        var w = new PostcardWriter(64);
        w.writeVarUsize(pairs.size());
        pairs.forEach((k, v) -> {
            w.writeString(k);
            w.writeString(v);
        });
        return w.toByteArray();
    }
}
