// Postcard encoding (byte-exact with the Rust `postcard` crate used by upstream Interstice).
//
// - enum discriminant: varint(u32)
// - u8: one raw byte; u16/u32/u64: unsigned LEB128 varint
// - i32/i64: zigzag, then varint
// - f32/f64: little endian
// - bool: one byte (0/1)
// - String / Vec: varint length, then the contents (UTF-8 for strings)
// - Option: 0 | 1 followed by the value
//
// Buffers are unmanaged heap blocks (heap.alloc/realloc/free), never GC objects,
// so they can be handed to the host and freed explicitly.

/** IntersticeValue discriminants. */
export const enum Tag {
  Void = 0,
  U8 = 1,
  U32 = 2,
  U64 = 3,
  I32 = 4,
  I64 = 5,
  F32 = 6,
  F64 = 7,
  Bool = 8,
  String = 9,
  Vec = 10,
  Option = 11,
  Tuple = 12,
  Struct = 13,
  Enum = 14,
}

/** IndexKey discriminants. */
export const enum KeyTag {
  U8 = 0,
  U32 = 1,
  U64 = 2,
  I32 = 3,
  I64 = 4,
  Bool = 5,
  String = 6,
  Option = 7,
  Tuple = 8,
}

export function tagName(tag: u32): string {
  switch (tag) {
    case Tag.Void: return "Void";
    case Tag.U8: return "U8";
    case Tag.U32: return "U32";
    case Tag.U64: return "U64";
    case Tag.I32: return "I32";
    case Tag.I64: return "I64";
    case Tag.F32: return "F32";
    case Tag.F64: return "F64";
    case Tag.Bool: return "Bool";
    case Tag.String: return "String";
    case Tag.Vec: return "Vec";
    case Tag.Option: return "Option";
    case Tag.Tuple: return "Tuple";
    case Tag.Struct: return "Struct";
    case Tag.Enum: return "Enum";
  }
  return "unknown tag " + tag.toString();
}

/**
 * A growable output buffer in unmanaged memory. The writers are static, unmanaged instances
 * (see host.ts), so using them never allocates GC objects.
 */
@unmanaged
export class Writer {
  buf: usize = 0;
  len: usize = 0;
  cap: usize = 0;

  @inline reset(): void {
    this.len = 0;
  }

  @inline ensure(n: usize): void {
    if (this.len + n > this.cap) this.grow(n);
  }

  grow(n: usize): void {
    let cap = max<usize>(max<usize>(this.cap << 1, this.len + n), 256);
    this.buf = this.buf ? heap.realloc(this.buf, cap) : heap.alloc(cap);
    this.cap = cap;
  }

  /** Pointer to the byte at `offset`. Only valid until the next write (which may grow the buffer). */
  @inline at(offset: usize): usize {
    return this.buf + offset;
  }

  @inline u8(v: u8): void {
    this.ensure(1);
    store<u8>(this.buf + this.len, v);
    this.len += 1;
  }

  @inline bool(v: bool): void {
    this.u8(v ? 1 : 0);
  }

  varint32(v: u32): void {
    this.ensure(5);
    let p = this.buf + this.len;
    while (v >= 0x80) {
      store<u8>(p++, <u8>(v | 0x80));
      v >>>= 7;
    }
    store<u8>(p++, <u8>v);
    this.len = p - this.buf;
  }

  varint64(v: u64): void {
    this.ensure(10);
    let p = this.buf + this.len;
    while (v >= 0x80) {
      store<u8>(p++, <u8>(v | 0x80));
      v >>>= 7;
    }
    store<u8>(p++, <u8>v);
    this.len = p - this.buf;
  }

  @inline tag(t: u32): void {
    if (t < 0x80) this.u8(<u8>t);
    else this.varint32(t);
  }

  @inline u32(v: u32): void {
    this.varint32(v);
  }

  @inline u64(v: u64): void {
    this.varint64(v);
  }

  @inline i32(v: i32): void {
    this.varint32(<u32>((v << 1) ^ (v >> 31)));
  }

  @inline i64(v: i64): void {
    this.varint64(<u64>((v << 1) ^ (v >> 63)));
  }

  @inline f32(v: f32): void {
    this.ensure(4);
    store<f32>(this.buf + this.len, v);
    this.len += 4;
  }

  @inline f64(v: f64): void {
    this.ensure(8);
    store<f64>(this.buf + this.len, v);
    this.len += 8;
  }

  /** A postcard String: varint byte length + UTF-8 bytes. */
  str(s: string): void {
    let n = <usize>String.UTF8.byteLength(s);
    this.varint32(<u32>n);
    this.ensure(n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.buf + this.len);
    this.len += n;
  }

  /** UTF-8 bytes without a length prefix (table names for the direct host calls). Returns the byte count. */
  rawStr(s: string): usize {
    let n = <usize>String.UTF8.byteLength(s);
    this.ensure(n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.buf + this.len);
    this.len += n;
    return n;
  }

  /** Raw bytes without a length prefix (static table names for the direct host calls). Returns the byte count. */
  rawBytes(ptr: usize, n: usize): usize {
    this.bytes(ptr, n);
    return n;
  }

  bytes(ptr: usize, n: usize): void {
    this.ensure(n);
    memory.copy(this.buf + this.len, ptr, n);
    this.len += n;
  }

  /** Copies the written bytes into a fresh heap block (for buffers the host frees with `dealloc`). */
  detach(): usize {
    let out = heap.alloc(max<usize>(this.len, 1));
    memory.copy(out, this.buf, this.len);
    return out;
  }
}

