// A small fake Interstice host in JavaScript: implements the "interstice" imports over in-memory
// tables, enough to run AssemblyScript modules in Node's WebAssembly for tests.
//
// IntersticeValue in JS: "Void" | { U8: n } | { U32: n } | { U64: bigint } | { I32: n } | { I64: bigint }
//   | { F32: n } | { F64: n } | { Bool: b } | { String: s } | { Vec: [v] } | { Option: v | null }
//   | { Tuple: [v] } | { Struct: { name, fields: [{ name, value }] } } | { Enum: { name, variant, value } }

import { PostcardWriter, PostcardReader, decodeModuleSchema } from "../transform/postcard.js";

const VALUE_TAGS = ["Void", "U8", "U32", "U64", "I32", "I64", "F32", "F64", "Bool", "String", "Vec", "Option", "Tuple", "Struct", "Enum"];
const KEY_TAGS = ["U8", "U32", "U64", "I32", "I64", "Bool", "String", "Option", "Tuple"];

export function writeValue(w, v) {
  if (v === "Void") return w.tag(0);
  const [k] = Object.keys(v);
  const x = v[k];
  w.tag(VALUE_TAGS.indexOf(k));
  switch (k) {
    case "U8":
      return w.u8(x);
    case "U32":
      return w.u32(x);
    case "U64":
      return w.u64(x);
    case "I32":
      return w.i32(x);
    case "I64":
      return w.i64(x);
    case "F32":
      return w.f32(x);
    case "F64":
      return w.f64(x);
    case "Bool":
      return w.bool(x);
    case "String":
      return w.str(x);
    case "Vec":
    case "Tuple":
      return w.seq(x, writeValue);
    case "Option":
      return w.option(x, writeValue);
    case "Struct":
      w.str(x.name);
      return w.seq(x.fields, (w, f) => {
        w.str(f.name);
        writeValue(w, f.value);
      });
    case "Enum":
      w.str(x.name);
      w.str(x.variant);
      return writeValue(w, x.value);
  }
  throw new Error("bad value " + k);
}

export function readValue(r) {
  const k = VALUE_TAGS[r.tag()];
  switch (k) {
    case "Void":
      return "Void";
    case "U8":
      return { U8: r.u8() };
    case "U32":
      return { U32: r.varint() };
    case "U64":
      return { U64: r.u64() };
    case "I32":
      return { I32: r.i32() };
    case "I64":
      return { I64: r.i64() };
    case "F32":
      return { F32: r.f32() };
    case "F64":
      return { F64: r.f64() };
    case "Bool":
      return { Bool: r.bool() };
    case "String":
      return { String: r.str() };
    case "Vec":
      return { Vec: r.seq(readValue) };
    case "Tuple":
      return { Tuple: r.seq(readValue) };
    case "Option":
      return { Option: r.option(readValue) };
    case "Struct":
      return { Struct: { name: r.str(), fields: r.seq((r) => ({ name: r.str(), value: readValue(r) })) } };
    case "Enum":
      return { Enum: { name: r.str(), variant: r.str(), value: readValue(r) } };
  }
  throw new Error("bad value tag");
}

export function readKey(r) {
  const k = KEY_TAGS[r.tag()];
  switch (k) {
    case "U8":
      return { U8: r.u8() };
    case "U32":
      return { U32: r.varint() };
    case "U64":
      return { U64: r.u64() };
    case "I32":
      return { I32: r.i32() };
    case "I64":
      return { I64: r.i64() };
    case "Bool":
      return { Bool: r.bool() };
    case "String":
      return { String: r.str() };
    case "Option":
      return { Option: r.option(readKey) };
    case "Tuple":
      return { Tuple: r.seq(readKey) };
  }
  throw new Error("bad key tag");
}

export function writeRow(w, row) {
  writeValue(w, row.primary_key);
  w.seq(row.entries, writeValue);
}

export function readRow(r) {
  return { primary_key: readValue(r), entries: r.seq(readValue) };
}

/** Canonical string of a key/value, for maps. */
export function keyString(v) {
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() + "n" : x));
}

