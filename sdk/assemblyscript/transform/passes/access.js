// @ts-check
// Pass 4, access: infers the tables each reducer and query touches by walking its body (and the user functions it
// calls, by name) for `ctx.tables.<t>`, `ctx.modules.<m>.tables.<t>` and `ctx.nodes.<n>.<m>.tables.<t>`, and how
// (the method called on the handle). Adds them to the explicit access lists. Also checks `ctx.schedule("name", ...)`
// targets.

import { refKey } from "./analyse-functions.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("../model.js").Access} Access
 * @typedef {import("../model.js").TableRef} TableRef
 * @typedef {import("assemblyscript").Node} Node
 * @typedef {import("assemblyscript").Expression} Expression
 * @typedef {import("assemblyscript").CallExpression} CallExpression
 * @typedef {import("assemblyscript").PropertyAccessExpression} PropertyAccessExpression
 * @typedef {import("assemblyscript").IdentifierExpression} IdentifierExpression
 * @typedef {import("assemblyscript").StringLiteralExpression} StringLiteralExpression
 * @typedef {import("assemblyscript").FunctionDeclaration} FunctionDeclaration
 * @typedef {import("assemblyscript").MethodDeclaration} MethodDeclaration
 */

/**
 * Whose table: this module's (ctx.tables), another module's on this node, or a replica of another node's.
 * @typedef {{ node?: string, module?: string }} Owner
 */

/**
 * A `<owner>.tables.<table>` expression and the method called on it (null: the handle is used otherwise).
 * @typedef {{ owner: Owner, table: string, op: string | null, node: Node }} FoundRef
 */

/**
 * @param {Context} ctx
 * @param {Model} m
 */
export function inferAccess(ctx, m) {
  const K = ctx.K;
  /** @type {Map<FunctionDeclaration | MethodDeclaration, { refs: FoundRef[], schedules: CallExpression[] }>} */
  const cache = new Map();
  /**
   * @param {FunctionDeclaration | MethodDeclaration} decl
   * @param {Set<FunctionDeclaration | MethodDeclaration>} stack
   */
  const scan = (decl, stack) => {
    const cached = cache.get(decl);
    if (cached) return cached;
    /** @type {{ refs: FoundRef[], schedules: CallExpression[] }} */
    const found = { refs: [], schedules: [] };
    cache.set(decl, found);
    if (stack.has(decl)) return found;
    stack.add(decl);
    /**
     * @param {any} node an AST node, an array of them, or any other property value
     * @param {Node | null} parent
     * @param {Node | null} grand
     */
    const walk = (node, parent, grand) => {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (const n of node) walk(n, parent, grand);
        return;
      }
      if (typeof node.kind !== "number") return;
      if (node.kind === K.PropertyAccess) {
        const pa = /** @type {PropertyAccessExpression} */ (node);
        const inner = pa.expression;
        if (inner.kind === K.PropertyAccess && /** @type {PropertyAccessExpression} */ (inner).property.text === "tables") {
          const owner = accessOwner(ctx, /** @type {PropertyAccessExpression} */ (inner).expression);
          let op = null;
          if (
            parent &&
            parent.kind === K.PropertyAccess &&
            /** @type {PropertyAccessExpression} */ (parent).expression === node &&
            grand &&
            grand.kind === K.Call &&
            /** @type {CallExpression} */ (grand).expression === parent
          ) {
            op = /** @type {PropertyAccessExpression} */ (parent).property.text;
          }
          found.refs.push({ owner, table: pa.property.text, op, node });
        }
      }
      if (node.kind === K.Call) {
        const call = /** @type {CallExpression} */ (node);
        const callee = call.expression;
        let name = null;
        if (callee.kind === K.Identifier) name = /** @type {IdentifierExpression} */ (callee).text;
        else if (callee.kind === K.PropertyAccess) {
          name = /** @type {PropertyAccessExpression} */ (callee).property.text;
          if ((name === "schedule" || name === "trySchedule") && call.args.length >= 1) found.schedules.push(call);
        }
        const fns = name && m.functions.get(name);
        if (fns) {
          for (const f of fns) {
            const sub = scan(f, stack);
            found.refs.push(...sub.refs);
          }
        }
      }
      for (const key of Object.keys(node)) {
        if (key === "range" || key === "decorators") continue;
        const v = node[key];
        if (v && typeof v === "object") walk(v, node, parent);
      }
    };
    walk(decl.body, null, null);
    stack.delete(decl);
    return found;
  };
  /**
   * Which access lists a use of a local table handle goes to.
   * @param {string | null} op
   * @param {boolean} isQuery
   * @returns {(keyof Access)[]}
   */
  const classify = (op, isQuery) => {
    if (isQuery) return ["reads"];
    if (op === "insert" || op === "tryInsert") return ["inserts"];
    if (op === "update" || op === "tryUpdate") return ["updates"];
    if (op === "delete" || op === "tryDelete" || op === "clear" || op === "tryClear") return ["deletes"];
    if (op === null) return ["reads", "inserts", "updates", "deletes"];
    return ["reads"];
  };
  /** @type {[{ fn: FunctionDeclaration, access: Access }[], boolean][]} */
  const lists = [
    [m.reducers, false],
    [m.queries, true],
  ];
  for (const [list, isQuery] of lists) {
    for (const f of list) {
      const found = scan(f.fn, new Set());
      for (const ref of found.refs) {
        const tr = refFromOwner(m, ref);
        if (!tr) continue;
        const remote = tr.module_selection !== "Current";
        for (const op of remote ? /** @type {(keyof Access)[]} */ (["reads"]) : classify(ref.op, isQuery)) f.access[op].set(refKey(tr), tr);
      }
      for (const call of found.schedules) {
        const a = call.args[0];
        if (a.kind === K.Literal && /** @type {StringLiteralExpression} */ (a).literalKind === ctx.L.String) {
          const target = /** @type {StringLiteralExpression} */ (a).value;
          const r = m.reducersByName.get(target);
          if (!r) ctx.error(a, `schedule: '${target}' is not a reducer of this module`);
          else if (r.args.length)
            ctx.error(a, `schedule: reducer '${target}' takes arguments; scheduled reducers must take only the context`);
        }
      }
    }
  }
}

