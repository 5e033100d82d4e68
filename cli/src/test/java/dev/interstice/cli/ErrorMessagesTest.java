package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.testing.Fragile;
import dev.interstice.runtime.testing.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the CLI says when things go wrong: a guest's abort message, bad arguments, unknown names, a node that is not
 * running, a busy port. Every message is plain text with hints in the command as the user runs it, and no Java class
 * names or record dumps.
 */
@Timeout(120)
class ErrorMessagesTest {
    /** What a Java class name, a record's toString or an exception's toString look like. */
    static final Pattern JAVA_LEAK =
            Pattern.compile("\\b(java|dev|com|org)\\.[a-z]+\\.|\\w+\\[\\w+=|[A-Z]\\w*Exception\\b|\\bU64\\[|\\bStr\\[");

    @TempDir
    java.nio.file.Path home;

    TestNode t;
    NodeServer server;
    final List<String> seen = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        System.setProperty("interstice.command", "./interstice");
        t = new TestNode();
        t.node.load(Fragile.module().build());
        server = NodeServer.start(
                t.node, NetworkConfig.defaults().withNodeName("fragile-node").withAdminToken(AdminToken.random()));
        run("node", "add", "fr", server.address()).ok();
    }

    @AfterEach
    void stop() {
        ExampleCommand.RUNNING.forEach(Runnable::run);
        server.close();
        t.close();
        System.clearProperty("interstice.home");
        System.clearProperty("interstice.command");
        for (String s : seen)
            assertThat(JAVA_LEAK.matcher(s).find()).as("no Java in: " + s).isFalse();
    }

    /** The error output of a failing command (exit code {@code code}), kept for the check that nothing leaks Java. */
    String error(int code, String... args) {
        var r = run(args).fails(code);
        seen.add(r.err());
        seen.add(r.out());
        return r.err();
    }

    @Test
    void aGuestsAbortMessageReachesTheCli() {
        assertThat(error(1, "call_reducer", "fr", "fragile", "save", ""))
                .isEqualTo("error: reducer fragile.save failed: " + Fragile.SAVE_ERROR + System.lineSeparator());
        assertThat(error(1, "call_query", "fr", "fragile", "check"))
                .contains("query fragile.check failed: " + Fragile.CHECK_ERROR);
    }

    @Test
    void badArgumentsAndUnknownNamesSayWhatExists() {
        assertThat(error(2, "call_reducer", "fr", "fragile", "save"))
                .contains("reducer 'save' takes 1 argument(s) (title: String), got 0");
        assertThat(error(2, "call_reducer", "fr", "fragile", "save", "a", "b")).contains("got 2");
        assertThat(error(1, "call_reducer", "fr", "fragile", "nope"))
                .contains("module 'fragile' has no reducer 'nope'; its reducers: save, shout, calm, trap");
        assertThat(error(1, "call_reducer", "fr", "ghost", "x"))
                .contains("has no module 'ghost' visible to you; its modules: fragile");
        assertThat(error(1, "call_reducer", "nobody", "fragile", "save", "x"))
                .contains("unknown node 'nobody'. Known nodes: fr")
                .contains("Register it with: ./interstice node add <name> <host:port>");
    }

    @Test
    void aNodeThatIsNotRunningGetsAHintInTheCommandAsInvoked() throws Exception {
        int dead = freePort();
        run("node", "create", "sleepy", String.valueOf(dead)).ok();
        assertThat(error(1, "node", "ping", "sleepy"))
                .contains("node 'sleepy': cannot reach 127.0.0.1:" + dead)
                .contains("start it with: ./interstice node start sleepy");
        run("node", "add", "hello-example", "127.0.0.1:" + dead).ok();
        assertThat(error(1, "call_reducer", "hello-example", "hello", "hello", "x"))
                .contains("start it with: ./interstice example hello");
    }

    @Test
    void nodeListSaysWhichNodesRunHereAndAnswer() throws Exception {
        run("node", "add", "gone", "127.0.0.1:" + freePort()).ok();
        String list = run("node", "list").ok().out();
        assertThat(list).contains("MACHINE").contains("STATUS");
        assertThat(line(list, "fr")).contains("this").contains("running");
        assertThat(line(list, "gone")).contains("this").contains("not running");
    }

    @Test
    void aBusyPortNamesWhatHoldsIt() throws Exception {
        try (var s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String err = error(1, "example", "hello", "--port", String.valueOf(s.getLocalPort()));
            assertThat(err)
                    .contains("port " + s.getLocalPort() + " of the 'hello' example is in use by ")
                    .contains("./interstice example hello --port <port> (0: any free port)");
            if (PortOwner.listeningInode(s.getLocalPort()).isPresent()) // Linux: /proc tells which process
            assertThat(err).contains("(pid " + ProcessHandle.current().pid() + ")");
        }
        int nodePort =
                Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
        assertThat(error(1, "example", "hello", "--port", String.valueOf(nodePort)))
                .contains("in use by node 'fr' (registered with this CLI, it answers at " + server.address() + ")");
        assertThat(error(2, "example", "hello", "--port", "70000")).contains("--port 70000 is out of range");
    }

    @Test
    void aLocalNodeWhosePortIsTakenSaysByWhat() throws Exception {
        try (var s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            run("node", "create", "late", String.valueOf(s.getLocalPort())).ok();
            assertThat(error(1, "node", "start", "late", "--headless"))
                    .contains(
                            "node 'late' cannot listen on 127.0.0.1:" + s.getLocalPort() + ": the port is in use by ");
        }
    }

    @Test
    void anExampleOnAnyFreePortPrintsItsAddressAndItsAbortsReachTheCli() throws Exception {
        var out = new StringWriter();
        Thread example = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "example",
                "notes",
                "--port",
                "0"));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!out.toString().contains("try:") && System.nanoTime() < until) Thread.sleep(20);
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        assertThat(out.toString()).contains("try: ./interstice call_reducer notes-example notes save");
        assertThat(error(1, "call_reducer", "notes-example", "notes", "save", "", "x"))
                .isEqualTo(
                        "error: reducer notes.save failed: aborted: \"a note needs a title\"" + System.lineSeparator());
        ExampleCommand.RUNNING.forEach(Runnable::run);
        example.join(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @CsvSource({"caller, hello-example", "agar-bot, agar-server-example"})
    void everyExampleWithNodeDependenciesTakesTheirAddresses(String example, String dependency) throws Exception {
        String address = "127.0.0.1:" + freePort(); // nothing listens there
        var out = new StringWriter();
        Thread running = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "example",
                example,
                "--port",
                "0",
                "--node-address",
                dependency + "=" + address));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!out.toString().contains("does not answer") && System.nanoTime() < until) Thread.sleep(20);
        assertThat(out.toString())
                .contains("node dependencies: " + dependency + " at " + address)
                .contains("node '" + dependency + "' does not answer at " + address);
        ExampleCommand.RUNNING.forEach(Runnable::run);
        running.join(Duration.ofSeconds(10));
    }

    static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String line(String table, String name) {
        return table.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
    }
}