function compareKeys(a, b) {
  const [ka] = Object.keys(a);
  const [kb] = Object.keys(b);
  if (ka !== kb) return KEY_TAGS.indexOf(ka) - KEY_TAGS.indexOf(kb);
  const x = a[ka];
  const y = b[kb];
  if (ka === "Option") {
    if (x === null || y === null) return (x === null ? 0 : 1) - (y === null ? 0 : 1);
    return compareKeys(x, y);
  }
  if (ka === "Tuple") {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compareKeys(x[i], y[i]);
      if (c) return c;
    }
    return x.length - y.length;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export const u64 = (n) => ({ U64: BigInt(n) });
export const str = (s) => ({ String: s });

export class FakeHost {
  constructor({ nodeId = "node-1", time = 1700000000000n, otherModules = {} } = {}) {
    this.nodeId = nodeId;
    this.time = time;
    this.random = 42n;
    this.logs = [];
    this.scheduled = [];
    this.tables = new Map();
    this.events = [];
    this.calls = [];
    this.otherModules = otherModules; // name -> { reducers: {name: fn(args)}, queries: {name: fn(args) -> value} }
    this.hostCallCount = 0;
    this.failNextInsert = null;
    this.network = []; // network calls made: { call, ...fields }
    this.networkError = null; // when set, the next network call answers Err(networkError)
    this.gpu = []; // Gpu calls made: the GpuCall's bytes (after the HostCall discriminant) as spaced upper-case hex
    this.gpuAnswers = []; // answers (GpuResponse bytes, a Buffer) for the next Gpu calls; else fakeGpuAnswer's
    this.audio = []; // audio calls made: { call, ...fields }
    this.audioError = null; // when set, the next audio call answers Err(audioError)
    this.moduleCalls = []; // Module authority calls made: { call, node, ...fields }
    this.moduleError = null; // when set, the next Module call answers Err(moduleError)
  }

  async load(bytes) {
    const imports = { interstice: this.imports() };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    this.instance = instance;
    this.exports = instance.exports;
    this.schema = this.describe();
    for (const t of this.schema.tables) this.tables.set(t.name, { schema: t, rows: new Map(), autoInc: 0n });
    return this;
  }

  get memory() {
    return this.exports.memory;
  }

  bytesAt(ptr, len) {
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr >>> 0, len));
  }

  strAt(ptr, len) {
    return this.bytesAt(ptr, len).toString("utf8");
  }

  /** Copies bytes into a fresh guest block (guest alloc) and returns its pointer. */
  give(buf) {
    const ptr = this.exports.alloc(buf.length);
    new Uint8Array(this.memory.buffer, ptr, buf.length).set(buf);
    return ptr;
  }

  respond(buf) {
    const ptr = this.give(buf);
    return (BigInt(ptr) << 32n) | BigInt(buf.length);
  }

  describe() {
    const packed = BigInt.asUintN(64, this.exports.interstice_describe());
    const ptr = Number(packed >> 32n);
    const len = Number(packed & 0xffffffffn);
    const bytes = Buffer.from(this.bytesAt(ptr, len));
    this.exports.dealloc(ptr, len);
    this.schemaBytes = bytes;
    return decodeModuleSchema(bytes);
  }

  encodeCall(args, node = this.nodeId, module = "") {
    const w = new PostcardWriter();
    w.str(node);
    w.str(module);
    writeValue(w, { Vec: args });
    return w.toBuffer();
  }

  callReducer(name, args = [], { node, module } = {}) {
    const fn = this.exports["__interstice_reducer_wrapper_" + name];
    if (!fn) throw new Error("no reducer " + name);
    const buf = this.encodeCall(args, node, module);
    const ptr = this.give(buf);
    try {
      fn(ptr, buf.length);
    } finally {
      this.exports.dealloc(ptr, buf.length);
    }
  }

  callQuery(name, args = [], { node, module } = {}) {
    const fn = this.exports["__interstice_query_wrapper_" + name];
    if (!fn) throw new Error("no query " + name);
    const buf = this.encodeCall(args, node, module);
    const ptr = this.give(buf);
    let packed;
    try {
      packed = BigInt.asUintN(64, fn(ptr, buf.length));
    } finally {
      this.exports.dealloc(ptr, buf.length);
    }
    const rptr = Number(packed >> 32n);
    const rlen = Number(packed & 0xffffffffn);
    const r = new PostcardReader(Buffer.from(this.bytesAt(rptr, rlen)));
    const v = readValue(r);
    if (!r.done()) throw new Error("trailing bytes in query result");
    this.exports.dealloc(rptr, rlen);
    return v;
  }

  /** Delivers queued table events to the module's subscribers (like the runtime after a commit). */
  drain() {
    while (this.events.length) {
      const ev = this.events.shift();
      for (const sub of this.schema.subscriptions) {
        const e = sub.event[ev.kind];
        if (e && e.table_name === ev.table && e.node_selection === "Current" && e.module_name === this.schema.name) {
          this.callReducer(
            sub.reducer_name,
            ev.rows.map((row) => ({ Vec: [row.primary_key, ...row.entries] })),
          );
        }
      }
    }
  }

  rowsOf(table) {
    return [...this.table(table).rows.values()];
  }

  /** Adds a table the module does not own (another module's, or a replica). */
  addTable(name, rows = []) {
    const t = { schema: { name, fields: [], indexes: [] }, rows: new Map(), autoInc: 0n };
    for (const row of rows) t.rows.set(keyString(row.primary_key), row);
    this.tables.set(name, t);
  }

  // ---- table logic ----------------------------------------------------------------------------

  table(name) {
    const t = this.tables.get(name);
    if (!t) throw new Error("no table " + name);
    return t;
  }

  insert(tableName, row) {
    const t = this.table(tableName);
    let changed = false;
    if (t.schema.primary_key_auto_inc) {
      const k = Object.keys(row.primary_key)[0];
      const id = t.autoInc++;
      row = { ...row, primary_key: { [k]: k === "U64" || k === "I64" ? id : Number(id) } };
      changed = true;
    }
    if (row.entries.length !== t.schema.fields.length) return { err: "field count mismatch" };
    const pk = keyString(row.primary_key);
    if (t.rows.has(pk)) return { err: "duplicate primary key" };
    for (const idx of t.schema.indexes) {
      if (!idx.unique) continue;
      const i = t.schema.fields.findIndex((f) => f.name === idx.field_name);
      const v = keyString(row.entries[i]);
      for (const other of t.rows.values()) if (keyString(other.entries[i]) === v) return { err: `unique index ${idx.field_name} violated` };
    }
    t.rows.set(pk, row);
    this.events.push({ kind: "Insert", table: tableName, rows: [row] });
    return { row: changed ? row : null };
  }

  indexScan(tableName, field, query) {
    const t = this.table(tableName);
    const i = t.schema.fields.findIndex((f) => f.name === field);
    const val = (row) => (i < 0 ? row.primary_key : row.entries[i]);
    return [...t.rows.values()].filter((row) => {
      const c = (k) => compareKeys(toKey(val(row)), k);
      switch (query.kind) {
        case 0:
          return c(query.key) === 0;
        case 1:
          return c(query.key) < 0;
        case 2:
          return c(query.key) <= 0;
        case 3:
          return c(query.key) > 0;
        case 4:
          return c(query.key) >= 0;
        case 5: {
          const lo = c(query.min);
          const hi = c(query.max);
          return (query.includeMin ? lo >= 0 : lo > 0) && (query.includeMax ? hi <= 0 : hi < 0);
        }
      }
      return false;
    });
  }

  // ---- imports --------------------------------------------------------------------------------

  imports() {
    const h = this;
    return {
      interstice_log(ptr, len) {
        h.logs.push(h.strAt(ptr, len));
      },
      interstice_time() {
        return h.time;
      },
      interstice_random() {
        return h.random;
      },
      interstice_insert_row(tp, tl, rp, rl, respPtr, respCap) {
        const table = h.strAt(tp, tl);
        let resp;
        let cap = respCap;
        if (h.pendingInsert) {
          resp = h.pendingInsert;
          h.pendingInsert = null;
        } else {
          const r = new PostcardReader(h.bytesAt(rp, rl));
          const row = readRow(r);
          const res = h.failNextInsert ? { err: h.failNextInsert } : h.insert(table, row);
          h.failNextInsert = null;
          const w = new PostcardWriter();
          if (res.err) {
            w.tag(1);
            w.str(res.err);
          } else {
            w.tag(0);
            w.option(res.row, writeRow);
          }
          resp = w.toBuffer();
          if (h.forceSmallInsertBuffer) cap = Math.min(respCap, 2);
        }
        if (resp.length > cap) {
          h.pendingInsert = resp;
          return -resp.length;
        }
        new Uint8Array(h.memory.buffer, respPtr, resp.length).set(resp);
        return resp.length;
      },
      interstice_update_row(tp, tl, rp, rl) {
        const t = h.table(h.strAt(tp, tl));
        const row = readRow(new PostcardReader(h.bytesAt(rp, rl)));
        const pk = keyString(row.primary_key);
        const old = t.rows.get(pk);
        if (!old) return -1;
        t.rows.set(pk, row);
        h.events.push({ kind: "Update", table: h.strAt(tp, tl), rows: [old, row] });
        return 0;
      },
      interstice_delete_row(tp, tl, kp, kl) {
        const name = h.strAt(tp, tl);
        const t = h.table(name);
        const key = readKey(new PostcardReader(h.bytesAt(kp, kl)));
        const pk = findByKey(t, key);
        if (pk === null) return -1;
        const old = t.rows.get(pk);
        t.rows.delete(pk);
        h.events.push({ kind: "Delete", table: name, rows: [old] });
        return 0;
      },
      interstice_clear_table(tp, tl) {
        const name = h.strAt(tp, tl);
        const t = h.table(name);
        for (const row of t.rows.values()) h.events.push({ kind: "Delete", table: name, rows: [row] });
        t.rows.clear();
        return 0;
      },
      interstice_get_by_pk(tp, tl, kp, kl, respPtr, respCap) {
        const t = h.table(h.strAt(tp, tl));
        const key = readKey(new PostcardReader(h.bytesAt(kp, kl)));
        const pk = findByKey(t, key);
        const w = new PostcardWriter();
        w.tag(0);
        w.option(pk === null ? null : t.rows.get(pk), writeRow);
        const resp = w.toBuffer();
        if (resp.length > respCap) return -resp.length;
        new Uint8Array(h.memory.buffer, respPtr, resp.length).set(resp);
        return resp.length;
      },
      interstice_host_call(ptr, len) {
        h.hostCallCount++;
        const r = new PostcardReader(h.bytesAt(ptr, len));
        const tag = r.tag();
        const w = new PostcardWriter();
        const readSel = () => (r.tag() === 0 ? null : r.str());
        switch (tag) {
          case 0: // CallReducer
          case 2: {
            // CallQuery
            const node = readSel();
            const module = readSel();
            const name = r.str();
            const input = readValue(r);
            h.calls.push({ kind: tag === 0 ? "reducer" : "query", node, module, name, input });
            const m = h.otherModules[module];
            const fn = m && (tag === 0 ? m.reducers : m.queries)[name];
            if (!fn) {
              w.tag(1);
              w.str(`no ${tag === 0 ? "reducer" : "query"} ${module}.${name}`);
            } else {
              const res = fn(input.Vec);
              w.tag(0);
              if (tag === 2) writeValue(w, res);
            }
            break;
          }
          case 1: {
            // Schedule
            const name = r.str();
            const delay = r.u64();
            h.scheduled.push({ name, delay });
            if (h.schema.reducers.some((x) => x.name === name)) w.tag(0);
            else {
              w.tag(1);
              w.str("unknown reducer " + name);
            }
            break;
          }
          case 3: {
            // TableScan
            const module = readSel();
            const name = r.str();
            h.calls.push({ kind: "scan", module, table: name });
            w.tag(0);
            w.seq(h.rowsOf(name), writeRow);
            break;
          }
          case 4: {
            // TableGetByPrimaryKey
            readSel();
            const t = h.table(r.str());
            const pk = findByKey(t, readKey(r));
            w.tag(0);
            w.option(pk === null ? null : t.rows.get(pk), writeRow);
            break;
          }
          case 5: {
            // TableIndexScan
            readSel();
            const table = r.str();
            const field = r.str();
            const kind = r.tag();
            const q = { kind };
            if (kind === 5) {
              q.min = readKey(r);
              q.max = readKey(r);
              q.includeMin = r.bool();
              q.includeMax = r.bool();
            } else q.key = readKey(r);
            w.tag(0);
            w.seq(h.indexScan(table, field, q), writeRow);
            break;
          }
          case 10: {
            // Network: records the call; answers Ok(handle 7) to calls that allocate one, else Ok
            const calls = ["TcpConnect", "TcpListen", "TcpSend", "TcpClose", "UdpBind", "UdpSendTo", "UdpClose"];
            const call = calls[r.tag()];
            const bytes = () => Array.from({ length: r.varint() }, () => r.u8());
            const c = { call };
            if (call === "TcpConnect") Object.assign(c, { ip: r.str(), port: r.varint(), tls: r.bool(), serverName: r.str() });
            else if (call === "TcpListen" || call === "UdpBind") Object.assign(c, { ip: r.str(), port: r.varint() });
            else if (call === "TcpSend") Object.assign(c, { handle: r.u64(), data: bytes() });
            else if (call === "UdpSendTo") Object.assign(c, { handle: r.u64(), ip: r.str(), port: r.varint(), data: bytes() });
            else c.handle = r.u64();
            h.network.push(c);
            if (h.networkError !== null) {
              w.tag(1);
              w.str(h.networkError);
              h.networkError = null;
            } else {
              w.tag(0);
              if (["TcpConnect", "TcpListen", "UdpBind"].includes(call)) w.u64(7n);
            }
            break;
          }
          case 6: {
            // Gpu: records the call's bytes; answers the test's next answer, else fakeGpuAnswer(call)
            const call = r.buf.subarray(r.pos);
            r.pos = r.buf.length;
            h.gpu.push(hex(call));
            const answer = h.gpuAnswers.length ? h.gpuAnswers.shift() : fakeGpuAnswer(call[0]);
            for (const b of answer) w.u8(b);
            break;
          }
          case 7: {
            // Audio: records the call; answers StreamOpened{stream_id 5} to opens, else Ok
            const call = ["OpenOutputStream", "OpenInputStream", "CloseStream", "WriteFramesF32Planar"][r.tag()];
            const c = { call };
            if (call.startsWith("Open")) Object.assign(c, { sampleRate: r.varint(), channels: r.varint(), framesPerBuffer: r.varint() });
            else if (call === "CloseStream") c.streamId = r.u64();
            else {
              Object.assign(c, { streamId: r.u64(), frames: r.varint(), channels: r.varint() });
              c.data = Array.from({ length: r.varint() }, () => Array.from({ length: r.varint() }, () => r.f32()));
            }
            h.audio.push(c);
            if (h.audioError !== null) {
              w.tag(2);
              w.str(h.audioError);
              h.audioError = null;
            } else if (call.startsWith("Open")) {
              w.tag(1);
              w.u64(5n);
            } else w.tag(0);
            break;
          }
          case 9: {
            // Module: records the call (node "" = Current); answers Ok, or Err(moduleError)
            const call = ["Load", "Unload", "Remove"][r.tag()];
            const node = r.tag() === 0 ? "" : r.str();
            const c = { call, node };
            if (call === "Load") c.wasm = Array.from({ length: r.varint() }, () => r.u8());
            else c.module = r.str();
            h.moduleCalls.push(c);
            if (h.moduleError !== null) {
              w.tag(1);
              w.str(h.moduleError);
              h.moduleError = null;
            } else w.tag(0);
            break;
          }
          case 11: // CurrentNodeId
            w.str(h.nodeId);
            break;
          case 8: // File: answered by the test's files (an in-memory FakeFiles)
            if (!h.files) throw new Error("File calls need host.files");
            h.files.serve(r, w);
            break;
          default:
            throw new Error("host call " + tag + " not supported by the fake host");
        }
        if (!r.done()) throw new Error("trailing bytes in host call " + tag);
        return h.respond(w.toBuffer());
      },
    };
  }
}

