// @defaultValue: a column's default for migrations, in the optional export interstice_column_defaults (not the schema).
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost, readValue } from "./fake-host.js";
import { PostcardReader } from "../transform/postcard.js";

const SOURCE = `
import { ReducerContext } from "@interstice/sdk";

@table({ name: "items", visibility: "public" })
export class Items {
  @primaryKey({ autoInc: true }) id: u64 = 0;
  name: string = "";
  @defaultValue(5) kg: u32 = 0;
  @defaultValue(-3) delta: i64 = 0;
  @defaultValue("none") label: string = "";
  @defaultValue(true) active: bool = false;
  @defaultValue(null) note: string | null = null;
}

@reducer()
export function add(ctx: ReducerContext): void {
  ctx.tables.items.insert(new Items());
}
`;

test("column defaults are exported beside the schema, which stays ABI 6", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE }));
  const packed = BigInt.asUintN(64, h.exports.interstice_column_defaults());
  const r = new PostcardReader(Buffer.from(h.bytesAt(Number(packed >> 32n), Number(packed & 0xffffffffn))));
  const defaults = r.seq((r) => [r.str(), r.str(), readValue(r)]);
  assert.equal(
    json(defaults),
    json([
      ["items", "kg", { U32: 5 }],
      ["items", "delta", { I64: "-3" }],
      ["items", "label", { String: "none" }],
      ["items", "active", { Bool: true }],
      ["items", "note", { Option: null }],
    ]),
  );
  assert.equal(h.schema.abi_version ?? h.schema.abiVersion, 6);
});

test("a module without defaults has no such export", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE.replace(/@defaultValue\([^)]*\) /g, "") }));
  assert.equal(h.exports.interstice_column_defaults, undefined);
});

test("a default that does not fit its column, or on the key, is a compile error", async () => {
  const bad = await compile({
    "src/index.ts": SOURCE.replace("@defaultValue(5) kg: u32", "@defaultValue(300) kg: u8").replace(
      "@primaryKey({ autoInc: true })",
      "@primaryKey({ autoInc: true }) @defaultValue(1)",
    ),
  });
  assert.equal(bad.ok, false);
  assert.match(bad.stderr, /@defaultValue on kg: 300 does not fit u8/);
  assert.match(bad.stderr, /@defaultValue cannot be used on the @primaryKey field/);
});
