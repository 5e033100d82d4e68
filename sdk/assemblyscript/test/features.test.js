// Every supported type and table operation, through a fake host.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { build, json, SDK_DIR } from "./helpers.js";
import { FakeHost, str } from "./fake-host.js";

let wasm;
before(async () => {
  wasm = await build({ "src/index.ts": fs.readFileSync(path.join(SDK_DIR, "test/fixtures/features.ts"), "utf8") });
});

const point = (x, y) => ({
  Struct: {
    name: "Point",
    fields: [
      { name: "x", value: { I32: x } },
      { name: "y", value: { I32: y } },
    ],
  },
});
const shape = (variant, value) => ({ Enum: { name: "Shape", variant, value } });

function thing(id, kind, score, extra = {}) {
  const f = {
    id: str(id),
    kind: { U32: kind },
    score: { I64: BigInt(score) },
    small: { U8: 255 },
    big: { U64: 18446744073709551615n },
    neg: { I32: -2147483648 },
    f: { F32: 1.5 },
    d: { F64: -0.25 },
    flag: { Bool: true },
    tags: { Vec: [str("a"), str("ünïcødé ✓")] },
    maybe: { Option: null },
    count: { Option: { U32: 7 } },
    pos: point(-3, 4),
    shape: shape("Circle", { F64: 2.5 }),
    pair: { Tuple: [{ U8: 1 }, { Vec: [{ I64: -9007199254740993n }] }] },
    nested: { Vec: [{ Vec: [point(1, 2)] }, { Vec: [] }] },
    ...extra,
  };
  return { Struct: { name: "Thing", fields: Object.entries(f).map(([name, value]) => ({ name, value })) } };
}

/** The row (Vec form the host keeps) of a Thing struct value. */
const rowOf = (t) => ({ primary_key: t.Struct.fields[0].value, entries: t.Struct.fields.slice(1).map((f) => f.value) });

test("schema: names, types, indexes, persistence, authorities, version", async () => {
  const h = await new FakeHost().load(wasm);
  const s = h.schema;
  assert.equal(s.abi_version, 6);
  assert.equal(s.name, "features");
  assert.deepEqual(s.version, { major: 1, minor: 2, patch: 3 });
  assert.equal(s.visibility, "Private");
  assert.deepEqual(s.authorities, ["File"]);
  const things = s.tables.find((t) => t.name === "things");
  assert.equal(things.persistence, "Ephemeral");
  assert.equal(things.visibility, "Public");
  assert.deepEqual(things.primary_key, { name: "id", field_type: "String" });
  assert.equal(things.fields.length, 15);
  assert.deepEqual(things.indexes, [
    { field_name: "kind", index_type: "Hash", unique: false, auto_inc: false },
    { field_name: "score", index_type: "BTree", unique: false, auto_inc: false },
  ]);
  const f = Object.fromEntries(things.fields.map((x) => [x.name, x.field_type]));
  assert.deepEqual(f.maybe, { Option: "String" });
  assert.deepEqual(f.count, { Option: "U32" });
  assert.deepEqual(f.pair, { Tuple: ["U8", { Vec: "I64" }] });
  assert.deepEqual(f.nested, { Vec: { Vec: { Named: "Point" } } });
  const counter = s.tables.find((t) => t.name === "counter");
  assert.equal(counter.persistence, "Stateful");
  assert.equal(counter.visibility, "Private");
  assert.equal(counter.primary_key_auto_inc, true);
  assert.deepEqual(s.type_definitions.Shape, {
    Enum: {
      name: "Shape",
      variants: [
        { name: "Empty", field_type: "Void" },
        { name: "Circle", field_type: "F64" },
        { name: "Label", field_type: "String" },
        { name: "Pair", field_type: { Tuple: ["U32", "String"] } },
        { name: "At", field_type: { Named: "Point" } },
      ],
    },
  });
  const bump = s.reducers.find((r) => r.name === "bump");
  assert.deepEqual(
    bump.reads.map((x) => x.table_name),
    ["things"],
  );
  assert.deepEqual(
    bump.updates.map((x) => x.table_name),
    ["things"],
  );
  assert.deepEqual(bump.inserts, []);
  const count = s.reducers.find((r) => r.name === "count");
  assert.deepEqual(
    [count.reads, count.inserts, count.updates].map((l) => l.map((x) => x.table_name)),
    [["counter"], ["counter"], ["counter"]],
  );
  assert.deepEqual(
    s.reducers.find((r) => r.name === "wipe").deletes.map((x) => x.table_name),
    ["things"],
  );
  assert.deepEqual(
    s.reducers.find((r) => r.name === "remove").deletes.map((x) => x.table_name),
    ["things"],
  );
  assert.deepEqual(
    s.queries.find((q) => q.name === "by_kind").reads.map((x) => x.table_name),
    ["things"],
  );
  assert.deepEqual(s.queries.find((q) => q.name === "nothing").return_type, "Void");
  assert.deepEqual(s.subscriptions.find((x) => x.reducer_name === "on_thing_update").event, {
    Update: { node_selection: "Current", module_name: "features", table_name: "things" },
  });
  assert.deepEqual(s.subscriptions.find((x) => x.reducer_name === "on_thing_delete").event, {
    Delete: { node_selection: "Current", module_name: "features", table_name: "things" },
  });
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm));
  assert.ok(
    imports.every((i) => i.module === "interstice"),
    json(imports),
  );
});

