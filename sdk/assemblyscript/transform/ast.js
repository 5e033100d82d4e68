// @ts-check
// Reading the parts of AssemblyScript's AST the passes look at: decorator names and literal arguments,
// type names, instance fields.

/**
 * @typedef {import("./context.js").Context} Context
 * @typedef {import("assemblyscript").DecoratorNode} DecoratorNode
 * @typedef {import("assemblyscript").Expression} Expression
 * @typedef {import("assemblyscript").NamedTypeNode} NamedTypeNode
 * @typedef {import("assemblyscript").ClassDeclaration} ClassDeclaration
 * @typedef {import("assemblyscript").FieldDeclaration} FieldDeclaration
 * @typedef {import("assemblyscript").PropertyAccessExpression} PropertyAccessExpression
 * @typedef {import("assemblyscript").IdentifierExpression} IdentifierExpression
 * @typedef {import("assemblyscript").LiteralExpression} LiteralExpression
 * @typedef {import("assemblyscript").StringLiteralExpression} StringLiteralExpression
 * @typedef {import("assemblyscript").IntegerLiteralExpression} IntegerLiteralExpression
 * @typedef {import("assemblyscript").FloatLiteralExpression} FloatLiteralExpression
 * @typedef {import("assemblyscript").ArrayLiteralExpression} ArrayLiteralExpression
 * @typedef {import("assemblyscript").ObjectLiteralExpression} ObjectLiteralExpression
 */

/**
 * The value of a decorator argument literal.
 * @typedef {string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue }} LiteralValue
 */

/**
 * What an option may hold: a JS typeof ("string", "boolean"), "string[]", or one of the listed strings.
 * @typedef {"string" | "boolean" | "string[]" | "string[][]" | string[]} OptionSpec
 */

/** A decorator argument that is not a literal. */
export class LiteralError extends Error {
  /**
   * @param {Expression} node
   * @param {string} message
   */
  constructor(node, message) {
    super(message);
    this.node = node;
  }
}

/**
 * "name" or "a.b" of `@name` / `@a.b(...)`.
 * @param {Context} ctx
 * @param {DecoratorNode} d
 */
export function decoratorName(ctx, d) {
  const K = ctx.K;
  const parts = [];
  /** @type {Expression | null} */
  let e = d.name;
  while (e && e.kind === K.PropertyAccess) {
    const pa = /** @type {PropertyAccessExpression} */ (e);
    parts.unshift(pa.property.text);
    e = pa.expression;
  }
  if (e && e.kind === K.Identifier) parts.unshift(/** @type {IdentifierExpression} */ (e).text);
  return parts.join(".");
}

/**
 * Evaluates a decorator argument literal: strings, booleans, numbers, arrays, object literals.
 * @param {Context} ctx
 * @param {Expression | null | undefined} expr
 * @returns {LiteralValue | undefined}
 */
export function literal(ctx, expr) {
  const K = ctx.K;
  const L = ctx.L;
  if (!expr) return undefined;
  switch (expr.kind) {
    case K.True:
      return true;
    case K.False:
      return false;
    case K.Null:
      return null;
    case K.Literal: {
      const lit = /** @type {LiteralExpression} */ (expr);
      switch (lit.literalKind) {
        case L.String:
          return /** @type {StringLiteralExpression} */ (lit).value;
        case L.Integer:
          return Number(/** @type {IntegerLiteralExpression} */ (lit).value);
        case L.Float:
          return /** @type {FloatLiteralExpression} */ (lit).value;
        case L.Array:
          return /** @type {ArrayLiteralExpression} */ (lit).elementExpressions.map((e) => /** @type {LiteralValue} */ (literal(ctx, e)));
        case L.Object: {
          const obj = /** @type {ObjectLiteralExpression} */ (lit);
          /** @type {{ [key: string]: LiteralValue }} */
          const o = {};
          obj.names.forEach((n, i) => {
            o[n.text] = /** @type {LiteralValue} */ (literal(ctx, obj.values[i]));
          });
          return o;
        }
      }
    }
  }
  throw new LiteralError(expr, "decorator arguments must be literals (strings, booleans, numbers, arrays, { ... })");
}

/**
 * Parses `@name` / `@name({...})` options, checking the allowed keys; reports misuse and leaves bad keys out.
 * @param {Context} ctx
 * @param {DecoratorNode} d
 * @param {Record<string, OptionSpec>} allowed
 * @returns {Record<string, any>}
 */
export function options(ctx, d, allowed) {
  const name = decoratorName(ctx, d);
  if (!d.args || d.args.length === 0) return {};
  const arg = d.args[0];
  if (d.args.length > 1 || arg.kind !== ctx.K.Literal || /** @type {LiteralExpression} */ (arg).literalKind !== ctx.L.Object) {
    ctx.error(d, `@${name} takes one object argument, e.g. @${name}({ ... })`);
    return {};
  }
  const obj = /** @type {ObjectLiteralExpression} */ (arg);
  /** @type {Record<string, any>} */
  let o;
  try {
    o = /** @type {Record<string, any>} */ (literal(ctx, obj));
  } catch (e) {
    if (!(e instanceof LiteralError)) throw e;
    ctx.error(e.node || d, e.message);
    return {};
  }
  /** @type {Record<string, Expression>} the value node of each key, for errors */
  const nodes = {};
  obj.names.forEach((n, i) => {
    nodes[n.text] = obj.values[i];
  });
  for (const k of Object.keys(o)) {
    if (!(k in allowed)) {
      ctx.error(nodes[k] || d, `unknown argument '${k}' for @${name} (allowed: ${Object.keys(allowed).join(", ")})`);
      delete o[k];
      continue;
    }
    const want = allowed[k];
    const v = o[k];
    let ok;
    if (Array.isArray(want)) ok = want.includes(v);
    else if (want === "string[]") ok = Array.isArray(v) && v.every((x) => typeof x === "string");
    else if (want === "string[][]") ok = Array.isArray(v) && v.every((x) => Array.isArray(x) && x.every((y) => typeof y === "string"));
    else ok = typeof v === want;
    if (!ok) {
      const expected = Array.isArray(want) ? want.map((x) => JSON.stringify(x)).join(" | ") : want;
      ctx.error(nodes[k] || d, `@${name} argument '${k}' must be ${expected}`);
      delete o[k];
    }
  }
  return o;
}

/**
 * "A" or "a.B" of a named type annotation.
 * @param {NamedTypeNode} typeNode
 */
export function typeNameText(typeNode) {
  const parts = [];
  /** @type {import("assemblyscript").TypeName | null} */
  let n = typeNode.name;
  while (n) {
    parts.push(n.identifier.text);
    n = n.next;
  }
  return parts.join(".");
}

/**
 * The non-static fields of a class.
 * @param {Context} ctx
 * @param {ClassDeclaration} cls
 * @returns {FieldDeclaration[]}
 */
export function instanceFields(ctx, cls) {
  const K = ctx.K;
  const F = ctx.F;
  return /** @type {FieldDeclaration[]} */ (cls.members.filter((m) => m.kind === K.FieldDeclaration && !(m.flags & F.Static)));
}
