// The Gpu authority (ABI 6 GpuCall): `ctx.gpu` in a module that declares `@module({ authorities: ["Gpu"] })`.
// Every call acts at once on the node's GPU (not undone when the reducer fails). Ids are u32 handles the node hands
// out per module. A module draws from `@reducer({ on: "render" })`, which the node runs once per frame.

import { Reader } from "./codec";
import { W, hostCall, endHostCall, HostCallTag } from "./host";
import { Result, okResult, errResult } from "./types";

/** GpuCall discriminants (upstream's declaration order). */
const enum Call {
  GetSurfaceFormat = 0,
  GetLimits = 1,
  CreateBuffer = 2,
  DestroyBuffer = 3,
  WriteBuffer = 4,
  CreateTexture = 5,
  DestroyTexture = 6,
  DestroyTextureView = 7,
  WriteTexture = 8,
  CreateTextureView = 9,
  CreateSampler = 10,
  DestroySampler = 11,
  CreateShaderModule = 12,
  DestroyShaderModule = 13,
  CreateBindGroupLayout = 14,
  DestroyBindGroupLayout = 15,
  CreateBindGroup = 16,
  DestroyBindGroup = 17,
  CreatePipelineLayout = 18,
  DestroyPipelineLayout = 19,
  CreateRenderPipeline = 20,
  DestroyRenderPipeline = 21,
  CreateComputePipeline = 22,
  DestroyComputePipeline = 23,
  CreateCommandEncoder = 24,
  Submit = 25,
  BeginRenderPass = 26,
  EndRenderPass = 27,
  SetRenderPipeline = 28,
  SetBindGroup = 29,
  SetVertexBuffer = 30,
  SetIndexBuffer = 31,
  Draw = 32,
  DrawIndexed = 33,
  BeginComputePass = 34,
  EndComputePass = 35,
  SetComputePipeline = 36,
  Dispatch = 37,
  CopyBufferToBuffer = 38,
  CopyBufferToTexture = 39,
  CopyTextureToBuffer = 40,
  GetCurrentSurfaceTexture = 41,
  GetSurfaceSize = 42,
  Present = 43,
  BeginFrame = 44,
  RequestRedraw = 45,
}

/** GpuResponse discriminants. */
const enum Answer {
  None = 0,
  I64 = 1,
  TextureFormat = 2,
  Extent2d = 3,
  Err = 4,
}

// ---- flag sets (combine with |) ----

export const enum BufferUsage {
  MAP_READ = 1,
  MAP_WRITE = 2,
  COPY_SRC = 4,
  COPY_DST = 8,
  INDEX = 16,
  VERTEX = 32,
  UNIFORM = 64,
  STORAGE = 128,
  INDIRECT = 256,
}

export const enum TextureUsage {
  COPY_SRC = 1,
  COPY_DST = 2,
  TEXTURE_BINDING = 4,
  STORAGE_BINDING = 8,
  RENDER_ATTACHMENT = 16,
}

export const enum ShaderStage {
  VERTEX = 1,
  FRAGMENT = 2,
  COMPUTE = 4,
}

export const enum ColorWrites {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
  ALPHA = 8,
  ALL = 15,
}

// ---- enums (the value is the postcard discriminant) ----

export const enum TextureFormat {
  Rgba8Unorm = 0,
  Rgba8UnormSrgb = 1,
  Bgra8Unorm = 2,
  Bgra8UnormSrgb = 3,
  Depth24Plus = 4,
  Depth32Float = 5,
}

export const enum TextureDimension {
  D1 = 0,
  D2 = 1,
  D3 = 2,
}

export const enum TextureViewDimension {
  D1 = 0,
  D2 = 1,
  D2Array = 2,
  Cube = 3,
  CubeArray = 4,
  D3 = 5,
}

export const enum FilterMode {
  Nearest = 0,
  Linear = 1,
}

export const enum AddressMode {
  ClampToEdge = 0,
  Repeat = 1,
  MirrorRepeat = 2,
}

export const enum IndexFormat {
  Uint16 = 0,
  Uint32 = 1,
}

