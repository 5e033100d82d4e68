package dev.interstice.runtime.module;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The keys a module expects its node dependencies to present, through the optional export
 * {@code interstice_node_keys() -> i64} (our ABI extension, docs/abi.md §5): postcard
 * {@code Vec<(node: String, fingerprint: String)>}, each fingerprint {@code SHA256:} + 43 unpadded base64 characters
 * (what {@code interstice node show} prints). A link to that node refuses any other key. ABI-6 hosts ignore the
 * export; a module without it trusts the key its node's link verified first.
 */
public record NodeKeys(Map<String, String> byNode) {
    public static final String EXPORT = "interstice_node_keys";
    public static final NodeKeys NONE = new NodeKeys(Map.of());
    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    public NodeKeys {
        byNode = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byNode));
    }

    /** The fingerprint expected of node dependency {@code node}, or null. */
    public String of(String node) {
        return byNode.get(node);
    }

    /** Whether {@code s} is a key fingerprint ("SHA256:" and 43 base64 characters). */
    public static boolean isFingerprint(String s) {
        return FINGERPRINT.matcher(s).matches();
    }

    /** Decodes and checks them: each names one of the module's node dependencies, once, with a fingerprint. */
    static NodeKeys decode(byte[] bytes, ModuleSchema schema) {
        return new NodeKeys(StringPairs.decode(
                bytes,
                (node, fingerprint) -> {
                    if (schema.nodeDependencies().stream()
                            .map(NodeDependency::name)
                            .noneMatch(node::equals))
                        throw new IllegalArgumentException(
                                "it names node '" + node + "', which is not a node dependency");
                    if (!isFingerprint(fingerprint))
                        throw new IllegalArgumentException("the key of node '" + node + "' is not a fingerprint"
                                + " (SHA256: and 43 base64 characters, as interstice node show prints it)");
                },
                node -> "node '" + node + "' has two keys"));
    }

    /** The export's bytes (modules built by hand, tests). */
    public byte[] encode() {
        return StringPairs.encode(byNode);
    }
}
