// Child modules (our extension interstice_children, docs/abi.md §4.5, docs/security.md "Grants"): `ctx.children` in
// a module holding the Module authority (or a child granted it). A child gets a part of what its parent holds: File
// confined to a directory of the parent's root, Network to addresses within the parent's, Module over its own
// children. The node enforces the grant on every privileged call of the child; the parent can revoke it at once.
// A spawn is carried out once the calling transaction commits; its outcome reaches
// `module_result("spawn", child, error)` if the module declares it.

import { W, childrenCall, endHostCall, unitResult } from "./host";
import { Result, okResult, errResult } from "./types";

/** What a child may use. Build with `Grant.none()`, then `.files(dir)`, `.network(rules)`, `.modules()`. */
export class Grant {
  /** A directory below the parent's file root ("" the whole root), or null: no File authority. */
  file: string | null = null;
  /** Address rules (`ip[/prefix][:port]`) within the parent's reach, or null: no Network authority. */
  net: Array<string> | null = null;
  /** Module rights over the child's own children (spawn, revoke, unload, remove them). */
  module: bool = false;

  static none(): Grant {
    return new Grant();
  }

  /** The File authority in `dir` (below the parent's root; created when missing). */
  files(dir: string): Grant {
    this.file = dir;
    return this;
  }

  /** The Network authority to these addresses only (TCP connections; no listening). */
  network(rules: Array<string>): Grant {
    this.net = rules;
    return this;
  }

  /** The Module authority over the child's own children. */
  modules(): Grant {
    this.module = true;
    return this;
  }
}

/** One child as `ctx.children.list()` answers. */
export class Child {
  name: string = "";
  grant: Grant = new Grant();
  /** Authorities of its grant revoked ("File", "Network", "Module"). */
  revoked: Array<string> = [];
  stopWithParent: bool = true;
  loaded: bool = false;
}

/** Authority discriminants (the schema's order) of the authorities a grant may hold. */
const FILE_TAG: u32 = 3;
const MODULE_TAG: u32 = 4;
const NETWORK_TAG: u32 = 5;

function authorityTag(name: string): i32 {
  if (name == "File") return FILE_TAG;
  if (name == "Module") return MODULE_TAG;
  if (name == "Network") return NETWORK_TAG;
  return -1;
}

function authorityName(tag: u32): string {
  if (tag == FILE_TAG) return "File";
  if (tag == MODULE_TAG) return "Module";
  if (tag == NETWORK_TAG) return "Network";
  return "authority " + tag.toString();
}

function writeGrant(g: Grant): void {
  let file = g.file;
  W.bool(file != null);
  if (file != null) W.str(file);
  let net = g.net;
  W.bool(net != null);
  if (net != null) {
    W.varint32(<u32>net.length);
    for (let i = 0; i < net.length; i++) W.str(net[i]);
  }
  W.bool(g.module);
}

/** Sends the call in W: null on Ok, else the node's reason. */
function unitCall(): string | null {
  return unitResult(childrenCall(), "children");
}

function spawnWith(grant: Grant, stopWithParent: bool): string | null {
  writeGrant(grant);
  W.bool(stopWithParent);
  return unitCall();
}

/** `ctx.children`: spawn, revoke and list this module's children. */
export class Children {
  /**
   * Spawns a child from its code with `grant` once this transaction commits; null when accepted, else why not (a
   * grant of more than this module holds is refused). `stopWithParent`: unloaded when this module unloads.
   */
  spawn(wasm: Uint8Array, grant: Grant, stopWithParent: bool = true): string | null {
    W.reset();
    W.tag(0);
    W.tag(0);
    W.varint32(<u32>wasm.length);
    W.bytes(wasm.dataStart, <usize>wasm.length);
    return spawnWith(grant, stopWithParent);
  }

  /** As `spawn`, from code in the node's content store by its SHA-256 (64 lower-case hex digits). */
  spawnByHash(hash: string, grant: Grant, stopWithParent: bool = true): string | null {
    W.reset();
    W.tag(0);
    W.tag(1);
    W.str(hash);
    return spawnWith(grant, stopWithParent);
  }

  /**
   * Revokes `authority` ("File", "Network", "Module") of child `name`'s grant, or all of it (""): the child's next
   * call using it is refused, and so are its own children's.
   */
  revoke(name: string, authority: string = ""): string | null {
    let tag = authorityTag(authority);
    if (authority.length > 0 && tag < 0) return "no authority '" + authority + "' can be granted";
    W.reset();
    W.tag(1);
    W.str(name);
    W.bool(tag >= 0);
    if (tag >= 0) W.tag(<u32>tag);
    return unitCall();
  }

  /** This module's children with their grants. */
  list(): Result<Array<Child>> {
    W.reset();
    W.tag(2);
    let r = childrenCall();
    let t = r.tag();
    if (t != 0) {
      let err = t == 1 ? r.str() : "unexpected children answer " + t.toString();
      endHostCall();
      return errResult<Array<Child>>(err);
    }
    let n = r.len();
    let out = new Array<Child>(n);
    for (let i = 0; i < n; i++) {
      let c = new Child();
      c.name = r.str();
      if (r.bool()) c.grant.file = r.str();
      if (r.bool()) {
        let k = r.len();
        let rules = new Array<string>(k);
        for (let j = 0; j < k; j++) rules[j] = r.str();
        c.grant.net = rules;
      }
      c.grant.module = r.bool();
      let k = r.len();
      for (let j = 0; j < k; j++) c.revoked.push(authorityName(r.tag()));
      c.stopWithParent = r.bool();
      c.loaded = r.bool();
      out[i] = c;
    }
    endHostCall();
    return okResult<Array<Child>>(out);
  }
}

export const CHILDREN = new Children();