test("every type round-trips through a query", async () => {
  const h = await new FakeHost().load(wasm);
  const t = thing("x", 1, -5);
  assert.equal(json(h.callQuery("roundtrip", [t])), json(t));
  const shapes = [
    shape("Empty", "Void"),
    shape("Label", str("hi")),
    shape("Pair", { Tuple: [{ U32: 9 }, str("p")] }),
    shape("At", point(7, -7)),
    shape("Circle", { F64: 1 }),
  ];
  assert.equal(json(h.callQuery("shapes", [{ Vec: shapes }])), json({ Vec: shapes }));
  const r = h.callQuery("opt", [
    { Option: { U64: 41n } },
    { Option: { Vec: [{ U8: 1 }, { U8: 2 }] } },
    { Tuple: [{ Bool: false }, { F64: 3 }] },
  ]);
  assert.equal(json(r), json({ Tuple: [{ Option: { U64: 42n } }, { Option: { Vec: [{ U8: 1 }, { U8: 2 }] } }] }));
  const r2 = h.callQuery("opt", [{ Option: null }, "Void", { Tuple: [{ Bool: true }, { F64: 0 }] }]);
  assert.equal(json(r2), json({ Tuple: [{ Option: null }, { Option: null }] }));
  assert.equal(h.callQuery("nothing"), "Void");
  // Struct fields in another order are accepted (decoded by name, like upstream).
  const shuffled = { Struct: { name: "Point", fields: [...point(1, 2).Struct.fields].reverse() } };
  const t2 = thing("y", 1, 1, { pos: shuffled });
  assert.equal(json(h.callQuery("roundtrip", [t2])), json(thing("y", 1, 1, { pos: point(1, 2) })));
});

