// Misuse is a compile error with file and line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile } from "./helpers.js";

const HEAD = `import { ReducerContext, QueryContext, Option } from "@interstice/sdk";
@table({ visibility: "public" })
export class Greetings {
  @primaryKey({ autoInc: true }) id: u64 = 0;
  greeting: string = "";
}
`; // 6 lines; the case's code starts on line 7

const CASES = [
  [
    "first parameter not the context",
    `@reducer export function r(name: string): void {}`,
    7,
    "the first parameter of reducer r must be the context: (ctx: ReducerContext, ...)",
  ],
  [
    "query with a ReducerContext",
    `@query export function q(ctx: ReducerContext): u32 { return 1; }`,
    7,
    "the first parameter of query q must be the context: (ctx: QueryContext, ...)",
  ],
  ["reducer without parameters", `@reducer export function r(): void {}`, 7, "the first parameter of reducer r must be the context"],
  [
    "insert subscriber with a wrong row type",
    `@reducer({ on: "greetings.insert" }) export function r(ctx: ReducerContext, row: string): void {}`,
    7,
    "reducer r subscribes to 'greetings.insert', so it must take (ctx: ReducerContext, insertedRow: Greetings)",
  ],
  [
    "delete subscriber without the row",
    `@reducer({ on: "greetings.delete" }) export function r(ctx: ReducerContext): void {}`,
    7,
    "subscribes to 'greetings.delete'",
  ],
  [
    "update subscriber with one row",
    `@reducer({ on: "greetings.update" }) export function r(ctx: ReducerContext, row: Greetings): void {}`,
    7,
    "(ctx: ReducerContext, oldRow: Greetings, newRow: Greetings)",
  ],
  [
    "connect without node id",
    `@reducer({ on: "connect" }) export function r(ctx: ReducerContext): void {}`,
    7,
    "subscribes to 'connect', so it must take (ctx: ReducerContext, nodeId: string)",
  ],
  [
    "disconnect with a u64",
    `@reducer({ on: "disconnect" }) export function r(ctx: ReducerContext, id: u64): void {}`,
    7,
    "subscribes to 'disconnect'",
  ],
  [
    "init with a parameter",
    `@reducer({ on: "init" }) export function r(ctx: ReducerContext, x: u32): void {}`,
    7,
    "subscribes to 'init', so it must take (ctx: ReducerContext); no parameters besides the context",
  ],
  ["load with a parameter", `@reducer({ on: "load" }) export function r(ctx: ReducerContext, x: u32): void {}`, 7, "subscribes to 'load'"],
  [
    "unknown table in on",
    `@reducer({ on: "nope.insert" }) export function r(ctx: ReducerContext, x: Greetings): void {}`,
    7,
    "unknown table 'nope' in 'nope.insert'",
  ],
  [
    "unknown module in on",
    `@reducer({ on: "other.greetings.insert" }) export function r(ctx: ReducerContext, x: Greetings): void {}`,
    7,
    "unknown module 'other' in 'other.greetings.insert'",
  ],
  [
    "unknown node in on",
    `@reducer({ on: "far.other.greetings.insert" }) export function r(ctx: ReducerContext, x: Greetings): void {}`,
    7,
    "unknown node 'far' in 'far.other.greetings.insert'",
  ],
  ["unknown event", `@reducer({ on: "tick" }) export function r(ctx: ReducerContext): void {}`, 7, "unknown event 'tick'"],
  [
    "unknown table event",
    `@reducer({ on: "greetings.upsert" }) export function r(ctx: ReducerContext, x: Greetings): void {}`,
    7,
    "unknown table event 'upsert'",
  ],
  ["unknown decorator", `@tabel class X { id: u32 = 0; }`, 7, "unknown decorator @tabel"],
  ["unknown decorator on a field", `@type class X {\n  @primary id: u32 = 0;\n}`, 8, "unknown decorator @primary on X.id"],
  [
    "unknown decorator argument",
    `@table({ persistance: "logged" }) class X { @primaryKey id: u32 = 0; }`,
    7,
    "unknown argument 'persistance' for @table (allowed: name, visibility, persistence, indexes)",
  ],
  [
    "composite index of one field",
    `@table({ indexes: [["a"]] }) class X { @primaryKey id: u32 = 0; a: u32 = 0; }`,
    7,
    "a composite index needs at least two fields, got [a]",
  ],
  [
    "composite index of an unknown field",
    `@table({ indexes: [["a", "b"]] }) class X { @primaryKey id: u32 = 0; a: u32 = 0; }`,
    7,
    "composite index [a, b]: X has no field b",
  ],
  [
    "bad decorator argument value",
    `@table({ visibility: "secret" }) class X { @primaryKey id: u32 = 0; }`,
    7,
    `@table argument 'visibility' must be "public" | "private"`,
  ],
  [
    "non-literal decorator argument",
    `const V = "public";\n@table({ visibility: V }) class X { @primaryKey id: u32 = 0; }`,
    8,
    "decorator arguments must be literals",
  ],
  [
    "unknown reducer option",
    `@reducer({ when: "init" }) export function r(ctx: ReducerContext): void {}`,
    7,
    "unknown argument 'when' for @reducer",
  ],
  ["unsupported field type u16", `@type class X { a: u16 = 0; }`, 7, "unsupported type 'u16' for field X.a (use u32)"],
  ["unsupported field type Map", `@type class X { a: Map<string, u32> = new Map(); }`, 7, "unsupported type 'Map' for field X.a"],
  [
    "unsupported parameter type",
    `@reducer export function r(ctx: ReducerContext, f: usize): void {}`,
    7,
    "unsupported type 'usize' for parameter 'f' of reducer r (use u32 or u64)",
  ],
  ["nullable value type", `@type class X { a: u32 | null = 0; }`, 7, "use Option<u32> for optional value types"],
  ["table without primary key", `@table class X { a: u32 = 0; }`, 7, "@table X needs a @primaryKey field"],
  [
    "two primary keys",
    `@table class X {\n  @primaryKey a: u32 = 0;\n  @primaryKey b: u32 = 0;\n}`,
    9,
    "only one @primaryKey field is allowed",
  ],
  ["float primary key", `@table class X {\n  @primaryKey a: f64 = 0;\n}`, 8, "floats cannot be primary keys or indexed"],
  [
    "autoInc on a string key",
    `@table class X {\n  @primaryKey({ autoInc: true }) a: string = "";\n}`,
    8,
    "autoInc is only supported on integer primary keys",
  ],
  ["index without type", `@table class X {\n  @primaryKey a: u32 = 0;\n  @index b: u32 = 0;\n}`, 9, "@index needs a type"],
  [
    "index on a struct",
    `@type class P { x: u32 = 0; }\n@table class X {\n  @primaryKey a: u32 = 0;\n  @index({ type: "hash" }) p: P = new P();\n}`,
    10,
    "cannot be a primary key or indexed",
  ],
  ["primaryKey outside a table", `@type class X {\n  @primaryKey a: u32 = 0;\n}`, 8, "@primaryKey is only allowed in @table classes"],
  ["enumType without tag", `@enumType class E { A: u32 = 0; }`, 7, "@enumType E needs a field 'tag: string'"],
  [
    "reducer returning a value",
    `@reducer export function r(ctx: ReducerContext): u32 { return 1; }`,
    7,
    "reducer r must return void; use @query to return values",
  ],
  [
    "schedule of an unknown reducer",
    `@reducer export function r(ctx: ReducerContext): void {\n  ctx.schedule("nope", 10);\n}`,
    8,
    "schedule: 'nope' is not a reducer of this module",
  ],
  [
    "schedule of a reducer with arguments",
    `@reducer export function r(ctx: ReducerContext): void {\n  ctx.schedule("s", 10);\n}\n@reducer export function s(ctx: ReducerContext, x: u32): void {}`,
    8,
    "schedule: reducer 's' takes arguments",
  ],
  ["reducer decorator on a class", `@reducer class X {}`, 7, "@reducer must be used on a top-level function"],
  ["table decorator on a function", `@table export function f(): void {}`, 7, "@table must be used on a class"],
  ["duplicate table name", `@table({ name: "greetings" }) class X { @primaryKey a: u32 = 0; }`, 7, "table 'greetings' is declared twice"],
  ["unknown authority", `@module({ authorities: ["Gpus"] }) class M {}`, 7, "unknown authority 'Gpus'"],
  [
    "replicated table of an unknown node",
    `@module({ replicatedTables: ["n.m.t"] }) class M {}`,
    7,
    "node 'n' is not described in src/bindings",
  ],
  ["generic table", `@table class X<T> { @primaryKey a: u32 = 0; }`, 7, "a @table class cannot be generic"],
  ["Unit outside an enum", `@type class X { a: Unit = new Unit(); }`, 7, "Unit is only allowed as the payload of an @enumType variant"],
  [
    "optional parameter",
    `@reducer export function r(ctx: ReducerContext, a: u32 = 1): void {}`,
    7,
    "parameters of reducer r cannot have default values",
  ],
];

for (const [title, code, line, message] of CASES) {
  test(`compile error: ${title}`, async () => {
    const r = await compile({ "src/index.ts": HEAD + code + "\n" });
    assert.equal(r.ok, false, "expected the build to fail");
    const lines = r.stderr.split("\n").filter((l) => l.includes(": error: "));
    const hit = lines.find((l) => l.includes(message));
    assert.ok(hit, `no error containing:\n  ${message}\ngot:\n${r.stderr}`);
    assert.match(hit, new RegExp(`^src/index\\.ts:${line}:\\d+: error: `), `wrong location in: ${hit}`);
  });
}

test("a correct module builds without Interstice errors", async () => {
  const r = await compile({
    "src/index.ts": HEAD + `@reducer({ on: "greetings.insert" }) export function r(ctx: ReducerContext, row: Greetings): void {}\n`,
  });
  assert.equal(r.ok, true, r.stderr);
});
