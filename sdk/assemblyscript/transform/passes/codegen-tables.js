// @ts-check
// Pass 6 (continued), codegen: the handle on a table (ctx.tables.<t> and the tables of bindings): get, scans, index
// scans, and for this module's tables insert/update/delete/clear.

import { asType } from "../types.js";

/**
 * @typedef {import("../model.js").TableShape} TableShape
 * @typedef {import("../codec.js").CodecGen} CodecGen
 */

/**
 * "placed_at" -> "PlacedAt": a field's name in generated method names.
 * @param {string} name
 */
function camelCase(name) {
  return name
    .split("_")
    .filter(Boolean)
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join("");
}

/**
 * Read handle (and write handle for local tables) of a table.
 * @param {CodecGen} codec
 * @param {TableShape} t
 * @param {string} moduleSel "" = current module (direct host functions), else ModuleSelection::Other(moduleSel) via
 *   host_call
 * @param {string} hostTable the table name used in host calls (replicas use the local shadow table)
 * @param {boolean} writable
 * @param {string} [prefix] of the handle classes' names
 * @returns {string[]}
 */
export function tableHandle(codec, t, moduleSel, hostTable, writable, prefix = "") {
  const cls = t.as;
  const row = codec.rowFns(t);
  const pkT = asType(t.pk.type);
  const id = `${prefix}${t.name}`;
  const N = JSON.stringify(hostTable);
  // the name's UTF-8 bytes as static data: direct host calls copy them instead of encoding the string every call
  const nameBytes = [...Buffer.from(hostTable, "utf8")];
  const NB = `memory.data<u8>([${nameBytes.join(",")}]), ${nameBytes.length}`;
  const M = JSON.stringify(moduleSel);
  const scanRows = `const __n = __r.len(); const __out = new Array<${cls}>(__n); for (let __i = 0; __i < __n; __i++) unchecked(__out[__i] = ${row.dec}(__r)); __g.endHostCall(); return __out;`;
  const reads = [];
  if (moduleSel === "" && writable) {
    reads.push(
      `get(pk: ${pkT}): ${cls} | null { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const ks = w.len; ${codec.encKey(t.pk.type, "pk")} const r = __g.getByPk(nl, ks); if (r == null) { abort("Interstice: get on table " + ${N} + " failed"); return null; } const tag = r.tag(); if (tag != 0) { abort("Interstice: get on table " + ${N} + " failed: " + (tag == 1 ? r.str() : "bad response")); return null; } if (r.u8() == 0) return null; return ${row.dec}(r); }`,
    );
  } else {
    reads.push(
      `get(pk: ${pkT}): ${cls} | null { __g.beginGet(${M}, ${N}); const w = __g.W; ${codec.encKey(t.pk.type, "pk")} const r = __g.finishGet(${JSON.stringify("get on table " + hostTable)}); if (r.u8() == 0) { __g.endHostCall(); return null; } const o = ${row.dec}(r); __g.endHostCall(); return o; }`,
    );
  }
  reads.push(
    `scan(): Array<${cls}> { __g.beginScan(${M}, ${N}); const __r = __g.finishScan(${JSON.stringify("scan of table " + hostTable)}); ${scanRows} }`,
  );
  // Streaming scans (our ABI extension, interstice_scan): a cursor read a page at a time.
  const cur = `__InterCursor_${id}`;
  const scanWhat = JSON.stringify("scan of table " + hostTable);
  const openCursor = `return new ${cur}(__g.finishScanOpen(${scanWhat}));`;
  reads.push(`iter(): ${cur} { __g.beginScanOpen(${M}, ${N}); __g.W.bool(false); ${openCursor} }`);
  if (moduleSel === "" && writable) {
    // time travel (our extension interstice_history, docs/abi.md §4.6): this module's tables as of a past
    // transaction, and as they are in one of its branches; read through the same cursors
    reads.push(`iterAsOf(tx: u64): ${cur} { return new ${cur}(__g.openAsOf(${N}, tx)); }`);
    reads.push(`iterInBranch(branch: string): ${cur} { return new ${cur}(__g.openInBranch(${N}, branch)); }`);
  }
  for (const idx of t.indexes) {
    const f = idx.field;
    const camel = camelCase(f.name);
    const vt = asType(f.type);
    const F = JSON.stringify(f.name);
    /** @type {[string, number][]} */
    const ops = [["Eq", 0]];
    if (idx.type === "BTree") ops.push(["Lt", 1], ["Lte", 2], ["Gt", 3], ["Gte", 4]);
    for (const [op, q] of ops) {
      reads.push(
        `scanBy${camel}${op}(value: ${vt}): Array<${cls}> { __g.beginIndexScan(${M}, ${N}, ${F}, ${q}); const w = __g.W; ${codec.encKey(f.type, "value")} const __r = __g.finishScan(${JSON.stringify("index scan of " + hostTable + "." + f.name)}); ${scanRows} }`,
      );
    }
    const openIndex = `__g.beginScanOpen(${M}, ${N}); __g.beginScanIndex(${F}, 0); const w = __g.W; w.bool(true);`;
    for (const [op, q] of ops) {
      reads.push(`iterBy${camel}${op}(value: ${vt}): ${cur} { ${openIndex} w.tag(${q}); ${codec.encKey(f.type, "value")} ${openCursor} }`);
    }
    if (idx.type === "BTree") {
      reads.push(
        `iterBy${camel}Range(min: ${vt}, max: ${vt}, includeMin: bool = true, includeMax: bool = false): ${cur} { ${openIndex} w.tag(5); ${codec.encKey(f.type, "min")} ${codec.encKey(f.type, "max")} w.bool(includeMin); w.bool(includeMax); ${openCursor} }`,
      );
      reads.push(
        `scanBy${camel}Range(min: ${vt}, max: ${vt}, includeMin: bool = true, includeMax: bool = false): Array<${cls}> { __g.beginIndexScan(${M}, ${N}, ${F}, 5); const w = __g.W; ${codec.encKey(f.type, "min")} ${codec.encKey(f.type, "max")} w.bool(includeMin); w.bool(includeMax); const __r = __g.finishScan(${JSON.stringify("index scan of " + hostTable + "." + f.name)}); ${scanRows} }`,
      );
    }
    if (idx.unique)
      reads.push(
        `getBy${camel}(value: ${vt}): ${cls} | null { const rows = this.scanBy${camel}Eq(value); return rows.length ? rows[0] : null; }`,
      );
  }
  // composite btree indexes (our schema extension): equality on the first fields, then the last one queried
  for (const c of t.composites || []) {
    const fs = c.fields;
    const name = JSON.stringify(fs.map((f) => f.name).join(","));
    const camel = fs.map((f) => camelCase(f.name)).join("");
    const head = fs.slice(0, -1);
    const last = fs[fs.length - 1];
    const lt = asType(last.type);
    const params = head.map((f, i) => `k${i}: ${asType(f.type)}`).join(", ");
    const open = `__g.beginScanOpen(${M}, ${N}); __g.beginScanIndex(${name}, ${head.length}); const w = __g.W; ${head.map((f, i) => codec.encKey(f.type, `k${i}`)).join(" ")}`;
    reads.push(`iterBy${camel}(${params}): ${cur} { ${open} w.bool(false); ${openCursor} }`);
    for (const [op, q] of [
      ["Eq", 0],
      ["Lt", 1],
      ["Lte", 2],
      ["Gt", 3],
      ["Gte", 4],
    ]) {
      reads.push(
        `iterBy${camel}${op}(${params}, value: ${lt}): ${cur} { ${open} w.bool(true); w.tag(${q}); ${codec.encKey(last.type, "value")} ${openCursor} }`,
      );
    }
    reads.push(
      `iterBy${camel}Range(${params}, min: ${lt}, max: ${lt}, includeMin: bool = true, includeMax: bool = false): ${cur} { ${open} w.bool(true); w.tag(5); ${codec.encKey(last.type, "min")} ${codec.encKey(last.type, "max")} w.bool(includeMin); w.bool(includeMax); ${openCursor} }`,
    );
  }
  const cursor = [
    `private rows: Array<${cls}> = new Array<${cls}>(0);`,
    `private at: i32 = 0;`,
    `private done: bool = false;`,
    `private id: u32;`,
    `constructor(id: u32) { this.id = id; }`,
    `next(): ${cls} | null { while (this.at >= this.rows.length) { if (this.done) return null; this.fill(); } return unchecked(this.rows[this.at++]); }`,
    `close(): void { if (!this.done) { this.done = true; __g.scanClose(this.id); } this.rows = new Array<${cls}>(0); this.at = 0; }`,
    `private fill(): void { const __r = __g.scanNext(this.id, 1024, ${scanWhat}); const __n = __r.len(); const __rows = new Array<${cls}>(__n); for (let __i = 0; __i < __n; __i++) unchecked(__rows[__i] = ${row.dec}(__r)); this.done = __r.bool(); __g.endHostCall(); this.rows = __rows; this.at = 0; }`,
  ];
  const out = [`@global class ${cur} { ${cursor.join(" ")} }`, `@global class __InterReadTable_${id} { ${reads.join(" ")} }`];
  if (writable) {
    const writes = [
      `tryInsert(row: ${cls}): __g.Result<${cls}> { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const rs = w.len; ${row.enc}(w, row); const r = __g.insertRow(nl, rs); if (r == null) return __g.errResult<${cls}>("insert into " + ${N} + " failed"); const tag = r.tag(); if (tag == 0) { if (r.u8() == 0) return __g.okResult<${cls}>(row); return __g.okResult<${cls}>(${row.dec}(r)); } return __g.errResult<${cls}>(tag == 1 ? r.str() : "bad InsertRowResponse"); }`,
      `insert(row: ${cls}): ${cls} { const res = this.tryInsert(row); if (!res.ok) abort("Interstice: insert into " + ${N} + " failed: " + res.error); return res.value; }`,
      `tryUpdate(row: ${cls}): bool { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const rs = w.len; ${row.enc}(w, row); return __g.updateRow(nl, rs); }`,
      `update(row: ${cls}): void { if (!this.tryUpdate(row)) abort("Interstice: update of table " + ${N} + " failed"); }`,
      `tryDelete(pk: ${pkT}): bool { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const ks = w.len; ${codec.encKey(t.pk.type, "pk")} return __g.deleteRow(nl, ks); }`,
      `delete(pk: ${pkT}): void { if (!this.tryDelete(pk)) abort("Interstice: delete from table " + ${N} + " failed"); }`,
      `tryClear(): bool { return __g.clearTable(${N}); }`,
      `clear(): void { if (!this.tryClear()) abort("Interstice: clear of table " + ${N} + " failed"); }`,
    ];
    out.push(`@global class __InterTable_${id} extends __InterReadTable_${id} { ${writes.join(" ")} }`);
  }
  return out;
}
