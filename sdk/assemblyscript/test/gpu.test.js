// The Gpu authority in the SDK: ctx.gpu's calls byte for byte as the node decodes them (the golden vectors shared
// with the Java codec, testdata/golden/gpu.json), its answers, the render and input handlers, and the compile errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { build, compile, SDK_DIR } from "./helpers.js";
import { FakeHost } from "./fake-host.js";

const GOLDEN = JSON.parse(fs.readFileSync(path.join(SDK_DIR, "../../testdata/golden/gpu.json"), "utf8"));

/** The ctx.gpu code making each golden call (by its name in gpu.json). */
const CALLS = {
  get_surface_format: `ctx.gpu.getSurfaceFormat();`,
  create_buffer: `ctx.gpu.createBuffer(256, BufferUsage.COPY_DST | BufferUsage.VERTEX);`,
  write_buffer: `let d = new Uint8Array(3); d[0] = 1; d[1] = 2; d[2] = 3; ctx.gpu.writeBuffer(3, 4, d);`,
  create_texture: `ctx.gpu.createTexture(1600, 896, TextureFormat.Depth32Float, TextureUsage.COPY_SRC | TextureUsage.RENDER_ATTACHMENT, 1, 1, 4);`,
  create_texture_view: `let v = new TextureViewDescriptor(); v.format = TextureFormat.Bgra8Unorm; v.mipLevelCount = 1; ctx.gpu.createTextureView(1, v);`,
  create_sampler: `ctx.gpu.createSampler(FilterMode.Linear, FilterMode.Nearest, AddressMode.Repeat);`,
  create_shader_module: `ctx.gpu.createShaderModule("ab");`,
  create_bind_group_layout: `ctx.gpu.createBindGroupLayout([
    new BindGroupLayoutEntry(0, ShaderStage.VERTEX | ShaderStage.FRAGMENT, BindingType.uniformBuffer()),
    new BindGroupLayoutEntry(1, ShaderStage.FRAGMENT, BindingType.texture()),
    new BindGroupLayoutEntry(2, ShaderStage.FRAGMENT, BindingType.sampler()),
  ]);`,
  create_bind_group: `ctx.gpu.createBindGroup(5, [BindGroupEntry.buffer(0, 7, 0, 64), BindGroupEntry.textureView(1, 8), BindGroupEntry.sampler(2, 9)]);`,
  create_pipeline_layout: `ctx.gpu.createPipelineLayout([5, 300]);`,
  create_render_pipeline: `
    let p = new RenderPipelineDescriptor(6, new VertexState(2, "vs", [
      new VertexBufferLayout(20, [new VertexAttribute(VertexFormat.Float32x2, 0, 0), new VertexAttribute(VertexFormat.Float32x3, 8, 1)]),
    ]));
    p.label = "tri";
    p.fragment = new FragmentState(2, "fs", [
      new ColorTargetState(TextureFormat.Bgra8Unorm, new BlendState(
        new BlendComponent(BlendFactor.SrcAlpha, BlendFactor.OneMinusSrcAlpha),
        new BlendComponent(BlendFactor.One, BlendFactor.Zero))),
    ]);
    p.primitive = new PrimitiveState(PrimitiveTopology.TriangleList, CullMode.Back);
    p.depthStencil = new DepthStencilState(TextureFormat.Depth32Float, true, CompareFunction.Less,
      new StencilState(new StencilFaceState(), new StencilFaceState(), 0xff, 0xff), new DepthBiasState(-2, 0.5, 0));
    ctx.gpu.createRenderPipeline(p);`,
  create_compute_pipeline: `ctx.gpu.createComputePipeline(6, 2, "main");`,
  create_command_encoder: `ctx.gpu.createCommandEncoder();`,
  begin_render_pass: `ctx.gpu.beginRenderPass(4, [new RenderPassColorAttachment(9).clear(0, 0, 0, 1)], new RenderPassDepthStencilAttachment(10, LoadOp.Clear, StoreOp.Discard, 1));`,
  set_vertex_buffer: `ctx.gpu.setVertexBuffer(4, 0, 7);`,
  set_index_buffer: `ctx.gpu.setIndexBuffer(4, 8, IndexFormat.Uint16, 0, 12);`,
  draw_indexed: `ctx.gpu.drawIndexed(4, 6, 1, 0, -1);`,
  dispatch: `ctx.gpu.dispatch(1, 8, 8, 1);`,
  copy_texture_to_buffer: `ctx.gpu.copyTextureToBuffer(4, 9, 0, new Origin3d(), 11, 0, 256, 64, new Extent3d(64, 64, 1));`,
  destroy_buffer: `ctx.gpu.destroyBuffer(7);`,
  request_redraw: `ctx.gpu.requestRedraw();`,
};

