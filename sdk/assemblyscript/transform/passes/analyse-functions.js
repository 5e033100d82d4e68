// @ts-check
// Pass 3 (continued), analyse: the @reducer and @query functions: their parameters, results, declared table access
// and the events reducers subscribe to (`on`).

import { options, typeNameText } from "../ast.js";
import { describe } from "../types.js";
import { resolveType } from "./analyse-types.js";
import { INPUT_TYPE_DEFS } from "../input-types.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("../model.js").TypeRef} TypeRef
 * @typedef {import("../model.js").ReturnType} ReturnType
 * @typedef {import("../model.js").Arg} Arg
 * @typedef {import("../model.js").Access} Access
 * @typedef {import("../model.js").Reducer} Reducer
 * @typedef {import("../model.js").Query} Query
 * @typedef {import("../model.js").TableRef} TableRef
 * @typedef {import("../model.js").TableShape} TableShape
 * @typedef {import("../postcard.js").SubscriptionEvent} SubscriptionEvent
 * @typedef {import("assemblyscript").Node} Node
 * @typedef {import("assemblyscript").DecoratorNode} DecoratorNode
 * @typedef {import("assemblyscript").NamedTypeNode} NamedTypeNode
 * @typedef {import("assemblyscript").ObjectLiteralExpression} ObjectLiteralExpression
 */

/**
 * What the reducer/query analysis reads of the model.
 * @typedef {Pick<Model, "decls" | "bindings" | "typesByAs" | "tablesByName" | "module">} FunctionScope
 */

const CORE_EVENTS = /** @type {Record<string, string>} */ ({ init: "Init", load: "Load", connect: "Connect", disconnect: "Disconnect" });
/** The device events: subscription name -> the schema event and the authority whose holder receives it. */
const DEVICE_EVENTS = /** @type {Record<string, { event: string, authority: string }>} */ ({
  render: { event: "Render", authority: "Gpu" },
  input: { event: "Input", authority: "Input" },
});
/** The Module holder's request events: subscription name -> schema event. */
const MODULE_EVENTS = /** @type {Record<string, string>} */ ({ module_load: "ModuleLoad", module_remove: "ModuleRemove" });
const FILE_WATCH = /^\s*(file|file_recursive)\s*:(.*)$/;

/**
 * The SDK event class an authority's subscription delivers (its handler's argument), or null.
 * @param {string} on
 */
function eventClassOf(on) {
  if (on === "network") return "NetworkEvent";
  if (FILE_WATCH.test(on)) return "FileEvent";
  if (Object.hasOwn(MODULE_EVENTS, on)) return "ModuleEvent";
  if (on === "input") return "InputEvent";
  return null;
}

/**
 * The key of a table reference in an access list (one entry per table).
 * @param {TableRef} r
 */
export function refKey(r) {
  /** @param {TableRef["node_selection"]} s */
  const sel = (s) => (s === "Current" ? "" : s.Other);
  return `${sel(r.node_selection)}|${sel(r.module_selection)}|${r.table_name}`;
}

/**
 * @param {Context} ctx
 * @param {FunctionScope} m
 */
