package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.testing.Displays;
import dev.interstice.runtime.testing.MigrationModules;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The networked CLI commands through Main.run, against nodes on loopback, with the CLI home in a temp dir. */
@Timeout(120)
class CliEndToEndTest {
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit)
                    .as("exit code; stderr: " + err + "; stdout: " + out)
                    .isZero();
            return this;
        }

        Result fails(int code) {
            assertThat(exit).as("exit code; stdout: " + out).isEqualTo(code);
            return this;
        }
    }

    static Result run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static final TypeDef POINT = new TypeDef.Struct(
            "Point", List.of(new FieldDef("x", IntersticeType.I32), new FieldDef("y", IntersticeType.I32)));

    static ModuleFixture bank() {
        return ModuleFixture.module("bank")
                .type(POINT)
                .table(ModuleFixture.simpleTable(
                        "ledger",
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(
                                new FieldDef("amount", IntersticeType.U64),
                                new FieldDef("note", IntersticeType.STRING)),
                        List.of()))
                .table(ModuleFixture.simpleTable(
                        "vault",
                        true,
                        Persistence.LOGGED,
                        Visibility.PRIVATE,
                        List.of(new FieldDef("amount", IntersticeType.U64)),
                        List.of()))
                .blob("entry", Abi.encodeRow(new Row(u64(0), List.of(u64(10), str("ten")))))
                .blob("answer", Abi.encodeValue(u64(42)))
                .blob("odd", Abi.encodeRow(new Row(u64(7), List.of(u64(1), str("bell\u0007\u001b[2Jgone\r")))))
                .reducer("record", List.of(), List.of("ledger"), insertOrTrap("ledger", "entry"))
                .reducer("record_odd", List.of(), List.of("ledger"), insertOrTrap("ledger", "odd"))
                .reducer(
                        "add",
                        List.of(
                                new FieldDef("amount", IntersticeType.U64),
                                new FieldDef("note", IntersticeType.STRING),
                                new FieldDef("at", new IntersticeType.Named("Point"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe(
                        "on_entry",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "bank", "ledger"))
                .reducer("on_entry", List.of(new FieldDef("row", new IntersticeType.Named("ledger"))), List.of(), "")
                .query(
                        "total",
                        List.of(),
                        IntersticeType.U64,
                        List.of(),
                        "(i64.or (i64.shl (i64.const ${answer}) (i64.const 32)) (i64.const ${answer.len}))")
                .query(
                        "greet",
                        List.of(new FieldDef("name", IntersticeType.STRING)),
                        IntersticeType.U64,
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len)) (i64.or (i64.shl (i64.const ${answer}) (i64.const 32)) (i64.const ${answer.len}))");
    }

    static ModuleFixture secret() {
        return ModuleFixture.module("secret").visibility(Visibility.PRIVATE).reducer("poke", List.of(), List.of(), "");
    }

    @TempDir
    Path home;

    TestNode t;
    NodeServer server;
    final AdminToken token = AdminToken.random();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        t = new TestNode();
        t.node.load(bank().build());
        server = NodeServer.start(
                t.node, NetworkConfig.defaults().withNodeName("bank-node").withAdminToken(token));
    }

    @AfterEach
    void stop() {
        server.close();
        t.close();
        NodeCommand.RUNNING.forEach(Runnable::run);
        System.clearProperty("interstice.home");
    }

    @Test
    void registryCommands() throws Exception {
        run("node", "list").ok();
        assertThat(run("node", "list").out()).contains("no nodes registered");
        run("node", "add", "bank", server.address()).ok();
        assertThat(run("node", "add", "bank", server.address()).fails(1).err()).contains("already exists");
        run("node", "add", "bad", "nohost").fails(2);
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        assertThat(run("node", "list").ok().out())
                .contains("bank")
                .contains("admin")
                .contains(server.address());
        Path registry = home.resolve("nodes.toml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(registry)))
                .isEqualTo("rw-------");
        JsonNode toml = new TomlMapper().readTree(Files.readString(registry));
        assertThat(toml.at("/nodes/1/admin_token").asText()).isEqualTo(token.value());

        Result ping = run("node", "ping", "bank").ok();
        assertThat(ping.out()).contains("pong from node 'bank-node' (" + t.node.id() + ")");
        assertThat(run("node", "show", t.node.id()).ok().out())
                .as("by id once seen")
                .contains("online")
                .contains("bank 0.1.0")
                .contains("authorities:")
                .contains("Network  free; loopback only")
                .contains("Gpu      not offered (the node runs headless, without a window)");
        run("node", "rename", "bank", "money").ok();
        run("node", "ping", "money").ok();
        assertThat(run("node", "ping", "bank").fails(1).err())
                .contains("unknown node 'bank'")
                .contains("node add");
        run("node", "remove", "money").ok();
        assertThat(run("node", "list").out()).doesNotContain("money");

        int dead;
        try (var s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        run("node", "add", "gone", "127.0.0.1:" + dead).ok();
        assertThat(run("node", "ping", "gone").fails(1).err())
                .contains("cannot reach 127.0.0.1:" + dead)
                .contains("node start");
        assertThat(run("node", "show", "gone").ok().out()).contains("offline");
    }

    @Test
    void callsTypeTheirArgumentsBeforeSending() {
        run("node", "add", "bank", server.address()).ok();
        Result r = run(
                        "call_reducer",
                        "bank",
                        "bank",
                        "add",
                        "18446744073709551615",
                        "plain text note",
                        "{\"x\": -1, \"y\": 2}")
                .ok();
        assertThat(r.out()).contains("committed as transaction");
        var input = Abi.readCallInput(new PostcardReader(t.hexLogsOf("bank").getLast()));
        assertThat(input.args())
                .containsExactly(
                        u64(-1),
                        str("plain text note"),
                        new dev.interstice.abi.value.IntersticeValue.Struct(
                                "Point",
                                List.of(
                                        new dev.interstice.abi.value.IntersticeValue.Field(
                                                "x", dev.interstice.abi.value.IntersticeValue.i32(-1)),
                                        new dev.interstice.abi.value.IntersticeValue.Field(
                                                "y", dev.interstice.abi.value.IntersticeValue.i32(2)))));
        int logs = t.logsOf("bank").size();
        assertThat(run("call_reducer", "bank", "bank", "add", "-3", "x", "{\"x\":1,\"y\":2}")
                        .fails(2)
                        .err())
                .contains("argument 1 'amount' of reducer 'add' (u64)")
                .contains("out of range")
                .contains("nothing was sent");
        assertThat(run("call_reducer", "bank", "bank", "add", "1", "x", "{\"x\":1}")
                        .fails(2)
                        .err())
                .contains("missing field 'y'");
        assertThat(run("call_reducer", "bank", "bank", "add", "1").fails(2).err())
                .contains("takes 3 argument(s) (amount: u64, note: String, at: Point), got 1");
        assertThat(t.logsOf("bank")).hasSize(logs);
        assertThat(run("call_reducer", "bank", "bank", "nope").fails(1).err())
                .contains("no reducer 'nope'")
                .contains("record, record_odd, add");
        assertThat(run("call_reducer", "bank", "ghost", "x").fails(1).err())
                .contains("has no module 'ghost' visible to you")
                .contains("modules: bank");
        assertThat(run("call_reducer", "nobody", "bank", "x").fails(1).err()).contains("unknown node 'nobody'");

        assertThat(run("call_query", "bank", "bank", "total").ok().out().strip())
                .isEqualTo("42");
        assertThat(run("call_query", "bank", "bank", "greet", "Ada Lovelace")
                        .ok()
                        .out()
                        .strip())
                .isEqualTo("42");
        assertThat(Abi.readCallInput(new PostcardReader(t.hexLogsOf("bank").getLast()))
                        .args())
                .containsExactly(str("Ada Lovelace"));
    }

    @Test
    void subscriptionHandlersAreNotCallable() {
        run("node", "add", "bank", server.address(), "--token", token.value()).ok();
        int logs = t.logsOf("bank").size();
        assertThat(run("call_reducer", "bank", "bank", "on_entry").fails(1).err())
                .contains(
                        "'on_entry' of module 'bank' handles a subscription (insert on bank.ledger) and cannot be called")
                .doesNotContain("argument");
        assertThat(t.logsOf("bank")).hasSize(logs);
    }

    @Test
    void rowsAndVisibility() {
        run("node", "add", "bank", server.address()).ok();
        run("call_reducer", "bank", "bank", "record").ok();
        run("call_reducer", "bank", "bank", "record", "--fast").ok();
        Result table = run("rows", "bank", "bank", "ledger").ok();
        assertThat(table.out())
                .contains("id  amount  note")
                .contains("0   10      ten")
                .contains("1   10      ten")
                .contains("(2 rows)");
        run("call_reducer", "bank", "bank", "record_odd").ok();
        assertThat(run("rows", "bank", "bank", "ledger").ok().out())
                .as("control characters are shown, not obeyed")
                .contains("bell\\u0007\\u001b[2Jgone\\r")
                .doesNotContain("\u001b")
                .doesNotContain("\u0007");
        Result json = run("rows", "bank", "bank", "ledger", "--json").ok();
        assertThat(json.out()).contains("\"id\" : 1").contains("\"note\" : \"ten\"");
        assertThat(run("rows", "bank", "bank", "vault").fails(1).err())
                .contains("no table 'vault' visible to you")
                .contains("tables: ledger");
        t.node.load(secret().build());
        assertThat(run("call_reducer", "bank", "secret", "poke").fails(1).err()).contains("no module 'secret'");
        // with the admin token: everything
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        assertThat(run("rows", "admin", "bank", "vault").ok().out()).contains("(0 rows)");
        run("call_reducer", "admin", "secret", "poke").ok();
        assertThat(run("node", "schema", "admin").ok().out())
                .contains("name = \"secret\"")
                .contains("name = \"vault\"");
        assertThat(run("node", "schema", "bank").ok().out())
                .doesNotContain("secret")
                .doesNotContain("vault");
    }

    @Test
    void nodeSchemaShowsEachModulesCodeHash() {
        byte[] hidden = secret().build();
        t.node.load(hidden);
        String bankHash = t.node.codeHash("bank");
        run("node", "add", "bank", server.address()).ok();
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        assertThat(run("node", "schema", "admin").ok().out())
                .contains("name = \"bank\"\nvisibility = \"Public\"\ncode_hash = \"" + bankHash + "\"")
                .contains("code_hash = \"" + dev.interstice.runtime.store.Blobs.hash(hidden) + "\"");
        // the public view: the public modules' hashes only
        assertThat(run("node", "schema", "bank").ok().out())
                .contains("code_hash = \"" + bankHash + "\"")
                .doesNotContain(dev.interstice.runtime.store.Blobs.hash(hidden));
    }

    @Test
    void publishPrintsTheMigrationPlanDryRunsAllowsLossyChangesAndRollsBack() throws Exception {
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        t.node.publish("inv.wasm", MigrationModules.v1().build(), false);
        t.node.call("inv", "add", List.of());
        Path v2 = home.resolve("inv2.wasm");
        Files.write(v2, MigrationModules.v2().build());
        assertThat(run("publish", "admin", v2.toString(), "--dry-run").ok().out())
                .contains("column 'qty' widened u32 -> u64")
                .contains("dry run: module 'inv'")
                .contains("nothing was changed");
        assertThat(t.node.rows("inv", "items").getFirst().entries()).hasSize(2);
        assertThat(run("publish", "admin", v2.toString()).ok().out())
                .contains("column 'note' Option<String> added (none in every row)")
                .contains("replaced module 'inv'");
        assertThat(t.node.rows("inv", "items").getFirst().entries()).hasSize(3);

        Path noNote = home.resolve("inv3.wasm");
        Files.write(
                noNote,
                MigrationModules.inv(
                                MigrationModules.items(
                                        List.of(MigrationModules.NAME, MigrationModules.QTY64),
                                        List.of(MigrationModules.QTY_HASH)),
                                new dev.interstice.abi.value.Row(u64(0), List.of(str("x"), u64(1))))
                        .build());
        assertThat(run("publish", "admin", noNote.toString()).fails(1).err())
                .contains("column 'note' removed")
                .contains("--allow drop-column:items.note");
        run("publish", "admin", noNote.toString(), "--allow", "drop-column:items.note")
                .ok();
        assertThat(t.node.rows("inv", "items").getFirst().entries()).hasSize(2);

        // back to v2 would add the note column again (optional: none in every row)
        assertThat(run("rollback", "admin", "inv").ok().out())
                .contains("column 'note' Option<String> added")
                .contains("rolled back module 'inv'");
        assertThat(t.node.rows("inv", "items").getFirst().entries()).hasSize(3);
        assertThat(run("rollback", "admin", "nope").fails(1).err()).contains("no module 'nope'");
    }

    @Test
    void publishByHashLoadsCodeTheNodeKeeps() throws Exception {
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        byte[] code = bank().build();
        String hash = dev.interstice.runtime.store.Blobs.hash(code);
        run("unload", "admin", "bank").ok();
        assertThat(run("publish", "admin", "--hash", hash).ok().out()).contains("published module 'bank'");
        assertThat(t.node.schema("bank")).isPresent();
        String unknown = "0".repeat(64);
        assertThat(run("publish", "admin", "--hash", unknown).fails(1).err())
                .contains("this node has no module code with hash " + unknown);
        assertThat(run("publish", "admin").fails(2).err()).contains("or --hash <sha256>, not both");
    }

    @Test
    void unloadKeepsTheDataAndAModuleHolderDecidesAboutPublishAndRemove() throws Exception {
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        t.node.call("bank", "record", List.of());
        assertThat(run("unload", "admin", "bank").ok().out())
                .contains("unloaded module 'bank' from node 'admin'")
                .contains("(its data is kept");
        assertThat(t.node.schema("bank")).isEmpty();
        assertThat(run("unload", "admin", "bank").fails(1).err()).contains("no module 'bank'");
        Path bankWasm = home.resolve("bank.wasm");
        Files.write(bankWasm, bank().build());
        run("publish", "admin", bankWasm.toString()).ok();
        assertThat(t.node.rows("bank", "ledger")).hasSize(1);

        Path gate = home.resolve("gate.wasm");
        Files.write(
                gate,
                ModuleFixture.module("gate")
                        .authority(dev.interstice.abi.schema.Authority.MODULE)
                        .reducer("on_load", List.of(), List.of(), "")
                        .reducer("on_remove", List.of(), List.of(), "")
                        .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_LOAD))
                        .subscribe("on_remove", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_REMOVE))
                        .build());
        run("publish", "admin", gate.toString()).ok();
        assertThat(run("remove", "admin", "bank").ok().out())
                .contains("handed the removal of module 'bank' to module 'gate', which holds the Module authority");
        assertThat(t.node.schema("bank")).isPresent();
        assertThat(run("publish", "admin", bankWasm.toString()).ok().out())
                .contains("handed module 'bank' to module 'gate', which holds the Module authority");
        run("remove", "admin", "gate").ok(); // the holder itself: the admin's own act
        assertThat(t.node.schema("gate")).isEmpty();
    }

    @Test
    void publishAndRemoveNeedTheToken() throws Exception {
        Path wasm = home.resolve("secret.wasm");
        Files.write(wasm, secret().build());
        run("node", "add", "bank", server.address()).ok();
        assertThat(run("publish", "bank", wasm.toString()).fails(1).err())
                .contains("admin credential")
                .contains("--token");
        assertThat(run("remove", "bank", "bank").fails(1).err()).contains("admin credential");
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        assertThat(run("publish", "admin", wasm.toString()).ok().out())
                .contains("published module 'secret' 0.1.0 on node 'admin'");
        assertThat(t.node.schema("secret")).isPresent();
        // same schema again: a compatible replacement, data kept
        assertThat(run("publish", "admin", wasm.toString()).ok().out()).contains("replaced module 'secret'");
        assertThat(run("publish", "admin", wasm.toString(), "--reset").ok().out())
                .contains("replaced module 'secret'");
        run("remove", "admin", "secret").ok();
        assertThat(t.node.schema("secret")).isEmpty();
        assertThat(run("remove", "admin", "secret").fails(1).err()).contains("no module 'secret'");
        Path junk = home.resolve("junk.wasm");
        Files.write(junk, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 99});
        assertThat(run("publish", "admin", junk.toString()).fails(1).err()).contains("cannot publish junk.wasm");
        assertThat(run("publish", "admin", home.resolve("missing.wasm").toString())
                        .fails(1)
                        .err())
                .contains("no such file");
    }

    @Test
    void publishBuildsAProjectDirectory() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("npm", "--version").start().waitFor() == 0, "npm is not installed");
        Path project = home.resolve("proj");
        Files.createDirectories(project.resolve("src"));
        Files.write(project.resolve("src/secret.wasm"), secret().build());
        Files.writeString(
                project.resolve("package.json"),
                "{\"name\":\"p\",\"version\":\"0.0.1\",\"private\":true,"
                        + "\"scripts\":{\"build\":\"node -e \\\"require('fs').mkdirSync('build',{recursive:true});require('fs').copyFileSync('src/secret.wasm','build/module.wasm')\\\"\"}}");
        Files.writeString(project.resolve("asconfig.json"), "{\"options\":{\"outFile\":\"build/module.wasm\"}}");
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
        Result r = run("publish", "admin", project.toString());
        r.ok();
        assertThat(r.out()).contains("published module 'secret'");
        assertThat(Files.exists(project.resolve("build/module.wasm"))).isTrue();
    }

    @Test
    void createStartAndUseALocalNode() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Result created = run("node", "create", "local", String.valueOf(port)).ok();
        assertThat(created.out()).contains("created node 'local'");
        JsonNode entry = new TomlMapper()
                .readTree(Files.readString(home.resolve("nodes.toml")))
                .at("/nodes/0");
        String id = entry.get("node_id").asText();
        Path dir = home.resolve("nodes").resolve(id);
        assertThat(Files.readString(dir.resolve("admin.token")).strip())
                .isEqualTo(entry.get("admin_token").asText());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin.token"))))
                .isEqualTo("rw-------");
        run("node", "create", "other", String.valueOf(port)).fails(1);

        var out = new StringWriter();
        var starter = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "node",
                "start",
                "local",
                "--headless"));
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!out.toString().contains("authorities offered") && System.nanoTime() < until) Thread.sleep(20);
        assertThat(out.toString())
                .contains("node 'local' (" + id + ") listening on 127.0.0.1:" + port)
                .contains(
                        "authorities offered: File, Module, Network (loopback only); not offered: Gpu, Audio (no sound"
                                + " output device and no --audio-out file), Input (Gpu and Input: the node runs headless, without"
                                + " a window)");
        assertThat(run("node", "start", "local").fails(1).err())
                .contains("node 'local'")
                .contains("already running");
        assertThat(run("node", "start", "local", "--headless", "--authorities", "File,Gpu")
                        .fails(2)
                        .err())
                .contains("--authorities: Gpu needs the node's window, and --headless opens none");
        assertThat(run("node", "start", "local", "--window-size", "800")
                        .fails(2)
                        .err())
                .contains("--window-size: window size must be WIDTHxHEIGHT in pixels (e.g. 800x600), not '800'");
        assertThat(run("node", "start", "local", "--window-size", "0x600")
                        .fails(2)
                        .err())
                .contains("--window-size: window size must be between 1x1 and 16384x16384, not 0x600");
        assertThat(run("node", "start", "local", "--fps", "0").fails(2).err())
                .contains("--fps: frame rate must be between 1 and 1000, not 0");
        assertThat(run("node", "start", "local", "--authorities", "Files")
                        .fails(2)
                        .err())
                .contains("unknown authority 'Files'");

        Path wasm = home.resolve("bank.wasm");
        Files.write(wasm, bank().build());
        run("publish", "local", wasm.toString()).ok();
        run("call_reducer", "local", "bank", "record").ok();
        assertThat(run("rows", "local", "bank", "ledger").ok().out()).contains("(1 row)");

        Path project = home.resolve("project");
        Files.createDirectories(project);
        assertThat(run("bindings", "add", "module", "local", "bank", project.toString())
                        .ok()
                        .out())
                .contains("bank.toml");
        assertThat(run("bindings", "add", "node", "local", project.toString())
                        .ok()
                        .out())
                .contains("node_local.toml");
        JsonNode mod = new TomlMapper().readTree(Files.readString(project.resolve("src/bindings/bank.toml")));
        assertThat(mod.get("name").asText()).isEqualTo("bank");
        assertThat(mod.get("tables")).hasSize(1); // the public view: no vault
        JsonNode node = new TomlMapper().readTree(Files.readString(project.resolve("src/bindings/node_local.toml")));
        assertThat(node.get("name").asText()).isEqualTo("local");
        assertThat(node.get("address").asText()).isEqualTo("127.0.0.1:" + port);
        assertThat(node.get("fingerprint").asText()).startsWith("SHA256:"); // the key the module's links require
        assertThat(node.at("/modules/0/name").asText()).isEqualTo("bank");
        assertThat(run("bindings", "add", "module", "local", "nope", project.toString())
                        .fails(1)
                        .err())
                .contains("no public module 'nope'");

        Path schemaFile = home.resolve("out/schema.toml");
        run("node", "schema", "local", schemaFile.toString()).ok();
        assertThat(Files.readString(schemaFile)).contains("name = \"local\"").contains("name = \"vault\"");

        NodeCommand.RUNNING.forEach(Runnable::run);
        starter.join(Duration.ofSeconds(10));
        assertThat(out.toString()).contains("node 'local' stopped");
        assertThat(run("node", "ping", "local").fails(1).err()).contains("cannot reach");

        // restarted on the same data: the module and its rows are back
        starter = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "node",
                "start",
                "local",
                "--headless"));
        while (!out.toString().contains("with 1 module") && System.nanoTime() < until) Thread.sleep(20);
        assertThat(run("rows", "local", "bank", "ledger").ok().out()).contains("(1 row)");
        NodeCommand.RUNNING.forEach(Runnable::run);
        starter.join(Duration.ofSeconds(10));
        run("node", "remove", "local", "--delete-data").ok();
        assertThat(Files.exists(dir)).isFalse();
    }

    record RunningExample(Thread thread, StringWriter out, int port) {}

    /** Starts {@code interstice example <name>} on a free port and waits until it says what to try. */
    static RunningExample startExample(String name, String... options) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        System.setProperty("interstice.example.port", String.valueOf(port));
        var out = new StringWriter();
        try {
            Thread example = Thread.startVirtualThread(() -> {
                var args = new ArrayList<String>(List.of("example", name));
                args.addAll(List.of(options));
                Main.run(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        args.toArray(String[]::new));
            });
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!out.toString().contains("try:") && System.nanoTime() < until) Thread.sleep(20);
            return new RunningExample(example, out, port);
        } finally {
            System.clearProperty("interstice.example.port");
        }
    }

    @Test
    void theHelloExampleServesTheNetwork() throws Exception {
        var ex = startExample("hello");
        var out = ex.out();
        Thread example = ex.thread();
        assertThat(out.toString()).contains("node 'hello-example'").contains("127.0.0.1:" + ex.port());
        run("call_reducer", "hello-example", "hello", "hello", "Network").ok();
        assertThat(run("call_query", "hello-example", "hello", "get_greetings")
                        .ok()
                        .out())
                .contains("Hello, Network!");
        assertThat(run("rows", "hello-example", "hello", "greetings").ok().out())
                .contains("Hello, Network!");
        ExampleCommand.RUNNING.forEach(Runnable::run);
        example.join(Duration.ofSeconds(10));
        assertThat(run("node", "ping", "hello-example").fails(1).err()).contains("cannot reach");
    }

    @Test
    void withADisplayAnExampleOpensItsWindowAndOffersGpuAndInput() throws Exception {
        Displays.require();
        var ex = startExample("hello", "--window-size", "300x200", "--fps", "30");
        assertThat(ex.out().toString())
                .contains("authorities offered: Gpu, Input, File, Module, Network (loopback only); not offered: Audio");
        var xwininfo = Path.of("/usr/bin/xwininfo");
        if (Files.isExecutable(xwininfo)) {
            var p = new ProcessBuilder(xwininfo.toString(), "-name", "hello-example")
                    .redirectErrorStream(true)
                    .start();
            String info = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(info).as("the window is titled with the node's name").contains("Width: 300", "Height: 200");
        }
        assertThat(run("node", "show", "hello-example").ok().out()).contains("Input    free", "Gpu      free");
        ExampleCommand.RUNNING.forEach(Runnable::run);
        ex.thread().join(Duration.ofSeconds(10));
    }

    @Test
    void theGraphicsExampleDrawsInItsWindow() throws Exception {
        Displays.require();
        var ex = startExample("graphics", "--window-size", "200x150");
        assertThat(ex.out().toString()).contains("node 'graphics-example'").contains("Gpu renders with");
        assertThat(run("node", "show", "graphics-example").ok().out()).contains("Gpu      held by graphics");
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long frames;
        do {
            String json = run("rows", "graphics-example", "graphics", "renderer", "--json")
                    .ok()
                    .out();
            var rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            frames = rows.isEmpty() ? 0 : rows.get(0).get("frame").asLong();
        } while (frames < 3 && System.nanoTime() < until);
        assertThat(frames).as("frames the module drew (its renderer row)").isGreaterThanOrEqualTo(3);
        ExampleCommand.RUNNING.forEach(Runnable::run);
        ex.thread().join(Duration.ofSeconds(10));
    }

    @Test
    void theNotesExampleKeepsNotesAsFiles() throws Exception {
        var ex = startExample("notes");
        var out = ex.out();
        Thread example = ex.thread();
        assertThat(out.toString()).contains("node 'notes-example'").contains("call_reducer notes-example notes save");
        run("call_reducer", "notes-example", "notes", "save", "todo", "buy milk")
                .ok();
        assertThat(run("rows", "notes-example", "notes", "note").ok().out())
                .contains("todo")
                .contains("(1 row)");
        assertThat(run("node", "show", "notes-example").ok().out()).contains("File     held by notes");
        ExampleCommand.RUNNING.forEach(Runnable::run);
        example.join(Duration.ofSeconds(10));
    }

    @Test
    void theAudioExamplePlaysIntoTheFileGivenByAudioOut(@TempDir Path tmp) throws Exception {
        Path wav = tmp.resolve("tone.wav");
        var ex = startExample("audio", "--audio-out", wav.toString());
        assertThat(ex.out().toString())
                .contains("node 'audio-example'")
                .contains("Audio (output to " + wav + ")")
                .contains("call_reducer audio-example audio stop");
        run("call_reducer", "audio-example", "audio", "stop").ok();
        ExampleCommand.RUNNING.forEach(Runnable::run);
        ex.thread().join(Duration.ofSeconds(10));
        assertThat(Files.size(wav)).isGreaterThanOrEqualTo(44); // a valid WAV (AudioExampleTest reads its tone)
        assertThat(run(
                                "example",
                                "audio",
                                "--audio-out",
                                tmp.resolve("none/x.wav").toString())
                        .fails(2)
                        .err())
                .contains("--audio-out")
                .contains("its directory does not exist");
        assertThat(run(
                                "node",
                                "start",
                                "local",
                                "--audio-in",
                                tmp.resolve("missing.wav").toString())
                        .fails(2)
                        .err())
                .contains("--audio-in")
                .contains("no such file");
    }

    @Test
    void startingARemoteNodeOrAMissingExampleExplainsWhy() {
        run("node", "add", "far", "10.1.2.3:9").ok();
        assertThat(run("node", "start", "far").fails(1).err()).contains("not a local node");
        assertThat(run("node", "start", "far", "--allow-egress", "10.0.0.0/99")
                        .fails(2)
                        .err())
                .contains("'10.0.0.0/99' is not a network rule");
        assertThat(run("example", "nope").fails(2).err())
                .contains("unknown example 'nope'")
                .contains(
                        "hello, caller, graphics, audio, agar-client, benchmark, agar-server, notes, echo-server, echo-client, agar-bot,"
                                + " tictactoe");
        assertThat(run("example", "hello", "--server", "127.0.0.1:9").fails(2).err())
                .contains("--server is for agar-client and agar-bot");
    }
}