/** @param {Uint8Array} b */
export const hex = (b) =>
  Buffer.from(b)
    .toString("hex")
    .toUpperCase()
    .replace(/(..)(?!$)/g, "$1 ");

/** GpuResponse for a GpuCall discriminant: creates I64(100 + call), the surface queries their answers, else None. */
function fakeGpuAnswer(call) {
  const creates = [2, 5, 9, 10, 12, 14, 16, 18, 20, 22, 24, 26, 41];
  if (creates.includes(call)) {
    const w = new PostcardWriter();
    w.tag(1);
    w.varint((100 + call) * 2); // I64, zigzag
    return w.toBuffer();
  }
  if (call === 0) return Buffer.from([2, 2]); // TextureFormat(Bgra8Unorm)
  if (call === 42) return Buffer.from([3, 0xa0, 0x06, 0xd8, 0x04]); // Extent2d{800, 600}
  return Buffer.from([0]);
}

function toKey(v) {
  const [k] = Object.keys(v);
  if (k === "Option") return { Option: v.Option === null ? null : toKey(v.Option) };
  if (k === "Tuple") return { Tuple: v.Tuple.map(toKey) };
  return v;
}

function findByKey(t, key) {
  const want = keyString(key);
  for (const [pk, row] of t.rows) if (keyString(toKey(row.primary_key)) === want) return pk;
  return null;
}