export function analyseFunctions(ctx, m) {
  /** @type {Map<string, Reducer>} */
  const reducerNames = new Map();
  /** @type {Map<string, Query>} */
  const queryNames = new Map();
  /** @type {Reducer[]} */
  const reducers = [];
  /** @type {Query[]} */
  const queries = [];
  for (const f of m.decls.functions) {
    const fn = f.decl;
    const name = fn.name.text;
    const isReducer = f.kind === "reducer";
    const o = isReducer
      ? options(ctx, f.d, {
          on: "string",
          migrates: "string",
          reads: "string[]",
          inserts: "string[]",
          updates: "string[]",
          deletes: "string[]",
        })
      : options(ctx, f.d, { reads: "string[]", view: "string" });
    if (fn.typeParameters && fn.typeParameters.length) ctx.error(fn.name, `${f.kind} ${name} cannot be generic`);
    const sig = fn.signature;
    const params = sig.parameters;
    const ctxType = isReducer ? "ReducerContext" : "QueryContext";
    if (
      !params.length ||
      params[0].type.kind !== ctx.K.NamedType ||
      typeNameText(/** @type {NamedTypeNode} */ (params[0].type)) !== ctxType ||
      params[0].type.isNullable
    ) {
      ctx.error(
        params.length ? params[0] : fn.name,
        `the first parameter of ${f.kind} ${name} must be the context: (ctx: ${ctxType}, ...)`,
      );
      continue;
    }
    /** @type {Arg[]} */
    const args = [];
    for (const p of params.slice(1)) {
      if (p.initializer) ctx.error(p, `parameters of ${f.kind} ${name} cannot have default values`);
      if (p.parameterKind !== 0) ctx.error(p, `parameters of ${f.kind} ${name} cannot be optional or rest parameters`);
      const eventClass = isReducer && typeof o.on === "string" ? eventClassOf(o.on) : null;
      if (eventClass && p.type.kind === ctx.K.NamedType && typeNameText(/** @type {NamedTypeNode} */ (p.type)) === eventClass) {
        args.push({ name: p.name.text, type: { k: "event", name: eventClass }, node: p });
        continue;
      }
      const t = resolveType(ctx, m, p.type, `parameter '${p.name.text}' of ${f.kind} ${name}`);
      if (t) args.push({ name: p.name.text, type: t, node: p });
    }
    if (args.length !== params.length - 1) continue;
    const ret = sig.returnType;
    const retName = ret && ret.kind === ctx.K.NamedType ? typeNameText(/** @type {NamedTypeNode} */ (ret)) : "";
    if (isReducer) {
      if (retName !== "void" && retName !== "") ctx.error(ret, `reducer ${name} must return void; use @query to return values`);
      if (reducerNames.has(name)) {
        ctx.error(fn.name, `reducer ${name} is declared twice`);
        continue;
      }
      /** @type {Reducer} */
      const r = { name, fn, args, event: null, migrates: null, access: explicitAccess(ctx, m, o, f.d, true), decl: f };
      if (o.on !== undefined) r.event = parseEvent(ctx, m, o.on, r, f.d);
      if (typeof o.migrates === "string") r.migrates = migrationSource(ctx, r, o.migrates, f.d);
      reducerNames.set(name, r);
      reducers.push(r);
    } else {
      /** @type {ReturnType | null} */
      const returnType = retName === "void" ? { k: "void" } : resolveType(ctx, m, ret, `the result of query ${name}`);
      if (!returnType) continue;
      if (queryNames.has(name)) {
        ctx.error(fn.name, `query ${name} is declared twice`);
        continue;
      }
      /** @type {Query} */
      const q = { name, fn, args, returnType, access: explicitAccess(ctx, m, o, f.d, false), decl: f, view: null };
      if (typeof o.view === "string") q.view = viewOf(ctx, q, o.view, f.d);
      queryNames.set(name, q);
      queries.push(q);
    }
  }
  return { reducers, reducersByName: reducerNames, queries };
}

/**
 * The old table a migration reducer converts (`migrates: "items"`): it takes one argument, a struct class (`@type`)
 * with the old table's columns, and runs once per old row when this version replaces a loaded one (docs/modules.md, Migrations).
 * @param {Context} ctx
 * @param {Reducer} r
 * @param {string} table
 * @param {DecoratorNode} d
 * @returns {string | null}
 */
function migrationSource(ctx, r, table, d) {
  if (r.event) {
    ctx.error(d, `reducer ${r.name}: 'migrates' and 'on' cannot be combined (a migration reducer runs once per old row)`);
    return null;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    ctx.error(d, `reducer ${r.name}: migrates: "${table}" is not a table name`);
    return null;
  }
  if (r.args.length !== 1 || r.args[0].type.k !== "named") {
    ctx.error(
      d,
      `migration reducer ${r.name} takes one argument after the context: the old row, as a @type class with the old table's columns`,
    );
    return null;
  }
  return table;
}

/**
 * The table a view query filters (`@query({ view: "docs" })`): it takes one argument, the row (the table's class, or
 * a struct class (`@type`) with its columns), and returns bool; the node calls it with the requesting node as the caller and sends
 * the row only if it answers true (docs/modules.md, Views).
 * @param {Context} ctx
 * @param {Query} q
 * @param {string} table
 * @param {DecoratorNode} d
 * @returns {string | null}
 */
function viewOf(ctx, q, table, d) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    ctx.error(d, `query ${q.name}: view: "${table}" is not a table name`);
    return null;
  }
  if (q.args.length !== 1 || q.args[0].type.k !== "named") {
    ctx.error(d, `view ${q.name} takes one argument after the context: the row, as the table's class or a @type class with its columns`);
    return null;
  }
  const ret = /** @type {any} */ (q.returnType);
  if (ret.k !== "prim" || ret.name !== "bool") {
    ctx.error(d, `view ${q.name} must return bool (whether the caller may see the row)`);
    return null;
  }
  return table;
}

