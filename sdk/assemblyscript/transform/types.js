// Field types: mapping AssemblyScript type annotations to IntersticeType, and generating the
// AssemblyScript code that encodes/decodes them (IntersticeValue and IndexKey, postcard).

export const PRIMS = {
  u8: { schema: "U8", tag: 1, key: 0, w: "u8", rd: "rdU8" },
  u32: { schema: "U32", tag: 2, key: 1, w: "u32", rd: "rdU32" },
  u64: { schema: "U64", tag: 3, key: 2, w: "u64", rd: "rdU64" },
  i32: { schema: "I32", tag: 4, key: 3, w: "i32", rd: "rdI32" },
  i64: { schema: "I64", tag: 5, key: 4, w: "i64", rd: "rdI64" },
  f32: { schema: "F32", tag: 6, key: -1, w: "f32", rd: "rdF32" },
  f64: { schema: "F64", tag: 7, key: -1, w: "f64", rd: "rdF64" },
  bool: { schema: "Bool", tag: 8, key: 5, w: "bool", rd: "rdBool" },
  string: { schema: "String", tag: 9, key: 6, w: "str", rd: "rdString" },
};

export const UNSUPPORTED_HINTS = {
  i8: "use i32", i16: "use i32", u16: "use u32", isize: "use i32 or i64", usize: "use u32 or u64",
  number: "use f64", String: "use string", boolean: "use bool", v128: "not supported",
  Map: "use an Array of a @type struct", Set: "use an Array", ArrayBuffer: "use Array<u8>", Uint8Array: "use Array<u8>",
  StaticArray: "use Array", Date: "store the unix ms as u64",
};

/**
 * Type references:
 *   { k: "prim", name: "u32" }            u8/u32/u64/i32/i64/f32/f64/bool/string
 *   { k: "vec", el }                       Array<T> / T[]
 *   { k: "opt", el, nullable: true }       T | null (reference T)
 *   { k: "opt", el, nullable: false }      Option<T>
 *   { k: "tuple", items }                  Tuple2..4<...>
 *   { k: "named", name, as }               a @table/@type/@enumType class (name = schema name, as = AS type expr)
 *   { k: "unit" }                          Unit (enum unit variants)
 */
export function asType(t) {
  switch (t.k) {
    case "prim": return t.name;
    case "vec": return `Array<${asType(t.el)}>`;
    case "opt": return t.nullable ? `${asType(t.el)} | null` : `__g.Option<${asType(t.el)}>`;
    case "tuple": return `__g.Tuple${t.items.length}<${t.items.map(asType).join(", ")}>`;
    case "named": return t.as;
    case "unit": return "__g.Unit";
  }
  throw new Error("asType " + t.k);
}

export function schemaType(t) {
  switch (t.k) {
    case "prim": return PRIMS[t.name].schema;
    case "vec": return { Vec: schemaType(t.el) };
    case "opt": return { Option: schemaType(t.el) };
    case "tuple": return { Tuple: t.items.map(schemaType) };
    case "named": return { Named: t.name };
    case "unit": return "Void";
  }
  throw new Error("schemaType " + t.k);
}

export function isReference(t) {
  return t.k === "vec" || t.k === "tuple" || t.k === "named" || t.k === "unit" || (t.k === "prim" && t.name === "string") || (t.k === "opt" && !t.nullable);
}

/** Can this type be an IndexKey (primary key / index)? */
export function keyError(t) {
  switch (t.k) {
    case "prim": return PRIMS[t.name].key < 0 ? "floats cannot be primary keys or indexed" : null;
    case "opt": return keyError(t.el);
    case "tuple": {
      for (const i of t.items) {
        const e = keyError(i);
        if (e) return e;
      }
      return null;
    }
  }
  return `${describe(t)} cannot be a primary key or indexed (use an integer, bool, string, an option or a tuple of those)`;
}

export function describe(t) {
  switch (t.k) {
    case "prim": return t.name;
    case "vec": return `Array<${describe(t.el)}>`;
    case "opt": return t.nullable ? `${describe(t.el)} | null` : `Option<${describe(t.el)}>`;
    case "tuple": return `Tuple${t.items.length}<${t.items.map(describe).join(", ")}>`;
    case "named": return t.display || t.as;
    case "unit": return "Unit";
  }
  return "?";
}

export function mangle(t) {
  switch (t.k) {
    case "prim": return t.name;
    case "vec": return `vec_${mangle(t.el)}`;
    case "opt": return `${t.nullable ? "nul" : "opt"}_${mangle(t.el)}`;
    case "tuple": return `tup${t.items.length}_${t.items.map(mangle).join("_")}_`;
    case "named": return `n_${t.name}_${t.ns || ""}`.replace(/[^A-Za-z0-9_]/g, "_");
    case "unit": return "unit";
  }
  throw new Error("mangle");
}

/** Generates encoder/decoder helper functions on demand. */
export class CodecGen {
  constructor(model) {
    this.model = model; // lookups: model.named(name, ns) -> type def
    this.emitted = new Set();
    this.out = [];
  }

