// The Module authority (ABI 6 ModuleCall): `ctx.module` in a module that declares
// `@module({ authorities: ["Module"] })`. A call answers at once ("accepted" or an error); the node carries it out
// only if the calling reducer's transaction commits, and reports the outcome to the module's reducer
// `module_result(op: string, module: string, error: string | null)` if it declares one.

import { Reader } from "./codec";
import { W, hostCall, HostCallTag, unitResult } from "./host";
import { Value } from "./value";

const enum ModuleCallTag {
  Load = 0,
  Unload = 1,
  Remove = 2,
}

/** Starts a ModuleCall for `node` ("" = this node; otherwise a node dependency's name). */
function begin(tag: ModuleCallTag, node: string): void {
  W.reset();
  W.tag(HostCallTag.Module);
  W.tag(tag);
  if (node.length == 0) W.tag(0); // NodeSelection::Current
  else {
    W.tag(1); // NodeSelection::Other(name)
    W.str(node);
  }
}

/** Sends the call in W: null when accepted, else the node's reason. */
function unitCall(): string | null {
  return unitResult(hostCall(), "module");
}

/** The Module authority's calls; each returns null when accepted, else why it was refused. */
export class ModuleAuthority {
  /** Loads `wasm` (or upgrades the loaded module of its name) once this transaction commits. */
  load(wasm: Uint8Array, node: string = ""): string | null {
    begin(ModuleCallTag.Load, node);
    W.varint32(<u32>wasm.length);
    W.bytes(wasm.dataStart, <usize>wasm.length);
    return unitCall();
  }

  /** Unloads module `name` once this transaction commits: it leaves the node, its data is kept for a later load. */
  unload(name: string, node: string = ""): string | null {
    begin(ModuleCallTag.Unload, node);
    W.str(name);
    return unitCall();
  }

  /** Removes module `name` and deletes its data once this transaction commits. */
  remove(name: string, node: string = ""): string | null {
    begin(ModuleCallTag.Remove, node);
    W.str(name);
    return unitCall();
  }
}

/**
 * A request from outside (the CLI, another node's Module holder) that the node hands to the Module holder's
 * `@reducer({ on: "module_load" })` / `"module_remove"` handlers: kind "LoadRequest" (with the module's code) or
 * "RemoveRequest". The holder decides, e.g. by calling `ctx.module.load(e.wasm)`.
 */
export class ModuleEvent {
  kind: string = "";
  /** The requesting node's id (this node's own for its admin). */
  nodeId: string = "";
  moduleName: string = "";
  /** LoadRequest: the module's code. */
  wasm: Uint8Array = new Uint8Array(0);

  get isLoad(): bool {
    return this.kind == "LoadRequest";
  }

  /** Reads the event the node delivers (an IntersticeValue::Enum ModuleEvent). */
  static decode(r: Reader): ModuleEvent {
    let v = Value.decode(r);
    let e = new ModuleEvent();
    e.kind = v.variant;
    let fields = v.payload;
    let id = fields.field("node_id");
    if (id) e.nodeId = id.asString();
    let name = fields.field("module_name");
    if (name) e.moduleName = name.asString();
    let code = fields.field("wasm_binary");
    if (code) e.wasm = code.asBytes();
    return e;
  }
}

/** The handle `ctx.module` returns (one per module). */
export const MODULE = new ModuleAuthority();
