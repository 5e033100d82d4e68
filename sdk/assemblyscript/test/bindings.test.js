// Bindings: src/bindings/*.toml -> typed calls on other modules/nodes, their row types and tables.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { build, compile, json, SDK_DIR } from "./helpers.js";
import { FakeHost, str, u64 } from "./fake-host.js";
import { PostcardReader } from "../transform/postcard.js";
import { parseBindingToml, BindingSyntaxError } from "../transform/passes/bindings.js";

const DIR = path.join(SDK_DIR, "test/fixtures/caller");
// The node binding is shared with the CLI's tests (cli SchemaTomlTest): it is exactly what `interstice bindings add node`
// writes for that node, and node_greeter.json is the tree it reads as.
const TESTDATA = path.join(SDK_DIR, "../../testdata/bindings");
const FILES = {
  "src/index.ts": fs.readFileSync(path.join(DIR, "index.ts"), "utf8"),
  "src/bindings/node_greeter.toml": fs.readFileSync(path.join(TESTDATA, "node_greeter.toml"), "utf8"),
  "src/bindings/store.toml": fs.readFileSync(path.join(DIR, "bindings/store.toml"), "utf8"),
};

let wasm;
before(async () => {
  wasm = await build(FILES, { name: "caller" });
});

const custom = (v) => ({ Struct: { name: "Custom", fields: [{ name: "val", value: { U32: v } }] } });

test("bindings: dependencies, replicated tables, remote subscription and access in the schema", async () => {
  const h = await new FakeHost().load(wasm);
  const s = h.schema;
  assert.deepEqual(s.module_dependencies, [{ module_name: "store", version: { major: 1, minor: 4, patch: 0 } }]);
  assert.deepEqual(s.node_dependencies, [{ name: "greeter-node", address: "127.0.0.1:8080" }]);
  assert.deepEqual(s.replicated_tables, [{ node_name: "greeter-node", module_name: "greeter", table_name: "greetings" }]);
  assert.deepEqual(s.subscriptions[1], {
    reducer_name: "on_insert_greetings",
    event: { Insert: { node_selection: { Other: "greeter-node" }, module_name: "greeter", table_name: "greetings" } },
  });
  const sub = s.reducers.find((r) => r.name === "on_insert_greetings");
  assert.deepEqual(sub.arguments, [{ name: "inserted_row", field_type: { Named: "Greetings" } }]);
  assert.deepEqual(sub.reads, [
    { node_selection: { Other: "greeter-node" }, module_selection: { Other: "greeter" }, table_name: "greetings" },
  ]);
  assert.deepEqual(s.queries.find((q) => q.name === "local_items").reads, [
    { node_selection: "Current", module_selection: { Other: "store" }, table_name: "items" },
  ]);
  assert.ok(s.type_definitions.Greetings && s.type_definitions.Custom, Object.keys(s.type_definitions).join(","));
  const synced = s.subscriptions.find((x) => x.reducer_name === "on_greetings_synced");
  assert.deepEqual(synced.event, { ReplicaSync: { node_name: "greeter-node", module_name: "greeter", table_name: "greetings" } });
  assert.deepEqual(s.reducers.find((r) => r.name === "on_greetings_synced").arguments, []);
});

test("bindings: typed reducer and query calls, remote and local tables", async () => {
  const h = await new FakeHost({
    otherModules: {
      greeter: {
        reducers: { hello: () => {} },
        queries: {
          get_greetings: () => ({
            Vec: [
              {
                Struct: {
                  name: "Greetings",
                  fields: [
                    { name: "id", value: u64(3) },
                    { name: "greeting", value: str("yo") },
                    { name: "custom", value: custom(1) },
                  ],
                },
              },
            ],
          }),
        },
      },
      store: { reducers: { put: () => {} }, queries: { count: () => u64(5) } },
    },
  }).load(wasm);
  h.callReducer("caller");
  assert.deepEqual(h.logs, ["hello remote called !"]);
  assert.equal(
    json(h.calls[0]),
    json({ kind: "reducer", node: "greeter-node", module: "greeter", name: "hello", input: { Vec: [str("Client !")] } }),
  );

  h.addTable("__replica__greeter_node__greeter__greetings", [{ primary_key: u64(0), entries: [str("hi"), custom(5)] }]);
  h.logs.length = 0;
  h.callReducer("on_insert_greetings", [{ Vec: [u64(0), str("hi"), custom(5)] }]);
  assert.deepEqual(h.logs, ["Caller received new greeting: hi custom=5", "Remote greeting row: hi"]);
  assert.equal(json(h.calls.at(-1)), json({ kind: "scan", module: null, table: "__replica__greeter_node__greeter__greetings" }));

  h.logs.length = 0;
  h.callReducer("stock", [str("sku-1"), { U32: 3 }]);
  assert.deepEqual(h.logs, ["put: ok"]);
  const item = {
    Struct: {
      name: "Item",
      fields: [
        { name: "sku", value: str("sku-1") },
        { name: "kind", value: { Enum: { name: "Kind", variant: "Sized", value: { U32: 3 } } } },
      ],
    },
  };
  assert.equal(
    json(h.calls.at(-1)),
    json({ kind: "reducer", node: null, module: "store", name: "put", input: { Vec: [item, { Option: { Vec: [str("new")] } }] } }),
  );

  assert.equal(json(h.callQuery("remote_count")), json(u64(5)));
  assert.equal(json(h.calls.at(-1).input), json({ Vec: [{ Option: { Tuple: [{ U32: 1 }, str("a")] } }] }));

  h.addTable("items", [{ primary_key: str("a"), entries: [{ Enum: { name: "Kind", variant: "Small", value: "Void" } }] }]);
  assert.equal(json(h.callQuery("local_items")), json({ Vec: [str("a:Small")] }));
  assert.equal(json(h.calls.at(-1)), json({ kind: "scan", module: "store", table: "items" }));

  const remote = h.callQuery("greetings_remote");
  assert.equal(remote.Vec[0].Struct.fields[1].value.String, "yo");
});

