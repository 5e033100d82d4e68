package dev.interstice.cli.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An image's {@code etc/node.toml}: the node's name and port, and the options its {@code node start} gets (the
 * authorities it offers and grants, limits, supervision, node keys: every {@code node start} option), e.g.
 *
 * <pre>
 * [node]
 * name = "hello"
 * port = 8080
 *
 * [start]
 * options = ["--ack=fast", "--file-root=files"]
 * </pre>
 */
public record ImageConfig(String name, int port, List<String> startOptions) {
    public static final int DEFAULT_PORT = 8080;

    public ImageConfig {
        startOptions = List.copyOf(startOptions);
    }

    public static ImageConfig parse(String toml) throws IOException {
        JsonNode root = new TomlMapper().readTree(toml);
        JsonNode node = root.path("node");
        String name = node.path("name").asText("");
        int port = node.path("port").asInt(DEFAULT_PORT);
        if (port < 1 || port > 65535) throw new IOException("etc/node.toml: port " + port + " is out of range 1-65535");
        List<String> options = new ArrayList<>();
        JsonNode o = root.path("start").path("options");
        if (!o.isMissingNode() && !o.isArray()) throw new IOException("etc/node.toml: [start] options must be a list");
        for (JsonNode v : o) {
            if (!v.isTextual()) throw new IOException("etc/node.toml: [start] options must be strings, not " + v);
            options.add(v.asText());
        }
        return new ImageConfig(name, port, options);
    }

    public String toToml() throws IOException {
        var mapper = new TomlMapper();
        ObjectNode root = mapper.createObjectNode();
        root.putObject("node").put("name", name).put("port", port);
        var list = root.putObject("start").putArray("options");
        startOptions.forEach(list::add);
        return mapper.writeValueAsString(root);
    }
}
