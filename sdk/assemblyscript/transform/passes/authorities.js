// @ts-check
// Pass 4b, authorities: a module that uses an authority's context handle (`ctx.file`, ...) must declare that
// authority in @module({ authorities: [...] }); otherwise the build fails at the use, with file:line:col. Every user
// function and method is checked: a handle is a property of a parameter typed ReducerContext or QueryContext.

import { typeNameText } from "../ast.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("assemblyscript").PropertyAccessExpression} PropertyAccessExpression
 * @typedef {import("assemblyscript").IdentifierExpression} IdentifierExpression
 * @typedef {import("assemblyscript").NamedTypeNode} NamedTypeNode
 */

/** Which authority each context property needs (one entry per authority's handle). */
export const AUTHORITY_OF_PROPERTY = /** @type {Record<string, string>} */ ({
  file: "File",
  network: "Network",
  module: "Module",
  gpu: "Gpu",
  audio: "Audio",
});

const CONTEXTS = new Set(["ReducerContext", "QueryContext"]);

/**
 * @param {Context} ctx
 * @param {Model} m
 */
export function checkAuthorities(ctx, m) {
  const K = ctx.K;
  const declared = new Set(m.module.authorities);
  for (const decls of m.functions.values()) {
    for (const decl of decls) {
      const names = new Set(
        decl.signature.parameters
          .filter((p) => p.type.kind === K.NamedType && CONTEXTS.has(typeNameText(/** @type {NamedTypeNode} */ (p.type))))
          .map((p) => p.name.text),
      );
      if (names.size) walk(decl.body);
      /** @param {any} node an AST node, an array of them, or any other property value */
      function walk(node) {
        if (!node || typeof node !== "object") return;
        if (Array.isArray(node)) {
          for (const n of node) walk(n);
          return;
        }
        if (typeof node.kind !== "number") return;
        if (node.kind === K.PropertyAccess) {
          const pa = /** @type {PropertyAccessExpression} */ (node);
          const prop = pa.property.text;
          const needed = Object.hasOwn(AUTHORITY_OF_PROPERTY, prop) ? AUTHORITY_OF_PROPERTY[prop] : null;
          if (
            needed &&
            pa.expression.kind === K.Identifier &&
            names.has(/** @type {IdentifierExpression} */ (pa.expression).text) &&
            !declared.has(needed)
          )
            ctx.error(
              pa.property,
              `${/** @type {IdentifierExpression} */ (pa.expression).text}.${pa.property.text} needs the ${needed} authority: add authorities: ["${needed}"] to @module`,
            );
        }
        for (const key of Object.keys(node)) {
          if (key === "range" || key === "decorators") continue;
          const v = node[key];
          if (v && typeof v === "object") walk(v);
        }
      }
    }
  }
}
