// @interstice/sdk — AssemblyScript guest SDK for Interstice modules (ABI 6).
// Decorators (@table, @primaryKey, @index, @type, @enumType, @reducer, @query, @module) need no
// import: the transform (`--transform @interstice/sdk/transform`) reads and removes them.

export { ReducerContext, QueryContext } from "./assembly/context";
export { Value, Field } from "./assembly/value";
export { Option, some, none, Unit, Tuple2, Tuple3, Tuple4, Result } from "./assembly/types";
export { log } from "./assembly/host";
export { FileEvent, FileType, DirEntry, FileMetadata, FileAuthority } from "./assembly/file";
export { ContentStore } from "./assembly/store";
export { Children, Child, Grant } from "./assembly/children";
export { History, BranchInfo, MergeReport, MergeFailure } from "./assembly/history";
export { Network, NetworkEvent } from "./assembly/network";
export { Audio, AudioStreamConfig } from "./assembly/audio";
export { ModuleAuthority, ModuleEvent } from "./assembly/module";
export {
  Gpu,
  BufferUsage,
  TextureUsage,
  ShaderStage,
  ColorWrites,
  TextureFormat,
  TextureDimension,
  TextureViewDimension,
  FilterMode,
  AddressMode,
  IndexFormat,
  PrimitiveTopology,
  CullMode,
  FrontFace,
  CompareFunction,
  StencilOperation,
  VertexStepMode,
  VertexFormat,
  LoadOp,
  StoreOp,
  BlendFactor,
  BlendOperation,
  TextureSampleType,
  NONE,
  Extent2d,
  Origin3d,
  Extent3d,
  BindingType,
  BindGroupLayoutEntry,
  BindGroupEntry,
  VertexAttribute,
  VertexBufferLayout,
  VertexState,
  BlendComponent,
  BlendState,
  ColorTargetState,
  FragmentState,
  PrimitiveState,
  StencilFaceState,
  StencilState,
  DepthBiasState,
  DepthStencilState,
  MultisampleState,
  RenderPipelineDescriptor,
  TextureViewDescriptor,
  RenderPassColorAttachment,
  RenderPassDepthStencilAttachment,
} from "./assembly/gpu";
export { InputEvent } from "./assembly/input";
