// Child modules (our extension interstice_children, docs/abi.md §4.5) as the SDK imports and encodes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "./helpers.js";
import { FakeHost } from "./fake-host.js";

const imports = (wasm) => WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name);

test("only a module that uses ctx.children imports interstice_children", async () => {
  const plain = await build({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
      @reducer export function hi(ctx: ReducerContext): void { ctx.log("hi"); }`,
  });
  assert.ok(!imports(plain).includes("interstice_children"), "a module without children runs on upstream's node");
  const parent = await build({
    "src/index.ts": `import { ReducerContext, Grant } from "@interstice/sdk";
      @module({ authorities: ["Module", "File"] })
      class Parent {}
      @reducer export function spawn(ctx: ReducerContext, code: Array<u8>): void {
        let wasm = new Uint8Array(code.length);
        for (let i = 0; i < code.length; i++) wasm[i] = code[i];
        let err = ctx.children.spawn(wasm, Grant.none().files("kids/a").network(["127.0.0.1:80"]).modules(), false);
        if (err != null) abort(err);
      }
      @reducer export function revoke(ctx: ReducerContext, name: string): void {
        let err = ctx.children.revoke(name, "File");
        if (err != null) abort(err);
      }
      @reducer export function list(ctx: ReducerContext): void {
        let l = ctx.children.list().value;
        for (let i = 0; i < l.length; i++) ctx.log(l[i].name);
      }`,
  });
  assert.ok(imports(parent).includes("interstice_children"));
});

/** The fake host answering interstice_children: records each request, answers Ok (List: one child). */
class ChildHost extends FakeHost {
  constructor() {
    super();
    this.sent = [];
  }

  imports() {
    const h = this;
    return {
      ...super.imports(),
      interstice_children(ptr, len) {
        const req = Array.from(h.bytesAt(ptr, len));
        h.sent.push(req);
        // List: Ok([("kid", Grant(Some("d"), None, false), [File], true, true)])
        if (req[0] === 2) return h.respond(Buffer.from([0, 1, ...str("kid"), 1, ...str("d"), 0, 0, 1, 3, 1, 1]));
        return h.respond(Buffer.from([0]));
      },
    };
  }
}

const str = (s) => [s.length, ...Buffer.from(s)];

test("spawn, revoke and list are encoded as the node decodes them", async () => {
  const wasm = await build({
    "src/index.ts": `import { ReducerContext, Grant } from "@interstice/sdk";
      @module({ authorities: ["Module", "File"] })
      class Parent {}
      @reducer export function go(ctx: ReducerContext): void {
        let code = new Uint8Array(3);
        code[0] = 1; code[1] = 2; code[2] = 3;
        ctx.children.spawn(code, Grant.none().files("d").network(["10.0.0.1:5"]).modules(), false);
        ctx.children.spawnByHash("ab", Grant.none(), true);
        ctx.children.revoke("kid", "Network");
        ctx.children.revoke("kid");
        let l = ctx.children.list().value;
        ctx.log(l[0].name + " " + l[0].grant.file! + " " + l[0].revoked.join(",") + " " + l[0].loaded.toString());
      }`,
  });
  const h = await new ChildHost().load(wasm);
  h.callReducer("go");
  assert.deepEqual(h.sent, [
    [0, 0, 3, 1, 2, 3, 1, ...str("d"), 1, 1, ...str("10.0.0.1:5"), 1, 0],
    [0, 1, ...str("ab"), 0, 0, 0, 1],
    [1, ...str("kid"), 1, 5],
    [1, ...str("kid"), 0],
    [2],
  ]);
  assert.deepEqual(h.logs, ["kid d File true"]);
});
