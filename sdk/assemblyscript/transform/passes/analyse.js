// @ts-check
// Pass 3, analyse: turns the collected declarations into the model: the types (analyse-types.js), the tables, the
// module itself, then reducers, queries and their subscriptions (analyse-functions.js). Reports every misuse it
// finds and leaves the offending part out.

import { options } from "../ast.js";
import { defaultValueBytes } from "../defaults.js";
import { keyError } from "../types.js";
import { analyseTypes, memberDecorators } from "./analyse-types.js";
import { analyseFunctions } from "./analyse-functions.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Collected} Collected
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("../model.js").Bindings} Bindings
 * @typedef {import("../model.js").TypeDef} TypeDef
 * @typedef {import("../model.js").Table} Table
 * @typedef {import("../model.js").ModuleDecl} ModuleDecl
 */

const AUTHORITIES = ["Gpu", "Audio", "Input", "File", "Module", "Network"];
const INTEGERS = ["u8", "u32", "u64", "i32", "i64"];
/** @type {Record<string, Table["persistence"]>} */
const PERSISTENCE = { logged: "Logged", stateful: "Stateful", ephemeral: "Ephemeral" };

/**
 * @param {Context} ctx
 * @param {Collected} c
 * @param {Bindings} bindings
 * @returns {Model}
 */
export function analyse(ctx, c, bindings) {
  const { types, typesByAs } = analyseTypes(ctx, c, bindings);
  const tables = analyseTables(ctx, c, types);
  const tablesByName = new Map(tables.map((t) => [t.name, t]));
  const module = analyseModule(ctx, c, bindings);
  const { reducers, reducersByName, queries } = analyseFunctions(ctx, { ...c, bindings, typesByAs, tablesByName, module });
  return { ...c, bindings, types, typesByAs, tables, tablesByName, module, reducers, reducersByName, queries };
}

/**
 * The @table classes: name, visibility, persistence, primary key, indexes.
 * @param {Context} ctx
 * @param {Collected} c
 * @param {Map<string, TypeDef>} types
 * @returns {Table[]}
 */
function analyseTables(ctx, c, types) {
  /** @type {Table[]} */
  const tables = [];
  /** @type {Set<string>} */
  const names = new Set();
  for (const def of types.values()) {
    if (def.entry.kind !== "table") continue;
    const o = options(ctx, def.entry.d, {
      name: "string",
      visibility: ["public", "private"],
      persistence: ["logged", "stateful", "ephemeral"],
      indexes: "string[][]",
    });
    const tableName = o.name !== undefined ? o.name : def.name.toLowerCase();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tableName)) {
      ctx.error(def.entry.d, `table name '${tableName}' must be an identifier (letters, digits, _)`);
      continue;
    }
    if (names.has(tableName)) {
      ctx.error(def.entry.d, `table '${tableName}' is declared twice`);
      continue;
    }
    names.add(tableName);
    /** @type {Omit<Table, "pk"> & { pk: Table["pk"] | null }} */
    const table = {
      name: tableName,
      typeName: def.name,
      as: def.as,
      def,
      visibility: o.visibility === "public" ? "Public" : "Private",
      persistence: PERSISTENCE[o.persistence || "logged"],
      pk: null,
      pkAutoInc: false,
      entries: [],
      indexes: [],
      composites: [],
      defaults: [],
      module: "",
      ns: "",
    };
    for (const f of def.fields) {
      const decs = memberDecorators(c, f.decl);
      const pk = decs.find((x) => x.name === "primaryKey");
      const idx = decs.find((x) => x.name === "index");
      if (pk) {
        const po = options(ctx, pk.d, { autoInc: "boolean" });
        if (table.pk) {
          ctx.error(pk.d, `${def.name}: only one @primaryKey field is allowed (already ${table.pk.name})`);
          continue;
        }
        if (idx) ctx.error(idx.d, `@index cannot be used on the @primaryKey field`);
        const pkDefault = decs.find((x) => x.name === "defaultValue");
        if (pkDefault)
          ctx.error(pkDefault.d, `@defaultValue cannot be used on the @primaryKey field (a new key column has no value to take)`);
        const ke = keyError(f.type);
        if (ke) ctx.error(f.decl && f.decl.type, `primary key ${def.name}.${f.name}: ${ke}`);
        if (po.autoInc && !(f.type.k === "prim" && INTEGERS.includes(f.type.name))) {
          ctx.error(pk.d, `autoInc is only supported on integer primary keys (u8, u32, u64, i32, i64)`);
        }
        table.pk = f;
        table.pkAutoInc = !!po.autoInc;
        continue;
      }
      table.entries.push(f);
      const dv = decs.find((x) => x.name === "defaultValue");
      if (dv) {
        const bytes = defaultValueBytes(ctx, dv.d, f);
        if (bytes) table.defaults.push({ column: f.name, bytes });
      }
      if (idx) {
        const io = options(ctx, idx.d, { type: ["hash", "btree"], unique: "boolean", autoInc: "boolean" });
        if (!io.type) {
          ctx.error(idx.d, `@index needs a type: @index({ type: "hash" }) or @index({ type: "btree" })`);
          continue;
        }
        const ke = keyError(f.type);
        if (ke) {
          ctx.error(f.decl && f.decl.type, `index ${def.name}.${f.name}: ${ke}`);
          continue;
        }
        if (io.autoInc && !(f.type.k === "prim" && INTEGERS.includes(f.type.name))) {
          ctx.error(idx.d, `autoInc is only supported on integer fields (u8, u32, u64, i32, i64)`);
        }
        table.indexes.push({
          field: f,
          type: io.type === "btree" ? "BTree" : "Hash",
          unique: !!io.unique || !!io.autoInc,
          autoInc: !!io.autoInc,
        });
      }
    }
    if (!table.pk) {
      ctx.error(def.decl.name, `@table ${def.name} needs a @primaryKey field`);
      continue;
    }
    // composite btree indexes: @table({ indexes: [["a", "b"]] }) (our schema extension, docs/abi.md §4.3)
    /** @type {import("../model.js").Composite[]} */
    const composites = [];
    for (const columns of /** @type {string[][]} */ (o.indexes || [])) {
      const fields = columns.map((n) => def.fields.find((f) => f.name === n));
      const missing = columns.filter((_, i) => !fields[i]);
      if (columns.length < 2) ctx.error(def.entry.d, `a composite index needs at least two fields, got [${columns.join(", ")}]`);
      else if (missing.length)
        ctx.error(def.entry.d, `composite index [${columns.join(", ")}]: ${def.name} has no field ${missing.join(", ")}`);
      else if (new Set(columns).size !== columns.length)
        ctx.error(def.entry.d, `composite index [${columns.join(", ")}] names a field twice`);
      else {
        const ok = /** @type {import("../model.js").Field[]} */ (fields);
        const bad = ok.find((f) => keyError(f.type));
        if (bad) ctx.error(def.entry.d, `composite index [${columns.join(", ")}]: field ${bad.name}: ${keyError(bad.type)}`);
        else composites.push({ fields: ok });
      }
    }
    table.composites = composites;
    tables.push(/** @type {Table} */ (table));
  }
  return tables;
}

