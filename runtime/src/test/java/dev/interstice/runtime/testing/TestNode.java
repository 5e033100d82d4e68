package dev.interstice.runtime.testing;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.HostCall;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A node for tests that records every guest log line. */
public final class TestNode implements AutoCloseable {
    public record LogLine(String module, String message) {}

    public final List<LogLine> logs = new CopyOnWriteArrayList<>();
    public final Node node;

    public TestNode() {
        this(NodeConfig.inMemory());
    }

    public TestNode(NodeConfig config) {
        node = Node.open(config.withLogSink((m, msg) -> logs.add(new LogLine(m, msg))));
    }

    public static NodeConfig fastDeadline() {
        return NodeConfig.inMemory().withEngine(new EngineConfig(64L << 20, Duration.ofMillis(300)));
    }

    /** Log lines of one module. */
    public List<String> logsOf(String module) {
        var out = new ArrayList<String>();
        for (LogLine l : logs) if (l.module().equals(module)) out.add(l.message());
        return out;
    }

    /** Log lines of a module decoded from the fixtures' hex logging (plain-text lines are skipped). */
    public List<byte[]> hexLogsOf(String module) {
        return logsOf(module).stream()
                .filter(s -> s.length() % 2 == 0 && s.matches("[0-9a-f]*"))
                .map(s -> HexFormat.of().parseHex(s))
                .toList();
    }

    public static byte[] hostCall(HostCall c) {
        var w = new PostcardWriter();
        Abi.writeHostCall(w, c);
        return w.toByteArray();
    }

    @Override
    public void close() {
        node.close();
    }
}