/**
 * ctx.tables -> local; ctx.modules.<m>.tables -> module; ctx.nodes.<n>.<m>.tables -> node
 * @param {Context} ctx
 * @param {Expression} expr what `.tables` is read from
 * @returns {Owner}
 */
function accessOwner(ctx, expr) {
  const K = ctx.K;
  if (expr.kind === K.PropertyAccess) {
    const pa = /** @type {PropertyAccessExpression} */ (expr);
    const a = pa.expression;
    if (a.kind === K.PropertyAccess && /** @type {PropertyAccessExpression} */ (a).property.text === "modules")
      return { module: pa.property.text };
    if (a.kind === K.PropertyAccess) {
      const aa = /** @type {PropertyAccessExpression} */ (a).expression;
      if (aa.kind === K.PropertyAccess && /** @type {PropertyAccessExpression} */ (aa).property.text === "nodes") {
        return { node: /** @type {PropertyAccessExpression} */ (a).property.text, module: pa.property.text };
      }
    }
  }
  return {};
}

/**
 * The table reference of a found table expression, or null if the table is unknown (the compiler reports it).
 * @param {Model} m
 * @param {FoundRef} ref
 * @returns {TableRef | null}
 */
function refFromOwner(m, ref) {
  const o = ref.owner;
  if (o.node) {
    const nd = m.bindings.nodesByIdent.get(o.node);
    const mod = nd && nd.modulesByIdent.get(/** @type {string} */ (o.module));
    const t = mod && mod.tables.find((x) => x.ident === ref.table);
    if (!nd || !mod || !t) return null;
    return { node_selection: { Other: nd.name }, module_selection: { Other: mod.name }, table_name: t.name };
  }
  if (o.module) {
    const mod = m.bindings.modulesByIdent.get(o.module);
    const t = mod && mod.tables.find((x) => x.ident === ref.table);
    if (!mod || !t) return null;
    return { node_selection: "Current", module_selection: { Other: mod.name }, table_name: t.name };
  }
  if (!m.tablesByName.has(ref.table)) return null;
  return { node_selection: "Current", module_selection: "Current", table_name: ref.table };
}
