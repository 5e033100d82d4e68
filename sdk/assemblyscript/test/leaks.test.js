// No guest leaks: 100,000 reducer calls leave the linear memory size flat.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { build, SDK_DIR } from "./helpers.js";
import { FakeHost, str } from "./fake-host.js";

const CALLS = 100_000;

const LEAK_MODULE = `
import { ReducerContext, QueryContext } from "@interstice/sdk";

@table
export class Item {
  @primaryKey({ autoInc: true }) id: u64 = 0;
  @index({ type: "btree" }) name: string = "";
  tags: Array<string> = [];
}

@reducer
export function churn(ctx: ReducerContext, name: string, tags: Array<string>): void {
  const row = new Item();
  row.name = name + "-" + ctx.currentNodeId();
  row.tags = tags;
  const inserted = ctx.tables.item.insert(row);        // direct call, response decoded
  const again = ctx.tables.item.get(inserted.id);      // direct call
  if (again == null) {
    abort("missing row");
    return;
  }
  again.tags.push("x");
  ctx.tables.item.update(again);
  const found = ctx.tables.item.scanByNameEq(again.name); // host_call, response freed by the SDK
  if (found.length != 1) abort("index scan");
  ctx.tables.item.delete(inserted.id);
  ctx.schedule("noop", 0);                              // host_call
  ctx.log("churned " + name);
}

@reducer
export function noop(ctx: ReducerContext): void {}

@query
export function all(ctx: QueryContext, prefix: string): Array<Item> {
  return ctx.tables.item.scan();
}
`;

function pages(h) {
  return h.memory.buffer.byteLength / 65536;
}

test(`${CALLS} reducer calls (insert/get/update/index scan/delete/schedule/log) keep memory flat`, async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": LEAK_MODULE }));
  const tags = { Vec: [str("alpha"), str("beta"), str("gamma")] };
  for (let i = 0; i < 1000; i++) h.callReducer("churn", [str("warmup" + i), tags]);
  const before = pages(h);
  for (let i = 0; i < CALLS; i++) {
    h.callReducer("churn", [str("n" + i), tags]);
    if (i % 1000 === 0) {
      h.logs.length = 0;
      h.scheduled.length = 0;
      h.events.length = 0;
    }
  }
  assert.equal(h.rowsOf("item").length, 0);
  assert.equal(pages(h), before, `memory grew from ${before} to ${pages(h)} pages`);
});

test(`${CALLS / 10} query calls returning rows keep memory flat`, async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": LEAK_MODULE }));
  const t = h.tables.get("item");
  for (let i = 0; i < 50; i++) t.rows.set(String(i), { primary_key: { U64: BigInt(i) }, entries: [str("row" + i), { Vec: [str("t")] }] });
  for (let i = 0; i < 200; i++) h.callQuery("all", [str("r")]);
  const before = pages(h);
  for (let i = 0; i < CALLS / 10; i++) assert.equal(h.callQuery("all", [str("r")]).Vec.length, 50);
  assert.equal(pages(h), before);
});

test(`hello: ${CALLS} hello() calls keep memory flat`, async () => {
  const hello = fs.readFileSync(path.join(SDK_DIR, "../../modules/hello/src/index.ts"), "utf8");
  const h = await new FakeHost().load(await build({ "src/index.ts": hello }, { name: "hello", version: "0.0.1" }));
  for (let i = 0; i < 1000; i++) h.callReducer("hello", [str("w" + i)]);
  const before = pages(h);
  for (let i = 0; i < CALLS; i++) {
    h.callReducer("hello", [str("name" + i)]);
    if (i % 100 === 0) {
      h.logs.length = 0;
      h.events.length = 0;
      h.tables.get("greetings").rows.clear();
    }
  }
  assert.equal(pages(h), before);
});

const GARBAGE_MODULE = `
import { ReducerContext } from "@interstice/sdk";

@table
export class Item {
  @primaryKey id: u64 = 0;
}

/** About 'kib' KiB of garbage per call, none of it kept. */
@reducer
export function churn(ctx: ReducerContext, kib: u32): void {
  let total: i32 = 0;
  for (let i: u32 = 0; i < kib; i++) {
    const chunk = new Uint8Array(1024);
    chunk[0] = <u8>i;
    total += chunk[0];
  }
  if (total < 0) abort("unreachable");
}
`;

test("garbage waiting for a deferred collection stays bounded however much each call allocates", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": GARBAGE_MODULE }));
  // 8 MiB of garbage per call: deferring 64 calls of it would need 512 MiB
  for (let i = 0; i < 200; i++) h.callReducer("churn", [{ U32: 8192 }]);
  const mib = h.memory.buffer.byteLength / (1024 * 1024);
  assert.ok(mib <= 2 * 64 + 8, `memory grew to ${mib} MiB`);
});
