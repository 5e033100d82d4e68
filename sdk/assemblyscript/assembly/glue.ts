// Helpers called by the code the transform generates. Not part of the public API.

import { Reader, Writer, Tag, mismatch, decodeContext } from "./codec";

export { Reader, Writer, setDecodeContext } from "./codec";
export { W, inputReader, hostCall, endHostCall, insertRow, updateRow, deleteRow, clearTable, getByPk, beginCall, finishReducerCall, finishQueryCall, lastError, beginScan, beginGet, beginIndexScan, finishScan, finishGet, beginScanOpen, beginScanIndex, finishScanOpen, scanNext, scanClose, openAsOf, openInBranch, failWith, IndexQueryTag } from "./host";
export { hostAlloc, hostDealloc, packStatic, pack, collect } from "./runtime";
export { ReducerContext, QueryContext } from "./context";
export { Option, Unit, Tuple2, Tuple3, Tuple4, Result, okResult, errResult } from "./types";
export { Value } from "./value";
export { FileEvent } from "./file";
export { NetworkEvent } from "./network";
export { ModuleEvent } from "./module";
export { InputEvent } from "./input";

/** A zero-filled instance of T without running its constructor (decoders assign every field). */
// @ts-ignore: decorator
@inline export function rawNew<T>(): T {
  let size = offsetof<T>();
  let p = __new(size, idof<T>());
  memory.fill(p, 0, size);
  return changetype<T>(p);
}

function fail(message: string): void {
  let where = decodeContext.length ? decodeContext + ": " : "";
  abort("Interstice: " + where + message);
}

export function rdVoid(r: Reader): void { r.expect(Tag.Void, "Void"); }
export function rdU8(r: Reader): u8 { r.expect(Tag.U8, "U8"); return r.u8(); }
export function rdU32(r: Reader): u32 { r.expect(Tag.U32, "U32"); return r.u32(); }
export function rdU64(r: Reader): u64 { r.expect(Tag.U64, "U64"); return r.u64(); }
export function rdI32(r: Reader): i32 { r.expect(Tag.I32, "I32"); return r.i32(); }
export function rdI64(r: Reader): i64 { r.expect(Tag.I64, "I64"); return r.i64(); }
export function rdF32(r: Reader): f32 { r.expect(Tag.F32, "F32"); return r.f32(); }
export function rdF64(r: Reader): f64 { r.expect(Tag.F64, "F64"); return r.f64(); }
export function rdBool(r: Reader): bool { r.expect(Tag.Bool, "Bool"); return r.bool(); }
export function rdString(r: Reader): string { r.expect(Tag.String, "String"); return r.str(); }

/** IntersticeValue::Vec header; returns the element count. */
export function rdVec(r: Reader): i32 {
  r.expect(Tag.Vec, "Vec");
  return r.len();
}

/** IntersticeValue::Tuple header with `n` elements. */
export function rdTuple(r: Reader, n: i32): void {
  r.expect(Tag.Tuple, "Tuple");
  let m = r.len();
  if (m != n) fail("expected a tuple of " + n.toString() + " elements, got " + m.toString());
}

/** IntersticeValue::Option header (Void is accepted as None, like upstream); true when Some. */
export function rdOption(r: Reader): bool {
  let t = r.tag();
  if (t == Tag.Void) return false;
  if (t != Tag.Option) mismatch("Option", t);
  return r.bool();
}

/** IntersticeValue::Struct header for struct `name` with `n` fields. */
export function rdStruct(r: Reader, name: string, n: i32): void {
  let t = r.tag();
  if (t != Tag.Struct) mismatch("struct " + name, t);
  if (!r.strIs(name)) fail("expected struct " + name + ", got another struct");
  let m = r.len();
  if (m != n) fail("struct " + name + " has " + n.toString() + " fields, got " + m.toString());
}

/** IntersticeValue::Enum header for enum `name`; returns the variant index in `variants`. */
export function rdEnum(r: Reader, name: string, variants: StaticArray<string>): i32 {
  let t = r.tag();
  if (t != Tag.Enum) mismatch("enum " + name, t);
  if (!r.strIs(name)) fail("expected enum " + name + ", got another enum");
  let start = r.ptr;
  for (let i = 0; i < variants.length; i++) {
    r.ptr = start;
    if (r.strIs(unchecked(variants[i]))) return i;
  }
  r.ptr = start;
  fail("enum " + name + " has no variant " + r.str());
  return -1;
}

/** Reads a struct field name; returns its index in `names` (tries `hint` first). Aborts on unknown names. */
export function rdFieldName(r: Reader, owner: string, names: StaticArray<string>, hint: i32): i32 {
  let start = r.ptr;
  if (hint < names.length && r.strIs(unchecked(names[hint]))) return hint;
  for (let i = 0; i < names.length; i++) {
    r.ptr = start;
    if (r.strIs(unchecked(names[i]))) return i;
  }
  r.ptr = start;
  fail("struct " + owner + " has no field " + r.str());
  return -1;
}

/** A duplicate field in a struct value. */
export function duplicateField(owner: string, name: string): void {
  fail("struct " + owner + " has field " + name + " twice");
}

/** Row (the postcard struct, not an IntersticeValue): checks the entry count after the primary key. */
export function rdRowEntries(r: Reader, table: string, n: i32): void {
  let m = r.len();
  if (m != n) fail("a row of table " + table + " has " + n.toString() + " entries besides the primary key, got " + m.toString());
}

/** A row delivered to a subscriber: IntersticeValue::Vec([pk, entries...]). */
export function rdRowVec(r: Reader, table: string, n: i32): void {
  let t = r.tag();
  if (t != Tag.Vec) mismatch("a row of table " + table + " (IntersticeValue::Vec)", t);
  let m = r.len();
  if (m != n + 1) fail("a row of table " + table + " has " + (n + 1).toString() + " values, got " + m.toString());
}

/** The reducer/query argument list: IntersticeValue::Vec of `n` values. */
export function rdArgs(r: Reader, kind: string, name: string, n: i32): void {
  let t = r.tag();
  if (t != Tag.Vec) mismatch("the argument list of " + kind + " '" + name + "' (IntersticeValue::Vec)", t);
  let m = r.len();
  if (m != n) abort("Interstice: " + kind + " '" + name + "' expects " + n.toString() + " argument(s), got " + m.toString());
}

export function unknownVariant(owner: string, tag: string): void {
  abort("Interstice: enum " + owner + " has no variant '" + tag + "' (set .tag to a variant name)");
}

export function nullValue(what: string): void {
  abort("Interstice: " + what + " is null");
}