const SOURCE = `
import {
  ReducerContext, InputEvent, BufferUsage, TextureUsage, ShaderStage, TextureFormat, FilterMode, AddressMode, IndexFormat,
  PrimitiveTopology, CullMode, CompareFunction, VertexFormat, LoadOp, StoreOp, BlendFactor, BindingType, BindGroupLayoutEntry,
  BindGroupEntry, VertexAttribute, VertexBufferLayout, VertexState, BlendComponent, BlendState, ColorTargetState, FragmentState,
  PrimitiveState, StencilFaceState, StencilState, DepthBiasState, DepthStencilState, RenderPipelineDescriptor,
  TextureViewDescriptor, RenderPassColorAttachment, RenderPassDepthStencilAttachment, Origin3d, Extent3d,
} from "@interstice/sdk";

@module({ authorities: ["Gpu", "Input"] })
class Painter {}

${GOLDEN.calls.map((c) => `@reducer export function ${c.name}(ctx: ReducerContext): void {\n  ${CALLS[c.name]}\n}`).join("\n")}

@reducer export function answers(ctx: ReducerContext): void {
  let b = ctx.gpu.createBuffer(64, BufferUsage.VERTEX);
  ctx.log(b.ok ? "buffer " + b.value.toString() : "buffer: " + b.error);
  let f = ctx.gpu.getSurfaceFormat();
  ctx.log(f.ok ? "format " + f.value.toString() : "format: " + f.error);
  let s = ctx.gpu.getSurfaceSize();
  ctx.log(s.ok ? "size " + s.value.width.toString() + "x" + s.value.height.toString() : "size: " + s.error);
  let p = ctx.gpu.present();
  ctx.log(p == null ? "presented" : "present: " + p!);
}

@reducer export function computePass(ctx: ReducerContext): void {
  ctx.log("pass " + ctx.gpu.beginComputePass(9).value.toString());
}

@reducer({ on: "render" }) export function frame(ctx: ReducerContext): void {
  ctx.gpu.beginFrame();
  let view = ctx.gpu.createTextureView(ctx.gpu.getCurrentSurfaceTexture().value).value;
  let enc = ctx.gpu.createCommandEncoder().value;
  let pass = ctx.gpu.beginRenderPass(enc, [new RenderPassColorAttachment(view).clear(0.1, 0.2, 0.3)]).value;
  ctx.gpu.setPipeline(pass, 1);
  ctx.gpu.draw(pass, 3);
  ctx.gpu.endRenderPass(pass);
  ctx.gpu.submit(enc);
  ctx.gpu.present();
}

@reducer({ on: "input" }) export function onInput(ctx: ReducerContext, e: InputEvent): void {
  ctx.log(e.kind + " device " + e.deviceId.toString() + " key '" + e.keyCode + "' scan " + e.scanCode.toString()
    + " pressed " + e.pressed.toString() + " button " + e.buttonId.toString() + " delta " + e.deltaX.toString() + "," + e.deltaY.toString()
    + " axis " + e.axisId.toString() + "=" + e.value.toString() + " size " + e.width.toString() + "x" + e.height.toString()
    + " focused " + e.focused.toString());
}
`;

let wasm;
before(async () => {
  wasm = await build({ "src/index.ts": SOURCE }, { name: "painter" });
});

test("every golden call leaves ctx.gpu byte for byte as the Java codec decodes it", async () => {
  const h = await new FakeHost().load(wasm);
  for (const c of GOLDEN.calls) {
    h.gpu = [];
    h.callReducer(c.name);
    assert.deepEqual(h.gpu, [c.hex.replace(/\s+/g, " ")], c.name);
  }
});

test("answers: ids, the surface's format and size, None, and Err as the call's error", async () => {
  const h = await new FakeHost().load(wasm);
  h.callReducer("answers");
  assert.deepEqual(h.logs, ["buffer 102", "format 2", "size 800x600", "presented"]);
  // the golden responses, in the order the reducer asks
  const res = Object.fromEntries(GOLDEN.responses.map((r) => [r.name, Buffer.from(r.hex.replace(/\s+/g, ""), "hex")]));
  h.logs = [];
  h.gpuAnswers = [res.i64_5, res.texture_format_bgra8_unorm_srgb, res.extent2d_800_600, res.none];
  h.callReducer("answers");
  assert.deepEqual(h.logs, ["buffer 5", "format 3", "size 800x600", "presented"]);
  h.logs = [];
  h.gpuAnswers = [res.err_x, res.err_x, res.err_x, res.err_x];
  h.callReducer("answers");
  assert.deepEqual(h.logs, ["buffer: x", "format: x", "size: x", "present: x"]);
  h.logs = [];
  h.gpuAnswers = [res.none, res.i64_5, res.none];
  h.callReducer("answers");
  assert.deepEqual(h.logs, [
    "buffer: unexpected Gpu answer 0",
    "format: unexpected Gpu answer 1",
    "size: unexpected Gpu answer 0",
    "presented",
  ]);
});

