package dev.interstice.cli.image;

import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image a running node serves of itself by its hash ({@code interstice run sha256:<hash> --from <node>}): its
 * loaded modules (the first loaded as {@code bin/main.wasm}), its name and port, no start options and no tables:
 * exactly what {@code interstice bundle <node>} writes without {@code --data}, {@code --main} or
 * {@code --start-option}, so the hash that command prints is the one to ask for. Made again when the modules change.
 */
public final class OwnImage implements NodeServer.ImageSource {
    private final Node node;
    private final ImageConfig config;
    /** The last image made: for which code (module to hash, in load order), its hash and archive. */
    private Made made;

    private record Made(Map<String, String> code, String hash, byte[] archive) {}

    public OwnImage(Node node, String name, int port) {
        this.node = node;
        this.config = new ImageConfig(name, port, List.of());
    }

    @Override
    public synchronized byte[] image(String hash) throws IOException {
        Map<String, String> code = node.codeHashes(false);
        if (code.isEmpty()) return null;
        if (made == null || !made.code().equals(code)) made = make(code);
        return made.hash().equals("sha256:" + hash) ? made.archive() : null;
    }

    private Made make(Map<String, String> code) throws IOException {
        var modules = new LinkedHashMap<String, byte[]>();
        for (var e : code.entrySet()) modules.put(e.getKey(), node.keptCode(e.getValue()));
        Path dir = Files.createTempDirectory("interstice-image");
        try {
            Image.write(dir, code.keySet().iterator().next(), modules, config);
            var out = new ByteArrayOutputStream();
            Image.pack(dir, out);
            return new Made(Map.copyOf(code), Image.hash(dir), out.toByteArray());
        } finally {
            try (var files = Files.walk(dir)) { // the temporary layout, deepest first
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }
}
