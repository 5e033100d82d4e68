// The Interstice "sandbox" example: a module spawning child modules with capability grants (docs/security.md,
// Grants). It holds the Module and File authorities; each worker it spawns gets the File authority confined to its
// own directory workers/<dir> of the sandbox's file root, and nothing else. The node enforces the grant on every
// call of the worker; `revoke` takes it back at once. Workers stop (unload) when the sandbox unloads.
import { ReducerContext, Grant } from "@interstice/sdk";

@module({ visibility: "public", authorities: ["Module", "File"] })
class Sandbox {}

/** One line per spawn outcome, as the node reports it. */
@table({ visibility: "public" })
export class Spawned {
  @primaryKey({ autoInc: true })
  id: u64 = 0;

  module: string = "";
  error: string = "";
}

function grantFor(dir: string): Grant {
  if (dir.length == 0 || dir.includes("/")) abort("a worker's directory is a plain name, not '" + dir + "'");
  return Grant.none().files("workers/" + dir);
}

/** Spawns a worker from its code, confined to workers/<dir>. */
@reducer
export function spawn_worker(ctx: ReducerContext, code: Array<u8>, dir: string): void {
  let wasm = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) wasm[i] = code[i];
  let err = ctx.children.spawn(wasm, grantFor(dir));
  if (err != null) abort(err);
}

/** Spawns a worker from code in the node's content store (its SHA-256), confined to workers/<dir>. */
@reducer
export function spawn_worker_by_hash(ctx: ReducerContext, hash: string, dir: string): void {
  let err = ctx.children.spawnByHash(hash, grantFor(dir));
  if (err != null) abort(err);
}

/** Takes back a worker's File grant: its next file call is refused. */
@reducer
export function revoke(ctx: ReducerContext, worker: string): void {
  let err = ctx.children.revoke(worker, "File");
  if (err != null) abort(err);
}

/** Logs the workers with their grants. */
@reducer
export function workers(ctx: ReducerContext): void {
  let list = ctx.children.list().value;
  for (let i = 0; i < list.length; i++) {
    let c = list[i];
    let file = c.grant.file;
    ctx.log(
      c.name + ": File in " + (file != null ? file : "(none)") + (c.revoked.length > 0 ? " (revoked: " + c.revoked.join(", ") + ")" : "") +
        (c.loaded ? "" : " (stopped)"),
    );
  }
}

/** The node reports what became of each spawn. */
@reducer
export function module_result(ctx: ReducerContext, op: string, module: string, error: string | null): void {
  let row = new Spawned();
  row.module = op + " " + module;
  row.error = error != null ? error : "";
  ctx.tables.spawned.insert(row);
}
