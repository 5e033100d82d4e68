// The Interstice "graphics" example module: the Gpu authority. A coloured triangle turns by a fixed step each frame;
// its width is corrected by the window's aspect ratio, so it keeps its shape when the window is resized, and the
// window's new size is logged.
import {
  ReducerContext,
  InputEvent,
  BindGroupEntry,
  BindGroupLayoutEntry,
  BindingType,
  BufferUsage,
  ColorTargetState,
  FragmentState,
  RenderPassColorAttachment,
  RenderPipelineDescriptor,
  ShaderStage,
  VertexState,
} from "@interstice/sdk";

@module({ visibility: "public", authorities: ["Gpu", "Input"] })
class Graphics {}

/** The GPU objects made at load and the frame count; ephemeral: GPU objects do not outlive the node's process. */
@table({ visibility: "public", persistence: "ephemeral" })
export class Renderer {
  @primaryKey
  id: u32 = 0;

  pipeline: u32 = 0;
  uniform: u32 = 0;
  bindGroup: u32 = 0;
  frame: u64 = 0;
}

const SHADER = `
struct Uniforms { angle: f32, aspect: f32, pad0: f32, pad1: f32 };
@group(0) @binding(0) var<uniform> u: Uniforms;
struct VOut { @builtin(position) pos: vec4f, @location(0) color: vec3f };

@vertex fn vs_main(@builtin(vertex_index) i: u32) -> VOut {
  var p = array(vec2f(0.0, 0.7), vec2f(-0.6062, -0.35), vec2f(0.6062, -0.35));
  var c = array(vec3f(1.0, 0.0, 0.0), vec3f(0.0, 1.0, 0.0), vec3f(0.0, 0.0, 1.0));
  let s = sin(u.angle);
  let k = cos(u.angle);
  let q = vec2f(p[i].x * k - p[i].y * s, p[i].x * s + p[i].y * k);
  var o: VOut;
  o.pos = vec4f(q.x * u.aspect, q.y, 0.0, 1.0);
  o.color = c[i];
  return o;
}

@fragment fn fs_main(i: VOut) -> @location(0) vec4f { return vec4f(i.color, 1.0); }
`;

/** Radians the triangle turns per frame (deterministic: the angle is the frame count times this). */
const STEP: f32 = 0.02;

/** Refuses the call (logged, since a trap's message may not carry it). */
function fail(ctx: ReducerContext, reason: string): void {
  ctx.log(reason);
  abort(reason);
}

/** Makes the pipeline, its uniform buffer and bind group, each time the module is loaded. */
@reducer({ on: "load" })
export function load(ctx: ReducerContext): void {
  let gpu = ctx.gpu;
  let shader = gpu.createShaderModule(SHADER);
  if (!shader.ok) fail(ctx, shader.error);
  let layout = gpu.createBindGroupLayout([new BindGroupLayoutEntry(0, ShaderStage.VERTEX, BindingType.uniformBuffer())]).value;
  let pipelineLayout = gpu.createPipelineLayout([layout]).value;
  let uniform = gpu.createBuffer(16, BufferUsage.UNIFORM | BufferUsage.COPY_DST).value;
  let bindGroup = gpu.createBindGroup(layout, [BindGroupEntry.buffer(0, uniform)]).value;
  let desc = new RenderPipelineDescriptor(pipelineLayout, new VertexState(shader.value, "vs_main"));
  desc.fragment = new FragmentState(shader.value, "fs_main", [new ColorTargetState(gpu.getSurfaceFormat().value)]);
  let pipeline = gpu.createRenderPipeline(desc);
  if (!pipeline.ok) fail(ctx, pipeline.error);
  let r = new Renderer();
  r.pipeline = pipeline.value;
  r.uniform = uniform;
  r.bindGroup = bindGroup;
  if (ctx.tables.renderer.get(0) == null) ctx.tables.renderer.insert(r);
  else ctx.tables.renderer.update(r);
}

/** Draws one frame: the triangle turned by this frame's angle, over a dark blue background. */
@reducer({ on: "render" })
export function render(ctx: ReducerContext): void {
  let r = ctx.tables.renderer.get(0);
  if (r == null) return; // not loaded yet
  let gpu = ctx.gpu;
  let err = gpu.beginFrame(); // first: the frame takes the window's current size
  if (err != null) fail(ctx, err);
  let size = gpu.getSurfaceSize().value;
  let uniforms = new Float32Array(4);
  uniforms[0] = <f32>r.frame * STEP;
  uniforms[1] = size.width > 0 ? <f32>size.height / <f32>size.width : 1;
  err = gpu.writeBuffer(r.uniform, 0, uniforms);
  if (err != null) fail(ctx, err);
  let view = gpu.createTextureView(gpu.getCurrentSurfaceTexture().value).value;
  let encoder = gpu.createCommandEncoder().value;
  let pass = gpu.beginRenderPass(encoder, [new RenderPassColorAttachment(view).clear(0.05, 0.05, 0.2)]).value;
  gpu.setPipeline(pass, r.pipeline);
  gpu.setBindGroup(pass, 0, r.bindGroup);
  gpu.draw(pass, 3);
  gpu.endRenderPass(pass);
  gpu.submit(encoder);
  err = gpu.present();
  gpu.destroyTextureView(view);
  if (err != null) fail(ctx, err);
  r.frame += 1;
  ctx.tables.renderer.update(r);
}

/** Logs the window's new size (the SDK declares the window events in the schema, so the node sends them). */
@reducer({ on: "input" })
export function input(ctx: ReducerContext, e: InputEvent): void {
  if (e.kind == "WindowResized") ctx.log("window resized to " + e.width.toString() + "x" + e.height.toString());
}
