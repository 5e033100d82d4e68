// @ts-check
// Pass 6 (continued), codegen: the typed handles on the modules and nodes of src/bindings: their types in the global
// namespace `bindings`, reducer and query calls, read handles on their tables, and the objects behind ctx.modules
// and ctx.nodes.

import { asType } from "../types.js";
import { tableHandle } from "./codegen-tables.js";

/**
 * @typedef {import("../model.js").Bindings} Bindings
 * @typedef {import("../model.js").BoundModule} BoundModule
 * @typedef {import("../model.js").BindingCall} BindingCall
 * @typedef {import("../model.js").BindingTypeDef} BindingTypeDef
 * @typedef {import("../model.js").Field} Field
 * @typedef {import("../model.js").TypeRef} TypeRef
 * @typedef {import("../codec.js").CodecGen} CodecGen
 */

/**
 * @param {Bindings} b
 * @param {CodecGen} codec
 * @returns {string[]}
 */
export function bindingsGlue(b, codec) {
  const out = [];
  const all = [...b.modules, ...b.nodes.flatMap((n) => n.modules)];
  // All binding types live in one global namespace: bindings.<module>.T / bindings.<node>.<module>.T
  /** @param {BoundModule} m */
  const modNs = (m) => `export namespace ${m.ident} { ${[...m.defs.values()].map(classCode).join(" ")} }`;
  const parts = b.modules.map(modNs);
  for (const n of b.nodes) parts.push(`export namespace ${n.ident} { ${n.modules.map(modNs).join(" ")} }`);
  if (parts.length) out.push(`@global namespace bindings { ${parts.join(" ")} }`);
  for (const m of all) {
    const id = m.node ? `${m.node.ident}__${m.ident}` : m.ident;
    out.push(`class __InterR_${id} { ${m.reducers.map((r) => callCode(codec, m, false, r)).join(" ")} }`);
    out.push(`class __InterQ_${id} { ${m.queries.map((q) => callCode(codec, m, true, q)).join(" ")} }`);
    const tfields = [];
    for (const t of m.tables) {
      const hostTable = m.node ? `__replica__${san(m.node.name)}__${san(m.name)}__${san(t.name)}` : t.name;
      const moduleSel = m.node ? "" : m.name;
      out.push(...tableHandle(codec, t, moduleSel, hostTable, false, `${id}__`));
      tfields.push(`${t.ident}: __InterReadTable_${id}__${t.name} = new __InterReadTable_${id}__${t.name}();`);
    }
    out.push(`class __InterT_${id} { ${tfields.join(" ")} }`);
    out.push(
      `class __InterM_${id} { reducers: __InterR_${id} = new __InterR_${id}(); queries: __InterQ_${id} = new __InterQ_${id}(); tables: __InterT_${id} = new __InterT_${id}(); }`,
    );
    out.push(`class __InterQM_${id} { queries: __InterQ_${id} = new __InterQ_${id}(); tables: __InterT_${id} = new __InterT_${id}(); }`);
  }
  /** @param {string} q "" (reducer contexts) or "Q" (query contexts: no reducers) */
  const modFields = (q) => b.modules.map((m) => `${m.ident}: __Inter${q}M_${m.ident} = new __Inter${q}M_${m.ident}();`).join(" ");
  out.push(`@global class __InterModules { ${modFields("")} }`);
  out.push(`@global class __InterQueryModules { ${modFields("Q")} }`);
  for (const n of b.nodes) {
    /** @param {string} q */
    const f = (q) =>
      n.modules.map((m) => `${m.ident}: __Inter${q}M_${n.ident}__${m.ident} = new __Inter${q}M_${n.ident}__${m.ident}();`).join(" ");
    out.push(`class __InterNode_${n.ident} { ${f("")} }`);
    out.push(`class __InterQNode_${n.ident} { ${f("Q")} }`);
  }
  out.push(
    `@global class __InterNodes { ${b.nodes.map((n) => `${n.ident}: __InterNode_${n.ident} = new __InterNode_${n.ident}();`).join(" ")} }`,
  );
  out.push(
    `@global class __InterQueryNodes { ${b.nodes.map((n) => `${n.ident}: __InterQNode_${n.ident} = new __InterQNode_${n.ident}();`).join(" ")} }`,
  );
  out.push("@global const __interstice_modules = new __InterModules();");
  out.push("@global const __interstice_query_modules = new __InterQueryModules();");
  out.push("@global const __interstice_nodes = new __InterNodes();");
  out.push("@global const __interstice_query_nodes = new __InterQueryNodes();");
  return out;
}

/**
 * The class of a binding type (a struct: constructor properties; an enum: one property per variant and `tag`).
 * @param {BindingTypeDef} d
 */
function classCode(d) {
  if (d.kind === "enum") {
    const variants = /** @type {Field[]} */ (d.variants);
    const fields = variants.map((v) => `${v.prop}: ${asType(v.type)} = ${zeroOf(v.type)};`);
    return `export class ${d.name} { ${fields.join(" ")} constructor(public tag: string = ${JSON.stringify(variants.length ? variants[0].name : "")}) {} }`;
  }
  return `export class ${d.name} { constructor(${/** @type {Field[]} */ (d.fields).map((f) => `public ${f.prop}: ${asType(f.type)}`).join(", ")}) {} }`;
}

/**
 * A typed call of a bound module's reducer (returns the error or null) or query (returns a Result).
 * @param {CodecGen} codec
 * @param {BoundModule} m
 * @param {boolean} isQuery
 * @param {BindingCall} x
 */
function callCode(codec, m, isQuery, x) {
  const nodeSel = JSON.stringify(m.node ? m.node.name : "");
  const params = x.args.map((a) => `${safeIdent(a.name)}: ${asType(a.type)}`).join(", ");
  const encs = x.args.map((a) => codec.enc(a.type, safeIdent(a.name), "w", `argument ${a.name}`)).join(" ");
  const begin = `__g.beginCall(${isQuery}, ${nodeSel}, ${JSON.stringify(m.name)}, ${JSON.stringify(x.name)}, ${x.args.length}); const w = __g.W; ${encs}`;
  if (!isQuery) return `${x.name}(${params}): string | null { ${begin} return __g.finishReducerCall(); }`;
  const rt = /** @type {NonNullable<BindingCall["returnType"]>} */ (x.returnType);
  const T = rt.k === "void" ? "bool" : asType(rt);
  const dec =
    rt.k === "void"
      ? `__g.rdVoid(r); const v = true;`
      : `__g.setDecodeContext(${JSON.stringify(`the result of ${m.name}.${x.name}`)}); const v = ${codec.dec(rt, "r")}; __g.setDecodeContext("");`;
  return `${x.name}(${params}): __g.Result<${T}> { ${begin} const r = __g.finishQueryCall(); if (r == null) return __g.errResult<${T}>(__g.lastError); ${dec} __g.endHostCall(); return __g.okResult<${T}>(v); }`;
}

/** @param {string} s */
function san(s) {
  return s.replace(/[-.]/g, "_");
}

const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "let",
  "static",
  "yield",
  "await",
]);

/**
 * A parameter name that is a keyword gets a trailing _.
 * @param {string} name
 */
function safeIdent(name) {
  return RESERVED.has(name) ? `${name}_` : name;
}

/**
 * The initial value of an enum variant's property.
 * @param {TypeRef} t
 */
function zeroOf(t) {
  if (t.k === "prim") return t.name === "string" ? `""` : t.name === "bool" ? "false" : "0";
  if (t.k === "opt" && t.nullable) return "null";
  return `changetype<${asType(t)}>(0)`;
}