/**
 * The module: name and version from package.json, overridden by @module({...}); its replicated tables.
 * @param {Context} ctx
 * @param {Collected} c
 * @param {Bindings} bindings
 * @returns {ModuleDecl}
 */
function analyseModule(ctx, c, bindings) {
  const pkg = c.project.pkg || {};
  let name = typeof pkg.name === "string" ? pkg.name.replace(/^@[^/]+\//, "") : "";
  let version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  /** @type {ModuleDecl["visibility"]} */
  let visibility = "Private";
  /** @type {string[]} */
  const authorities = [];
  /** @type {ModuleDecl["replicated"]} */
  const replicated = [];
  if (c.decls.module.length > 1) ctx.error(c.decls.module[1].d, `@module is declared twice (also at ${ctx.where(c.decls.module[0].d)})`);
  const m = c.decls.module[0];
  if (m) {
    const o = options(ctx, m.d, {
      name: "string",
      version: "string",
      visibility: ["public", "private"],
      authorities: "string[]",
      replicatedTables: "string[]",
    });
    if (o.name !== undefined) name = o.name;
    if (o.version !== undefined) version = o.version;
    if (o.visibility) visibility = o.visibility === "public" ? "Public" : "Private";
    for (const a of o.authorities || []) {
      if (!AUTHORITIES.includes(a)) ctx.error(m.d, `unknown authority '${a}' (Gpu, Audio, Input, File, Module, Network)`);
      else authorities.push(a);
    }
    for (const r of o.replicatedTables || []) {
      const parts = r.split(".");
      if (parts.length !== 3 || parts.some((/** @type {string} */ p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
        ctx.error(m.d, `replicated table '${r}' must be 'node.module.table'`);
        continue;
      }
      replicated.push({ node: parts[0], module: parts[1], table: parts[2] });
    }
    if (m.decl.members.length) ctx.error(m.decl.name, `the @module class must be empty`);
  }
  if (!name) {
    ctx.error(c.entry.statements[0] || null, `the module has no name: set "name" in package.json or use @module({ name: "..." })`);
    name = "module";
  }
  const vm = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!vm || vm.slice(1).some((x) => Number(x) > 65535)) {
    ctx.error(m ? m.d : null, `version '${version}' must be major.minor.patch (each 0..65535)`);
  }
  // Replicated tables must be public tables of a node described in src/bindings.
  for (const r of replicated) {
    const d = /** @type {NonNullable<typeof m>} */ (m).d; // there are replicated tables only with @module
    const node = bindings.nodesByName.get(r.node);
    if (!node) {
      ctx.error(d, `replicated table '${r.node}.${r.module}.${r.table}': node '${r.node}' is not described in src/bindings`);
      continue;
    }
    const mod = node.modules.find((x) => x.name === r.module);
    const t = mod && mod.tables.find((x) => x.name === r.table);
    if (!t) ctx.error(d, `replicated table '${r.node}.${r.module}.${r.table}' is not in the node's binding`);
    else if (t.visibility !== "Public") ctx.error(d, `replicated table '${r.node}.${r.module}.${r.table}' is not public`);
  }
  return {
    name,
    version: vm ? { major: Number(vm[1]), minor: Number(vm[2]), patch: Number(vm[3]) } : { major: 0, minor: 0, patch: 0 },
    visibility,
    authorities,
    replicated,
  };
}
