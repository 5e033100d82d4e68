// Bindings: src/bindings/*.toml -> typed AssemblyScript handles on other modules and nodes.
//
// A binding file is either (upstream format, written by `interstice bindings add ...`):
//   - a module schema (TOML of ModuleSchema): a module on the same node  -> ctx.modules.<module>
//   - a node schema (name, address, [[modules]]): modules of another node -> ctx.nodes.<node>.<module>
// For each module the glue gets a namespace with its types (row classes of its tables, its @type
// structs/enums), e.g. `bindings.hello_example.Greetings`, or `bindings.node.module.Greetings`.

import fs from "node:fs";
import path from "node:path";
import { parseToml } from "./toml.js";
import { asType, schemaType } from "./types.js";

const PRIM_OF = { U8: "u8", U32: "u32", U64: "u64", I32: "i32", I64: "i64", F32: "f32", F64: "f64", Bool: "bool", String: "string" };

export function identOf(name) {
  return name.trim().toLowerCase().replace(/[^a-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
}

export function loadBindings(gen) {
  const b = new Bindings(gen);
  const dir = path.join(gen.project.dir, "src", "bindings");
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith(".toml")) continue;
      const file = path.join(dir, f);
      const rel = path.relative(path.resolve(gen.baseDir), file).split(path.sep).join("/");
      let doc;
      try {
        doc = parseToml(fs.readFileSync(file, "utf8"));
      } catch (e) {
        gen.errors.push(`${rel}:${e.line || 1}:1: error: cannot parse binding: ${e.message}`);
        continue;
      }
      try {
        if (Array.isArray(doc.modules) && typeof doc.address === "string") b.addNode(doc, rel);
        else if (typeof doc.abi_version === "number") b.addModule(doc, rel, null);
        else gen.errors.push(`${rel}:1:1: error: not a module schema (abi_version, name, ...) nor a node schema (name, address, [[modules]])`);
      } catch (e) {
        gen.errors.push(`${rel}:1:1: error: bad binding: ${e.message}`);
      }
    }
  }
  b.finish();
  return b;
}

class Bindings {
  constructor(gen) {
    this.gen = gen;
    this.modules = []; // local modules
    this.nodes = [];
    this.modulesByName = new Map();
    this.modulesByIdent = new Map();
    this.nodesByName = new Map();
    this.nodesByIdent = new Map();
    this.typesByAs = new Map(); // "ns.Type" -> def
    this.defsByNs = new Map(); // ns -> Map(name -> def)
  }

  /** IntersticeType (serde JSON shape) -> type ref within namespace `ns`. */
  ref(t, ns, where) {
    if (typeof t === "string") {
      if (t in PRIM_OF) return { k: "prim", name: PRIM_OF[t] };
      if (t === "Void") return { k: "unit" };
      throw new Error(`${where}: unknown type ${t}`);
    }
    const [k] = Object.keys(t || {});
    if (k === "Vec") return { k: "vec", el: this.ref(t.Vec, ns, where) };
    if (k === "Option") {
      const el = this.ref(t.Option, ns, where);
      const isRef = el.k === "vec" || el.k === "tuple" || el.k === "named" || (el.k === "prim" && el.name === "string");
      return { k: "opt", el, nullable: isRef };
    }
    if (k === "Tuple") {
      if (t.Tuple.length < 2 || t.Tuple.length > 4) throw new Error(`${where}: tuples of ${t.Tuple.length} elements are not supported (2 to 4)`);
      return { k: "tuple", items: t.Tuple.map((x) => this.ref(x, ns, where)) };
    }
    if (k === "Named") return { k: "named", name: t.Named, as: `${ns}.${t.Named}`, ns, display: `${ns}.${t.Named}` };
    throw new Error(`${where}: bad type ${JSON.stringify(t)}`);
  }