/**
 * The table access declared in the options (reads, inserts, updates, deletes).
 * @param {Context} ctx
 * @param {FunctionScope} m
 * @param {Record<string, any>} o
 * @param {DecoratorNode} d
 * @param {boolean} isReducer
 * @returns {Access}
 */
function explicitAccess(ctx, m, o, d, isReducer) {
  /** @type {Access} */
  const acc = { reads: new Map(), inserts: new Map(), updates: new Map(), deletes: new Map() };
  for (const op of /** @type {(keyof Access)[]} */ (isReducer ? ["reads", "inserts", "updates", "deletes"] : ["reads"])) {
    for (const spec of o[op] || []) {
      const ref = tableRef(ctx, m, spec, d);
      if (ref) acc[op].set(refKey(ref), ref);
    }
  }
  return acc;
}

/**
 * "table" | "module.table" | "node.module.table" -> ReducerTableRef
 * @param {Context} ctx
 * @param {FunctionScope} m
 * @param {string} spec
 * @param {Node} node
 * @returns {TableRef | null}
 */
function tableRef(ctx, m, spec, node) {
  const parts = spec.split(".");
  if (parts.length === 1 || (parts.length === 2 && parts[0] === m.module.name)) {
    const t = parts[parts.length - 1];
    if (!m.tablesByName.has(t)) {
      ctx.error(node, `unknown table '${t}' in '${spec}' (tables of this module: ${[...m.tablesByName.keys()].join(", ") || "none"})`);
      return null;
    }
    return { node_selection: "Current", module_selection: "Current", table_name: t };
  }
  if (parts.length === 2) {
    const mod = m.bindings.modulesByName.get(parts[0]);
    if (!mod) {
      ctx.error(node, `unknown module '${parts[0]}' in '${spec}' (add its schema to src/bindings)`);
      return null;
    }
    if (!mod.tables.some((t) => t.name === parts[1])) {
      ctx.error(node, `module '${parts[0]}' has no table '${parts[1]}'`);
      return null;
    }
    return { node_selection: "Current", module_selection: { Other: parts[0] }, table_name: parts[1] };
  }
  if (parts.length === 3) {
    if (!m.module.replicated.some((r) => r.node === parts[0] && r.module === parts[1] && r.table === parts[2])) {
      ctx.error(node, `'${spec}' is not a replicated table of this module (declare it in @module({ replicatedTables: [...] }))`);
      return null;
    }
    return { node_selection: { Other: parts[0] }, module_selection: { Other: parts[1] }, table_name: parts[2] };
  }
  ctx.error(node, `bad table reference '${spec}' (use 'table', 'module.table' or 'node.module.table')`);
  return null;
}

/**
 * Same type?
 * @param {TypeRef} a
 * @param {TypeRef} b
 * @returns {boolean}
 */
function sameType(a, b) {
  if (a.k !== b.k) return false;
  const o = /** @type {any} */ (b); // of a's kind
  switch (a.k) {
    case "prim":
      return a.name === o.name;
    case "vec":
      return sameType(a.el, o.el);
    case "opt":
      return a.nullable === o.nullable && sameType(a.el, o.el);
    case "tuple":
      return a.items.length === o.items.length && a.items.every((x, i) => sameType(x, o.items[i]));
    case "named":
      return a.name === o.name && (a.ns || "") === (o.ns || "");
    case "unit":
      return true;
    case "event":
      return a.name === o.name;
  }
  return false;
}

/**
 * The event of `@reducer({ on })`, checking that the reducer takes what the event delivers; sets `r.rowTable` for
 * table events.
 * @param {Context} ctx
 * @param {FunctionScope} m
 * @param {string} on
 * @param {Reducer} r
 * @param {DecoratorNode} d
 * @returns {SubscriptionEvent | null}
 */