export const enum PrimitiveTopology {
  TriangleList = 0,
  TriangleStrip = 1,
  LineList = 2,
}

/** `None`: no culling. */
export const enum CullMode {
  Front = 0,
  Back = 1,
  None = -1,
}

export const enum FrontFace {
  Ccw = 0,
  Cw = 1,
}

export const enum CompareFunction {
  Less = 0,
  LessEqual = 1,
  Greater = 2,
  Always = 3,
}

export const enum StencilOperation {
  Keep = 0,
  Zero = 1,
  Replace = 2,
  Invert = 3,
  IncrementClamp = 4,
  DecrementClamp = 5,
  IncrementWrap = 6,
  DecrementWrap = 7,
}

export const enum VertexStepMode {
  Vertex = 0,
  Instance = 1,
}

export const enum VertexFormat {
  Float32 = 0,
  Float32x2 = 1,
  Float32x3 = 2,
  Float32x4 = 3,
  Uint32 = 4,
  Uint32x2 = 5,
  Uint32x3 = 6,
  Uint32x4 = 7,
}

export const enum LoadOp {
  Load = 0,
  Clear = 1,
}

export const enum StoreOp {
  Store = 0,
  Discard = 1,
}

export const enum BlendFactor {
  Zero = 0,
  One = 1,
  Src = 2,
  OneMinusSrc = 3,
  SrcAlpha = 4,
  OneMinusSrcAlpha = 5,
  DstAlpha = 6,
  OneMinusDstAlpha = 7,
}

export const enum BlendOperation {
  Add = 0,
  Subtract = 1,
  ReverseSubtract = 2,
}

/** How a texture binding is sampled (with `filterable` for Float). */
export const enum TextureSampleType {
  Float = 0,
  Depth = 1,
  Sint = 2,
  Uint = 3,
}

/** What a GPU call answers for "none" in an optional number (`size`, `mipLevelCount`, ...). */
export const NONE: i64 = -1;

// ---- descriptors ----

export class Extent2d {
  constructor(public width: u32, public height: u32) {}
}

export class Origin3d {
  constructor(public x: u32 = 0, public y: u32 = 0, public z: u32 = 0) {}
}

export class Extent3d {
  constructor(public width: u32, public height: u32, public depth: u32 = 1) {}
}

/** What a bind group layout slot holds; make one with the static functions. */
export class BindingType {
  kind: u8 = 0; // UniformBuffer 0, StorageBuffer 1, Sampler 2, Texture 3, StorageTexture 4
  flag: bool = false; // StorageBuffer read_only, Sampler comparison, Texture multisampled
  sampleType: TextureSampleType = TextureSampleType.Float;
  filterable: bool = true;
  viewDimension: TextureViewDimension = TextureViewDimension.D2;
  format: TextureFormat = TextureFormat.Rgba8Unorm;

  static uniformBuffer(): BindingType {
    return new BindingType();
  }
  static storageBuffer(readOnly: bool): BindingType {
    let t = new BindingType();
    t.kind = 1;
    t.flag = readOnly;
    return t;
  }
  static sampler(comparison: bool = false): BindingType {
    let t = new BindingType();
    t.kind = 2;
    t.flag = comparison;
    return t;
  }
  static texture(
    sampleType: TextureSampleType = TextureSampleType.Float,
    filterable: bool = true,
    viewDimension: TextureViewDimension = TextureViewDimension.D2,
    multisampled: bool = false,
  ): BindingType {
    let t = new BindingType();
    t.kind = 3;
    t.sampleType = sampleType;
    t.filterable = filterable;
    t.viewDimension = viewDimension;
    t.flag = multisampled;
    return t;
  }
  static storageTexture(format: TextureFormat): BindingType {
    let t = new BindingType();
    t.kind = 4;
    t.format = format;
    return t;
  }
}

export class BindGroupLayoutEntry {
  /** `visibility`: ShaderStage flags. */
  constructor(public binding: u32, public visibility: u32, public ty: BindingType) {}
}

/** One resource of a bind group; make one with the static functions. */
export class BindGroupEntry {
  kind: u8 = 0; // Buffer 0, TextureView 1, Sampler 2
  id: u32 = 0;
  offset: u64 = 0;
  size: i64 = NONE;

