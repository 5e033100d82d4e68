// @ts-check
// Generates the AssemblyScript code that encodes and decodes field types (IntersticeValue and IndexKey, postcard),
// one helper function per type, emitted once on first use.

import { PRIMS, asType, mangle } from "./types.js";

/**
 * @typedef {import("./model.js").TypeRef} TypeRef
 * @typedef {import("./model.js").AnyTypeDef} AnyTypeDef
 * @typedef {import("./model.js").TableShape} TableShape
 */

/** Generates encoder/decoder helper functions on demand. */
export class CodecGen {
  /** @param {(t: { ns: string, name: string }) => AnyTypeDef | undefined} typeDef finds a named type's definition */
  constructor(typeDef) {
    this.typeDef = typeDef;
    /** @type {Set<string>} names of the functions emitted so far */
    this.emitted = new Set();
    /** @type {string[]} the emitted code (appended to the glue) */
    this.out = [];
  }

  /**
   * @param {TypeRef} t
   * @returns {AnyTypeDef}
   */
  def(t) {
    if (t.k !== "named") throw new Error("def " + t.k);
    return /** @type {AnyTypeDef} */ (this.typeDef(t));
  }

  /**
   * Statement(s) writing `expr` (of type t) as an IntersticeValue into writer `w`.
   * @param {TypeRef} t
   * @param {string} expr
   * @param {string} [w]
   * @param {string} [what] the value, in the message if it is null
   * @returns {string}
   */
  enc(t, expr, w = "w", what = "value") {
    if (t.k === "prim") {
      const p = PRIMS[t.name];
      if (t.name === "string")
        return `{ const __s = ${expr}; if (changetype<usize>(__s) == 0) __g.nullValue(${JSON.stringify(what)}); ${w}.u8(${p.tag}); ${w}.str(__s); }`;
      return `${w}.u8(${p.tag}); ${w}.${p.w}(${expr});`;
    }
    if (t.k === "unit") return `${w}.u8(0);`;
    const fn = this.encFn(t);
    return `${fn}(${w}, ${expr});`;
  }

  /**
   * Expression reading an IntersticeValue of type t from reader `r`.
   * @param {TypeRef} t
   * @param {string} [r]
   * @returns {string}
   */
  dec(t, r = "r") {
    if (t.k === "prim") return `__g.${PRIMS[t.name].rd}(${r})`;
    if (t.k === "event") return `__g.${t.name}.decode(${r})`;
    return `${this.decFn(t)}(${r})`;
  }

  /**
   * Statement(s) writing `expr` as an IndexKey.
   * @param {TypeRef} t
   * @param {string} expr
   * @param {string} [w]
   * @returns {string}
   */
  encKey(t, expr, w = "w") {
    if (t.k === "prim") {
      const p = PRIMS[t.name];
      return `${w}.u8(${p.key}); ${w}.${p.w}(${expr});`;
    }
    const key = "key_" + mangle(t);
    const fn = `__ek_${key}`;
    if (!this.emitted.has(fn)) {
      this.emitted.add(fn);
      let body;
      if (t.k === "opt") {
        const inner = t.nullable ? `changetype<${asType(t.el)}>(v)` : "v.val";
        const test = t.nullable ? "v != null" : "v.has";
        body = `w.u8(7); if (${test}) { w.u8(1); ${this.encKey(t.el, inner)} } else w.u8(0);`;
      } else if (t.k === "tuple") {
        body = `w.u8(8); w.varint32(${t.items.length}); ` + t.items.map((it, i) => this.encKey(it, `v._${i}`)).join(" ");
      } else throw new Error("encKey " + t.k);
      this.out.push(`function ${fn}(w: __g.Writer, v: ${asType(t)}): void { ${body} }`);
    }
    return `${fn}(${w}, ${expr});`;
  }

  /**
   * The encoder function of a non-primitive type.
   * @param {TypeRef} t
   * @returns {string}
   */
  encFn(t) {
    const fn = `__enc_${mangle(t)}`;
    if (this.emitted.has(fn)) return fn;
    this.emitted.add(fn);
    let body;
    switch (t.k) {
      case "vec":
        body = `if (changetype<usize>(v) == 0) __g.nullValue("an Array"); w.u8(10); const n = v.length; w.varint32(<u32>n); for (let i = 0; i < n; i++) { ${this.enc(t.el, "unchecked(v[i])", "w", "an Array element")} }`;
        break;
      case "opt":
        if (t.nullable)
          body = `w.u8(11); if (v == null) { w.u8(0); } else { w.u8(1); ${this.enc(t.el, `changetype<${asType(t.el)}>(v)`)} }`;
        else
          body = `if (changetype<usize>(v) == 0) __g.nullValue("an Option"); w.u8(11); if (!v.has) { w.u8(0); } else { w.u8(1); ${this.enc(t.el, "v.val")} }`;
        break;
      case "tuple":
        body =
          `if (changetype<usize>(v) == 0) __g.nullValue("a tuple"); w.u8(12); w.varint32(${t.items.length}); ` +
          t.items.map((it, i) => this.enc(it, `v._${i}`)).join(" ");
        break;
      case "named": {
        const def = this.def(t);
        const defFields = def.fields || [];
        const defVariants = def.variants || [];
        if (def.kind === "enum") {
          const parts = defVariants.map(
            (v) =>
              `if (tag == ${JSON.stringify(v.name)}) { w.str(${JSON.stringify(v.name)}); ${this.enc(v.type, `v.${v.prop}`, "w", `variant ${v.name} of ${def.name}`)} }`,
          );
          body = `if (changetype<usize>(v) == 0) __g.nullValue("a ${def.name} value"); w.u8(14); w.str(${JSON.stringify(def.name)}); const tag = v.tag; ${parts.join(" else ")} else __g.unknownVariant(${JSON.stringify(def.name)}, tag);`;
        } else {
          const fields = defFields.map(
            (f) => `w.str(${JSON.stringify(f.name)}); ${this.enc(f.type, `v.${f.prop}`, "w", `field ${f.name} of ${def.name}`)}`,
          );
          body = `if (changetype<usize>(v) == 0) __g.nullValue("a ${def.name} value"); w.u8(13); w.str(${JSON.stringify(def.name)}); w.varint32(${defFields.length}); ${fields.join(" ")}`;
        }
        break;
      }
      default:
        throw new Error("encFn " + t.k);
    }
    this.out.push(`function ${fn}(w: __g.Writer, v: ${asType(t)}): void { ${body} }`);
    return fn;
  }

