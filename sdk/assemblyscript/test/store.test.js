// The content store (our extension interstice_store, docs/abi.md §4.4) as the SDK imports it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "./helpers.js";

const imports = (wasm) => WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name);

test("only a module that uses ctx.store imports interstice_store", async () => {
  const plain = await build({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
      @reducer export function hi(ctx: ReducerContext): void { ctx.log("hi"); }`,
  });
  assert.ok(!imports(plain).includes("interstice_store"), "a module that does not use the store runs on upstream's node");
  const storing = await build({
    "src/index.ts": `import { ReducerContext, QueryContext } from "@interstice/sdk";
      @reducer export function put(ctx: ReducerContext, text: string): void {
        const id = ctx.store.create().value;
        ctx.store.storeAtLabel(id, "a", Uint8Array.wrap(String.UTF8.encode(text))).value;
      }
      @query export function get(ctx: QueryContext): string {
        return ctx.store.getText("1", ctx.store.getByLabel("1", "a").value).value;
      }`,
  });
  assert.ok(imports(storing).includes("interstice_store"));
});
