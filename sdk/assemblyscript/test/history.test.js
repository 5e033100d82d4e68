// Time travel (our extension interstice_history, docs/abi.md §4.5) as the SDK imports it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "./helpers.js";

const imports = (wasm) => WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name);

test("only a module that travels in time imports interstice_history", async () => {
  const table = `@table export class Pos { @primaryKey id: u32 = 0; x: i32 = 0; }`;
  const plain = await build({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
      ${table}
      @reducer export function move(ctx: ReducerContext, x: i32): void { const p = new Pos(); p.x = x; ctx.tables.pos.insert(p); }`,
  });
  assert.ok(!imports(plain).includes("interstice_history"), "a module that does not travel runs on upstream's node");
  const traveling = await build({
    "src/index.ts": `import { ReducerContext, QueryContext, Value } from "@interstice/sdk";
      ${table}
      @reducer export function move(ctx: ReducerContext, x: i32): void { const p = new Pos(); p.x = x; ctx.tables.pos.insert(p); }
      @reducer export function preview(ctx: ReducerContext, x: i32): void {
        ctx.history.forkNow("p").value;
        ctx.history.call("p", "move", [Value.i32(x)]);
        const it = ctx.tables.pos.iterInBranch("p");
        for (let r = it.next(); r != null; r = it.next()) ctx.log(r.x.toString());
        ctx.history.discard("p");
      }
      @query export function then(ctx: QueryContext, tx: u64): i32 {
        const it = ctx.tables.pos.iterAsOf(tx);
        const r = it.next();
        it.close();
        return r == null ? -1 : r.x;
      }`,
  });
  assert.ok(imports(traveling).includes("interstice_history"));
  assert.ok(imports(traveling).includes("interstice_scan"), "past and branch reads go through scan cursors");
});