  constructor(public binding: u32) {}

  /** `size` NONE: the rest of the buffer. */
  static buffer(binding: u32, buffer: u32, offset: u64 = 0, size: i64 = NONE): BindGroupEntry {
    let e = new BindGroupEntry(binding);
    e.id = buffer;
    e.offset = offset;
    e.size = size;
    return e;
  }
  static textureView(binding: u32, view: u32): BindGroupEntry {
    let e = new BindGroupEntry(binding);
    e.kind = 1;
    e.id = view;
    return e;
  }
  static sampler(binding: u32, sampler: u32): BindGroupEntry {
    let e = new BindGroupEntry(binding);
    e.kind = 2;
    e.id = sampler;
    return e;
  }
}

export class VertexAttribute {
  constructor(public format: VertexFormat, public offset: u64, public shaderLocation: u32) {}
}

export class VertexBufferLayout {
  constructor(
    public arrayStride: u64,
    public attributes: Array<VertexAttribute>,
    public stepMode: VertexStepMode = VertexStepMode.Vertex,
  ) {}
}

export class VertexState {
  constructor(public module: u32, public entryPoint: string, public buffers: Array<VertexBufferLayout> = []) {}
}

export class BlendComponent {
  constructor(public srcFactor: BlendFactor, public dstFactor: BlendFactor, public operation: BlendOperation = BlendOperation.Add) {}
}

export class BlendState {
  constructor(public color: BlendComponent, public alpha: BlendComponent) {}

  /** Source over destination by the source's alpha. */
  static alphaBlending(): BlendState {
    return new BlendState(
      new BlendComponent(BlendFactor.SrcAlpha, BlendFactor.OneMinusSrcAlpha),
      new BlendComponent(BlendFactor.One, BlendFactor.OneMinusSrcAlpha),
    );
  }
}

export class ColorTargetState {
  /** `blend` null: no blending; `writeMask`: ColorWrites flags. */
  constructor(public format: TextureFormat, public blend: BlendState | null = null, public writeMask: u32 = ColorWrites.ALL) {}
}

export class FragmentState {
  constructor(public module: u32, public entryPoint: string, public targets: Array<ColorTargetState>) {}
}

export class PrimitiveState {
  constructor(
    public topology: PrimitiveTopology = PrimitiveTopology.TriangleList,
    public cullMode: CullMode = CullMode.None,
    public frontFace: FrontFace = FrontFace.Ccw,
  ) {}
}

export class StencilFaceState {
  constructor(
    public compare: CompareFunction = CompareFunction.Always,
    public failOp: StencilOperation = StencilOperation.Keep,
    public depthFailOp: StencilOperation = StencilOperation.Keep,
    public passOp: StencilOperation = StencilOperation.Keep,
  ) {}
}

export class StencilState {
  constructor(
    public front: StencilFaceState = new StencilFaceState(),
    public back: StencilFaceState = new StencilFaceState(),
    public readMask: u32 = 0,
    public writeMask: u32 = 0,
  ) {}
}

export class DepthBiasState {
  constructor(public constant: i32 = 0, public slopeScale: f32 = 0, public clamp: f32 = 0) {}
}

export class DepthStencilState {
  constructor(
    public format: TextureFormat,
    public depthWriteEnabled: bool = true,
    public depthCompare: CompareFunction = CompareFunction.Less,
    public stencil: StencilState = new StencilState(),
    public bias: DepthBiasState = new DepthBiasState(),
  ) {}
}

export class MultisampleState {
  constructor(public count: u32 = 1, public mask: u64 = u64.MAX_VALUE, public alphaToCoverageEnabled: bool = false) {}
}

/** Everything a render pipeline is made of; fill in what differs from the defaults. */
export class RenderPipelineDescriptor {
  label: string | null = null;
  fragment: FragmentState | null = null;
  primitive: PrimitiveState = new PrimitiveState();
  depthStencil: DepthStencilState | null = null;
  multisample: MultisampleState = new MultisampleState();
  /** NONE, or the number of views. */
  multiview: i64 = NONE;