test("table operations: insert, get, update, delete, clear, index scans, events", async () => {
  const h = await new FakeHost().load(wasm);
  for (const [id, kind, score] of [
    ["a", 1, 10],
    ["b", 2, 20],
    ["c", 1, 30],
    ["d", 3, -40],
  ])
    h.callReducer("put", [thing(id, kind, score)]);
  assert.equal(h.rowsOf("things").length, 4);
  assert.equal(json(h.rowsOf("things")[0]), json(rowOf(thing("a", 1, 10))));
  assert.equal(json(h.callQuery("get", [str("b")])), json({ Option: thing("b", 2, 20) }));
  assert.equal(json(h.callQuery("get", [str("zz")])), json({ Option: null }));
  assert.equal(json(h.callQuery("by_kind", [{ U32: 1 }])), json({ Vec: [str("a"), str("c")] }));
  const ids = (op, lo, hi = 0) =>
    h
      .callQuery("score_range", [{ I64: BigInt(lo) }, { I64: BigInt(hi) }, str(op)])
      .Vec.map((v) => v.String)
      .join(",");
  assert.equal(ids("range", 10, 30), "a,b");
  assert.equal(ids("lt", 20), "a,d");
  assert.equal(ids("lte", 20), "a,b,d");
  assert.equal(ids("gt", 20), "c");
  assert.equal(ids("gte", 20), "b,c");
  h.events.length = 0;
  h.callReducer("bump", [str("a"), { I64: 5n }]);
  assert.equal(h.rowsOf("things")[0].entries[1].I64, 15n);
  h.drain();
  assert.ok(h.logs.includes("updated a score 10 -> 15"), h.logs.join("\n"));
  h.callReducer("remove", [str("b")]);
  h.callReducer("remove", [str("b")]);
  h.drain();
  assert.ok(h.logs.includes("deleted b"));
  assert.ok(h.logs.includes("delete failed for b"));
  h.callReducer("wipe");
  assert.equal(h.rowsOf("things").length, 0);
});

test("auto-increment: insert returns the row with the generated id", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("count", [str("x")]);
  h.callReducer("count", [str("y")]);
  h.callReducer("count", [str("x")]);
  assert.deepEqual(h.logs, ["new counter x id=0", "new counter y id=1"]);
  const rows = h.callQuery("counters").Vec.map((s) => s.Struct.fields.map((f) => Object.values(f.value)[0]));
  assert.equal(
    json(rows),
    json([
      [0, "x", 2n],
      [1, "y", 1n],
    ]),
  );
});

test("insert response larger than the buffer: retried once, applied once", async () => {
  const h = await new FakeHost().load(wasm);
  h.forceSmallInsertBuffer = true;
  h.callReducer("count", [str("big")]);
  assert.deepEqual(h.logs, ["new counter big id=0"]);
  assert.equal(h.rowsOf("counter").length, 1);
});

test("context: node id, caller, time, random; generic calls to other modules", async () => {
  const h = await new FakeHost({
    otherModules: {
      other: {
        reducers: { ping: (args) => assert.equal(json(args), json([str("bob"), { U64: 7n }])) },
        queries: { answer: (args) => ({ I32: args[0].Vec[0].I32 + args[0].Vec[1].I32 }) },
      },
    },
  }).load(wasm);
  h.callReducer("info", [], { node: "peer-9", module: "caller-mod" });
  assert.deepEqual(h.logs, ["node=node-1 caller=peer-9/caller-mod time=1700000000000 random=42"]);
  h.logs.length = 0;
  h.callReducer("call_other", [str("bob")]);
  assert.deepEqual(h.logs, ["ping: ok", "answer: 1", "bad: no query nobody.nothing"]);
  assert.equal(h.calls[0].module, "other");
  assert.equal(h.calls[0].node, null);
});

test("wrong arguments and aborts trap with a logged message", async () => {
  const h = await new FakeHost().load(wasm);
  assert.throws(() => h.callReducer("bump", [str("a")]), WebAssembly.RuntimeError);
  assert.match(h.logs.pop(), /^Panic Error: Interstice: reducer 'bump' expects 2 argument\(s\), got 1/);
  assert.throws(() => h.callReducer("bump", [str("a"), { U64: 1n }]), WebAssembly.RuntimeError);
  assert.match(h.logs.pop(), /^Panic Error: Interstice: reducer 'bump' argument 'by': expected I64, got IntersticeValue::U64/);
  assert.throws(() => h.callQuery("roundtrip", [thing("x", 1, 1, { pos: str("nope") })]), WebAssembly.RuntimeError);
  assert.match(h.logs.pop(), /expected struct Point, got IntersticeValue::String/);
  assert.throws(() => h.callReducer("explode", [str("boom")]), WebAssembly.RuntimeError);
  assert.match(h.logs.pop(), /^Panic Error: exploded: boom/);
  // The instance still works after traps.
  h.callReducer("put", [thing("ok", 1, 1)]);
  assert.equal(h.rowsOf("things").length, 1);
});