/**
 * Reads postcard data from unmanaged memory. Any malformed input aborts (traps) with a message. Unmanaged like
 * Writer: the SDK's readers are static and re-pointed with `at` (see host.ts), never allocated per call.
 */
@unmanaged
export class Reader {
  ptr: usize = 0;
  end: usize = 0;

  /** Points this reader at [ptr, ptr + len). */
  @inline at(ptr: usize, len: usize): Reader {
    this.ptr = ptr;
    this.end = ptr + len;
    return this;
  }

  @inline remaining(): usize {
    return this.end - this.ptr;
  }

  @inline need(n: usize): void {
    if (this.end - this.ptr < n) abort("Interstice: truncated postcard input");
  }

  @inline u8(): u8 {
    this.need(1);
    let v = load<u8>(this.ptr);
    this.ptr += 1;
    return v;
  }

  bool(): bool {
    let b = this.u8();
    if (b > 1) abort("Interstice: invalid bool byte " + b.toString());
    return b == 1;
  }

  varint32(): u32 {
    let result: u32 = 0;
    let shift: u32 = 0;
    while (true) {
      let b = <u32>this.u8();
      if (shift == 28 && b > 0x0f) abort("Interstice: varint overflows u32");
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    return result;
  }

  varint64(): u64 {
    let result: u64 = 0;
    let shift: u64 = 0;
    while (true) {
      let b = <u64>this.u8();
      if (shift == 63 && b > 1) abort("Interstice: varint overflows u64");
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    return result;
  }

  @inline tag(): u32 {
    return this.varint32();
  }

  @inline len(): i32 {
    let n = this.varint32();
    if (<u64>n > <u64>this.remaining()) abort("Interstice: length " + n.toString() + " exceeds the input");
    return <i32>n;
  }

  @inline u32(): u32 {
    return this.varint32();
  }

  @inline u64(): u64 {
    return this.varint64();
  }

  @inline i32(): i32 {
    let v = this.varint32();
    return <i32>(v >>> 1) ^ -(<i32>(v & 1));
  }

  @inline i64(): i64 {
    let v = this.varint64();
    return <i64>(v >>> 1) ^ -(<i64>(v & 1));
  }

  @inline f32(): f32 {
    this.need(4);
    let v = load<f32>(this.ptr);
    this.ptr += 4;
    return v;
  }

  @inline f64(): f64 {
    this.need(8);
    let v = load<f64>(this.ptr);
    this.ptr += 8;
    return v;
  }

  str(): string {
    let n = <usize>this.len();
    let s = String.UTF8.decodeUnsafe(this.ptr, n);
    this.ptr += n;
    return s;
  }

  /** Reads a postcard String and tells whether it equals `s`, without allocating. */
  strIs(s: string): bool {
    let n = <usize>this.len();
    let start = this.ptr;
    this.ptr += n;
    let expected = <usize>String.UTF8.byteLength(s);
    if (expected != n) return false;
    if (n == 0) return true;
    // Compare by encoding the expected string into the scratch area and memcmp.
    let tmp = scratchFor(n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, tmp);
    return memory.compare(tmp, start, n) == 0;
  }

  skipStr(): void {
    let n = <usize>this.len();
    this.ptr += n;
  }

  /** Checks an IntersticeValue discriminant. */
  @inline expect(tag: u32, what: string): void {
    let t = this.tag();
    if (t != tag) mismatch(what, t);
  }

  /** Skips one complete IntersticeValue. */
  skipValue(): void {
    let t = this.tag();
    switch (t) {
      case Tag.Void: return;
      case Tag.U8: { this.u8(); return; }
      case Tag.U32: { this.varint32(); return; }
      case Tag.U64: { this.varint64(); return; }
      case Tag.I32: { this.varint32(); return; }
      case Tag.I64: { this.varint64(); return; }
      case Tag.F32: { this.need(4); this.ptr += 4; return; }
      case Tag.F64: { this.need(8); this.ptr += 8; return; }
      case Tag.Bool: { this.bool(); return; }
      case Tag.String: { this.skipStr(); return; }
      case Tag.Vec:
      case Tag.Tuple: {
        let n = this.len();
        for (let i = 0; i < n; i++) this.skipValue();
        return;
      }
      case Tag.Option: {
        if (this.bool()) this.skipValue();
        return;
      }
      case Tag.Struct: {
        this.skipStr();
        let n = this.len();
        for (let i = 0; i < n; i++) {
          this.skipStr();
          this.skipValue();
        }
        return;
      }
      case Tag.Enum: {
        this.skipStr();
        this.skipStr();
        this.skipValue();
        return;
      }
    }
    abort("Interstice: unknown IntersticeValue discriminant " + t.toString());
  }
}

/** What is being decoded (e.g. "reducer 'hello' argument 'name'"), for error messages. */
export let decodeContext: string = "";

export function setDecodeContext(what: string): void {
  decodeContext = what;
}

export function mismatch(what: string, got: u32): void {
  let where = decodeContext.length ? decodeContext + ": " : "";
  abort("Interstice: " + where + "expected " + what + ", got IntersticeValue::" + tagName(got));
}

// Small scratch area for string comparisons.
let cmpBuf: usize = 0;
let cmpCap: usize = 0;

function scratchFor(n: usize): usize {
  if (n > cmpCap) {
    let cap = max<usize>(n, 64);
    cmpBuf = cmpBuf ? heap.realloc(cmpBuf, cap) : heap.alloc(cap);
    cmpCap = cap;
  }
  return cmpBuf;
}