test("a compute pass is named by its encoder when the node answers None (as upstream)", async () => {
  const h = await new FakeHost().load(wasm);
  h.gpuAnswers = [Buffer.from([0])];
  h.callReducer("computePass");
  h.gpuAnswers = [Buffer.from([1, 14])];
  h.callReducer("computePass");
  assert.deepEqual(h.logs, ["pass 9", "pass 7"]);
});

test("render and input handlers are subscriptions; render draws a frame", async () => {
  const h = await new FakeHost().load(wasm);
  assert.deepEqual(h.schema.authorities, ["Gpu", "Input"]);
  assert.deepEqual(h.schema.subscriptions, [
    { reducer_name: "frame", event: "Render" },
    { reducer_name: "onInput", event: "Input" },
  ]);
  assert.deepEqual(h.schema.reducers.find((r) => r.name === "onInput").arguments, []);
  h.callReducer("frame");
  // BeginFrame, GetCurrentSurfaceTexture, CreateTextureView, CreateCommandEncoder, BeginRenderPass, SetRenderPipeline,
  // Draw, EndRenderPass, Submit, Present
  assert.deepEqual(
    h.gpu.map((c) => parseInt(c.slice(0, 2), 16)),
    [44, 41, 9, 24, 26, 28, 32, 27, 25, 43],
  );
  assert.equal(h.gpu[2], "09 8D 01 00 00 00 00 00 00"); // a view of texture 141 (the fake's answer to 41)
});

test("a module with an input handler declares InputEvent with the window variants, so the node sends them", async () => {
  const h = await new FakeHost().load(wasm);
  const defs = h.schema.type_definitions;
  assert.deepEqual(Object.keys(defs).sort(), ["ElementState", "InputEvent", "KeyCode", "PhysicalKey"]);
  const variants = (name) => defs[name].Enum.variants;
  const pair = { Tuple: ["F64", "F64"] };
  const state = { Named: "ElementState" };
  assert.deepEqual(
    variants("InputEvent").map((v) => [v.name, v.field_type]),
    [
      ["Added", { Tuple: ["U32"] }],
      ["Removed", { Tuple: ["U32"] }],
      ["MouseMotion", { Tuple: ["U32", pair] }],
      ["MouseWheel", { Tuple: ["U32", pair] }],
      ["Motion", { Tuple: ["U32", "U32", "F64"] }],
      ["Button", { Tuple: ["U32", "U32", state] }],
      ["Key", { Tuple: ["U32", { Named: "PhysicalKey" }, state] }],
      ["WindowResized", { Tuple: ["U32", "U32"] }],
      ["WindowFocused", { Tuple: ["Bool"] }],
      ["CloseRequested", "Void"],
    ],
  );
  assert.deepEqual(variants("ElementState"), [
    { name: "Pressed", field_type: "Void" },
    { name: "Released", field_type: "Void" },
  ]);
  assert.deepEqual(variants("PhysicalKey"), [
    { name: "Code", field_type: { Named: "KeyCode" } },
    { name: "Unidentified", field_type: "U32" },
  ]);
  // upstream's KeyCode: every winit physical key, unit variants
  const keys = variants("KeyCode");
  assert.equal(keys.length, 194);
  assert.ok(keys.every((k) => k.field_type === "Void"));
  for (const k of ["Backquote", "KeyA", "Space", "ArrowLeft", "Numpad0", "Escape", "F35"])
    assert.ok(
      keys.some((v) => v.name === k),
      k,
    );
});

test("a module without an input handler declares no input types", async () => {
  const plain = await build(
    { "src/index.ts": `import { ReducerContext } from "@interstice/sdk";\n@reducer export function r(ctx: ReducerContext): void {}\n` },
    { name: "plain" },
  );
  const h = await new FakeHost().load(plain);
  assert.deepEqual(h.schema.type_definitions, {});
});

const u32 = (n) => ({ U32: n });
const f64 = (n) => ({ F64: n });
const unit = (name, variant) => ({ Enum: { name, variant, value: "Void" } });
const input = (variant, fields) => ({
  Enum: {
    name: "InputEvent",
    variant,
    value:
      fields === null ? "Void" : { Struct: { name: variant, fields: Object.entries(fields).map(([name, value]) => ({ name, value })) } },
  },
});

