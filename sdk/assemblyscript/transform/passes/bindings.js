// @ts-check
// Pass 2, bindings: reads src/bindings/*.toml into typed descriptions of other modules and nodes.
//
// A binding file is either (upstream format, written by `interstice bindings add ...`):
//   - a module schema (TOML of ModuleSchema): a module on the same node  -> ctx.modules.<module>
//   - a node schema (name, address, [[modules]]): modules of another node -> ctx.nodes.<node>.<module>
// For each module the glue gets a namespace with its types (row classes of its tables, its @type
// structs/enums), e.g. `bindings.hello_example.Greetings`, or `bindings.node.module.Greetings`.

import fs from "node:fs";
import path from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Project} Project
 * @typedef {import("../model.js").TypeRef} TypeRef
 * @typedef {import("../model.js").ReturnType} ReturnType
 * @typedef {import("../model.js").Field} Field
 * @typedef {import("../model.js").BoundModule} BoundModule
 * @typedef {import("../model.js").BoundNode} BoundNode
 * @typedef {import("../model.js").BindingTypeDef} BindingTypeDef
 */

const PRIM_OF = /** @type {Record<string, string>} */ ({
  U8: "u8",
  U32: "u32",
  U64: "u64",
  I32: "i32",
  I64: "i64",
  F32: "f32",
  F64: "f64",
  Bool: "bool",
  String: "string",
});

/**
 * The identifier of a module or node name in the glue ("greeter-node" -> greeter_node).
 * @param {string} name
 */
export function identOf(name) {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .replace(/^(\d)/, "_$1");
}

/**
 * Parses a binding file's TOML (TOML 1.1, smol-toml). Throws a BindingSyntaxError saying where it stopped.
 * @param {string} text
 * @returns {Record<string, any>}
 */
export function parseBindingToml(text) {
  try {
    return parseToml(text);
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    // the parser's message is "Invalid TOML document: <reason>" followed by an excerpt of the file
    const reason = e.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    throw new BindingSyntaxError(reason, e.line, e.column);
  }
}

/** A binding file that is not valid TOML. */
export class BindingSyntaxError extends Error {
  /**
   * @param {string} message
   * @param {number} line
   * @param {number} column
   */
  constructor(message, line, column) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/**
 * Reads every src/bindings/*.toml of the project (in name order); reports unreadable or malformed files.
 * @param {Context} ctx
 * @param {Project} project
 */
export function loadBindings(ctx, project) {
  const b = new Bindings();
  const dir = path.join(project.dir, "src", "bindings");
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith(".toml")) continue;
      const file = path.join(dir, f);
      const rel = path.relative(path.resolve(ctx.baseDir), file).split(path.sep).join("/");
      /** @type {any} the document: checked while it is read */
      let doc;
      try {
        doc = parseBindingToml(fs.readFileSync(file, "utf8"));
      } catch (e) {
        if (e instanceof BindingSyntaxError) ctx.errors.push(`${rel}:${e.line}:${e.column}: error: cannot parse binding: ${e.message}`);
        else ctx.errors.push(`${rel}:1:1: error: cannot read binding: ${/** @type {Error} */ (e).message}`);
        continue;
      }
      try {
        if (Array.isArray(doc.modules) && typeof doc.address === "string") b.addNode(doc, rel);
        else if (typeof doc.abi_version === "number") b.addModule(doc, rel, null);
        else
          ctx.errors.push(`${rel}:1:1: error: not a module schema (abi_version, name, ...) nor a node schema (name, address, [[modules]])`);
      } catch (e) {
        ctx.errors.push(`${rel}:1:1: error: bad binding: ${/** @type {Error} */ (e).message}`);
      }
    }
  }
  for (const n of b.nodes) {
    const m = b.modulesByIdent.get(n.ident);
    if (m)
      ctx.errors.push(
        `${n.file}:1:1: error: node '${n.name}' and module '${m.name}' have the same identifier '${n.ident}' in the bindings`,
      );
  }
  return b;
}

/** The modules and nodes described in src/bindings, and their types. */
export class Bindings {
  constructor() {
    /** @type {BoundModule[]} modules on this node */
    this.modules = [];
    /** @type {BoundNode[]} */
    this.nodes = [];
    /** @type {Map<string, BoundModule>} */
    this.modulesByName = new Map();
    /** @type {Map<string, BoundModule>} */
    this.modulesByIdent = new Map();
    /** @type {Map<string, BoundNode>} */
    this.nodesByName = new Map();
    /** @type {Map<string, BoundNode>} */
    this.nodesByIdent = new Map();
    /** @type {Map<string, BindingTypeDef>} by type expression, "bindings.<module>.Type" */
    this.typesByAs = new Map();
    /** @type {Map<string, Map<string, BindingTypeDef>>} by namespace, then name */
    this.defsByNs = new Map();
  }

  /**
   * The definition of a binding type.
   * @param {{ ns: string, name: string }} t
   */
  typeDef(t) {
    const defs = this.defsByNs.get(t.ns);
    return defs && defs.get(t.name);
  }

