// The Audio authority in the SDK: ctx.audio's calls as the host receives them, and the audio_output / audio_input
// handlers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { build, compile, json } from "./helpers.js";
import { FakeHost } from "./fake-host.js";

const SOURCE = `
import { ReducerContext, AudioStreamConfig } from "@interstice/sdk";

@module({ authorities: ["Audio"] })
class M {}

@reducer()
export function open(ctx: ReducerContext): void {
  let out = ctx.audio.openOutputStream(new AudioStreamConfig(48000, 2, 3));
  ctx.log(out.ok ? "output " + out.value.toString() : "refused: " + out.error);
  let inp = ctx.audio.openInputStream(new AudioStreamConfig(16000, 1, 160));
  ctx.log(inp.ok ? "input " + inp.value.toString() : "refused: " + inp.error);
}

@reducer({ on: "audio_output" })
export function more(ctx: ReducerContext): void {
  let left = new Float32Array(3);
  let right = new Float32Array(3);
  for (let i = 0; i < 3; i++) {
    left[i] = <f32>i * 0.25;
    right[i] = -<f32>i * 0.25;
  }
  let err = ctx.audio.writeFramesF32Planar(5, 3, 2, [left, right]);
  ctx.log(err == null ? "written" : "write: " + err!);
  let closed = ctx.audio.closeStream(5);
  ctx.log(closed == null ? "closed" : "close: " + closed!);
}

@reducer({ on: "audio_input" })
export function heard(ctx: ReducerContext, streamId: u64, data: Array<Array<f32>>): void {
  ctx.log("stream " + streamId.toString() + ": " + data.length.toString() + " channel(s), " + data[0].length.toString() + " frames, first " + data[0][0].toString());
}
`;

let wasm;
before(async () => {
  wasm = await build({ "src/index.ts": SOURCE });
});

test("the schema declares Audio and the audio_output / audio_input subscriptions", async () => {
  const h = await new FakeHost().load(wasm);
  assert.deepEqual(h.schema.authorities, ["Audio"]);
  assert.deepEqual(
    json(h.schema.subscriptions),
    json([
      { reducer_name: "more", event: "AudioOutput" },
      { reducer_name: "heard", event: "AudioInput" },
    ]),
  );
  assert.deepEqual(h.schema.reducers.find((r) => r.name === "more").arguments, []);
});

test("every call reaches the host as upstream's AudioCall", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("open");
  assert.deepEqual(h.logs, ["output 5", "input 5"]);
  h.callReducer("more");
  assert.deepEqual(h.logs.slice(2), ["written", "closed"]);
  assert.deepEqual(
    json(h.audio),
    json([
      { call: "OpenOutputStream", sampleRate: 48000, channels: 2, framesPerBuffer: 3 },
      { call: "OpenInputStream", sampleRate: 16000, channels: 1, framesPerBuffer: 160 },
      {
        call: "WriteFramesF32Planar",
        streamId: 5n,
        frames: 3,
        channels: 2,
        data: [
          [0, 0.25, 0.5],
          [-0, -0.25, -0.5],
        ],
      },
      { call: "CloseStream", streamId: 5n },
    ]),
  );
});

test("a refusal is an error the module can handle", async () => {
  const h = await new FakeHost().load(wasm);
  h.audioError = "audio stream 5 is full";
  h.callReducer("more");
  assert.deepEqual(h.logs, ["write: audio stream 5 is full", "closed"]);
  h.audioError = "this node has no sound output device and no output file";
  h.callReducer("open");
  assert.deepEqual(h.logs.slice(2), ["refused: this node has no sound output device and no output file", "input 5"]);
});

test("captured frames arrive as (streamId, one array per channel)", async () => {
  const h = await new FakeHost().load(wasm);
  const f32 = (v) => ({ F32: v });
  h.callReducer("heard", [{ U64: 9n }, { Vec: [{ Vec: [f32(0.5), f32(0)] }, { Vec: [f32(1), f32(1)] }] }]);
  assert.deepEqual(h.logs, ["stream 9: 2 channel(s), 2 frames, first 0.5"]);
});

test("audio handlers must take what the node delivers, and need the Audio authority", async () => {
  let r = await compile({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
@module({ authorities: ["Audio"] })
class M {}
@reducer({ on: "audio_input" })
export function heard(ctx: ReducerContext, data: Array<f32>): void {}
`,
  });
  assert.equal(r.ok, false);
  assert.match(
    r.stderr,
    /reducer heard subscribes to 'audio_input', so it must take \(ctx: ReducerContext, streamId: u64, data: Array<Array<f32>>\)/,
  );
  r = await compile({
    "src/index.ts": `import { ReducerContext } from "@interstice/sdk";
@reducer({ on: "audio_output" })
export function more(ctx: ReducerContext): void {}
`,
  });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /reducer more handles 'audio_output', which needs the Audio authority/);
});

test("ctx.audio without the Audio authority does not compile", async () => {
  const r = await compile({
    "src/index.ts": `import { ReducerContext, AudioStreamConfig } from "@interstice/sdk";
@reducer()
export function go(ctx: ReducerContext): void {
  ctx.audio.openOutputStream(new AudioStreamConfig(48000, 2, 480));
}
`,
  });
  assert.equal(r.ok, false);
  assert.match(r.stderr, /index\.ts:4:7: error: ctx\.audio needs the Audio authority: add authorities: \["Audio"\] to @module/);
});
