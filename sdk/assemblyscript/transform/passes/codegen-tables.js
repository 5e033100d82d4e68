// @ts-check
// Pass 6 (continued), codegen: the handle on a table (ctx.tables.<t> and the tables of bindings): get, scans, index
// scans, and for this module's tables insert/update/delete/clear.

import { asType } from "../types.js";

/**
 * @typedef {import("../model.js").TableShape} TableShape
 * @typedef {import("../codec.js").CodecGen} CodecGen
 */

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
  for (const idx of t.indexes) {
    const f = idx.field;
    const camel = f.name
      .split("_")
      .filter(Boolean)
      .map((s) => s[0].toUpperCase() + s.slice(1))
      .join("");
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
    if (idx.type === "BTree") {
      reads.push(
        `scanBy${camel}Range(min: ${vt}, max: ${vt}, includeMin: bool = true, includeMax: bool = false): Array<${cls}> { __g.beginIndexScan(${M}, ${N}, ${F}, 5); const w = __g.W; ${codec.encKey(f.type, "min")} ${codec.encKey(f.type, "max")} w.bool(includeMin); w.bool(includeMax); const __r = __g.finishScan(${JSON.stringify("index scan of " + hostTable + "." + f.name)}); ${scanRows} }`,
      );
    }
    if (idx.unique)
      reads.push(
        `getBy${camel}(value: ${vt}): ${cls} | null { const rows = this.scanBy${camel}Eq(value); return rows.length ? rows[0] : null; }`,
      );
  }
  const out = [`@global class __InterReadTable_${id} { ${reads.join(" ")} }`];
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
