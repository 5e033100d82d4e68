// Host imports (module "interstice") and the low-level helpers the generated glue uses.
// A module only imports the functions it actually calls.

import { Writer, Reader } from "./codec";

// @ts-ignore: decorator
@external("interstice", "interstice_host_call")
declare function interstice_host_call(ptr: usize, len: usize): i64;
// @ts-ignore: decorator
@external("interstice", "interstice_log")
declare function interstice_log(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("interstice", "interstice_time")
declare function interstice_time(): i64;
// @ts-ignore: decorator
@external("interstice", "interstice_random")
declare function interstice_random(): i64;
// @ts-ignore: decorator
@external("interstice", "interstice_insert_row")
declare function interstice_insert_row(tPtr: usize, tLen: usize, rowPtr: usize, rowLen: usize, respPtr: usize, respCap: usize): i32;
// @ts-ignore: decorator
@external("interstice", "interstice_update_row")
declare function interstice_update_row(tPtr: usize, tLen: usize, rowPtr: usize, rowLen: usize): i32;
// @ts-ignore: decorator
@external("interstice", "interstice_delete_row")
declare function interstice_delete_row(tPtr: usize, tLen: usize, pkPtr: usize, pkLen: usize): i32;
// @ts-ignore: decorator
@external("interstice", "interstice_clear_table")
declare function interstice_clear_table(tPtr: usize, tLen: usize): i32;
// @ts-ignore: decorator
@external("interstice", "interstice_get_by_pk")
declare function interstice_get_by_pk(tPtr: usize, tLen: usize, pkPtr: usize, pkLen: usize, respPtr: usize, respCap: usize): i32;

// Our extension of ABI 6 (docs/abi.md §4.2): scans through cursors, a page at a time. Imported only by modules
// that iterate (AssemblyScript compiles what is used), so the others still run on upstream's node.
// @ts-ignore: decorator
@external("interstice", "interstice_scan")
declare function interstice_scan(ptr: usize, len: usize): i64;

// Our extension of ABI 6 (docs/abi.md §4.4): the content store. Imported only by modules that use `ctx.store`.
// @ts-ignore: decorator
@external("interstice", "interstice_store")
declare function interstice_store(ptr: usize, len: usize): i64;

// Our extension of ABI 6 (docs/abi.md §4.5): child modules and their grants. Imported only by modules that use
// `ctx.children`.
// @ts-ignore: decorator
@external("interstice", "interstice_children")
declare function interstice_children(ptr: usize, len: usize): i64;

// Our extension of ABI 6 (docs/abi.md §4.6): past reads and branches. Imported only by modules that use them.
// @ts-ignore: decorator
@external("interstice", "interstice_history")
declare function interstice_history(ptr: usize, len: usize): i64;

/** HostCall discriminants. */
export const enum HostCallTag {
  CallReducer = 0,
  Schedule = 1,
  CallQuery = 2,
  TableScan = 3,
  TableGetByPrimaryKey = 4,
  TableIndexScan = 5,
  Gpu = 6,
  Audio = 7,
  File = 8,
  Module = 9,
  Network = 10,
  CurrentNodeId = 11,
}

/** IndexQuery discriminants. */
export const enum IndexQueryTag {
  Eq = 0,
  Lt = 1,
  Lte = 2,
  Gt = 3,
  Gte = 4,
  Range = 5,
}

/** The shared request buffer. Reset before each use; valid until the next request. */
export const W = changetype<Writer>(memory.data(offsetof<Writer>()));

// Static readers (no allocation per call), one per kind of buffer, each valid exactly as long as its buffer:
/** the call's input (context and arguments), while the wrapper decodes it */
const ARGS = changetype<Reader>(memory.data(offsetof<Reader>()));
/** the response of the last interstice_host_call, until endHostCall */
const HOST_RESPONSE = changetype<Reader>(memory.data(offsetof<Reader>()));
/** the response buffer of the direct table calls, until the next one */
const TABLE_RESPONSE = changetype<Reader>(memory.data(offsetof<Reader>()));

/** A reader over a call's input (the generated wrappers decode their context and arguments with it). */
export function inputReader(ptr: usize, len: usize): Reader {
  return ARGS.at(ptr, len);
}

// Response buffer for the direct (non host_call) table functions.
let respBuf: usize = 0;
let respCap: usize = 0;

function ensureResp(n: usize): void {
  if (n > respCap) {
    if (respBuf) heap.free(respBuf);
    respCap = max<usize>(n, 8192);
    respBuf = heap.alloc(respCap);
  }
}

// The block the host allocated (through our `alloc`) for the last host_call response.
let pendingResponse: usize = 0;

/** Logs a message through the host. */
// A separate buffer for logs: a log (or an abort message) may happen while W holds a request.
const LW = changetype<Writer>(memory.data(offsetof<Writer>()));

export function log(message: string): void {
  LW.reset();
  let n = LW.rawStr(message);
  interstice_log(LW.buf, n);
}

export function timeNowMs(): u64 {
  return <u64>interstice_time();
}

export function randomU64(): u64 {
  return <u64>interstice_random();
}

/**
 * Reads the Result tag of the answer `r` (Ok 0, Err(String) 1): null on Ok, with `r` left after the tag and the call
 * still open; else the error (Err's text, or what the unknown tag was), with the call ended.
 */
export function resultError(r: Reader, what: string): string | null {
  let t = r.tag();
  if (t == 0) return null;
  let err = t == 1 ? r.str() : "unexpected " + what + " answer discriminant " + t.toString();
  endHostCall();
  return err;
}

/** The answer `r` to a call that answers nothing on success: null on Ok, else the error; the call is ended. */
export function unitResult(r: Reader, what: string): string | null {
  let err = resultError(r, what);
  if (err == null) endHostCall();
  return err;
}

/**
 * Sends the request held in W (from offset 0) through interstice_host_call and returns a reader
 * over the response. The caller must call `endHostCall()` once it has decoded the response:
 * that frees the response block (the upstream Rust SDK leaks it).
 */
export function hostCall(): Reader {
  if (pendingResponse) {
    heap.free(pendingResponse);
    pendingResponse = 0;
  }
  let packed = interstice_host_call(W.buf, W.len);
  let ptr = <usize>(<u32>(packed >>> 32));
  let len = <usize>(<u32>packed);
  if (ptr == 0) abort("Interstice: host call failed (the host returned no response)");
  pendingResponse = ptr;
  return HOST_RESPONSE.at(ptr, len);
}

export function endHostCall(): void {
  if (pendingResponse) {
    heap.free(pendingResponse);
    pendingResponse = 0;
  }
}

/** Writes a NodeSelection (Current = 0 | Other(String) = 1). An empty name means Current. */
export function writeNodeSelection(w: Writer, node: string): void {
  if (node.length == 0) w.tag(0);
  else {
    w.tag(1);
    w.str(node);
  }
}

/** Writes a ModuleSelection (Current = 0 | Other(String) = 1). An empty name means Current. */
export function writeModuleSelection(w: Writer, module: string): void {
  if (module.length == 0) w.tag(0);
  else {
    w.tag(1);
    w.str(module);
  }
}

/**
 * interstice_insert_row. W holds the table name at [0, nameLen) and the postcard Row at
 * [rowStart, W.len). Returns a reader over the InsertRowResponse, or null if the host returned -1.
 * The reader stays valid until the next direct table call.
 */
export function insertRow(nameLen: usize, rowStart: usize): Reader | null {
  ensureResp(8192);
  let n = interstice_insert_row(W.buf, nameLen, W.buf + rowStart, W.len - rowStart, respBuf, respCap);
  if (n < -1) {
    // Buffer too small: the insert is already applied; the immediate retry returns the stashed response.
    ensureResp(<usize>(-n));
    n = interstice_insert_row(W.buf, nameLen, W.buf + rowStart, W.len - rowStart, respBuf, respCap);
  }
  if (n < 0) return null;
  return TABLE_RESPONSE.at(respBuf, <usize>n);
}

export function updateRow(nameLen: usize, rowStart: usize): bool {
  return interstice_update_row(W.buf, nameLen, W.buf + rowStart, W.len - rowStart) >= 0;
}

export function deleteRow(nameLen: usize, keyStart: usize): bool {
  return interstice_delete_row(W.buf, nameLen, W.buf + keyStart, W.len - keyStart) >= 0;
}

export function clearTable(name: string): bool {
  W.reset();
  let n = W.rawStr(name);
  return interstice_clear_table(W.buf, n) >= 0;
}

/** interstice_get_by_pk; returns a reader over a TableGetByPrimaryKeyResponse, or null on -1. */
export function getByPk(nameLen: usize, keyStart: usize): Reader | null {
  ensureResp(8192);
  let n = interstice_get_by_pk(W.buf, nameLen, W.buf + keyStart, W.len - keyStart, respBuf, respCap);
  if (n < -1) {
    // Read-only, so asking again with a big enough buffer is safe.
    ensureResp(<usize>(-n));
    n = interstice_get_by_pk(W.buf, nameLen, W.buf + keyStart, W.len - keyStart, respBuf, respCap);
  }
  if (n < 0) return null;
  return TABLE_RESPONSE.at(respBuf, <usize>n);
}

/** Reads `Err(String)` (after its discriminant was consumed) and aborts. */
export function failWith(what: string, r: Reader): void {
  let msg = r.str();
  endHostCall();
  abort("Interstice: " + what + " failed: " + msg);
}

/** HostCall::Schedule. Returns null on success or the host's error message. */
export function schedule(reducerName: string, delayMs: u64): string | null {
  W.reset();
  W.tag(HostCallTag.Schedule);
  W.str(reducerName);
  W.u64(delayMs);
  let r = hostCall();
  let t = r.tag();
  let err: string | null = null;
  if (t != 0) err = t == 1 ? r.str() : "unexpected ScheduleResponse discriminant " + t.toString();
  endHostCall();
  return err;
}

/** HostCall::CurrentNodeId; the host answers a bare postcard String. */
export function currentNodeId(): string {
  W.reset();
  W.tag(HostCallTag.CurrentNodeId);
  let r = hostCall();
  let s = r.str();
  endHostCall();
  return s;
}

/**
 * Starts a CallReducer / CallQuery request in W up to (and including) the IntersticeValue::Vec
 * header of the arguments; the caller then writes `argc` IntersticeValues.
 */
export function beginCall(query: bool, node: string, module: string, name: string, argc: i32): void {
  W.reset();
  W.tag(query ? HostCallTag.CallQuery : HostCallTag.CallReducer);
  writeNodeSelection(W, node);
  writeModuleSelection(W, module);
  W.str(name);
  W.tag(10); // IntersticeValue::Vec
  W.varint32(<u32>argc);
}

/** Sends a CallReducer request built with beginCall. Returns null on success or the error message. */
export function finishReducerCall(): string | null {
  let r = hostCall();
  let t = r.tag();
  let err: string | null = null;
  if (t != 0) err = t == 1 ? r.str() : "unexpected CallReducerResponse discriminant " + t.toString();
  endHostCall();
  return err;
}

/**
 * Sends a CallQuery request built with beginCall. On success returns a reader positioned at the
 * returned IntersticeValue (call endHostCall() after decoding it); on error returns null and
 * leaves the message in `lastError`.
 */
export function finishQueryCall(): Reader | null {
  let r = hostCall();
  let t = r.tag();
  if (t == 0) return r;
  lastError = t == 1 ? r.str() : "unexpected CallQueryResponse discriminant " + t.toString();
  endHostCall();
  return null;
}

export let lastError: string = "";

/** Starts a TableScan request: module "" = current module. */
export function beginScan(module: string, table: string): void {
  W.reset();
  W.tag(HostCallTag.TableScan);
  writeModuleSelection(W, module);
  W.str(table);
}

/** Starts a TableGetByPrimaryKey request; the caller writes the IndexKey. */
export function beginGet(module: string, table: string): void {
  W.reset();
  W.tag(HostCallTag.TableGetByPrimaryKey);
  writeModuleSelection(W, module);
  W.str(table);
}

/** Starts a TableIndexScan request; the caller writes the IndexKey(s) (and for Range the two bools). */
export function beginIndexScan(module: string, table: string, field: string, query: IndexQueryTag): void {
  W.reset();
  W.tag(HostCallTag.TableIndexScan);
  writeModuleSelection(W, module);
  W.str(table);
  W.str(field);
  W.tag(query);
}

/**
 * Sends a TableScan / TableIndexScan request and returns a reader positioned at the row count
 * (`Ok { rows: Vec<Row> }`). Aborts on Err. Call endHostCall() after decoding.
 */
export function finishScan(what: string): Reader {
  let r = hostCall();
  let t = r.tag();
  if (t != 0) {
    if (t == 1) failWith(what, r);
    abort("Interstice: unexpected scan response discriminant " + t.toString());
  }
  return r;
}

/** Sends a TableGetByPrimaryKey request; returns a reader positioned at the Option<Row>. */
export function finishGet(what: string): Reader {
  let r = hostCall();
  let t = r.tag();
  if (t != 0) {
    if (t == 1) failWith(what, r);
    abort("Interstice: unexpected get response discriminant " + t.toString());
  }
  return r;
}

/** Starts a ScanCall::Open request in W; the caller then writes the index part (`W.bool(false)` for none). */
export function beginScanOpen(module: string, table: string): void {
  W.reset();
  W.tag(0);
  writeModuleSelection(W, module);
  W.str(table);
}

/** Starts the index part of an Open request: index name, then `prefixLen` IndexKeys follow (then the query option). */
export function beginScanIndex(index: string, prefixLen: i32): void {
  W.bool(true);
  W.str(index);
  W.varint32(<u32>prefixLen);
}

/** Sends the request in W through interstice_scan; the response is freed by endHostCall. */
function scanCall(): Reader {
  freePending();
  return takeResponse(interstice_scan(W.buf, W.len), "scan");
}

/** Frees the previous response before an extension call (the next one replaces it). */
function freePending(): void {
  if (pendingResponse) {
    heap.free(pendingResponse);
    pendingResponse = 0;
  }
}

/** Keeps an extension call's packed (ptr << 32 | len) response until endHostCall, and reads it. */
function takeResponse(packed: i64, what: string): Reader {
  let ptr = <usize>(<u32>(packed >>> 32));
  let len = <usize>(<u32>packed);
  if (ptr == 0) abort("Interstice: " + what + " call failed (the host returned no response)");
  pendingResponse = ptr;
  return HOST_RESPONSE.at(ptr, len);
}

/** Sends the StoreCall in W through interstice_store; the response is freed by endHostCall. */
export function storeCall(): Reader {
  freePending();
  return takeResponse(interstice_store(W.buf, W.len), "store");
}

/** Sends the ChildCall in W through interstice_children; the response is freed by endHostCall. */
export function childrenCall(): Reader {
  freePending();
  return takeResponse(interstice_children(W.buf, W.len), "children");
}

/** Sends the HistoryCall in W through interstice_history; the response is freed by endHostCall. */
export function historyCall(): Reader {
  freePending();
  return takeResponse(interstice_history(W.buf, W.len), "history");
}

/** Sends the HistoryCall in W that opens a cursor; returns the cursor. Aborts on Err. */
function historyOpen(what: string): u32 {
  let r = historyCall();
  let t = r.tag();
  if (t != 0) {
    if (t == 1) failWith(what, r);
    abort("Interstice: unexpected history response discriminant " + t.toString());
  }
  let id = r.varint32();
  endHostCall();
  return id;
}

/**
 * A cursor over a table of this module as of transaction `tx` (HistoryCall::ReadAsOf), read with scanNext/scanClose.
 * Aborts on Err (e.g. a transaction beyond the kept history).
 */
export function openAsOf(table: string, tx: u64): u32 {
  W.reset();
  W.tag(0);
  W.str(table);
  W.varint64(tx);
  return historyOpen("read of table " + table + " as of tx " + tx.toString());
}

/** A cursor over a table of this module as it is in branch `branch` (HistoryCall::ReadBranch). Aborts on Err. */
export function openInBranch(table: string, branch: string): u32 {
  W.reset();
  W.tag(3);
  W.str(branch);
  W.str(table);
  return historyOpen("read of table " + table + " in branch " + branch);
}

/** Sends an Open request built with beginScanOpen; returns the cursor. Aborts on Err. */
export function finishScanOpen(what: string): u32 {
  let r = scanCall();
  let t = r.tag();
  if (t != 0) {
    if (t == 1) failWith(what, r);
    abort("Interstice: unexpected scan response discriminant " + t.toString());
  }
  let id = r.varint32();
  endHostCall();
  return id;
}

/**
 * ScanCall::Next: returns a reader positioned at the page's row count; after the rows comes `done: bool`. Call
 * endHostCall() after decoding. Aborts on Err.
 */
export function scanNext(cursor: u32, maxRows: u32, what: string): Reader {
  W.reset();
  W.tag(1);
  W.varint32(cursor);
  W.varint32(maxRows);
  let r = scanCall();
  let t = r.tag();
  if (t != 0) {
    if (t == 1) failWith(what, r);
    abort("Interstice: unexpected scan response discriminant " + t.toString());
  }
  return r;
}

/** ScanCall::Close of a cursor not read to its end. */
export function scanClose(cursor: u32): void {
  W.reset();
  W.tag(2);
  W.varint32(cursor);
  scanCall();
  endHostCall();
}
