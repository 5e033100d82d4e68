// @ts-check
// Postcard encoding of the Interstice ABI 6 schema types, in JavaScript (used at build time to embed
// the module schema, and by the tests' fake host). Byte-exact with the Rust `postcard` crate.
//
// The values are in serde's JSON shape of the upstream Rust types (externally tagged enums, unit variants as
// strings), the same shape the TOML binding files have:

/**
 * @typedef {"Void" | "U8" | "U32" | "U64" | "I32" | "I64" | "F32" | "F64" | "Bool" | "String"
 *   | { Vec: IntersticeType } | { Option: IntersticeType } | { Tuple: IntersticeType[] } | { Named: string }} IntersticeType
 * @typedef {{ name: string, field_type: IntersticeType }} FieldDef
 * @typedef {"Current" | { Other: string }} Selection
 * @typedef {{ node_selection: Selection, module_selection: Selection, table_name: string }} TableRef
 * @typedef {{ node_selection: Selection, module_name: string, table_name: string }} TableEvent
 * @typedef {{ Insert: TableEvent } | { Update: TableEvent } | { Delete: TableEvent }
 *   | { ReplicaSync: { node_name: string, module_name: string, table_name: string } }
 *   | { File: { path: string, recursive: boolean } }
 *   | "Init" | "Load" | "Input" | "AudioOutput" | "AudioInput" | "Render" | "Network" | "ModuleLoad" | "ModuleRemove"
 *   | "Connect" | "Disconnect"} SubscriptionEvent
 * @typedef {{ Struct: { name: string, fields: FieldDef[] } } | { Enum: { name: string, variants: FieldDef[] } }} TypeDefValue
 * @typedef {{ major: number, minor: number, patch: number }} Version
 * @typedef {Object} ModuleSchema
 * @property {number} abi_version
 * @property {string} name
 * @property {Version} version
 * @property {string} visibility "Public" | "Private"
 * @property {{ name: string, arguments: FieldDef[], reads: TableRef[], inserts: TableRef[], updates: TableRef[], deletes: TableRef[] }[]} reducers
 * @property {{ name: string, arguments: FieldDef[], return_type: IntersticeType, reads: TableRef[] }[]} queries
 * @property {{
 *   name: string, type_name: string, visibility: string, fields: FieldDef[], primary_key: FieldDef, primary_key_auto_inc: boolean,
 *   indexes: { field_name: string, index_type: string, unique: boolean, auto_inc: boolean }[], persistence: string,
 * }[]} tables
 * @property {{ reducer_name: string, event: SubscriptionEvent }[]} subscriptions
 * @property {Record<string, TypeDefValue>} type_definitions
 * @property {string[]} authorities
 * @property {{ module_name: string, version: Version }[]} module_dependencies
 * @property {{ name: string, address: string }[]} node_dependencies
 * @property {{ node_name: string, module_name: string, table_name: string }[]} replicated_tables
 */

/** @typedef {number | bigint} Int an integer: a number or, beyond 2^53, a bigint */

