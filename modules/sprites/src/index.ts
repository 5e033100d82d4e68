// The Interstice "sprites" module: a benchmark scene for the Gpu authority. `count` sprites (10,000 unless set) move
// over the window, drawn with ONE instanced draw call a frame; each sprite's path is computed on the GPU from its
// index and the frame number, so the module writes 16 bytes a frame, whatever the count.
import {
  ReducerContext,
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

@module({ visibility: "public", authorities: ["Gpu"] })
class Sprites {}

@table({ visibility: "public", persistence: "ephemeral" })
export class Scene {
  @primaryKey
  id: u32 = 0;

  pipeline: u32 = 0;
  uniform: u32 = 0;
  bindGroup: u32 = 0;
  count: u32 = 10000;
  frame: u64 = 0;
}

const SHADER = `
struct Uniforms { frame: f32, aspect: f32, count: f32, pad: f32 };
@group(0) @binding(0) var<uniform> u: Uniforms;
struct VOut { @builtin(position) pos: vec4f, @location(0) color: vec3f };

fn hash(n: u32) -> f32 {
  var x = n * 747796405u + 2891336453u;
  x = ((x >> ((x >> 28u) + 4u)) ^ x) * 277803737u;
  return f32((x >> 22u) ^ x) / 4294967295.0;
}

@vertex fn vs_main(@builtin(vertex_index) v: u32, @builtin(instance_index) s: u32) -> VOut {
  var corner = array(vec2f(-1.0, -1.0), vec2f(1.0, -1.0), vec2f(-1.0, 1.0),
                     vec2f(-1.0, 1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0));
  let speed = vec2f(hash(s * 4u) - 0.5, hash(s * 4u + 1u) - 0.5) * 0.02;
  let start = vec2f(hash(s * 4u + 2u), hash(s * 4u + 3u)) * 2.0;
  // a bounce between -1 and 1: a triangle wave of the travelled distance
  let d = fract((start + speed * u.frame) * 0.5) * 2.0;
  let centre = vec2f(1.0, 1.0) - abs(d * 2.0 - vec2f(2.0, 2.0));
  let size = vec2f(0.008 * u.aspect, 0.008);
  var o: VOut;
  o.pos = vec4f(centre + corner[v] * size, 0.0, 1.0);
  o.color = vec3f(hash(s), hash(s + 7u), 0.8);
  return o;
}

@fragment fn fs_main(i: VOut) -> @location(0) vec4f { return vec4f(i.color, 1.0); }
`;

function fail(ctx: ReducerContext, reason: string): void {
  ctx.log(reason);
  abort(reason);
}

@reducer({ on: "load" })
export function load(ctx: ReducerContext): void {
  let gpu = ctx.gpu;
  let shader = gpu.createShaderModule(SHADER);
  if (!shader.ok) fail(ctx, shader.error);
  let layout = gpu.createBindGroupLayout([new BindGroupLayoutEntry(0, ShaderStage.VERTEX, BindingType.uniformBuffer())]).value;
  let uniform = gpu.createBuffer(16, BufferUsage.UNIFORM | BufferUsage.COPY_DST).value;
  let desc = new RenderPipelineDescriptor(gpu.createPipelineLayout([layout]).value, new VertexState(shader.value, "vs_main"));
  desc.fragment = new FragmentState(shader.value, "fs_main", [new ColorTargetState(gpu.getSurfaceFormat().value)]);
  let pipeline = gpu.createRenderPipeline(desc);
  if (!pipeline.ok) fail(ctx, pipeline.error);
  let scene = ctx.tables.scene.get(0);
  let s = scene == null ? new Scene() : scene;
  s.pipeline = pipeline.value;
  s.uniform = uniform;
  s.bindGroup = gpu.createBindGroup(layout, [BindGroupEntry.buffer(0, uniform)]).value;
  if (scene == null) ctx.tables.scene.insert(s);
  else ctx.tables.scene.update(s);
}

/** How many sprites to draw from the next frame on. */
@reducer
export function set_count(ctx: ReducerContext, count: u32): void {
  let s = ctx.tables.scene.get(0);
  if (s == null) return fail(ctx, "not loaded");
  s.count = count;
  ctx.tables.scene.update(s);
}

@reducer({ on: "render" })
export function render(ctx: ReducerContext): void {
  let s = ctx.tables.scene.get(0);
  if (s == null) return;
  let gpu = ctx.gpu;
  let err = gpu.beginFrame();
  if (err != null) fail(ctx, err);
  let size = gpu.getSurfaceSize().value;
  let u = new Float32Array(4);
  u[0] = <f32>s.frame;
  u[1] = size.width > 0 ? <f32>size.height / <f32>size.width : 1;
  u[2] = <f32>s.count;
  gpu.writeBuffer(s.uniform, 0, u);
  let view = gpu.createTextureView(gpu.getCurrentSurfaceTexture().value).value;
  let encoder = gpu.createCommandEncoder().value;
  let pass = gpu.beginRenderPass(encoder, [new RenderPassColorAttachment(view).clear(0, 0, 0)]).value;
  gpu.setPipeline(pass, s.pipeline);
  gpu.setBindGroup(pass, 0, s.bindGroup);
  gpu.draw(pass, 6, s.count);
  gpu.endRenderPass(pass);
  gpu.submit(encoder);
  err = gpu.present();
  gpu.destroyTextureView(view);
  if (err != null) fail(ctx, err);
  s.frame += 1;
  ctx.tables.scene.update(s);
}
