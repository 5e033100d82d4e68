// @query({ view: "t" }): a table's view, named in the optional export interstice_views (not the schema).
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost } from "./fake-host.js";
import { PostcardReader } from "../transform/postcard.js";

const SOURCE = `
import { QueryContext } from "@interstice/sdk";

@table({ name: "docs", visibility: "public" })
export class Doc {
  @primaryKey() id: u64 = 0;
  owner: string = "";
}

/** A row is its owner's: only the node named in it may see it. */
@query({ view: "docs" })
export function mine(ctx: QueryContext, row: Doc): bool {
  return row.owner == ctx.callerNodeId;
}
`;

const doc = (id, owner) => ({
  Struct: {
    name: "Doc",
    fields: [
      { name: "id", value: { U64: BigInt(id) } },
      { name: "owner", value: { String: owner } },
    ],
  },
});

test("a view is exported beside the schema, which stays ABI 6, and answers per caller", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE }));
  const packed = BigInt.asUintN(64, h.exports.interstice_views());
  const r = new PostcardReader(Buffer.from(h.bytesAt(Number(packed >> 32n), Number(packed & 0xffffffffn))));
  assert.equal(json(r.seq((r) => [r.str(), r.str()])), json([["docs", "mine"]]));
  assert.equal(h.schema.abi_version ?? h.schema.abiVersion, 6);
  const q = h.schema.queries.find((q) => q.name === "mine");
  assert.ok(q, "to an ABI-6 host the view is an ordinary query");
  assert.equal(json(h.callQuery("mine", [doc(1, "node-b")], { node: "node-b" })), json({ Bool: true }));
  assert.equal(json(h.callQuery("mine", [doc(1, "node-b")], { node: "node-c" })), json({ Bool: false }));
});

test("a module without views has no such export", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": SOURCE.replace(`{ view: "docs" }`, "") }));
  assert.equal(h.exports.interstice_views, undefined);
});

test("a view takes exactly the row and returns bool", async () => {
  const two = await compile({ "src/index.ts": SOURCE.replace("row: Doc): bool", "row: Doc, extra: u32): bool") });
  assert.equal(two.ok, false);
  assert.match(two.stderr, /view mine takes one argument after the context: the row/);
  const notBool = await compile({
    "src/index.ts": SOURCE.replace("row: Doc): bool", "row: Doc): u32").replace("return row.owner == ctx.callerNodeId;", "return 1;"),
  });
  assert.equal(notBool.ok, false);
  assert.match(notBool.stderr, /view mine must return bool/);
  const badName = await compile({ "src/index.ts": SOURCE.replace(`{ view: "docs" }`, `{ view: "no such" }`) });
  assert.equal(badName.ok, false);
  assert.match(badName.stderr, /view: "no such" is not a table name/);
});