/** The File authority over an in-memory map (path -> bytes; directories as a set), enough for the SDK's calls. */
export class FakeFiles {
  constructor() {
    this.files = new Map();
    this.dirs = new Set([""]);
    this.calls = [];
  }

  /** @param {PostcardReader} r @param {PostcardWriter} w */
  serve(r, w) {
    const call = r.tag();
    const path = r.str();
    const err = (m) => {
      w.tag(1);
      w.str(m);
    };
    const parent = (p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");
    this.calls.push([call, path]);
    switch (call) {
      case 0: // ReadFile
        if (!this.files.has(path)) return err(`cannot read '${path}': it does not exist`);
        w.tag(0);
        w.varint(this.files.get(path).length);
        for (const b of this.files.get(path)) w.u8(b);
        return;
      case 1: {
        // WriteFile
        const data = Buffer.from(Array.from({ length: r.varint() }, () => r.u8()));
        const append = r.bool();
        if (!this.dirs.has(parent(path))) return err(`cannot write '${path}': its directory does not exist`);
        this.files.set(path, append && this.files.has(path) ? Buffer.concat([this.files.get(path), data]) : data);
        return w.tag(0);
      }
      case 2: {
        // ListDir
        const names = [...this.files.keys(), ...this.dirs].filter((p) => p && parent(p) === path).sort();
        w.tag(0);
        return w.seq(names, (w, p) => {
          w.str(p.slice(p.lastIndexOf("/") + 1));
          w.str(p);
          w.u8(this.dirs.has(p) ? 1 : 0);
        });
      }
      case 3: // Metadata
        if (!this.files.has(path)) return err(`cannot read the metadata of '${path}': it does not exist`);
        w.tag(0);
        w.u8(0);
        w.u64(BigInt(this.files.get(path).length));
        w.bool(false);
        w.u8(0); // created: None
        w.u8(1);
        return w.u64(1700000000123n);
      case 4: // CreateDir
        r.bool();
        this.dirs.add(path);
        return w.tag(0);
      case 7: {
        // Rename
        const to = r.str();
        this.calls.at(-1).push(to);
        this.files.set(to, this.files.get(path));
        this.files.delete(path);
        return w.tag(0);
      }
      default:
        throw new Error("File call " + call + " not supported by the fake files");
    }
  }
}
