// @ts-check
// Field types (TypeRef, see model.js): their AssemblyScript type expressions, schema types, names in messages.
// The codecs generated for them are in codec.js.

/** @typedef {import("./model.js").TypeRef} TypeRef */

/**
 * The primitive types: schema name, IntersticeValue tag, IndexKey tag (-1: not a key), writer method, reader.
 * @type {Record<string, { schema: import("./postcard.js").IntersticeType, tag: number, key: number, w: string, rd: string }>}
 */

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

/** @type {Record<string, string>} */
export const UNSUPPORTED_HINTS = {
  i8: "use i32",
  i16: "use i32",
  u16: "use u32",
  isize: "use i32 or i64",
  usize: "use u32 or u64",
  number: "use f64",
  String: "use string",
  boolean: "use bool",
  v128: "not supported",
  Map: "use an Array of a @type struct",
  Set: "use an Array",
  ArrayBuffer: "use Array<u8>",
  Uint8Array: "use Array<u8>",
  StaticArray: "use Array",
  Date: "store the unix ms as u64",
};

/**
 * The AssemblyScript type of a field in the glue:
 *   { k: "prim", name: "u32" }            u8/u32/u64/i32/i64/f32/f64/bool/string
 *   { k: "vec", el }                       Array<T> / T[]
 *   { k: "opt", el, nullable: true }       T | null (reference T)
 *   { k: "opt", el, nullable: false }      Option<T>
 *   { k: "tuple", items }                  Tuple2..4<...>
 *   { k: "named", name, as }               a @table/@type/@enumType class (name = schema name, as = AS type expr)
 *   { k: "unit" }                          Unit (enum unit variants)
 * @param {TypeRef} t
 * @returns {string}
 */
export function asType(t) {
  switch (t.k) {
    case "prim":
      return t.name;
    case "vec":
      return `Array<${asType(t.el)}>`;
    case "opt":
      return t.nullable ? `${asType(t.el)} | null` : `__g.Option<${asType(t.el)}>`;
    case "tuple":
      return `__g.Tuple${t.items.length}<${t.items.map(asType).join(", ")}>`;
    case "named":
      return t.as;
    case "unit":
      return "__g.Unit";
  }
  throw new Error("asType " + /** @type {any} */ (t).k);
}

/**
 * The IntersticeType (serde JSON shape) of a type.
 * @param {TypeRef} t
 * @returns {import("./postcard.js").IntersticeType}
 */
export function schemaType(t) {
  switch (t.k) {
    case "prim":
      return PRIMS[t.name].schema;
    case "vec":
      return { Vec: schemaType(t.el) };
    case "opt":
      return { Option: schemaType(t.el) };
    case "tuple":
      return { Tuple: t.items.map(schemaType) };
    case "named":
      return { Named: t.name };
    case "unit":
      return "Void";
  }
  throw new Error("schemaType " + /** @type {any} */ (t).k);
}

/**
 * Is it a reference type in AssemblyScript (can be null)?
 * @param {TypeRef} t
 */
export function isReference(t) {
  return (
    t.k === "vec" ||
    t.k === "tuple" ||
    t.k === "named" ||
    t.k === "unit" ||
    (t.k === "prim" && t.name === "string") ||
    (t.k === "opt" && !t.nullable)
  );
}

/**
 * Why this type cannot be an IndexKey (primary key / index), or null if it can.
 * @param {TypeRef} t
 * @returns {string | null}
 */
export function keyError(t) {
  switch (t.k) {
    case "prim":
      return PRIMS[t.name].key < 0 ? "floats cannot be primary keys or indexed" : null;
    case "opt":
      return keyError(t.el);
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

/**
 * The type as the user wrote it, for messages.
 * @param {TypeRef} t
 * @returns {string}
 */
export function describe(t) {
  switch (t.k) {
    case "prim":
      return t.name;
    case "vec":
      return `Array<${describe(t.el)}>`;
    case "opt":
      return t.nullable ? `${describe(t.el)} | null` : `Option<${describe(t.el)}>`;
    case "tuple":
      return `Tuple${t.items.length}<${t.items.map(describe).join(", ")}>`;
    case "named":
      return t.display || t.as;
    case "event":
      return t.name;
    case "unit":
      return "Unit";
  }
  return "?";
}

/**
 * The type as part of an identifier (codec function names).
 * @param {TypeRef} t
 * @returns {string}
 */
export function mangle(t) {
  switch (t.k) {
    case "prim":
      return t.name;
    case "vec":
      return `vec_${mangle(t.el)}`;
    case "opt":
      return `${t.nullable ? "nul" : "opt"}_${mangle(t.el)}`;
    case "tuple":
      return `tup${t.items.length}_${t.items.map(mangle).join("_")}_`;
    case "named":
      return `n_${t.name}_${t.ns || ""}`.replace(/[^A-Za-z0-9_]/g, "_");
    case "unit":
      return "unit";
  }
  throw new Error("mangle");
}