  /**
   * IntersticeType (serde JSON shape) -> type ref within namespace `ns`.
   * @param {any} t
   * @param {string} ns
   * @param {string} where
   * @returns {TypeRef}
   */
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
      if (t.Tuple.length < 2 || t.Tuple.length > 4)
        throw new Error(`${where}: tuples of ${t.Tuple.length} elements are not supported (2 to 4)`);
      return { k: "tuple", items: t.Tuple.map((/** @type {any} */ x) => this.ref(x, ns, where)) };
    }
    if (k === "Named") return { k: "named", name: t.Named, as: `${ns}.${t.Named}`, ns, display: `${ns}.${t.Named}` };
    throw new Error(`${where}: bad type ${JSON.stringify(t)}`);
  }

  /**
   * Adds a module schema (serde shape) of this node (`node` null) or of a node binding.
   * @param {any} s
   * @param {string} file
   * @param {BoundNode | null} node
   */
  addModule(s, file, node) {
    const name = String(s.name);
    const ident = identOf(name);
    const ns = node ? `bindings.${node.ident}.${ident}` : `bindings.${ident}`;
    /** @type {BoundModule} */
    const m = {
      name,
      ident,
      ns,
      file,
      node,
      version: s.version || { major: 0, minor: 0, patch: 0 },
      tables: [],
      reducers: [],
      queries: [],
      defs: new Map(),
    };
    const where = `${file} (module ${name})`;
    /** @param {any} f @returns {Field} */
    const field = (f) => ({ name: f.name, prop: f.name, type: this.ref(f.field_type, ns, where) });
    for (const [key, d] of Object.entries(s.type_definitions || {})) {
      if (d.Struct) {
        m.defs.set(key, {
          kind: "struct",
          name: d.Struct.name,
          as: `${ns}.${d.Struct.name}`,
          ns,
          schemaDef: d,
          fields: (d.Struct.fields || []).map(field),
        });
      } else if (d.Enum) {
        m.defs.set(key, {
          kind: "enum",
          name: d.Enum.name,
          as: `${ns}.${d.Enum.name}`,
          ns,
          schemaDef: d,
          variants: (d.Enum.variants || []).map(field),
        });
      }
    }
    for (const t of s.tables || []) {
      if (t.visibility && t.visibility !== "Public" && node) continue;
      const pk = field(t.primary_key);
      const entries = (t.fields || []).map(field);
      if (!m.defs.has(t.type_name)) {
        // The row class: primary key first, then the other fields (like the upstream table struct).
        const schemaDef = { Struct: { name: t.type_name, fields: [t.primary_key, ...(t.fields || [])] } };
        m.defs.set(t.type_name, { kind: "struct", name: t.type_name, as: `${ns}.${t.type_name}`, ns, schemaDef, fields: [pk, ...entries] });
      }
      /** @type {Map<string, Field>} */
      const fieldByName = new Map(entries.map((/** @type {Field} */ f) => [f.name, f]));
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
        indexes: (t.indexes || [])
          .filter((/** @type {any} */ i) => fieldByName.has(i.field_name))
          .map((/** @type {any} */ i) => ({
            field: /** @type {Field} */ (fieldByName.get(i.field_name)),
            type: i.index_type,
            unique: !!i.unique,
            autoInc: !!i.auto_inc,
          })),
      });
    }
    const subscribers = new Set((s.subscriptions || []).map((/** @type {any} */ x) => x.reducer_name));
    /** @param {any} a */
    const arg = (a) => ({ name: a.name, type: this.ref(a.field_type, ns, where) });
    for (const r of s.reducers || []) {
      if (subscribers.has(r.name)) continue; // subscription handlers cannot be called
      m.reducers.push({ name: r.name, args: (r.arguments || []).map(arg) });
    }
    for (const q of s.queries || []) {
      /** @type {ReturnType} */
      const rt = q.return_type === "Void" || q.return_type === undefined ? { k: "void" } : this.ref(q.return_type, ns, where);
      m.queries.push({ name: q.name, args: (q.arguments || []).map(arg), returnType: rt });
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

  /**
   * Adds a node schema (name, address, modules).
   * @param {any} doc
   * @param {string} file
   */
  addNode(doc, file) {
    const name = String(doc.name);
    const fingerprint = doc.fingerprint === undefined ? null : String(doc.fingerprint);
    if (fingerprint !== null && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint))
      throw new Error(
        `node ${name}: fingerprint '${fingerprint}' is not a key fingerprint (SHA256: and 43 base64 characters, as 'interstice node show' prints it)`,
      );
    /** @type {BoundNode} */
    const node = { name, ident: identOf(name), address: String(doc.address), fingerprint, file, modules: [], modulesByIdent: new Map() };
    if (this.nodesByName.has(name)) throw new Error(`node ${name} is described twice in src/bindings`);
    this.nodes.push(node);
    this.nodesByName.set(name, node);
    this.nodesByIdent.set(node.ident, node);
    for (const m of doc.modules) this.addModule(m, file, node);
  }
}