test("bindings: subscriptions need the module/node/table to be in src/bindings", async () => {
  const src = `import { ReducerContext } from "@interstice/sdk";
@reducer({ on: "store.nope.insert" }) export function a(ctx: ReducerContext, r: bindings.store.Item): void {}
@reducer({ on: "greeter-node.greeter.greetings.insert" }) export function b(ctx: ReducerContext, r: bindings.greeter_node.greeter.Greetings): void {}
@reducer({ on: "store.items.delete" }) export function c(ctx: ReducerContext, r: string): void {}
`;
  const r = await compile({ ...FILES, "src/index.ts": src }, { name: "caller" });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /src\/index.ts:2:\d+: error: module 'store' has no table 'nope'/);
  assert.match(
    r.stderr,
    /src\/index.ts:3:\d+: error: subscribing to 'greeter-node.greeter.greetings.insert' needs the table to be replicated/,
  );
  assert.match(
    r.stderr,
    /src\/index.ts:4:\d+: error: reducer c subscribes to 'store.items.delete', so it must take \(ctx: ReducerContext, deletedRow: bindings.store.Item\)/,
  );
});

test("bindings: a broken TOML file is reported with its line, column and reason", async () => {
  const r = await compile(
    { ...FILES, "src/bindings/bad.toml": 'name = "x"\naddress = [1,\n', "src/bindings/dup.toml": "a = 1\nb = 2\na = 3\n" },
    { name: "caller" },
  );
  assert.equal(r.ok, false);
  assert.match(r.stderr, /^src\/bindings\/bad.toml:3:1: error: cannot parse binding: invalid value$/m);
  assert.match(
    r.stderr,
    /^src\/bindings\/dup.toml:3:1: error: cannot parse binding: trying to redefine an already defined table or value$/m,
  );
});

test("binding TOML: the shared node binding reads as its tree", () => {
  const tree = parseBindingToml(fs.readFileSync(path.join(TESTDATA, "node_greeter.toml"), "utf8"));
  const expected = JSON.parse(fs.readFileSync(path.join(TESTDATA, "node_greeter.json"), "utf8"));
  assert.deepEqual(JSON.parse(JSON.stringify(tree)), expected);
});

test("binding TOML: tables, arrays of tables, inline tables, strings, numbers", () => {
  const d = parseBindingToml(
    `# c\na = { b = [1, 2.5, "x\\u0041"], c.d = true }\n[[x.y]]\nz = 1\n[[x.y]]\nz = -2\n[x.y.w]\nq = 'lit'\n"quoted key" = """multi\nline"""\n`,
  );
  assert.deepEqual(JSON.parse(JSON.stringify(d)), {
    a: { b: [1, 2.5, "xA"], c: { d: true } },
    x: { y: [{ z: 1 }, { z: -2, w: { q: "lit", "quoted key": "multi\nline" } }] },
  });
  assert.throws(
    () => parseBindingToml("a = 1\na = 2\n"),
    (e) => e instanceof BindingSyntaxError && e.line === 2 && e.column === 1 && /already defined/.test(e.message),
  );
});

// Our extension (docs/abi.md §5): a node binding's `fingerprint` is the key that node must present, exported beside
// the schema (interstice_node_keys); the ABI-6 schema's node dependency stays name and address.
const FINGERPRINT = "SHA256:" + "Ab3+".repeat(10) + "xyz";

test("bindings: a node binding's fingerprint is exported as interstice_node_keys, outside the schema", async () => {
  const keyed = {
    ...FILES,
    "src/bindings/node_greeter.toml": `fingerprint = "${FINGERPRINT}"\n` + FILES["src/bindings/node_greeter.toml"],
  };
  const h = await new FakeHost().load(await build(keyed, { name: "caller" }));
  const packed = BigInt.asUintN(64, h.exports.interstice_node_keys());
  const r = new PostcardReader(Buffer.from(h.bytesAt(Number(packed >> 32n), Number(packed & 0xffffffffn))));
  assert.deepEqual(
    r.seq((r) => [r.str(), r.str()]),
    [["greeter-node", FINGERPRINT]],
  );
  assert.deepEqual(h.schema.node_dependencies, [{ name: "greeter-node", address: "127.0.0.1:8080" }]);
});

test("bindings: no fingerprint, no interstice_node_keys; a malformed one is a build error", async () => {
  const h = await new FakeHost().load(wasm);
  assert.equal(h.exports.interstice_node_keys, undefined);
  const bad = await compile({
    ...FILES,
    "src/bindings/node_greeter.toml": `fingerprint = "SHA256:short"\n` + FILES["src/bindings/node_greeter.toml"],
  });
  assert.equal(bad.ok, false);
  assert.match(bad.stderr, /fingerprint 'SHA256:short' is not a key fingerprint/);
});
