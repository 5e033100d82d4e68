// Runtime glue used by every module: memory exports for the host, abort/trace/seed handlers.
// The transform routes AssemblyScript's `abort`, `trace` and `seed` here (like `--use abort=...`),
// so a module imports nothing but the "interstice" host functions.

import { log, randomU64 } from "./host";

/** `alloc(size) -> ptr` export: an unmanaged heap block (16-byte aligned) the host writes into. */
export function hostAlloc(size: i32): i32 {
  return <i32>heap.alloc(<usize>max<i32>(size, 0));
}

/** `dealloc(ptr, size)` export. */
export function hostDealloc(ptr: i32, size: i32): void {
  if (ptr != 0) heap.free(<usize>ptr);
}

/** Copies a static byte blob (the module schema) into a fresh block and packs (ptr << 32) | len. */
export function packStatic(data: usize, len: usize): i64 {
  let out = heap.alloc(max<usize>(len, 1));
  memory.copy(out, data, len);
  return (<i64>out << 32) | <i64>len;
}

/** Packs an already allocated block. */
export function pack(ptr: usize, len: usize): i64 {
  return (<i64>ptr << 32) | <i64>len;
}

/** Replacement for AssemblyScript's `abort`: logs "Panic Error: ..." through the host, then traps. */
export function __interstice_abort(message: string | null = null, fileName: string | null = null, lineNumber: u32 = 0, columnNumber: u32 = 0): void {
  let msg = message != null ? message : "abort";
  if (fileName != null) msg = msg + " (" + fileName + ":" + lineNumber.toString() + ":" + columnNumber.toString() + ")";
  log("Panic Error: " + msg);
  unreachable();
}

/** Replacement for AssemblyScript's `trace`: logs through the host. */
export function __interstice_trace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let msg = "trace: " + message;
  if (n > 0) msg += " " + a0.toString();
  if (n > 1) msg += ", " + a1.toString();
  if (n > 2) msg += ", " + a2.toString();
  if (n > 3) msg += ", " + a3.toString();
  if (n > 4) msg += ", " + a4.toString();
  log(msg);
}

/** Replacement for AssemblyScript's `seed` (Math.random): the host's deterministic per-transaction random. */
export function __interstice_seed(): f64 {
  return <f64>randomU64();
}

/**
 * Calls whose garbage may wait for one collection. A call's garbage is unreachable once it returns, so collecting
 * after every COLLECT_EVERY-th call frees the same objects; what it saves is marking the module's live objects (its
 * globals) after every call, which profiles showed as a sixth of a small reducer's cost.
 */
const COLLECT_EVERY: i32 = 64;
/**
 * From this memory size on (64 MiB) every call collects again. Deferred garbage can make memory grow (the allocator
 * doubles it when full) but only while it is below this size, so it never costs more than about twice this much,
 * well under the node's default memory cap (256 MiB), however much each call allocates.
 */
const DEFER_BELOW_PAGES: i32 = 1024;
let callsSinceCollect: i32 = 0;
let pagesAtCollect: i32 = 0;

/**
 * Runs at the end of every reducer and query call (minimal runtime: no automatic collection). Collects every
 * COLLECT_EVERY calls, at once after a call that had to grow the memory, and after every call once the memory is
 * DEFER_BELOW_PAGES or more.
 */
export function collect(): void {
  let pages = memory.size();
  if (++callsSinceCollect < COLLECT_EVERY && pages == pagesAtCollect && pages < DEFER_BELOW_PAGES) return;
  __collect();
  callsSinceCollect = 0;
  pagesAtCollect = memory.size();
}
