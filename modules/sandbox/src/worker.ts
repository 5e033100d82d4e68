// The sandbox example's worker: a child module spawned by "sandbox" with the File authority in its own directory.
// Its paths are relative to that directory: it cannot name anything above it (the node refuses '..', absolute paths
// and links leading out), and once the sandbox revokes its grant every file call is refused.
import { ReducerContext } from "@interstice/sdk";

@module({ name: "sandbox_worker", visibility: "public", authorities: ["File"] })
class Worker {}

@reducer
export function write(ctx: ReducerContext, path: string, text: string): void {
  let err = ctx.file.writeText(path, text);
  if (err != null) abort(err);
}

@reducer
export function read(ctx: ReducerContext, path: string): void {
  let r = ctx.file.readText(path);
  if (!r.ok) abort(r.error);
  ctx.log(path + ": " + r.value);
}