test("input handlers receive every InputEvent variant decoded", async () => {
  const h = await new FakeHost().load(wasm);
  const pressed = unit("ElementState", "Pressed");
  for (const e of [
    input("Key", {
      device_id: u32(1),
      physical_key: { Enum: { name: "PhysicalKey", variant: "Code", value: unit("KeyCode", "KeyA") } },
      state: pressed,
    }),
    input("Key", {
      device_id: u32(1),
      physical_key: { Enum: { name: "PhysicalKey", variant: "Unidentified", value: u32(77) } },
      state: unit("ElementState", "Released"),
    }),
    input("Button", { device_id: u32(2), button_id: u32(3), state: pressed }),
    input("MouseMotion", { device_id: u32(2), delta: { Tuple: [f64(1.5), f64(-2)] } }),
    input("MouseWheel", { device_id: u32(2), delta: { Tuple: [f64(0), f64(40)] } }),
    input("Motion", { device_id: u32(4), axis_id: u32(1), value: f64(0.25) }),
    input("Added", { device_id: u32(5) }),
    input("Removed", { device_id: u32(5) }),
    input("WindowResized", { width: u32(1024), height: u32(768) }),
    input("WindowFocused", { focused: { Bool: true } }),
    input("CloseRequested", null),
  ])
    h.callReducer("onInput", [e]);
  const base = (kind) => `${kind} device 0 key '' scan 0 pressed false button 0 delta 0.0,0.0 axis 0=0.0 size 0x0 focused false`;
  assert.deepEqual(h.logs, [
    "Key device 1 key 'KeyA' scan 0 pressed true button 0 delta 0.0,0.0 axis 0=0.0 size 0x0 focused false",
    "Key device 1 key '' scan 77 pressed false button 0 delta 0.0,0.0 axis 0=0.0 size 0x0 focused false",
    "Button device 2 key '' scan 0 pressed true button 3 delta 0.0,0.0 axis 0=0.0 size 0x0 focused false",
    "MouseMotion device 2 key '' scan 0 pressed false button 0 delta 1.5,-2.0 axis 0=0.0 size 0x0 focused false",
    "MouseWheel device 2 key '' scan 0 pressed false button 0 delta 0.0,40.0 axis 0=0.0 size 0x0 focused false",
    "Motion device 4 key '' scan 0 pressed false button 0 delta 0.0,0.0 axis 1=0.25 size 0x0 focused false",
    base("Added").replace("device 0", "device 5"),
    base("Removed").replace("device 0", "device 5"),
    base("WindowResized").replace("size 0x0", "size 1024x768"),
    base("WindowFocused").replace("focused false", "focused true"),
    base("CloseRequested"),
  ]);
});

const HEAD = `import { ReducerContext, InputEvent } from "@interstice/sdk";
`; // 1 line; the case's code starts on line 2

const CASES = [
  [
    "ctx.gpu without the Gpu authority",
    `@reducer export function r(ctx: ReducerContext): void {\n  ctx.gpu.present();\n}`,
    3,
    'ctx.gpu needs the Gpu authority: add authorities: ["Gpu"] to @module',
  ],
  [
    "a render handler without the Gpu authority",
    `@reducer({ on: "render" }) export function r(ctx: ReducerContext): void {}`,
    2,
    `reducer r handles 'render' events, which only the Gpu authority's holder receives: add authorities: ["Gpu"] to @module`,
  ],
  [
    "an input handler without the Input authority",
    `@reducer({ on: "input" }) export function r(ctx: ReducerContext, e: InputEvent): void {}`,
    2,
    `reducer r handles 'input' events, which only the Input authority's holder receives: add authorities: ["Input"] to @module`,
  ],
  [
    "an input handler without the event",
    `@module({ authorities: ["Input"] }) class M {}\n@reducer({ on: "input" }) export function r(ctx: ReducerContext): void {}`,
    3,
    "reducer r subscribes to 'input', so it must take (ctx: ReducerContext, event: InputEvent)",
  ],
  [
    "an input handler beside a type named like an input type",
    `@module({ authorities: ["Input"] }) class M {}\n@type class KeyCode { code: u32 = 0; }\n@reducer({ on: "input" }) export function r(ctx: ReducerContext, e: InputEvent): void {}`,
    3,
    "type KeyCode clashes with upstream's input type of that name, which the schema declares for reducer r: rename it",
  ],
  [
    "a render handler with an argument",
    `@module({ authorities: ["Gpu"] }) class M {}\n@reducer({ on: "render" }) export function r(ctx: ReducerContext, n: u32): void {}`,
    3,
    "reducer r subscribes to 'render', so it must take (ctx: ReducerContext); no parameters besides the context",
  ],
];

for (const [title, code, line, message] of CASES) {
  test(`compile error: ${title}`, async () => {
    const r = await compile({ "src/index.ts": HEAD + code + "\n" });
    assert.equal(r.ok, false, "expected the build to fail");
    const hit = r.stderr.split("\n").find((l) => l.includes(message));
    assert.ok(hit, `no error containing:\n  ${message}\ngot:\n${r.stderr}`);
    assert.match(hit, new RegExp(`^src/index\\.ts:${line}:\\d+: error: `), `wrong location in: ${hit}`);
  });
}