  constructor(public layout: u32, public vertex: VertexState) {}
}

/** A view's differences from its texture (NONE / -1: the texture's own). */
export class TextureViewDescriptor {
  /** A TextureFormat, or -1. */
  format: i32 = -1;
  /** A TextureViewDimension, or -1. */
  dimension: i32 = -1;
  baseMipLevel: u32 = 0;
  mipLevelCount: i64 = NONE;
  baseArrayLayer: u32 = 0;
  arrayLayerCount: i64 = NONE;
}

export class RenderPassColorAttachment {
  /** The clear colour (used with LoadOp.Clear). */
  r: f32 = 0;
  g: f32 = 0;
  b: f32 = 0;
  a: f32 = 1;
  /** A texture view id, or NONE. */
  resolveTarget: i64 = NONE;

  constructor(public view: u32, public load: LoadOp = LoadOp.Clear, public store: StoreOp = StoreOp.Store) {}

  /** Sets the clear colour; returns this. */
  clear(r: f32, g: f32, b: f32, a: f32 = 1): RenderPassColorAttachment {
    this.r = r;
    this.g = g;
    this.b = b;
    this.a = a;
    this.load = LoadOp.Clear;
    return this;
  }
}

export class RenderPassDepthStencilAttachment {
  constructor(
    public view: u32,
    public depthLoad: LoadOp = LoadOp.Clear,
    public depthStore: StoreOp = StoreOp.Store,
    public depthClear: f32 = 1,
  ) {}
}

// ---- encoding ----

function begin(call: Call): void {
  W.reset();
  W.tag(HostCallTag.Gpu);
  W.tag(call);
}

function optionU32(v: i64): void {
  W.bool(v >= 0);
  if (v >= 0) W.u32(<u32>v);
}

function optionU64(v: i64): void {
  W.bool(v >= 0);
  if (v >= 0) W.u64(<u64>v);
}

function optionTag(v: i32): void {
  W.bool(v >= 0);
  if (v >= 0) W.tag(<u32>v);
}

function writeLayoutEntry(e: BindGroupLayoutEntry): void {
  W.u32(e.binding);
  W.u32(e.visibility);
  let t = e.ty;
  W.tag(t.kind);
  if (t.kind == 1 || t.kind == 2) W.bool(t.flag);
  else if (t.kind == 3) {
    W.tag(t.sampleType);
    if (t.sampleType == TextureSampleType.Float) W.bool(t.filterable);
    W.tag(t.viewDimension);
    W.bool(t.flag);
  } else if (t.kind == 4) W.tag(t.format);
}

function writeGroupEntry(e: BindGroupEntry): void {
  W.u32(e.binding);
  W.tag(e.kind);
  W.u32(e.id);
  if (e.kind == 0) {
    W.u64(e.offset);
    optionU64(e.size);
  }
}

function writeBlendComponent(c: BlendComponent): void {
  W.tag(c.srcFactor);
  W.tag(c.dstFactor);
  W.tag(c.operation);
}

function writeStencilFace(s: StencilFaceState): void {
  W.tag(s.compare);
  W.tag(s.failOp);
  W.tag(s.depthFailOp);
  W.tag(s.passOp);
}