  addModule(s, file, node) {
    const name = String(s.name);
    const ident = identOf(name);
    const ns = node ? `bindings.${node.ident}.${ident}` : `bindings.${ident}`;
    const m = { name, ident, ns, file, node, version: s.version || { major: 0, minor: 0, patch: 0 }, tables: [], reducers: [], queries: [], defs: new Map() };
    const where = `${file} (module ${name})`;
    for (const [key, d] of Object.entries(s.type_definitions || {})) {
      if (d.Struct) {
        m.defs.set(key, { kind: "struct", name: d.Struct.name, as: `${ns}.${d.Struct.name}`, ns, schemaDef: d, fields: (d.Struct.fields || []).map((f) => ({ name: f.name, prop: f.name, type: this.ref(f.field_type, ns, where) })) });
      } else if (d.Enum) {
        m.defs.set(key, { kind: "enum", name: d.Enum.name, as: `${ns}.${d.Enum.name}`, ns, schemaDef: d, variants: (d.Enum.variants || []).map((v) => ({ name: v.name, prop: v.name, type: this.ref(v.field_type, ns, where) })) });
      }
    }
    for (const t of s.tables || []) {
      if (t.visibility && t.visibility !== "Public" && node) continue;
      const pk = { name: t.primary_key.name, prop: t.primary_key.name, type: this.ref(t.primary_key.field_type, ns, where) };
      const entries = (t.fields || []).map((f) => ({ name: f.name, prop: f.name, type: this.ref(f.field_type, ns, where) }));
      if (!m.defs.has(t.type_name)) {
        // The row class: primary key first, then the other fields (like the upstream table struct).
        m.defs.set(t.type_name, { kind: "struct", name: t.type_name, as: `${ns}.${t.type_name}`, ns, schemaDef: { Struct: { name: t.type_name, fields: [t.primary_key, ...(t.fields || [])] } }, fields: [pk, ...entries] });
      }
      const fieldByName = new Map(entries.map((f) => [f.name, f]));
      m.tables.push({
        name: t.name,
        ident: t.name,
        typeName: t.type_name,
        as: `${ns}.${t.type_name}`,
        ns,
        display: `${ns}.${t.type_name}`,
        visibility: t.visibility || "Private",
        pk,
        entries,
        indexes: (t.indexes || []).filter((i) => fieldByName.has(i.field_name)).map((i) => ({ field: fieldByName.get(i.field_name), type: i.index_type, unique: !!i.unique, autoInc: !!i.auto_inc })),
      });
    }
    const subscribers = new Set((s.subscriptions || []).map((x) => x.reducer_name));
    for (const r of s.reducers || []) {
      if (subscribers.has(r.name)) continue; // subscription handlers cannot be called
      m.reducers.push({ name: r.name, args: (r.arguments || []).map((a) => ({ name: a.name, type: this.ref(a.field_type, ns, where) })) });
    }
    for (const q of s.queries || []) {
      const rt = q.return_type === "Void" || q.return_type === undefined ? { k: "void" } : this.ref(q.return_type, ns, where);
      m.queries.push({ name: q.name, args: (q.arguments || []).map((a) => ({ name: a.name, type: this.ref(a.field_type, ns, where) })), returnType: rt });
    }
    this.defsByNs.set(ns, m.defs);
    for (const d of m.defs.values()) this.typesByAs.set(d.as, d);
    if (node) {
      node.modules.push(m);
      node.modulesByIdent.set(ident, m);
    } else {
      if (this.modulesByName.has(name)) throw new Error(`module ${name} is described twice in src/bindings`);
      this.modules.push(m);
      this.modulesByName.set(name, m);
      this.modulesByIdent.set(ident, m);
    }
    return m;
  }

  addNode(doc, file) {
    const name = String(doc.name);
    const node = { name, ident: identOf(name), address: String(doc.address), file, modules: [], modulesByIdent: new Map() };
    if (this.nodesByName.has(name)) throw new Error(`node ${name} is described twice in src/bindings`);
    this.nodes.push(node);
    this.nodesByName.set(name, node);
    this.nodesByIdent.set(node.ident, node);
    for (const m of doc.modules) this.addModule(m, file, node);
  }

  finish() {
    for (const n of this.nodes) {
      if (this.modulesByIdent.has(n.ident)) {
        this.gen.errors.push(`${n.file}:1:1: error: node '${n.name}' and module '${this.modulesByIdent.get(n.ident).name}' have the same identifier '${n.ident}' in the bindings`);
      }
    }
  }

  typeDef(t) {
    const defs = this.defsByNs.get(t.ns);
    return defs && defs.get(t.name);
  }

  // ---- code generation ----------------------------------------------------------------------

  classCode(d) {
    if (d.kind === "enum") {
      const fields = d.variants.map((v) => `${v.prop}: ${asType(v.type)} = ${zeroOf(v.type)};`);
      return `export class ${d.name} { ${fields.join(" ")} constructor(public tag: string = ${JSON.stringify(d.variants.length ? d.variants[0].name : "")}) {} }`;
    }
    return `export class ${d.name} { constructor(${d.fields.map((f) => `public ${f.prop}: ${asType(f.type)}`).join(", ")}) {} }`;
  }

