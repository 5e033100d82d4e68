// @reducer({ migrates: "t" }): a migration reducer, named in the optional export interstice_migrations (not the schema).
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost } from "./fake-host.js";
import { PostcardReader } from "../transform/postcard.js";

const SOURCE = `
import { ReducerContext } from "@interstice/sdk";

@table({ name: "items", visibility: "public" })
export class Items {
  @primaryKey() id: u64 = 0;
  kg: f64 = 0;
}

@type
export class OldItem {
  id: u64 = 0;
  grams: string = "";
}

@reducer({ migrates: "items" })
export function fromGrams(ctx: ReducerContext, old: OldItem): void {
  const row = new Items();
  row.id = old.id;
  row.kg = parseFloat(old.grams) / 1000;
  ctx.tables.items.insert(row);
}
`;

test("migration reducers are exported beside the schema, which stays ABI 6", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE }));
  const packed = BigInt.asUintN(64, h.exports.interstice_migrations());
  const r = new PostcardReader(Buffer.from(h.bytesAt(Number(packed >> 32n), Number(packed & 0xffffffffn))));
  assert.equal(json(r.seq((r) => [r.str(), r.str()])), json([["items", "fromGrams"]]));
  assert.equal(h.schema.abi_version ?? h.schema.abiVersion, 6);
});

test("a module without migration reducers has no such export", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE.replace(`{ migrates: "items" }`, "") }));
  assert.equal(h.exports.interstice_migrations, undefined);
});

test("a migration reducer takes exactly one class argument and no event", async () => {
  const bad = await compile({
    "src/index.ts": SOURCE.replace("old: OldItem): void", "old: OldItem, extra: u32): void").replace(
      `{ migrates: "items" }`,
      `{ migrates: "items", on: "init" }`,
    ),
  });
  assert.equal(bad.ok, false);
  assert.match(bad.stderr, /'migrates' and 'on' cannot be combined/);
  const two = await compile({ "src/index.ts": SOURCE.replace("old: OldItem): void", "old: OldItem, extra: u32): void") });
  assert.equal(two.ok, false);
  assert.match(two.stderr, /migration reducer fromGrams takes one argument after the context/);
});
