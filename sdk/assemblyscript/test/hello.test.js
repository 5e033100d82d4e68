// The hello example module (modules/hello) and the init template (template/), through the fake host.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { build, json, SDK_DIR } from "./helpers.js";
import { FakeHost, str } from "./fake-host.js";

const HELLO = fs.readFileSync(path.join(SDK_DIR, "../../modules/hello/src/index.ts"), "utf8");

test("hello: schema matches upstream modules/hello", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": HELLO }, { name: "hello", version: "0.0.1" }));
  const s = h.schema;
  assert.equal(s.abi_version, 6);
  assert.equal(s.name, "hello");
  assert.deepEqual(s.version, { major: 0, minor: 0, patch: 1 });
  assert.equal(s.visibility, "Public");
  assert.deepEqual(
    s.reducers.map((r) => r.name),
    ["init", "on_connect", "on_disconnect", "scheduled", "hello", "on_greeting_insert"],
  );
  assert.deepEqual(s.reducers.find((r) => r.name === "hello").arguments, [{ name: "name", field_type: "String" }]);
  assert.deepEqual(s.reducers.find((r) => r.name === "hello").inserts, [
    { node_selection: "Current", module_selection: "Current", table_name: "greetings" },
  ]);
  assert.deepEqual(s.reducers.find((r) => r.name === "on_greeting_insert").arguments, [
    { name: "inserted_row", field_type: { Named: "Greetings" } },
  ]);
  assert.deepEqual(s.queries, [
    {
      name: "get_greetings",
      arguments: [],
      return_type: { Vec: { Named: "Greetings" } },
      reads: [{ node_selection: "Current", module_selection: "Current", table_name: "greetings" }],
    },
  ]);
  assert.deepEqual(s.tables, [
    {
      name: "greetings",
      type_name: "Greetings",
      visibility: "Public",
      fields: [
        { name: "greeting", field_type: "String" },
        { name: "custom", field_type: { Named: "TestCustomType" } },
      ],
      primary_key: { name: "id", field_type: "U64" },
      primary_key_auto_inc: true,
      indexes: [{ field_name: "greeting", index_type: "BTree", unique: true, auto_inc: false }],
      persistence: "Logged",
    },
  ]);
  assert.deepEqual(s.subscriptions, [
    { reducer_name: "init", event: "Load" },
    { reducer_name: "on_connect", event: "Connect" },
    { reducer_name: "on_disconnect", event: "Disconnect" },
    { reducer_name: "on_greeting_insert", event: { Insert: { node_selection: "Current", module_name: "hello", table_name: "greetings" } } },
  ]);
  assert.deepEqual(Object.keys(s.type_definitions).sort(), ["Greetings", "TestCustomType"]);
  assert.deepEqual(s.type_definitions.TestCustomType, { Struct: { name: "TestCustomType", fields: [{ name: "val", field_type: "U32" }] } });
  const mod = new WebAssembly.Module(await build({ "src/index.ts": HELLO }, { name: "hello", version: "0.0.1" }));
  assert.deepEqual(
    WebAssembly.Module.exports(mod)
      .map((e) => e.name)
      .sort(),
    [
      "__interstice_query_wrapper_get_greetings",
      "__interstice_reducer_wrapper_hello",
      "__interstice_reducer_wrapper_init",
      "__interstice_reducer_wrapper_on_connect",
      "__interstice_reducer_wrapper_on_disconnect",
      "__interstice_reducer_wrapper_on_greeting_insert",
      "__interstice_reducer_wrapper_scheduled",
      "alloc",
      "dealloc",
      "interstice_describe",
      "memory",
    ],
  );
  assert.ok(WebAssembly.Module.imports(mod).every((i) => i.module === "interstice"));
});

test("hello: behaviour (init schedules, hello inserts, subscriber logs, query returns rows)", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": HELLO }, { name: "hello", version: "0.0.1" }));
  h.callReducer("init");
  assert.deepEqual(h.scheduled, [{ name: "scheduled", delay: 1000n }]);
  h.callReducer("scheduled");
  h.callReducer("hello", [str("Alice")]);
  h.callReducer("hello", [str("Alice")]);
  h.drain();
  h.callReducer("on_connect", [str("peer-1")]);
  h.callReducer("on_disconnect", [str("peer-1")]);
  assert.deepEqual(h.logs, [
    "Hello world !",
    "Scheduled reducer called",
    "Saying hello to Alice",
    "Saying hello to Alice",
    "Failed to insert greeting: unique index greeting violated",
    'Inserted greeting: Greetings { id: 0, greeting: "Hello, Alice!", custom: TestCustomType { val: 0 } }',
    "Node connected: peer-1",
    "Node disconnected: peer-1",
  ]);
  const rows = h.callQuery("get_greetings");
  assert.equal(
    json(rows),
    json({
      Vec: [
        {
          Struct: {
            name: "Greetings",
            fields: [
              { name: "id", value: { U64: 0n } },
              { name: "greeting", value: str("Hello, Alice!") },
              { name: "custom", value: { Struct: { name: "TestCustomType", fields: [{ name: "val", value: { U32: 0 } }] } } },
            ],
          },
        },
      ],
    }),
  );
});

test("template: builds and runs", async () => {
  const src = fs.readFileSync(path.join(SDK_DIR, "template/src/index.ts"), "utf8");
  const h = await new FakeHost().load(await build({ "src/index.ts": src }, { name: "my-module" }));
  assert.equal(h.schema.name, "my-module");
  h.callReducer("init");
  h.callReducer("hello", [str("you")]);
  h.drain();
  assert.deepEqual(h.logs, ["module initialised", "greeting #0: Hello, you!"]);
  assert.equal(json(h.callQuery("greetings")), json({ Vec: [str("Hello, you!")] }));
  const pkg = JSON.parse(fs.readFileSync(path.join(SDK_DIR, "template/package.json"), "utf8"));
  assert.equal(pkg.dependencies["@interstice/sdk"], "file:__SDK_PATH__");
  assert.equal(
    pkg.devDependencies.assemblyscript,
    JSON.parse(fs.readFileSync(path.join(SDK_DIR, "package.json"), "utf8")).dependencies.assemblyscript,
  );
});