function parseEvent(ctx, m, on, r, d) {
  const arg0 = d.args && /** @type {ObjectLiteralExpression} */ (d.args[0]);
  const node = (arg0 && arg0.values && arg0.values[arg0.names.findIndex((n) => n.text === "on")]) || d;
  const args = r.args;
  /**
   * @param {TypeRef[]} types
   * @param {string[]} what
   */
  const expectArgs = (types, what) => {
    const ok = args.length === types.length && args.every((a, i) => sameType(a.type, types[i]));
    if (!ok) {
      const want = types.length ? types.map((t) => describe(t)).join(", ") : "no parameters besides the context";
      ctx.error(
        args.length ? args[0].node : r.fn.name,
        `reducer ${r.name} subscribes to '${on}', so it must take (ctx: ReducerContext${types.length ? ", " : ""}${types.map((t, i) => `${what[i]}: ${describe(t)}`).join(", ")}); ${types.length ? "expected " + want : want}`,
      );
    }
  };
  if (on.includes(":")) {
    const w = FILE_WATCH.exec(on);
    if (!w) {
      ctx.error(node, `unknown event '${on}'; file watches are 'file:<path>' or 'file_recursive:<path>'`);
      return null;
    }
    const path = w[2].trim();
    if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").includes("..")) {
      ctx.error(node, `the path of '${on}' must be relative to the node's file root (no leading '/', no '..', no '\\')`);
      return null;
    }
    if (!m.module.authorities.includes("File")) {
      ctx.error(node, `reducer ${r.name} watches files ('${on}'), which needs the File authority: add authorities: ["File"] to @module`);
      return null;
    }
    expectArgs([{ k: "event", name: "FileEvent" }], ["event"]);
    return { File: { path, recursive: w[1] === "file_recursive" } };
  }
  const segs = on.split(".").map((s) => s.trim());
  if (segs.some((s) => !s)) {
    ctx.error(node, `event '${on}' has an empty segment`);
    return null;
  }
  if (segs.length === 1) {
    const e = segs[0];
    if (e === "network") {
      expectArgs([{ k: "event", name: "NetworkEvent" }], ["event"]);
      return /** @type {SubscriptionEvent} */ ("Network");
    }
    if (e === "audio_output" || e === "audio_input") {
      if (!m.module.authorities.includes("Audio")) {
        ctx.error(node, `reducer ${r.name} handles '${e}', which needs the Audio authority: add authorities: ["Audio"] to @module`);
        return null;
      }
      if (e === "audio_output") {
        expectArgs([], []);
        return /** @type {SubscriptionEvent} */ ("AudioOutput");
      }
      const f32 = /** @type {TypeRef} */ ({ k: "prim", name: "f32" });
      expectArgs(
        [
          { k: "prim", name: "u64" },
          { k: "vec", el: { k: "vec", el: f32 } },
        ],
        ["streamId", "data"],
      );
      return /** @type {SubscriptionEvent} */ ("AudioInput");
    }
    if (Object.hasOwn(MODULE_EVENTS, e)) {
      if (!m.module.authorities.includes("Module")) {
        ctx.error(
          node,
          `reducer ${r.name} handles '${e}' requests, which needs the Module authority: add authorities: ["Module"] to @module`,
        );
        return null;
      }
      // the event, or nothing (as upstream's module_manager)
      if (args.length) expectArgs([{ k: "event", name: "ModuleEvent" }], ["event"]);
      return /** @type {SubscriptionEvent} */ (MODULE_EVENTS[e]);
    }
    if (Object.hasOwn(DEVICE_EVENTS, e)) {
      const { event, authority } = DEVICE_EVENTS[e];
      if (!m.module.authorities.includes(authority)) {
        ctx.error(
          node,
          `reducer ${r.name} handles '${e}' events, which only the ${authority} authority's holder receives: add authorities: ["${authority}"] to @module`,
        );
        return null;
      }
      // render: once per frame, no arguments (upstream's Render); input: one InputEvent per call
      if (e === "input") {
        expectArgs([{ k: "event", name: "InputEvent" }], ["event"]);
        // the schema declares InputEvent and the types it names (so the node sends the window events)
        for (const t of Object.keys(INPUT_TYPE_DEFS)) {
          const own = m.typesByAs.get(t);
          if (own)
            ctx.error(
              own.decl.name,
              `type ${t} clashes with upstream's input type of that name, which the schema declares for reducer ${r.name}: rename it`,
            );
        }
      } else expectArgs([], []);
      return /** @type {SubscriptionEvent} */ (event);
    }
    if (e in CORE_EVENTS) {
      if (e === "connect" || e === "disconnect") expectArgs([{ k: "prim", name: "string" }], ["nodeId"]);
      else expectArgs([], []);
      return /** @type {SubscriptionEvent} */ (CORE_EVENTS[e]);
    }
    ctx.error(
      node,
      `unknown event '${on}'; expected init, load, connect, disconnect, '<table>.<insert|update|delete>', '<module>.<table>.<event>' or '<node>.<module>.<table>.<event>'`,
    );
    return null;
  }
  if (segs.length > 4) {
    ctx.error(node, `unknown event '${on}'`);
    return null;
  }
  const ev = segs[segs.length - 1];
  if (ev === "sync" && segs.length === 4) {
    // the first full synchronisation of a replica in this run (upstream ReplicaSync): no parameters
    const [nodeName, moduleName, tableName] = segs;
    if (!m.module.replicated.some((x) => x.node === nodeName && x.module === moduleName && x.table === tableName)) {
      ctx.error(
        node,
        `'${on}' needs the table to be replicated: @module({ replicatedTables: ["${nodeName}.${moduleName}.${tableName}"] })`,
      );
      return null;
    }
    expectArgs([], []);
    return /** @type {SubscriptionEvent} */ ({ ReplicaSync: { node_name: nodeName, module_name: moduleName, table_name: tableName } });
  }
  if (!["insert", "update", "delete"].includes(ev)) {
    ctx.error(node, `unknown table event '${ev}' in '${on}'; expected insert, update, delete or (a replica) sync`);
    return null;
  }
  /** @type {TypeRef & { k: "named", table: TableShape }} */
  let rowType;
  /** @type {TableRef["node_selection"]} */
  let nodeSel = "Current";
  /** @type {string} */
  let moduleName;
  /** @type {string} */
  let tableName;
  if (segs.length === 2 || (segs.length === 3 && segs[0] === m.module.name)) {
    tableName = segs[segs.length - 2];
    moduleName = m.module.name;
    const t = m.tablesByName.get(tableName);
    if (!t) {
      ctx.error(
        node,
        `unknown table '${tableName}' in '${on}' (tables of this module: ${[...m.tablesByName.keys()].join(", ") || "none"})`,
      );
      return null;
    }
    rowType = { k: "named", name: t.typeName, as: t.as, ns: "", table: t, display: t.def.asName };
  } else if (segs.length === 3) {
    [moduleName, tableName] = segs;
    const mod = m.bindings.modulesByName.get(moduleName);
    if (!mod) {
      ctx.error(
        node,
        `unknown module '${moduleName}' in '${on}': it is neither this module ('${m.module.name}') nor described in src/bindings`,
      );
      return null;
    }
    const t = mod.tables.find((x) => x.name === tableName);
    if (!t) {
      ctx.error(node, `module '${moduleName}' has no table '${tableName}'`);
      return null;
    }
    rowType = { k: "named", name: t.typeName, as: t.as, ns: t.ns, table: t, display: t.display };
  } else {
    let nodeName;
    [nodeName, moduleName, tableName] = segs;
    const nd = m.bindings.nodesByName.get(nodeName);
    if (!nd) {
      ctx.error(node, `unknown node '${nodeName}' in '${on}' (add the node's schema to src/bindings)`);
      return null;
    }
    const mod = nd.modules.find((x) => x.name === moduleName);
    if (!mod) {
      ctx.error(node, `node '${nodeName}' has no module '${moduleName}' in its binding`);
      return null;
    }
    const t = mod.tables.find((x) => x.name === tableName);
    if (!t) {
      ctx.error(node, `module '${moduleName}' on node '${nodeName}' has no table '${tableName}'`);
      return null;
    }
    if (!m.module.replicated.some((x) => x.node === nodeName && x.module === moduleName && x.table === tableName)) {
      ctx.error(
        node,
        `subscribing to '${on}' needs the table to be replicated: @module({ replicatedTables: ["${nodeName}.${moduleName}.${tableName}"] })`,
      );
      return null;
    }
    nodeSel = { Other: nodeName };
    rowType = { k: "named", name: t.typeName, as: t.as, ns: t.ns, table: t, display: t.display };
  }
  if (ev === "update") expectArgs([rowType, rowType], ["oldRow", "newRow"]);
  else expectArgs([rowType], [ev === "insert" ? "insertedRow" : "deletedRow"]);
  r.rowTable = rowType.table;
  const kind = ev[0].toUpperCase() + ev.slice(1);
  return /** @type {SubscriptionEvent} */ ({ [kind]: { node_selection: nodeSel, module_name: moduleName, table_name: tableName } });
}
