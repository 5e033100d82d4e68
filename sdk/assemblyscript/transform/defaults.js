// @defaultValue(v) on a table column: the value a migration gives existing rows when a new version adds the column.
// It travels in the optional export interstice_column_defaults (docs/abi.md §5), never in the ABI-6 schema.

import { decoratorName, literal, LiteralError } from "./ast.js";
import { PostcardWriter } from "./postcard.js";

/** @typedef {import("./context.js").Context} Context */
/** @typedef {import("./model.js").Field} Field */
/** @typedef {import("assemblyscript").DecoratorNode} DecoratorNode */
/** @typedef {import("assemblyscript").Expression} Expression */

const RANGES = {
  u8: [0n, 255n],
  u32: [0n, 4294967295n],
  u64: [0n, 18446744073709551615n],
  i32: [-2147483648n, 2147483647n],
  i64: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * The encoded IntersticeValue of `@defaultValue(<literal>)` for column `f`, or null (with an error).
 * @param {Context} ctx
 * @param {DecoratorNode} d
 * @param {Field} f
 * @returns {number[] | null}
 */
export function defaultValueBytes(ctx, d, f) {
  const name = decoratorName(ctx, d);
  if (!d.args || d.args.length !== 1) {
    ctx.error(d, `@${name} takes one literal value, e.g. @${name}(0) or @${name}("none")`);
    return null;
  }
  let v;
  try {
    v = value(ctx, d.args[0]);
  } catch (e) {
    if (!(e instanceof LiteralError)) throw e;
    ctx.error(e.node || d, e.message);
    return null;
  }
  const w = new PostcardWriter();
  const why = write(w, f.type, v);
  if (why) {
    ctx.error(d.args[0], `@${name} on ${f.name}: ${why}`);
    return null;
  }
  return w.bytes;
}

/**
 * A literal, with a leading minus on numbers; integers as bigint (exact up to u64).
 * @param {Context} ctx
 * @param {Expression} e
 * @returns {unknown}
 */
function value(ctx, e) {
  const text = e.range.toString().trim();
  if (/^-?\d+$/.test(text)) return BigInt(text);
  if (/^-\d*\.?\d+(e[+-]?\d+)?$/i.test(text)) return Number(text);
  return literal(ctx, e);
}

/**
 * Writes `v` as the IntersticeValue of column type `t`; returns why it cannot, or "".
 * @param {PostcardWriter} w
 * @param {any} t
 * @param {unknown} v
 */
function write(w, t, v) {
  if (t.k === "opt") {
    w.tag(11);
    if (v === null) {
      w.u8(0);
      return "";
    }
    w.u8(1);
    return write(w, t.el, v);
  }
  if (t.k !== "prim") return "defaults are supported on number, bool, string and optional columns only";
  const n = t.name;
  if (n in RANGES) {
    if (typeof v !== "bigint") return `${JSON.stringify(v)} is not an integer`;
    const [lo, hi] = RANGES[/** @type {keyof typeof RANGES} */ (n)];
    if (v < lo || v > hi) return `${v} does not fit ${n}`;
    const tags = { u8: 1, u32: 2, u64: 3, i32: 4, i64: 5 };
    w.tag(tags[/** @type {keyof typeof tags} */ (n)]);
    if (n === "u8") w.u8(Number(v));
    else if (n === "i32") w.i32(v);
    else if (n === "i64") w.i64(v);
    else w.varint(v);
    return "";
  }
  if (n === "f32" || n === "f64") {
    if (typeof v !== "number" && typeof v !== "bigint") return `${JSON.stringify(v)} is not a number`;
    w.tag(n === "f32" ? 6 : 7);
    if (n === "f32") w.f32(Number(v));
    else w.f64(Number(v));
    return "";
  }
  if (n === "bool") {
    if (typeof v !== "boolean") return `${JSON.stringify(v)} is not a bool`;
    w.tag(8);
    w.bool(v);
    return "";
  }
  if (n === "string") {
    if (typeof v !== "string") return `${JSON.stringify(v)} is not a string`;
    w.tag(9);
    w.str(v);
    return "";
  }
  return `no default for a ${n} column`;
}

/**
 * The export's payload: Vec<(table, column, IntersticeValue)>, or null when no table declares a default.
 * @param {{ name: string, defaults: { column: string, bytes: number[] }[] }[]} tables
 */
export function encodeColumnDefaults(tables) {
  const all = tables.flatMap((t) => t.defaults.map((x) => ({ table: t.name, ...x })));
  if (all.length === 0) return null;
  const w = new PostcardWriter();
  w.varint(all.length);
  for (const x of all) {
    w.str(x.table);
    w.str(x.column);
    w.bytes.push(...x.bytes);
  }
  return w.bytes;
}