  callCode(codec, m, isQuery, x) {
    const nodeSel = JSON.stringify(m.node ? m.node.name : "");
    const params = x.args.map((a) => `${safeIdent(a.name)}: ${asType(a.type)}`).join(", ");
    const encs = x.args.map((a) => codec.enc(a.type, safeIdent(a.name), "w", `argument ${a.name}`)).join(" ");
    const begin = `__g.beginCall(${isQuery}, ${nodeSel}, ${JSON.stringify(m.name)}, ${JSON.stringify(x.name)}, ${x.args.length}); const w = __g.W; ${encs}`;
    if (!isQuery) return `${x.name}(${params}): string | null { ${begin} return __g.finishReducerCall(); }`;
    const rt = x.returnType;
    const T = rt.k === "void" ? "bool" : asType(rt);
    const dec = rt.k === "void" ? `__g.rdVoid(r); const v = true;` : `__g.setDecodeContext(${JSON.stringify(`the result of ${m.name}.${x.name}`)}); const v = ${codec.dec(rt, "r")}; __g.setDecodeContext("");`;
    return `${x.name}(${params}): __g.Result<${T}> { ${begin} const r = __g.finishQueryCall(); if (r == null) return __g.errResult<${T}>(__g.lastError); ${dec} __g.endHostCall(); return __g.okResult<${T}>(v); }`;
  }

  generate(codec) {
    const gen = this.gen;
    const out = [];
    const all = [...this.modules, ...this.nodes.flatMap((n) => n.modules)];
    // All binding types live in one global namespace: bindings.<module>.T / bindings.<node>.<module>.T
    const modNs = (m) => `export namespace ${m.ident} { ${[...m.defs.values()].map((d) => this.classCode(d)).join(" ")} }`;
    const parts = this.modules.map(modNs);
    for (const n of this.nodes) parts.push(`export namespace ${n.ident} { ${n.modules.map(modNs).join(" ")} }`);
    if (parts.length) out.push(`@global namespace bindings { ${parts.join(" ")} }`);
    for (const m of all) {
      const id = m.node ? `${m.node.ident}__${m.ident}` : m.ident;
      out.push(`class __InterR_${id} { ${m.reducers.map((r) => this.callCode(codec, m, false, r)).join(" ")} }`);
      out.push(`class __InterQ_${id} { ${m.queries.map((q) => this.callCode(codec, m, true, q)).join(" ")} }`);
      const tfields = [];
      for (const t of m.tables) {
        const hostTable = m.node ? `__replica__${san(m.node.name)}__${san(m.name)}__${san(t.name)}` : t.name;
        const moduleSel = m.node ? "" : m.name;
        out.push(...gen.tableHandle(codec, t, moduleSel, hostTable, false, `${id}__`));
        tfields.push(`${t.ident}: __InterReadTable_${id}__${t.name} = new __InterReadTable_${id}__${t.name}();`);
      }
      out.push(`class __InterT_${id} { ${tfields.join(" ")} }`);
      out.push(`class __InterM_${id} { reducers: __InterR_${id} = new __InterR_${id}(); queries: __InterQ_${id} = new __InterQ_${id}(); tables: __InterT_${id} = new __InterT_${id}(); }`);
      out.push(`class __InterQM_${id} { queries: __InterQ_${id} = new __InterQ_${id}(); tables: __InterT_${id} = new __InterT_${id}(); }`);
    }
    const modFields = (q) => this.modules.map((m) => `${m.ident}: __Inter${q}M_${m.ident} = new __Inter${q}M_${m.ident}();`).join(" ");
    out.push(`@global class __InterModules { ${modFields("")} }`);
    out.push(`@global class __InterQueryModules { ${modFields("Q")} }`);
    for (const n of this.nodes) {
      const f = (q) => n.modules.map((m) => `${m.ident}: __Inter${q}M_${n.ident}__${m.ident} = new __Inter${q}M_${n.ident}__${m.ident}();`).join(" ");
      out.push(`class __InterNode_${n.ident} { ${f("")} }`);
      out.push(`class __InterQNode_${n.ident} { ${f("Q")} }`);
    }
    out.push(`@global class __InterNodes { ${this.nodes.map((n) => `${n.ident}: __InterNode_${n.ident} = new __InterNode_${n.ident}();`).join(" ")} }`);
    out.push(`@global class __InterQueryNodes { ${this.nodes.map((n) => `${n.ident}: __InterQNode_${n.ident} = new __InterQNode_${n.ident}();`).join(" ")} }`);
    out.push("@global const __interstice_modules = new __InterModules();");
    out.push("@global const __interstice_query_modules = new __InterQueryModules();");
    out.push("@global const __interstice_nodes = new __InterNodes();");
    out.push("@global const __interstice_query_nodes = new __InterQueryNodes();");
    void schemaType;
    return out;
  }
}

function san(s) {
  return s.replace(/[-.]/g, "_");
}

const RESERVED = new Set(["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "let", "static", "yield", "await"]);

function safeIdent(name) {
  return RESERVED.has(name) ? `${name}_` : name;
}

function zeroOf(t) {
  if (t.k === "prim") return t.name === "string" ? `""` : t.name === "bool" ? "false" : "0";
  if (t.k === "opt" && t.nullable) return "null";
  return `changetype<${asType(t)}>(0)`;
}