function writePipeline(d: RenderPipelineDescriptor): void {
  let label = d.label;
  W.bool(label != null);
  if (label != null) W.str(label);
  W.u32(d.layout);
  W.u32(d.vertex.module);
  W.str(d.vertex.entryPoint);
  let buffers = d.vertex.buffers;
  W.varint32(<u32>buffers.length);
  for (let i = 0; i < buffers.length; i++) {
    let b = buffers[i];
    W.u64(b.arrayStride);
    W.tag(b.stepMode);
    W.varint32(<u32>b.attributes.length);
    for (let k = 0; k < b.attributes.length; k++) {
      let a = b.attributes[k];
      W.tag(a.format);
      W.u64(a.offset);
      W.u32(a.shaderLocation);
    }
  }
  let f = d.fragment;
  W.bool(f != null);
  if (f != null) {
    W.u32(f.module);
    W.str(f.entryPoint);
    W.varint32(<u32>f.targets.length);
    for (let i = 0; i < f.targets.length; i++) {
      let t = f.targets[i];
      W.tag(t.format);
      let blend = t.blend;
      W.bool(blend != null);
      if (blend != null) {
        writeBlendComponent(blend.color);
        writeBlendComponent(blend.alpha);
      }
      W.u32(t.writeMask);
    }
  }
  W.tag(d.primitive.topology);
  optionTag(d.primitive.cullMode);
  W.tag(d.primitive.frontFace);
  let ds = d.depthStencil;
  W.bool(ds != null);
  if (ds != null) {
    W.tag(ds.format);
    W.bool(ds.depthWriteEnabled);
    W.tag(ds.depthCompare);
    writeStencilFace(ds.stencil.front);
    writeStencilFace(ds.stencil.back);
    W.u32(ds.stencil.readMask);
    W.u32(ds.stencil.writeMask);
    W.i32(ds.bias.constant);
    W.f32(ds.bias.slopeScale);
    W.f32(ds.bias.clamp);
  }
  W.u32(d.multisample.count);
  W.u64(d.multisample.mask);
  W.bool(d.multisample.alphaToCoverageEnabled);
  optionU32(d.multiview);
}

// ---- answers ----

function unexpected(t: u32, r: Reader): string {
  return t == Answer.Err ? r.str() : "unexpected Gpu answer " + t.toString();
}

/** Sends the call in W; null when the node answers None, else the error. */
function unit(): string | null {
  let r = hostCall();
  let t = r.tag();
  let err: string | null = t == Answer.None ? null : unexpected(t, r);
  endHostCall();
  return err;
}

/** Sends the call in W; the id of an I64 answer (`orNone`: what None means, when the node may answer it). */
function id(orNone: i64 = NONE): Result<u32> {
  let r = hostCall();
  let t = r.tag();
  let out: Result<u32>;
  if (t == Answer.I64) out = okResult<u32>(<u32>r.i64());
  else if (t == Answer.None && orNone >= 0) out = okResult<u32>(<u32>orNone);
  else out = errResult<u32>(unexpected(t, r));
  endHostCall();
  return out;
}

/**
 * `ctx.gpu`: the Gpu authority's calls (upstream's GpuCall). Creates answer the new id; the other calls null on
 * success, else the error (an unknown id, a shader that does not compile, a write out of range, ...).
 */
export class Gpu {
  // ----- surface and frame -----

  /** Starts a frame: the window's next texture becomes `getCurrentSurfaceTexture()`. */
  beginFrame(): string | null {
    begin(Call.BeginFrame);
    return unit();
  }

  /** Shows the frame begun with `beginFrame`. */
  present(): string | null {
    begin(Call.Present);
    return unit();
  }

  /** Asks the window to draw another frame soon. */
  requestRedraw(): string | null {
    begin(Call.RequestRedraw);
    return unit();
  }

  /** The texture id of the current frame (after `beginFrame`). */
  getCurrentSurfaceTexture(): Result<u32> {
    begin(Call.GetCurrentSurfaceTexture);
    return id();
  }

  /** The window's drawable size in pixels. */
  getSurfaceSize(): Result<Extent2d> {
    begin(Call.GetSurfaceSize);
    let r = hostCall();
    let t = r.tag();
    let out: Result<Extent2d>;
    if (t == Answer.Extent2d) {
      let w = r.u32();
      out = okResult<Extent2d>(new Extent2d(w, r.u32()));
    } else out = errResult<Extent2d>(unexpected(t, r));
    endHostCall();
    return out;
  }

  /** The format of the window's textures (what a pipeline drawing to the window targets). */
  getSurfaceFormat(): Result<TextureFormat> {
    begin(Call.GetSurfaceFormat);
    let r = hostCall();
    let t = r.tag();
    let out = t == Answer.TextureFormat ? okResult<TextureFormat>(<TextureFormat>r.tag()) : errResult<TextureFormat>(unexpected(t, r));
    endHostCall();
    return out;
  }