export class PostcardWriter {
  constructor() {
    /** @type {number[]} */
    this.bytes = [];
  }
  /** @param {number} v */
  u8(v) {
    this.bytes.push(v & 0xff);
  }
  /** @param {boolean} v */
  bool(v) {
    this.u8(v ? 1 : 0);
  }
  /** @param {Int} v */
  varint(v) {
    let n = BigInt(v);
    if (n < 0n) throw new Error("varint of a negative number");
    while (n >= 0x80n) {
      this.bytes.push(Number((n & 0x7fn) | 0x80n));
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  /** @param {number} t an enum discriminant */
  tag(t) {
    this.varint(t);
  }
  /** @param {Int} v */
  u16(v) {
    this.varint(v);
  }
  /** @param {Int} v */
  u32(v) {
    this.varint(v);
  }
  /** @param {Int} v */
  u64(v) {
    this.varint(v);
  }
  /** @param {Int} v */
  i32(v) {
    const n = BigInt(v);
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  /** @param {Int} v */
  i64(v) {
    this.i32(v);
  }
  /** @param {number} v */
  f32(v) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.bytes.push(...b);
  }
  /** @param {number} v */
  f64(v) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.bytes.push(...b);
  }
  /** @param {string} s */
  str(s) {
    const b = Buffer.from(s, "utf8");
    this.varint(b.length);
    this.bytes.push(...b);
  }
  /**
   * @template T
   * @param {T[]} items
   * @param {(w: PostcardWriter, item: T) => void} fn
   */
  seq(items, fn) {
    this.varint(items.length);
    for (const it of items) fn(this, it);
  }
  /**
   * @template T
   * @param {T | null | undefined} v
   * @param {(w: PostcardWriter, item: T) => void} fn
   */
  option(v, fn) {
    if (v === null || v === undefined) this.u8(0);
    else {
      this.u8(1);
      fn(this, v);
    }
  }
  toBuffer() {
    return Buffer.from(this.bytes);
  }
}

// ---- IntersticeType ---------------------------------------------------------------------------
// JS representation: "Void" | "U8" | ... | "String" | { Vec: T } | { Option: T } | { Tuple: [T] } | { Named: "X" }
// (the same shape serde/TOML uses, so binding files map 1:1).

/** @type {Record<string, number>} */
export const TYPE_TAGS = {
  Void: 0,
  U8: 1,
  U32: 2,
  U64: 3,
  I32: 4,
  I64: 5,
  F32: 6,
  F64: 7,
  Bool: 8,
  String: 9,
  Vec: 10,
  Option: 11,
  Tuple: 12,
  Named: 13,
};

/**
 * @param {PostcardWriter} w
 * @param {IntersticeType} t
 */
export function writeType(w, t) {
  if (typeof t === "string") {
    const name = /** @type {string} */ (t); // checked: it comes from binding files too
    if (!(name in TYPE_TAGS) || name === "Vec" || name === "Option" || name === "Tuple" || name === "Named")
      throw new Error("bad IntersticeType " + name);
    w.tag(TYPE_TAGS[name]);
    return;
  }
  const [k] = Object.keys(t);
  const v = /** @type {any} */ (t)[k];
  w.tag(TYPE_TAGS[k]);
  if (k === "Vec" || k === "Option") writeType(w, v);
  else if (k === "Tuple") w.seq(v, writeType);
  else if (k === "Named") w.str(v);
  else throw new Error("bad IntersticeType " + JSON.stringify(t));
}

/**
 * The type as upstream's Rust names it: u32, String, Vec<u8>, (u32, bool), ...
 * @param {IntersticeType} t
 * @returns {string}
 */
export function typeToString(t) {
  if (typeof t === "string") return t === "Void" ? "()" : t === "String" ? "String" : t.toLowerCase();
  const [k] = Object.keys(t);
  const v = /** @type {any} */ (t)[k];
  if (k === "Vec" || k === "Option") return `${k}<${typeToString(v)}>`;
  if (k === "Tuple") return `(${v.map(typeToString).join(", ")})`;
  return v;
}

/**
 * @param {PostcardWriter} w
 * @param {FieldDef} f
 */
function writeFieldDef(w, f) {
  w.str(f.name);
  writeType(w, f.field_type);
}

/**
 * @param {PostcardWriter} w
 * @param {Selection} s
 */
export function writeSelection(w, s) {
  // "Current" | { Other: "name" }
  if (s === "Current") w.tag(0);
  else {
    w.tag(1);
    w.str(s.Other);
  }
}

/**
 * @param {PostcardWriter} w
 * @param {TableRef} r
 */
function writeTableRef(w, r) {
  writeSelection(w, r.node_selection);
  writeSelection(w, r.module_selection);
  w.str(r.table_name);
}

/** @type {Record<string, number>} */
const EVENT_TAGS = {
  Insert: 0,
  Update: 1,
  Delete: 2,
  ReplicaSync: 3,
  Init: 4,
  Load: 5,
  Input: 6,
  AudioOutput: 7,
  AudioInput: 8,
  Render: 9,
  Network: 10,
  File: 11,
  ModuleLoad: 12,
  ModuleRemove: 13,
  Connect: 14,
  Disconnect: 15,
};

/**
 * @param {PostcardWriter} w
 * @param {SubscriptionEvent} e
 */
export function writeEvent(w, e) {
  if (typeof e === "string") {
    w.tag(EVENT_TAGS[e]);
    return;
  }
  const [k] = Object.keys(e);
  const v = /** @type {any} */ (e)[k];
  w.tag(EVENT_TAGS[k]);
  if (k === "Insert" || k === "Update" || k === "Delete") {
    writeSelection(w, v.node_selection);
    w.str(v.module_name);
    w.str(v.table_name);
  } else if (k === "ReplicaSync") {
    w.str(v.node_name);
    w.str(v.module_name);
    w.str(v.table_name);
  } else if (k === "File") {
    w.str(v.path);
    w.bool(v.recursive);
  } else throw new Error("bad event " + k);
}

/** @type {Record<string, number>} */
const VISIBILITY = { Public: 0, Private: 1 };
/** @type {Record<string, number>} */
const INDEX_TYPE = { Hash: 0, BTree: 1 };
/** @type {Record<string, number>} */
const PERSISTENCE = { Logged: 0, Stateful: 1, Ephemeral: 2 };
export const AUTHORITIES = ["Gpu", "Audio", "Input", "File", "Module", "Network"];

/**
 * @param {PostcardWriter} w
 * @param {TypeDefValue} def
 */
export function writeTypeDef(w, def) {
  const d = /** @type {any} */ (def);
  if (d.Struct) {
    w.tag(0);
    w.str(d.Struct.name);
    w.seq(d.Struct.fields, writeFieldDef);
  } else {
    w.tag(1);
    w.str(d.Enum.name);
    w.seq(d.Enum.variants, writeFieldDef);
  }
}

/**
 * Encodes a ModuleSchema (serde field names, as in the TOML binding files).
 * @param {ModuleSchema} s
 */
export function encodeModuleSchema(s) {
  const w = new PostcardWriter();
  w.u16(s.abi_version);
  w.str(s.name);
  w.u16(s.version.major);
  w.u16(s.version.minor);
  w.u16(s.version.patch);
  w.tag(VISIBILITY[s.visibility]);
  w.seq(s.reducers, (w, r) => {
    w.str(r.name);
    w.seq(r.arguments, writeFieldDef);
    w.seq(r.reads, writeTableRef);
    w.seq(r.inserts, writeTableRef);
    w.seq(r.updates, writeTableRef);
    w.seq(r.deletes, writeTableRef);
  });
  w.seq(s.queries, (w, q) => {
    w.str(q.name);
    w.seq(q.arguments, writeFieldDef);
    writeType(w, q.return_type);
    w.seq(q.reads, writeTableRef);
  });
  w.seq(s.tables, (w, t) => {
    w.str(t.name);
    w.str(t.type_name);
    w.tag(VISIBILITY[t.visibility]);
    w.seq(t.fields, writeFieldDef);
    writeFieldDef(w, t.primary_key);
    w.bool(t.primary_key_auto_inc);
    w.seq(t.indexes, (w, i) => {
      w.str(i.field_name);
      w.tag(INDEX_TYPE[i.index_type]);
      w.bool(i.unique);
      w.bool(i.auto_inc);
    });
    w.tag(PERSISTENCE[t.persistence]);
  });
  w.seq(s.subscriptions, (w, sub) => {
    w.str(sub.reducer_name);
    writeEvent(w, sub.event);
  });
  // HashMap<String, IntersticeTypeDef>: written in sorted key order (any order is valid postcard).
  const defs = Object.keys(s.type_definitions).sort();
  w.varint(defs.length);
  for (const k of defs) {
    w.str(k);
    writeTypeDef(w, s.type_definitions[k]);
  }
  w.seq(s.authorities, (w, a) => {
    const i = AUTHORITIES.indexOf(a);
    if (i < 0) throw new Error("unknown authority " + a);
    w.tag(i);
  });
  w.seq(s.module_dependencies, (w, d) => {
    w.str(d.module_name);
    w.u16(d.version.major);
    w.u16(d.version.minor);
    w.u16(d.version.patch);
  });
  w.seq(s.node_dependencies, (w, d) => {
    w.str(d.name);
    w.str(d.address);
  });
  w.seq(s.replicated_tables, (w, r) => {
    w.str(r.node_name);
    w.str(r.module_name);
    w.str(r.table_name);
  });
  return w.toBuffer();
}

// ---- Decoding (tests, and a self-check of the embedded schema) --------------------------------

export class PostcardReader {
  /** @param {Buffer} buf */
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  u8() {
    if (this.pos >= this.buf.length) throw new Error("truncated");
    return this.buf[this.pos++];
  }
  bool() {
    const b = this.u8();
    if (b > 1) throw new Error("bad bool " + b);
    return b === 1;
  }
  varintBig() {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = BigInt(this.u8());
      r |= (b & 0x7fn) << shift;
      if (!(b & 0x80n)) return r;
      shift += 7n;
    }
  }
  varint() {
    return Number(this.varintBig());
  }
  tag() {
    return this.varint();
  }
  u64() {
    return this.varintBig();
  }
  i64() {
    const v = this.varintBig();
    return v & 1n ? -((v + 1n) >> 1n) : v >> 1n;
  }
  i32() {
    return Number(this.i64());
  }
  f32() {
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }
  f64() {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  str() {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error("truncated string");
    const s = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /**
   * @template T
   * @param {(r: PostcardReader) => T} fn
   * @returns {T[]}
   */
  seq(fn) {
    const n = this.varint();
    const out = [];
    for (let i = 0; i < n; i++) out.push(fn(this));
    return out;
  }
  /**
   * @template T
   * @param {(r: PostcardReader) => T} fn
   * @returns {T | null}
   */
  option(fn) {
    return this.bool() ? fn(this) : null;
  }
  done() {
    return this.pos === this.buf.length;
  }
}

const TYPE_NAMES = Object.fromEntries(Object.entries(TYPE_TAGS).map(([k, v]) => [v, k]));

/**
 * @param {PostcardReader} r
 * @returns {IntersticeType}
 */
export function readType(r) {
  const k = TYPE_NAMES[r.tag()];
  if (k === "Vec" || k === "Option") return /** @type {IntersticeType} */ ({ [k]: readType(r) });
  if (k === "Tuple") return { Tuple: r.seq(readType) };
  if (k === "Named") return { Named: r.str() };
  if (!k) throw new Error("bad IntersticeType tag");
  return /** @type {IntersticeType} */ (k);
}

/**
 * @param {PostcardReader} r
 * @returns {FieldDef}
 */
function readFieldDef(r) {
  return { name: r.str(), field_type: readType(r) };
}

/**
 * @param {PostcardReader} r
 * @returns {Selection}
 */
export function readSelection(r) {
  return r.tag() === 0 ? "Current" : { Other: r.str() };
}

/**
 * @param {PostcardReader} r
 * @returns {TableRef}
 */
function readTableRef(r) {
  return { node_selection: readSelection(r), module_selection: readSelection(r), table_name: r.str() };
}

const EVENT_NAMES = Object.fromEntries(Object.entries(EVENT_TAGS).map(([k, v]) => [v, k]));

/**
 * @param {PostcardReader} r
 * @returns {SubscriptionEvent}
 */
export function readEvent(r) {
  const k = EVENT_NAMES[r.tag()];
  if (k === "Insert" || k === "Update" || k === "Delete") {
    return /** @type {SubscriptionEvent} */ ({ [k]: { node_selection: readSelection(r), module_name: r.str(), table_name: r.str() } });
  }
  if (k === "ReplicaSync") return { ReplicaSync: { node_name: r.str(), module_name: r.str(), table_name: r.str() } };
  if (k === "File") return { File: { path: r.str(), recursive: r.bool() } };
  if (!k) throw new Error("bad event tag");
  return /** @type {SubscriptionEvent} */ (k);
}

/**
 * The name of a discriminant.
 * @param {Record<string, number>} obj
 * @param {number} i
 * @returns {string}
 */
const pick = (obj, i) => /** @type {string} */ (Object.keys(obj).find((k) => obj[k] === i));

/**
 * @param {PostcardReader} r
 * @returns {TypeDefValue}
 */
export function readTypeDef(r) {
  const t = r.tag();
  if (t === 0) return { Struct: { name: r.str(), fields: r.seq(readFieldDef) } };
  if (t === 1) return { Enum: { name: r.str(), variants: r.seq(readFieldDef) } };
  throw new Error("bad IntersticeTypeDef tag");
}

/**
 * Decodes a ModuleSchema (the whole buffer).
 * @param {Buffer} buf
 * @returns {ModuleSchema}
 */
export function decodeModuleSchema(buf) {
  const r = new PostcardReader(buf);
  const s = /** @type {ModuleSchema} */ ({});
  s.abi_version = r.varint();
  s.name = r.str();
  s.version = { major: r.varint(), minor: r.varint(), patch: r.varint() };
  s.visibility = pick(VISIBILITY, r.tag());
  s.reducers = r.seq((r) => ({
    name: r.str(),
    arguments: r.seq(readFieldDef),
    reads: r.seq(readTableRef),
    inserts: r.seq(readTableRef),
    updates: r.seq(readTableRef),
    deletes: r.seq(readTableRef),
  }));
  s.queries = r.seq((r) => ({ name: r.str(), arguments: r.seq(readFieldDef), return_type: readType(r), reads: r.seq(readTableRef) }));
  s.tables = r.seq((r) => ({
    name: r.str(),
    type_name: r.str(),
    visibility: pick(VISIBILITY, r.tag()),
    fields: r.seq(readFieldDef),
    primary_key: readFieldDef(r),
    primary_key_auto_inc: r.bool(),
    indexes: r.seq((r) => ({ field_name: r.str(), index_type: pick(INDEX_TYPE, r.tag()), unique: r.bool(), auto_inc: r.bool() })),
    persistence: pick(PERSISTENCE, r.tag()),
  }));
  s.subscriptions = r.seq((r) => ({ reducer_name: r.str(), event: readEvent(r) }));
  s.type_definitions = {};
  const n = r.varint();
  for (let i = 0; i < n; i++) {
    const key = r.str();
    s.type_definitions[key] = readTypeDef(r);
  }
  s.authorities = r.seq((r) => AUTHORITIES[r.tag()]);
  s.module_dependencies = r.seq((r) => ({ module_name: r.str(), version: { major: r.varint(), minor: r.varint(), patch: r.varint() } }));
  s.node_dependencies = r.seq((r) => ({ name: r.str(), address: r.str() }));
  s.replicated_tables = r.seq((r) => ({ node_name: r.str(), module_name: r.str(), table_name: r.str() }));
  if (!r.done()) throw new Error("trailing bytes after ModuleSchema");
  return s;
}
