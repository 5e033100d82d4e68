// @ts-check
// Pass 5, schema: the module's ABI ModuleSchema (serde field names, as in the TOML binding files), embedded in
// the glue in postcard by codegen.

import { schemaType } from "../types.js";
import { INPUT_TYPE_DEFS } from "../input-types.js";

/**
 * @typedef {import("../model.js").Model} Model
 * @typedef {import("../model.js").TypeRef} TypeRef
 * @typedef {import("../model.js").Access} Access
 * @typedef {import("../postcard.js").ModuleSchema} ModuleSchema
 * @typedef {import("../postcard.js").TypeDefValue} TypeDefValue
 */

const ABI_VERSION = 6;

/**
 * @param {Model} m
 * @returns {ModuleSchema}
 */
export function buildSchema(m) {
  /** @param {Access["reads"]} refs */
  const list = (refs) => [...refs.values()];
  /** @param {{ name: string, type: TypeRef }} f */
  const fieldDef = (f) => ({ name: f.name, field_type: schemaType(f.type) });
  /** @type {Record<string, TypeDefValue>} */
  const typeDefs = {};
  for (const def of m.types.values()) {
    if (def.kind === "enum") typeDefs[def.name] = { Enum: { name: def.name, variants: def.variants.map(fieldDef) } };
    else typeDefs[def.name] = { Struct: { name: def.name, fields: def.fields.map(fieldDef) } };
  }
  // An input handler's module declares InputEvent with the window variants: the node sends those only to modules that do.
  if (m.reducers.some((r) => r.event === "Input")) Object.assign(typeDefs, INPUT_TYPE_DEFS);
  // composite indexes travel as struct types nothing names, which ABI-6 readers ignore (docs/abi.md §4.3)
  for (const t of m.tables)
    for (const c of t.composites || []) {
      const name = `__interstice_index:${t.name}:${c.fields.map((f) => f.name).join(",")}`;
      typeDefs[name] = { Struct: { name, fields: c.fields.map(fieldDef) } };
    }
  // Binding types used in this module's signatures (so the schema is self-contained).
  /** @param {TypeRef | { k: "void" }} t */
  const addBindingType = (t) => {
    if (!t) return;
    if (t.k === "vec" || t.k === "opt") return addBindingType(t.el);
    if (t.k === "tuple") return t.items.forEach(addBindingType);
    if (t.k === "named" && t.ns && !(t.name in typeDefs)) {
      const def = m.bindings.typeDef(t);
      if (!def) return;
      typeDefs[t.name] = def.schemaDef;
      (def.fields || def.variants || []).forEach((f) => addBindingType(f.type));
    }
  };
  for (const r of m.reducers) r.args.forEach((a) => addBindingType(a.type));
  for (const q of m.queries) {
    q.args.forEach((a) => addBindingType(a.type));
    addBindingType(q.returnType);
  }
  return {
    abi_version: ABI_VERSION,
    name: m.module.name,
    version: m.module.version,
    visibility: m.module.visibility,
    reducers: m.reducers.map((r) => ({
      name: r.name,
      // an authority's event is delivered by the node, not declared as an argument
      arguments: r.args.filter((a) => a.type.k !== "event").map(fieldDef),
      reads: list(r.access.reads),
      inserts: list(r.access.inserts),
      updates: list(r.access.updates),
      deletes: list(r.access.deletes),
    })),
    queries: m.queries.map((q) => ({
      name: q.name,
      arguments: q.args.map(fieldDef),
      return_type: q.returnType.k === "void" ? "Void" : schemaType(q.returnType),
      reads: list(q.access.reads),
    })),
    tables: m.tables.map((t) => ({
      name: t.name,
      type_name: t.typeName,
      visibility: t.visibility,
      fields: t.entries.map(fieldDef),
      primary_key: fieldDef(t.pk),
      primary_key_auto_inc: t.pkAutoInc,
      indexes: t.indexes.map((i) => ({ field_name: i.field.name, index_type: i.type, unique: i.unique, auto_inc: i.autoInc })),
      persistence: t.persistence,
    })),
    subscriptions: m.reducers.flatMap((r) => (r.event ? [{ reducer_name: r.name, event: r.event }] : [])),
    type_definitions: typeDefs,
    authorities: m.module.authorities,
    module_dependencies: m.bindings.modules.map((b) => ({ module_name: b.name, version: b.version })),
    node_dependencies: m.bindings.nodes.map((n) => ({ name: n.name, address: n.address })),
    replicated_tables: m.module.replicated.map((r) => ({ node_name: r.node, module_name: r.module, table_name: r.table })),
  };
}
