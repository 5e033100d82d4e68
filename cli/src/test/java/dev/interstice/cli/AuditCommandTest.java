package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice audit}: a real node's chains verify beside it running, export checkably, and show damage. */
@Timeout(120)
class AuditCommandTest {
    @TempDir
    Path home;

    Node node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
        System.clearProperty("interstice.home");
    }

    private Path data() throws Exception {
        System.setProperty("interstice.home", home.toString());
        Path data = home.resolve("data");
        node = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}));
        node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
        node.load(CliEndToEndTest.bank().build());
        for (int i = 0; i < 20; i++) node.call("hello", "hello", List.of(str("ann" + i)));
        for (int i = 0; i < 5; i++) node.call("bank", "record", List.of());
        return data;
    }

    @Test
    void chainsVerifyBesideARunningNodeAndAnExportChecksWithSha256Alone() throws Exception {
        Path data = data();
        String out = run("audit", "--data-dir", data.toString()).ok().out();
        assertThat(out)
                .contains("module hello: ")
                .contains("module bank: 5 transactions")
                .contains("starting at genesis")
                .contains("OK: every chain link and checksum verifies");

        Path file = home.resolve("hello.chain");
        run("audit", "--data-dir", data.toString(), "hello", "--export", file.toString())
                .ok();
        List<String> lines = Files.readAllLines(file);
        ObjectMapper json = new ObjectMapper();
        JsonNode head = json.readTree(lines.getFirst());
        assertThat(head.get("module").asText()).isEqualTo("hello");
        assertThat(head.at("/start/anchor").asText()).isEqualTo("genesis");
        byte[] prev = HexFormat.of().parseHex(head.at("/start/prev").asText());
        assertThat(lines).hasSizeGreaterThan(20);
        for (String line : lines.subList(1, lines.size())) { // the rule in the header, by a third party
            JsonNode l = json.readTree(line);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev);
            sha.update(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(l.get("lsn").asLong())
                    .array());
            sha.update(HexFormat.of().parseHex(l.get("payload").asText()));
            prev = sha.digest();
            assertThat(HexFormat.of().formatHex(prev)).isEqualTo(l.get("link").asText());
        }
    }

    @Test
    void aDamagedLogIsReportedWithItsFileAndTheCommandFails() throws Exception {
        Path data = data();
        node.close();
        node = null;
        Path segment;
        try (Stream<Path> s = Files.list(data.resolve("storage").resolve("wal"))) {
            segment = s.filter(p -> p.toString().endsWith(".log"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        byte[] b = Files.readAllBytes(segment);
        b[300] ^= 4;
        Files.write(segment, b);
        var r = run("audit", "--data-dir", data.toString()).fails(1);
        assertThat(r.out()).contains("BROKEN").contains(segment.toString());
    }

    @Test
    void usageErrorsSayWhatIsMissing() throws Exception {
        Path data = data();
        assertThat(run("audit").fails(2).err()).contains("name a node created on this machine or give --data-dir");
        assertThat(run("audit", "--data-dir", data.toString(), "--export", "x")
                        .fails(2)
                        .err())
                .contains("--export needs a <module>");
        assertThat(run("audit", "--data-dir", home.resolve("nothing").toString())
                        .fails(1)
                        .err())
                .contains("is not a node's data directory");
    }
}