  /** Upstream answers nothing yet (None). */
  getLimits(): string | null {
    begin(Call.GetLimits);
    return unit();
  }

  // ----- resources -----

  /** `usage`: BufferUsage flags. */
  createBuffer(size: u64, usage: u32, mappedAtCreation: bool = false): Result<u32> {
    begin(Call.CreateBuffer);
    W.u64(size);
    W.u32(usage);
    W.bool(mappedAtCreation);
    return id();
  }

  /** Writes `data` (any typed array) into the buffer at `offset`. */
  writeBuffer<T extends ArrayBufferView>(buffer: u32, offset: u64, data: T): string | null {
    begin(Call.WriteBuffer);
    W.u32(buffer);
    W.u64(offset);
    W.varint32(<u32>data.byteLength);
    W.bytes(data.dataStart, <usize>data.byteLength);
    return unit();
  }

  destroyBuffer(id: u32): string | null {
    return destroy(Call.DestroyBuffer, id);
  }

  /** `usage`: TextureUsage flags. */
  createTexture(
    width: u32,
    height: u32,
    format: TextureFormat,
    usage: u32,
    depth: u32 = 1,
    mipLevels: u32 = 1,
    sampleCount: u32 = 1,
    dimension: TextureDimension = TextureDimension.D2,
  ): Result<u32> {
    begin(Call.CreateTexture);
    W.u32(width);
    W.u32(height);
    W.u32(depth);
    W.u32(mipLevels);
    W.u32(sampleCount);
    W.tag(dimension);
    W.tag(format);
    W.u32(usage);
    return id();
  }

  /** Writes texels (rows of `bytesPerRow`) into the texture. */
  writeTexture<T extends ArrayBufferView>(
    texture: u32,
    data: T,
    bytesPerRow: u32,
    rowsPerImage: u32,
    width: u32,
    height: u32,
    depth: u32 = 1,
  ): string | null {
    begin(Call.WriteTexture);
    W.u32(texture);
    W.varint32(<u32>data.byteLength);
    W.bytes(data.dataStart, <usize>data.byteLength);
    W.u32(bytesPerRow);
    W.u32(rowsPerImage);
    W.u32(width);
    W.u32(height);
    W.u32(depth);
    return unit();
  }

  destroyTexture(id: u32): string | null {
    return destroy(Call.DestroyTexture, id);
  }

  /** A view of the whole texture, or as `desc` says. */
  createTextureView(texture: u32, desc: TextureViewDescriptor | null = null): Result<u32> {
    let d = desc != null ? desc : new TextureViewDescriptor();
    begin(Call.CreateTextureView);
    W.u32(texture);
    optionTag(d.format);
    optionTag(d.dimension);
    W.u32(d.baseMipLevel);
    optionU32(d.mipLevelCount);
    W.u32(d.baseArrayLayer);
    optionU32(d.arrayLayerCount);
    return id();
  }

  destroyTextureView(id: u32): string | null {
    return destroy(Call.DestroyTextureView, id);
  }

  createSampler(
    magFilter: FilterMode = FilterMode.Linear,
    minFilter: FilterMode = FilterMode.Linear,
    addressMode: AddressMode = AddressMode.ClampToEdge,
  ): Result<u32> {
    begin(Call.CreateSampler);
    W.tag(magFilter);
    W.tag(minFilter);
    W.tag(addressMode);
    return id();
  }

  destroySampler(id: u32): string | null {
    return destroy(Call.DestroySampler, id);
  }

  /** Compiles WGSL source; a shader that does not compile is an error. */
  createShaderModule(wgsl: string): Result<u32> {
    begin(Call.CreateShaderModule);
    W.str(wgsl);
    return id();
  }

  destroyShaderModule(id: u32): string | null {
    return destroy(Call.DestroyShaderModule, id);
  }

  createBindGroupLayout(entries: Array<BindGroupLayoutEntry>): Result<u32> {
    begin(Call.CreateBindGroupLayout);
    W.varint32(<u32>entries.length);
    for (let i = 0; i < entries.length; i++) writeLayoutEntry(entries[i]);
    return id();
  }

