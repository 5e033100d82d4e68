// The Network authority in the SDK: ctx.network's calls as the host receives them, and NetworkEvent handlers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost, str } from "./fake-host.js";

const SOURCE = `
import { ReducerContext, NetworkEvent } from "@interstice/sdk";

@module({ authorities: ["Network"] })
class M {}

@reducer()
export function connect(ctx: ReducerContext): void {
  let h = ctx.network.tcpConnect("127.0.0.1", 7000, true, "localhost");
  ctx.log("handle " + h.value.toString());
  let err = ctx.network.tcpSendString(h.value, "hi");
  ctx.log(err == null ? "sent" : "send: " + err!);
}

@reducer()
export function others(ctx: ReducerContext): void {
  ctx.network.tcpListen("127.0.0.1", 7001);
  ctx.network.tcpClose(3);
  ctx.network.udpBind("127.0.0.1", 0);
  let d = new Uint8Array(2);
  d[0] = 1;
  d[1] = 2;
  ctx.network.udpSendTo(4, "127.0.0.1", 53, d);
  ctx.network.udpClose(4);
}

@reducer()
export function refused(ctx: ReducerContext): void {
  let h = ctx.network.tcpConnect("10.0.0.1", 80);
  ctx.log(h.ok ? "connected" : "refused: " + h.error);
}

@reducer({ on: "network" })
export function onNetwork(ctx: ReducerContext, e: NetworkEvent): void {
  ctx.log(e.kind + " " + e.handle.toString() + " " + e.listener.toString() + " " + e.peerIp + ":" + e.peerPort.toString() + " '" + e.text() + "' " + e.error);
}
`;

let wasm;
before(async () => {
  wasm = await build({ "src/index.ts": SOURCE });
});

const u64 = (v) => ({ U64: BigInt(v) });
const event = (variant, fields) => ({
  Enum: {
    name: "NetworkEvent",
    variant,
    value: { Struct: { name: variant, fields: Object.entries(fields).map(([name, value]) => ({ name, value })) } },
  },
});
const bytes = (s) => ({ Vec: [...Buffer.from(s)].map((b) => ({ U8: b })) });

test("the schema declares the authority and the network subscription without an argument type", async () => {
  const h = await new FakeHost().load(wasm);
  assert.deepEqual(h.schema.authorities, ["Network"]);
  assert.deepEqual(json(h.schema.subscriptions), json([{ reducer_name: "onNetwork", event: "Network" }]));
  assert.deepEqual(h.schema.reducers.find((r) => r.name === "onNetwork").arguments, []);
});

test("every call reaches the host as upstream's NetworkCall", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("connect");
  assert.deepEqual(h.logs, ["handle 7", "sent"]);
  assert.deepEqual(
    json(h.network.slice(0, 2)),
    json([
      { call: "TcpConnect", ip: "127.0.0.1", port: 7000, tls: true, serverName: "localhost" },
      { call: "TcpSend", handle: 7n, data: [104, 105] },
    ]),
  );
  h.callReducer("others");
  assert.deepEqual(json(h.network.slice(2).map((c) => c.call)), json(["TcpListen", "TcpClose", "UdpBind", "UdpSendTo", "UdpClose"]));
  assert.deepEqual(json(h.network[5]), json({ call: "UdpSendTo", handle: 4n, ip: "127.0.0.1", port: 53, data: [1, 2] }));
});

test("a refusal is an error the module can handle", async () => {
  const h = await new FakeHost().load(wasm);
  h.networkError = "connecting to 10.0.0.1 port 80 is refused by this node's network policy";
  h.callReducer("refused");
  assert.deepEqual(h.logs, ["refused: connecting to 10.0.0.1 port 80 is refused by this node's network policy"]);
});

test("network events arrive typed", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("onNetwork", [
    event("Accepted", { listener: u64(1), handle: u64(2), peer_ip: str("127.0.0.1"), peer_port: { U32: 5000 } }),
  ]);
  h.callReducer("onNetwork", [event("Received", { handle: u64(2), data: bytes("ping") })]);
  h.callReducer("onNetwork", [event("Failed", { handle: u64(2), error: str("reset") })]);
  assert.deepEqual(h.logs, ["Accepted 2 1 127.0.0.1:5000 '' ", "Received 2 0 :0 'ping' ", "Failed 2 0 :0 '' reset"]);
});

test("a network handler must take the event", async () => {
  const r = await compile({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
@module({ authorities: ["Network"] })
class M {}
@reducer({ on: "network" })
export function onNetwork(ctx: ReducerContext, n: u32): void {}
`,
  });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /reducer onNetwork subscribes to 'network', so it must take \(ctx: ReducerContext, event: NetworkEvent\)/);
});

test("ctx.network without the Network authority does not compile", async () => {
  const r = await compile({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
@reducer()
export function go(ctx: ReducerContext): void {
  helper(ctx);
}
function helper(c: ReducerContext): void {
  c.network.tcpListen("127.0.0.1", 9);
}
`,
  });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /index\.ts:7:5: error: c\.network needs the Network authority: add authorities: \["Network"\] to @module/);
});
