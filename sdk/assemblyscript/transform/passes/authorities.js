// @ts-check
// Pass 4b, authorities: a module that uses an authority's handle on the reducer context (`ctx.network`) must declare
// that authority in @module({ authorities: [...] }); otherwise the build fails where the handle is used.

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("assemblyscript").PropertyAccessExpression} PropertyAccessExpression
 * @typedef {import("assemblyscript").IdentifierExpression} IdentifierExpression
 * @typedef {import("assemblyscript").NamedTypeNode} NamedTypeNode
 */

/** The reducer context's property -> the authority it needs. */
export const CONTEXT_AUTHORITIES = /** @type {Record<string, string>} */ ({ network: "Network" });

/**
 * @param {Context} ctx
 * @param {Model} m
 */
export function checkAuthorities(ctx, m) {
  const K = ctx.K;
  const declared = new Set(m.module.authorities);
  /**
   * @param {any} node an AST node, an array of them, or any other property value
   * @param {Set<string>} contexts names of the ReducerContext parameters in scope
   */
  const walk = (node, contexts) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, contexts);
      return;
    }
    if (typeof node.kind !== "number") return;
    let inner = contexts;
    if ((node.kind === K.FunctionDeclaration || node.kind === K.MethodDeclaration) && node.signature) {
      inner = new Set(contexts);
      for (const p of node.signature.parameters) {
        const t = /** @type {NamedTypeNode} */ (p.type);
        if (t && t.kind === K.NamedType && t.name.identifier.text === "ReducerContext") inner.add(p.name.text);
      }
    }
    if (node.kind === K.PropertyAccess) {
      const pa = /** @type {PropertyAccessExpression} */ (node);
      const authority = CONTEXT_AUTHORITIES[pa.property.text];
      if (
        authority &&
        pa.expression.kind === K.Identifier &&
        inner.has(/** @type {IdentifierExpression} */ (pa.expression).text) &&
        !declared.has(authority)
      )
        ctx.error(
          pa.property,
          `ctx.${pa.property.text} needs the ${authority} authority: declare it with @module({ authorities: ["${authority}"] })`,
        );
    }
    for (const key of Object.keys(node)) if (key !== "range" && key !== "parent") walk(node[key], inner);
  };
  for (const s of m.userSources) walk(s.statements, new Set());
}