  destroyBindGroupLayout(id: u32): string | null {
    return destroy(Call.DestroyBindGroupLayout, id);
  }

  createBindGroup(layout: u32, entries: Array<BindGroupEntry>): Result<u32> {
    begin(Call.CreateBindGroup);
    W.u32(layout);
    W.varint32(<u32>entries.length);
    for (let i = 0; i < entries.length; i++) writeGroupEntry(entries[i]);
    return id();
  }

  destroyBindGroup(id: u32): string | null {
    return destroy(Call.DestroyBindGroup, id);
  }

  /** `bindGroupLayouts`: one layout id per group index. */
  createPipelineLayout(bindGroupLayouts: Array<u32>): Result<u32> {
    begin(Call.CreatePipelineLayout);
    W.varint32(<u32>bindGroupLayouts.length);
    for (let i = 0; i < bindGroupLayouts.length; i++) W.u32(bindGroupLayouts[i]);
    return id();
  }

  destroyPipelineLayout(id: u32): string | null {
    return destroy(Call.DestroyPipelineLayout, id);
  }

  createRenderPipeline(desc: RenderPipelineDescriptor): Result<u32> {
    begin(Call.CreateRenderPipeline);
    writePipeline(desc);
    return id();
  }

  destroyRenderPipeline(id: u32): string | null {
    return destroy(Call.DestroyRenderPipeline, id);
  }

  createComputePipeline(layout: u32, module: u32, entryPoint: string): Result<u32> {
    begin(Call.CreateComputePipeline);
    W.u32(layout);
    W.u32(module);
    W.str(entryPoint);
    return id();
  }

  destroyComputePipeline(id: u32): string | null {
    return destroy(Call.DestroyComputePipeline, id);
  }

  // ----- commands -----

  createCommandEncoder(): Result<u32> {
    begin(Call.CreateCommandEncoder);
    return id();
  }

  /** Runs what the encoder recorded. */
  submit(encoder: u32): string | null {
    return destroy(Call.Submit, encoder);
  }

  /** Starts a render pass on `encoder`; answers the pass id. */
  beginRenderPass(
    encoder: u32,
    colorAttachments: Array<RenderPassColorAttachment>,
    depthStencil: RenderPassDepthStencilAttachment | null = null,
  ): Result<u32> {
    begin(Call.BeginRenderPass);
    W.u32(encoder);
    W.varint32(<u32>colorAttachments.length);
    for (let i = 0; i < colorAttachments.length; i++) {
      let a = colorAttachments[i];
      W.u32(a.view);
      optionU32(a.resolveTarget);
      W.tag(a.load);
      W.tag(a.store);
      W.f32(a.r);
      W.f32(a.g);
      W.f32(a.b);
      W.f32(a.a);
    }
    W.bool(depthStencil != null);
    if (depthStencil != null) {
      W.u32(depthStencil.view);
      W.tag(depthStencil.depthLoad);
      W.tag(depthStencil.depthStore);
      W.f32(depthStencil.depthClear);
    }
    return id();
  }

  endRenderPass(pass: u32): string | null {
    return destroy(Call.EndRenderPass, pass);
  }

  /** Sets the render pipeline of a render pass. */
  setPipeline(pass: u32, pipeline: u32): string | null {
    begin(Call.SetRenderPipeline);
    W.u32(pass);
    W.u32(pipeline);
    return unit();
  }

  setBindGroup(pass: u32, index: u32, bindGroup: u32): string | null {
    begin(Call.SetBindGroup);
    W.u32(pass);
    W.u32(index);
    W.u32(bindGroup);
    return unit();
  }

  /** `size` NONE: the rest of the buffer. */
  setVertexBuffer(pass: u32, slot: u32, buffer: u32, offset: u64 = 0, size: i64 = NONE): string | null {
    begin(Call.SetVertexBuffer);
    W.u32(pass);
    W.u32(slot);
    W.u32(buffer);
    W.u64(offset);
    optionU64(size);
    return unit();
  }