  /** Statement(s) writing `expr` (of type t) as an IntersticeValue into writer `w`. */
  enc(t, expr, w = "w", what = "value") {
    if (t.k === "prim") {
      const p = PRIMS[t.name];
      if (t.name === "string") return `{ const __s = ${expr}; if (changetype<usize>(__s) == 0) __g.nullValue(${JSON.stringify(what)}); ${w}.u8(${p.tag}); ${w}.str(__s); }`;
      return `${w}.u8(${p.tag}); ${w}.${p.w}(${expr});`;
    }
    if (t.k === "unit") return `${w}.u8(0);`;
    const fn = this.encFn(t);
    return `${fn}(${w}, ${expr});`;
  }

  /** Expression reading an IntersticeValue of type t from reader `r`. */
  dec(t, r = "r") {
    if (t.k === "prim") return `__g.${PRIMS[t.name].rd}(${r})`;
    return `${this.decFn(t)}(${r})`;
  }

  /** Statement(s) writing `expr` as an IndexKey. */
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
        if (t.nullable) body = `w.u8(11); if (v == null) { w.u8(0); } else { w.u8(1); ${this.enc(t.el, `changetype<${asType(t.el)}>(v)`)} }`;
        else body = `if (changetype<usize>(v) == 0) __g.nullValue("an Option"); w.u8(11); if (!v.has) { w.u8(0); } else { w.u8(1); ${this.enc(t.el, "v.val")} }`;
        break;
      case "tuple":
        body = `if (changetype<usize>(v) == 0) __g.nullValue("a tuple"); w.u8(12); w.varint32(${t.items.length}); ` + t.items.map((it, i) => this.enc(it, `v._${i}`)).join(" ");
        break;
      case "named": {
        const def = this.model.typeDef(t);
        if (def.kind === "enum") {
          const parts = def.variants.map((v) => `if (tag == ${JSON.stringify(v.name)}) { w.str(${JSON.stringify(v.name)}); ${this.enc(v.type, `v.${v.prop}`, "w", `variant ${v.name} of ${def.name}`)} }`);
          body = `if (changetype<usize>(v) == 0) __g.nullValue("a ${def.name} value"); w.u8(14); w.str(${JSON.stringify(def.name)}); const tag = v.tag; ${parts.join(" else ")} else __g.unknownVariant(${JSON.stringify(def.name)}, tag);`;
        } else {
          const fields = def.fields.map((f) => `w.str(${JSON.stringify(f.name)}); ${this.enc(f.type, `v.${f.prop}`, "w", `field ${f.name} of ${def.name}`)}`);
          body = `if (changetype<usize>(v) == 0) __g.nullValue("a ${def.name} value"); w.u8(13); w.str(${JSON.stringify(def.name)}); w.varint32(${def.fields.length}); ${fields.join(" ")}`;
        }
        break;
      }
      default:
        throw new Error("encFn " + t.k);
    }
    this.out.push(`function ${fn}(w: __g.Writer, v: ${asType(t)}): void { ${body} }`);
    return fn;
  }

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
        const def = this.model.typeDef(t);
        const namesVar = `__names_${mangle(t)}`;
        if (def.kind === "enum") {
          this.out.push(`const ${namesVar}: StaticArray<string> = [${def.variants.map((v) => JSON.stringify(v.name)).join(", ")}];`);
          const cases = def.variants.map((v, i) => `case ${i}: { o.tag = ${JSON.stringify(v.name)}; o.${v.prop} = ${this.dec(v.type)}; break; }`);
          body = `const i = __g.rdEnum(r, ${JSON.stringify(def.name)}, ${namesVar}); const o = __g.rawNew<${ty}>(); switch (i) { ${cases.join(" ")} } return o;`;
        } else {
          this.out.push(`const ${namesVar}: StaticArray<string> = [${def.fields.map((f) => JSON.stringify(f.name)).join(", ")}];`);
          const cases = def.fields.map((f, i) => `case ${i}: { ${def.fields.length <= 64 ? `if (seen & (<u64>1 << ${i})) __g.duplicateField(${JSON.stringify(def.name)}, ${JSON.stringify(f.name)}); seen |= <u64>1 << ${i};` : ""} o.${f.prop} = ${this.dec(f.type)}; break; }`);
          body = `__g.rdStruct(r, ${JSON.stringify(def.name)}, ${def.fields.length}); const o = __g.rawNew<${ty}>(); let seen: u64 = 0; for (let k = 0; k < ${def.fields.length}; k++) { const i = __g.rdFieldName(r, ${JSON.stringify(def.name)}, ${namesVar}, k); switch (i) { ${cases.join(" ")} } } return o;`;
        }
        break;
      }
      default:
        throw new Error("decFn " + t.k);
    }
    this.out.push(`function ${fn}(r: __g.Reader): ${ty} { ${body} }`);
    return fn;
  }

  /** Row encoder/decoders for a table: Row { primary_key, entries } and the subscriber Vec form. */
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
