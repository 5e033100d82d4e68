// The Module authority in the SDK: ctx.module's calls as the host receives them, and module_load/module_remove handlers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost, str } from "./fake-host.js";

const SOURCE = `
import { ReducerContext, ModuleEvent } from "@interstice/sdk";

@module({ authorities: ["Module"] })
class Manager {}

@reducer()
export function install(ctx: ReducerContext): void {
  let code = new Uint8Array(3);
  code[0] = 0;
  code[1] = 0x61;
  code[2] = 0x73;
  let err = ctx.module.load(code);
  ctx.log(err == null ? "accepted" : "refused: " + err!);
}

@reducer()
export function tidy(ctx: ReducerContext): void {
  ctx.module.unload("app");
  let err = ctx.module.remove("old", "peer");
  ctx.log(err == null ? "accepted" : "refused: " + err!);
}

@reducer({ on: "module_load" })
export function on_load_request(ctx: ReducerContext, e: ModuleEvent): void {
  ctx.log(e.kind + " " + e.moduleName + " from " + e.nodeId + " (" + e.wasm.length.toString() + " bytes)");
  ctx.module.load(e.wasm);
}

@reducer({ on: "module_remove" })
export function on_remove_request(ctx: ReducerContext): void {
  ctx.log("remove requested");
}

@reducer()
export function module_result(ctx: ReducerContext, op: string, module: string, error: string | null): void {
  ctx.log(op + " " + module + ": " + (error == null ? "done" : error!));
}
`;

let wasm;
before(async () => {
  wasm = await build({ "src/index.ts": SOURCE });
});

const event = (variant, fields) => ({
  Enum: {
    name: "ModuleEvent",
    variant,
    value: { Struct: { name: variant, fields: Object.entries(fields).map(([name, value]) => ({ name, value })) } },
  },
});

test("the schema declares the authority and both request subscriptions", async () => {
  const h = await new FakeHost().load(wasm);
  assert.deepEqual(h.schema.authorities, ["Module"]);
  assert.deepEqual(
    json(h.schema.subscriptions),
    json([
      { reducer_name: "on_load_request", event: "ModuleLoad" },
      { reducer_name: "on_remove_request", event: "ModuleRemove" },
    ]),
  );
  assert.deepEqual(h.schema.reducers.find((r) => r.name === "on_load_request").arguments, []);
});

test("every call reaches the host as upstream's ModuleCall", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("install");
  h.callReducer("tidy");
  assert.deepEqual(
    json(h.moduleCalls),
    json([
      { call: "Load", node: "", wasm: [0, 0x61, 0x73] },
      { call: "Unload", node: "", module: "app" },
      { call: "Remove", node: "peer", module: "old" },
    ]),
  );
  assert.deepEqual(h.logs, ["accepted", "accepted"]);
  h.moduleError = "no module 'app' is loaded on this node to unload";
  h.callReducer("install");
  assert.equal(h.logs[2], "refused: no module 'app' is loaded on this node to unload");
});

test("a load request arrives typed and the outcome reaches module_result", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("on_load_request", [
    event("LoadRequest", { node_id: str("n1"), module_name: str("app"), wasm_binary: { Vec: [{ U8: 0 }, { U8: 97 }] } }),
  ]);
  h.callReducer("on_remove_request", []);
  h.callReducer("module_result", [str("load"), str("app"), { Option: null }]);
  h.callReducer("module_result", [str("remove"), str("x"), { Option: str("no such module") }]);
  assert.deepEqual(h.logs, ["LoadRequest app from n1 (2 bytes)", "remove requested", "load app: done", "remove x: no such module"]);
  assert.deepEqual(json(h.moduleCalls), json([{ call: "Load", node: "", wasm: [0, 97] }]));
});

test("ctx.module and module_load need the Module authority", async () => {
  const r = await compile({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
@reducer()
export function go(ctx: ReducerContext): void {
  ctx.module.remove("x");
}
@reducer({ on: "module_load" })
export function onLoad(ctx: ReducerContext): void {}
`,
  });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /index\.ts:4:7: error: ctx\.module needs the Module authority: add authorities: \["Module"\] to @module/);
  assert.match(r.stderr, /reducer onLoad handles 'module_load' requests, which needs the Module authority/);
});