  setIndexBuffer(pass: u32, buffer: u32, format: IndexFormat, offset: u64 = 0, size: i64 = NONE): string | null {
    begin(Call.SetIndexBuffer);
    W.u32(pass);
    W.u32(buffer);
    W.tag(format);
    W.u64(offset);
    optionU64(size);
    return unit();
  }

  draw(pass: u32, vertices: u32, instances: u32 = 1, firstVertex: u32 = 0, firstInstance: u32 = 0): string | null {
    begin(Call.Draw);
    W.u32(pass);
    W.u32(vertices);
    W.u32(instances);
    W.u32(firstVertex);
    W.u32(firstInstance);
    return unit();
  }

  drawIndexed(
    pass: u32,
    indices: u32,
    instances: u32 = 1,
    firstIndex: u32 = 0,
    baseVertex: i32 = 0,
    firstInstance: u32 = 0,
  ): string | null {
    begin(Call.DrawIndexed);
    W.u32(pass);
    W.u32(indices);
    W.u32(instances);
    W.u32(firstIndex);
    W.i32(baseVertex);
    W.u32(firstInstance);
    return unit();
  }

  /** Starts a compute pass on `encoder`; answers the pass id (upstream: the encoder's). */
  beginComputePass(encoder: u32): Result<u32> {
    begin(Call.BeginComputePass);
    W.u32(encoder);
    return id(<i64>encoder);
  }

  endComputePass(pass: u32): string | null {
    return destroy(Call.EndComputePass, pass);
  }

  setComputePipeline(pass: u32, pipeline: u32): string | null {
    begin(Call.SetComputePipeline);
    W.u32(pass);
    W.u32(pipeline);
    return unit();
  }

  /** Runs x * y * z workgroups. */
  dispatch(pass: u32, x: u32, y: u32 = 1, z: u32 = 1): string | null {
    begin(Call.Dispatch);
    W.u32(pass);
    W.u32(x);
    W.u32(y);
    W.u32(z);
    return unit();
  }

  // ----- copies (recorded on an encoder, run at submit) -----

  copyBufferToBuffer(encoder: u32, src: u32, srcOffset: u64, dst: u32, dstOffset: u64, size: u64): string | null {
    begin(Call.CopyBufferToBuffer);
    W.u32(encoder);
    W.u32(src);
    W.u64(srcOffset);
    W.u32(dst);
    W.u64(dstOffset);
    W.u64(size);
    return unit();
  }

  copyBufferToTexture(
    encoder: u32,
    srcBuffer: u32,
    srcOffset: u64,
    bytesPerRow: u32,
    rowsPerImage: u32,
    dstTexture: u32,
    mipLevel: u32,
    origin: Origin3d,
    extent: Extent3d,
  ): string | null {
    begin(Call.CopyBufferToTexture);
    W.u32(encoder);
    W.u32(srcBuffer);
    W.u64(srcOffset);
    W.u32(bytesPerRow);
    W.u32(rowsPerImage);
    W.u32(dstTexture);
    W.u32(mipLevel);
    writeOrigin(origin);
    writeExtent(extent);
    return unit();
  }

  copyTextureToBuffer(
    encoder: u32,
    srcTexture: u32,
    mipLevel: u32,
    origin: Origin3d,
    dstBuffer: u32,
    dstOffset: u64,
    bytesPerRow: u32,
    rowsPerImage: u32,
    extent: Extent3d,
  ): string | null {
    begin(Call.CopyTextureToBuffer);
    W.u32(encoder);
    W.u32(srcTexture);
    W.u32(mipLevel);
    writeOrigin(origin);
    W.u32(dstBuffer);
    W.u64(dstOffset);
    W.u32(bytesPerRow);
    W.u32(rowsPerImage);
    writeExtent(extent);
    return unit();
  }
}

function destroy(call: Call, id: u32): string | null {
  begin(call);
  W.u32(id);
  return unit();
}

function writeOrigin(o: Origin3d): void {
  W.u32(o.x);
  W.u32(o.y);
  W.u32(o.z);
}

function writeExtent(e: Extent3d): void {
  W.u32(e.width);
  W.u32(e.height);
  W.u32(e.depth);
}

/** The handle `ctx.gpu` returns (one per module). */
export const GPU = new Gpu();