  /**
   * The decoder function of a non-primitive type.
   * @param {TypeRef} t
   * @returns {string}
   */
  decFn(t) {
    const fn = `__dec_${mangle(t)}`;
    if (this.emitted.has(fn)) return fn;
    this.emitted.add(fn);
    const ty = asType(t);
    let body;
    switch (t.k) {
      case "unit":
        body = `__g.rdVoid(r); return new __g.Unit();`;
        break;
      case "vec":
        body = `const n = __g.rdVec(r); const out = new Array<${asType(t.el)}>(n); for (let i = 0; i < n; i++) unchecked(out[i] = ${this.dec(t.el)}); return out;`;
        break;
      case "opt":
        if (t.nullable) body = `if (!__g.rdOption(r)) return null; return ${this.dec(t.el)};`;
        else body = `const o = __g.rawNew<${ty}>(); if (__g.rdOption(r)) { o.val = ${this.dec(t.el)}; o.has = true; } return o;`;
        break;
      case "tuple":
        body = `__g.rdTuple(r, ${t.items.length}); const o = __g.rawNew<${ty}>(); ${t.items.map((it, i) => `o._${i} = ${this.dec(it)};`).join(" ")} return o;`;
        break;
      case "named": {
        const def = this.def(t);
        const defFields = def.fields || [];
        const defVariants = def.variants || [];
        const namesVar = `__names_${mangle(t)}`;
        if (def.kind === "enum") {
          this.out.push(`const ${namesVar}: StaticArray<string> = [${defVariants.map((v) => JSON.stringify(v.name)).join(", ")}];`);
          const cases = defVariants.map(
            (v, i) => `case ${i}: { o.tag = ${JSON.stringify(v.name)}; o.${v.prop} = ${this.dec(v.type)}; break; }`,
          );
          body = `const i = __g.rdEnum(r, ${JSON.stringify(def.name)}, ${namesVar}); const o = __g.rawNew<${ty}>(); switch (i) { ${cases.join(" ")} } return o;`;
        } else {
          this.out.push(`const ${namesVar}: StaticArray<string> = [${defFields.map((f) => JSON.stringify(f.name)).join(", ")}];`);
          const cases = defFields.map(
            (f, i) =>
              `case ${i}: { ${defFields.length <= 64 ? `if (seen & (<u64>1 << ${i})) __g.duplicateField(${JSON.stringify(def.name)}, ${JSON.stringify(f.name)}); seen |= <u64>1 << ${i};` : ""} o.${f.prop} = ${this.dec(f.type)}; break; }`,
          );
          body = `__g.rdStruct(r, ${JSON.stringify(def.name)}, ${defFields.length}); const o = __g.rawNew<${ty}>(); let seen: u64 = 0; for (let k = 0; k < ${defFields.length}; k++) { const i = __g.rdFieldName(r, ${JSON.stringify(def.name)}, ${namesVar}, k); switch (i) { ${cases.join(" ")} } } return o;`;
        }
        break;
      }
      default:
        throw new Error("decFn " + t.k);
    }
    this.out.push(`function ${fn}(r: __g.Reader): ${ty} { ${body} }`);
    return fn;
  }

  /**
   * Row encoder/decoders for a table: Row { primary_key, entries } and the subscriber Vec form.
   * @param {TableShape} table
   */
  rowFns(table) {
    const cls = table.as;
    const key = (table.name + "_" + (table.ns || "")).replace(/[^A-Za-z0-9_]/g, "_");
    const enc = `__encrow_${key}`;
    if (!this.emitted.has(enc)) {
      this.emitted.add(enc);
      const pk = table.pk;
      const entries = table.entries;
      this.out.push(
        `function ${enc}(w: __g.Writer, v: ${cls}): void { if (changetype<usize>(v) == 0) __g.nullValue("a ${table.typeName} row"); ${this.enc(pk.type, `v.${pk.prop}`, "w", `field ${pk.name} of ${table.typeName}`)} w.varint32(${entries.length}); ${entries.map((f) => this.enc(f.type, `v.${f.prop}`, "w", `field ${f.name} of ${table.typeName}`)).join(" ")} }`,
      );
      const assigns = entries.map((f) => `o.${f.prop} = ${this.dec(f.type)};`).join(" ");
      this.out.push(
        `function __decrow_${key}(r: __g.Reader): ${cls} { const o = __g.rawNew<${cls}>(); o.${pk.prop} = ${this.dec(pk.type)}; __g.rdRowEntries(r, ${JSON.stringify(table.name)}, ${entries.length}); ${assigns} return o; }`,
      );
      this.out.push(
        `function __decrowvec_${key}(r: __g.Reader): ${cls} { __g.rdRowVec(r, ${JSON.stringify(table.name)}, ${entries.length}); const o = __g.rawNew<${cls}>(); o.${pk.prop} = ${this.dec(pk.type)}; ${assigns} return o; }`,
      );
    }
    return { enc, dec: `__decrow_${key}`, decVec: `__decrowvec_${key}` };
  }
}
