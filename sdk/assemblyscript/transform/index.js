// @interstice/sdk compiler transform: turns decorated AssemblyScript into an Interstice ABI 6 module.
//
// Use: asc src/index.ts --transform @interstice/sdk/transform --runtime minimal ...
//
// afterParse:
//   1. reads the decorators (@module, @table, @primaryKey, @index, @type, @enumType, @reducer, @query)
//      of the user's files, checks them and removes them;
//   2. reads the binding files (src/bindings/*.toml);
//   3. generates a glue file (the new entry file): codecs, table handles, reducer/query wrappers,
//      alloc/dealloc and interstice_describe with the postcard ModuleSchema embedded as static data;
//   4. routes AssemblyScript's abort/trace/seed to the SDK so the module imports only "interstice".
// Any misuse is reported as "file:line:col: error: message" and fails the build.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import fs from "node:fs";
import path from "node:path";
import { encodeModuleSchema, decodeModuleSchema } from "./postcard.js";
import { PRIMS, UNSUPPORTED_HINTS, asType, schemaType, isReference, keyError, describe, CodecGen } from "./types.js";
import { loadBindings } from "./bindings.js";

const ABI_VERSION = 6;
const SDK_PREFIX = "~lib/@interstice/sdk/";
const AS_DECORATORS = new Set(["global", "operator", "unmanaged", "final", "inline", "external", "builtin", "lazy", "unsafe"]);
const OUR_DECORATORS = new Set(["module", "table", "primaryKey", "index", "type", "enumType", "reducer", "query"]);
const CORE_EVENTS = { init: "Init", load: "Load", connect: "Connect", disconnect: "Disconnect" };
const UNSUPPORTED_EVENTS = new Set(["input", "render", "audio_output", "audio_input", "network", "module_load", "module_remove"]);

/** Loads the compiler module asc itself runs (same instance, so enums and classes match). */
async function loadCompiler(baseDir) {
  const candidates = [path.resolve(baseDir || "."), process.cwd(), path.dirname(new URL(import.meta.url).pathname)];
  for (const dir of candidates) {
    try {
      const req = createRequire(path.join(dir, "noop.js"));
      return await import(pathToFileURL(req.resolve("assemblyscript")).href);
    } catch {
      // next
    }
  }
  return await import("assemblyscript");
}

class CompileErrors extends Error {
  constructor(messages) {
    super(`${messages.length} Interstice error(s)`);
    this.messages = messages;
    this.stack = this.message;
  }
}

export default class IntersticeTransform {
  async afterParse(parser) {
    const as = await loadCompiler(this.baseDir);
    const program = this.program;
    const gen = new Generator(as, program, parser, this.baseDir || ".");
    gen.run();
    if (gen.errors.length) {
      const loc = (m) => {
        const x = /^(.*?):(\d+):(\d+): /.exec(m);
        return x ? [x[1], Number(x[2]), Number(x[3])] : ["", 0, 0];
      };
      const errors = [...new Set(gen.errors)].sort((a, b) => {
        const [fa, la, ca] = loc(a);
        const [fb, lb, cb] = loc(b);
        return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
      });
      gen.errors = errors;
      for (const m of errors) (this.stderr || process.stderr).write(m + "\n");
      throw new CompileErrors(gen.errors);
    }
  }
}

// ------------------------------------------------------------------------------------------------

class Generator {
  constructor(as, program, parser, baseDir) {
    this.as = as;
    this.K = as.NodeKind;
    this.program = program;
    this.parser = parser;
    this.baseDir = baseDir;
    this.errors = [];
    this.userSources = [];
    this.types = new Map(); // schema name -> def
    this.typesByAs = new Map(); // user class name -> def
    this.tables = [];
    this.reducers = [];
    this.queries = [];
    this.moduleDecl = null;
    this.functions = new Map(); // name -> [FunctionDeclaration | MethodDeclaration] (user code, for access inference)
  }

  // ---- diagnostics ------------------------------------------------------------------------------

  where(node) {
    const range = node && node.range;
    if (!range || !range.source) return "(unknown)";
    const src = range.source;
    const line = src.lineAt(range.start);
    const col = src.columnAt();
    return `${src.normalizedPath}:${line}:${col}`;
  }

  error(node, message) {
    this.errors.push(`${this.where(node)}: error: ${message}`);
  }

  // ---- helpers on the AST -----------------------------------------------------------------------

  decoratorName(d) {
    const K = this.K;
    const parts = [];
    let e = d.name;
    while (e && e.kind === K.PropertyAccess) {
      parts.unshift(e.property.text);
      e = e.expression;
    }
    if (e && e.kind === K.Identifier) parts.unshift(e.text);
    return parts.join(".");
  }

  /** Evaluates a decorator argument literal: strings, booleans, numbers, arrays, object literals. */
  literal(expr) {
    const K = this.K;
    const L = this.as.LiteralKind;
    if (!expr) return undefined;
    switch (expr.kind) {
      case K.True: return true;
      case K.False: return false;
      case K.Null: return null;
      case K.Literal:
        switch (expr.literalKind) {
          case L.String: return expr.value;
          case L.Integer: return Number(expr.value);
          case L.Float: return expr.value;
          case L.Array: return expr.elementExpressions.map((e) => this.literal(e));
          case L.Object: {
            const o = {};
            Object.defineProperty(o, "__nodes", { value: {}, enumerable: false });
            expr.names.forEach((n, i) => {
              o[n.text] = this.literal(expr.values[i]);
              o.__nodes[n.text] = expr.values[i];
            });
            return o;
          }
        }
    }
    throw { node: expr, message: "decorator arguments must be literals (strings, booleans, numbers, arrays, { ... })" };
  }

  /** Parses `@name` / `@name({...})` options, checking the allowed keys. */
  options(d, allowed) {
    if (!d.args || d.args.length === 0) return {};
    if (d.args.length > 1 || d.args[0].kind !== this.K.Literal || d.args[0].literalKind !== this.as.LiteralKind.Object) {
      this.error(d, `@${this.decoratorName(d)} takes one object argument, e.g. @${this.decoratorName(d)}({ ... })`);
      return {};
    }
    let o;
    try {
      o = this.literal(d.args[0]);
    } catch (e) {
      this.error(e.node || d, e.message);
      return {};
    }
    for (const k of Object.keys(o)) {
      if (!(k in allowed)) {
        this.error(o.__nodes[k] || d, `unknown argument '${k}' for @${this.decoratorName(d)} (allowed: ${Object.keys(allowed).join(", ")})`);
        delete o[k];
        continue;
      }
      const want = allowed[k];
      const v = o[k];
      let ok;
      if (Array.isArray(want)) ok = want.includes(v);
      else if (want === "string[]") ok = Array.isArray(v) && v.every((x) => typeof x === "string");
      else ok = typeof v === want;
      if (!ok) {
        const expected = Array.isArray(want) ? want.map((x) => JSON.stringify(x)).join(" | ") : want;
        this.error(o.__nodes[k] || d, `@${this.decoratorName(d)} argument '${k}' must be ${expected}`);
        delete o[k];
      }
    }
    return o;
  }

  typeNameText(typeNode) {
    const parts = [];
    let n = typeNode.name;
    while (n) {
      parts.push(n.identifier.text);
      n = n.next;
    }
    return parts.join(".");
  }

  /** Maps a type annotation to a type reference, or reports an error and returns null. */
  resolveType(node, what, allowUnit = false) {
    const K = this.K;
    if (!node || node.kind !== K.NamedType) {
      this.error(node, `unsupported type for ${what} (function and tuple-literal types are not supported)`);
      return null;
    }
    const name = this.typeNameText(node);
    if (name === "") {
      this.error(node, `${what} needs a type annotation`);
      return null;
    }
    const args = node.typeArguments || [];
    const wrapNullable = (t) => {
      if (!node.isNullable) return t;
      if (!isReference(t) || t.k === "opt") {
        this.error(node, `${what}: '${describe(t)} | null' is not supported; use Option<${describe(t)}> for optional value types`);
        return null;
      }
      return { k: "opt", el: t, nullable: true };
    };
    if (name in PRIMS) {
      if (args.length) this.error(node, `${name} takes no type arguments`);
      return wrapNullable({ k: "prim", name });
    }
    if (name === "Array") {
      if (args.length !== 1) {
        this.error(node, "Array needs one type argument");
        return null;
      }
      const el = this.resolveType(args[0], `the elements of ${what}`);
      return el && wrapNullable({ k: "vec", el });
    }
    if (name === "Option") {
      if (args.length !== 1) {
        this.error(node, "Option needs one type argument");
        return null;
      }
      if (node.isNullable) {
        this.error(node, `${what}: Option<T> | null is not supported`);
        return null;
      }
      const el = this.resolveType(args[0], `the value of ${what}`);
      return el && { k: "opt", el, nullable: false };
    }
    const tm = /^Tuple([234])$/.exec(name);
    if (tm) {
      if (args.length !== Number(tm[1])) {
        this.error(node, `${name} needs ${tm[1]} type arguments`);
        return null;
      }
      const items = args.map((a, i) => this.resolveType(a, `element ${i} of ${what}`));
      if (items.some((x) => !x)) return null;
      return wrapNullable({ k: "tuple", items });
    }
    if (name === "Unit") {
      if (!allowUnit) {
        this.error(node, `Unit is only allowed as the payload of an @enumType variant`);
        return null;
      }
      return { k: "unit" };
    }
    const def = this.typesByAs.get(name) || (this.bindings && this.bindings.typesByAs.get(name));
    if (def) {
      if (args.length) this.error(node, `${name} takes no type arguments`);
      return wrapNullable({ k: "named", name: def.name, as: def.as, ns: def.ns || "", display: name });
    }
    const hint = UNSUPPORTED_HINTS[name];
    this.error(
      node,
      `unsupported type '${name}' for ${what}` +
        (hint ? ` (${hint})` : "; supported: u8, u32, u64, i32, i64, f32, f64, bool, string, Array<T>, Option<T>, T | null, Tuple2..4, and @table/@type/@enumType classes"),
    );
    return null;
  }

  // ---- main -------------------------------------------------------------------------------------

  run() {
    const { SourceKind } = this.as;
    for (const s of this.parser.sources) {
      if ((s.sourceKind === SourceKind.User || s.sourceKind === SourceKind.UserEntry) && !s.internalPath.startsWith("~lib/")) {
        this.userSources.push(s);
      }
    }
    const entries = this.userSources.filter((s) => s.sourceKind === SourceKind.UserEntry);
    if (!entries.length) {
      this.errors.push("error: no entry file");
      return;
    }
    this.entry = entries[0];
    this.runtime = this.detectRuntime();
    this.project = this.readProject();

    this.collect();
    if (this.errors.length) return;
    this.bindings = loadBindings(this);
    if (this.errors.length) return;
    this.analyzeTypes();
    this.analyzeTables();
    this.analyzeModule();
    this.analyzeFunctions();
    this.inferAccess();
    if (this.errors.length) return;

    const schema = this.buildSchema();
    const glue = this.generate(schema);
    if (this.errors.length) return;
    if (process.env.INTERSTICE_DUMP_GLUE) fs.writeFileSync(process.env.INTERSTICE_DUMP_GLUE, glue);

    // Make the glue the only entry file; the user's files become ordinary (imported) files, so only the
    // ABI functions are exported from the wasm module.
    for (const s of entries) s.sourceKind = SourceKind.User;
    const dir = path.posix.dirname(this.entry.normalizedPath);
    this.parser.parseFile(glue, (dir === "." ? "" : dir + "/") + "__interstice_glue__.ts", true);

    const options = this.program.options;
    if (!options.globalAliases) options.globalAliases = new Map();
    const rt = SDK_PREFIX + "assembly/runtime/";
    if (!options.globalAliases.has("abort")) options.globalAliases.set("abort", rt + "__interstice_abort");
    if (!options.globalAliases.has("trace")) options.globalAliases.set("trace", rt + "__interstice_trace");
    if (!options.globalAliases.has("seed")) options.globalAliases.set("seed", rt + "__interstice_seed");
  }

  detectRuntime() {
    for (const s of this.parser.sources) {
      const m = /^~lib\/rt\/index-(\w+)/.exec(s.internalPath);
      if (m) return m[1];
    }
    return "custom";
  }

  readProject() {
    // The module's package.json: nearest one above the entry file.
    let dir = path.resolve(this.baseDir, path.dirname(this.entry.normalizedPath));
    for (;;) {
      const p = path.join(dir, "package.json");
      if (fs.existsSync(p)) {
        try {
          return { dir, pkg: JSON.parse(fs.readFileSync(p, "utf8")) };
        } catch (e) {
          this.errors.push(`${p}: error: cannot read package.json: ${e.message}`);
          return { dir, pkg: {} };
        }
      }
      const up = path.dirname(dir);
      if (up === dir) return { dir: path.resolve(this.baseDir), pkg: {} };
      dir = up;
    }
  }

  /** Finds the decorated declarations, strips the decorators, exports what the glue imports. */
  collect() {
    const K = this.K;
    this.decls = { classes: [], functions: [], module: [] };
    const visit = (stmt, topLevel, file) => {
      if (stmt.kind === K.NamespaceDeclaration) {
        for (const m of stmt.members) visit(m, false, file);
        return;
      }
      if (stmt.kind === K.FunctionDeclaration && stmt.name) {
        const list = this.functions.get(stmt.name.text) || [];
        list.push(stmt);
        this.functions.set(stmt.name.text, list);
      }
      if (stmt.kind === K.ClassDeclaration) {
        for (const m of stmt.members) {
          if (m.kind === K.MethodDeclaration && m.name) {
            const list = this.functions.get(m.name.text) || [];
            list.push(m);
            this.functions.set(m.name.text, list);
          }
          this.checkMemberDecorators(m, stmt);
        }
      }
      const ds = stmt.decorators;
      if (!ds || !ds.length) return;
      const ours = [];
      const keep = [];
      for (const d of ds) {
        const name = this.decoratorName(d);
        const head = name.split(".")[0];
        if (OUR_DECORATORS.has(name)) ours.push({ name, d });
        else if (AS_DECORATORS.has(head)) keep.push(d);
        else {
          this.error(d, `unknown decorator @${name} (Interstice decorators: ${[...OUR_DECORATORS].map((x) => "@" + x).join(", ")})`);
        }
      }
      stmt.decorators = keep.length ? keep : null;
      if (!ours.length) return;
      if (!topLevel) {
        this.error(ours[0].d, `@${ours[0].name} must be used on a top-level declaration`);
        return;
      }
      if (ours.length > 1) {
        this.error(ours[1].d, `@${ours[1].name} cannot be combined with @${ours[0].name}`);
        return;
      }
      const { name, d } = ours[0];
      const isClass = stmt.kind === K.ClassDeclaration;
      const isFn = stmt.kind === K.FunctionDeclaration;
      if (["table", "type", "enumType", "module"].includes(name) && !isClass) {
        this.error(d, `@${name} must be used on a class`);
        return;
      }
      if (["reducer", "query"].includes(name) && !isFn) {
        this.error(d, `@${name} must be used on a top-level function`);
        return;
      }
      if (["primaryKey", "index"].includes(name)) {
        this.error(d, `@${name} must be used on a field of a @table class`);
        return;
      }
      stmt.flags |= this.as.CommonFlags.Export;
      const entry = { kind: name, d, decl: stmt, file };
      if (name === "module") this.decls.module.push(entry);
      else if (isClass) this.decls.classes.push(entry);
      else this.decls.functions.push(entry);
    };
    for (const s of this.userSources) {
      for (const stmt of s.statements) visit(stmt, true, s);
    }
  }

  checkMemberDecorators(m, cls) {
    if (!m.decorators) return;
    const keep = [];
    const found = [];
    for (const d of m.decorators) {
      const name = this.decoratorName(d);
      if (name === "primaryKey" || name === "index") found.push({ name, d });
      else if (AS_DECORATORS.has(name.split(".")[0])) keep.push(d);
      else if (OUR_DECORATORS.has(name)) this.error(d, `@${name} cannot be used on a class member`);
      else this.error(d, `unknown decorator @${name} on ${cls.name.text}.${m.name.text}`);
    }
    m.decorators = keep.length ? keep : null;
    m.__interstice = found;
  }

  // ---- types ------------------------------------------------------------------------------------

  instanceFields(cls) {
    const K = this.K;
    const F = this.as.CommonFlags;
    return cls.members.filter((m) => m.kind === K.FieldDeclaration && !(m.flags & F.Static));
  }

  analyzeTypes() {
    const K = this.K;
    // First register every class name, so types can refer to each other in any order.
    const seen = new Map();
    for (const c of this.decls.classes) {
      const cls = c.decl;
      const asName = cls.name.text;
      let name = asName;
      if (c.kind === "table") {
        // type_name of a table is the class name
      }
      if (seen.has(name)) {
        this.error(cls.name, `type ${name} is declared twice (also at ${this.where(seen.get(name).name)})`);
        continue;
      }
      seen.set(name, cls);
      if (cls.typeParameters && cls.typeParameters.length) this.error(cls.name, `${c.kind === "table" ? "a @table" : "an Interstice type"} class cannot be generic`);
      if (cls.extendsType) this.error(cls.extendsType, `${asName}: Interstice types cannot extend another class (all fields must be declared in the class)`);
      if (cls.flags & this.as.CommonFlags.Abstract) this.error(cls.name, `${asName}: Interstice types cannot be abstract`);
      const alias = `__u${this.userSources.indexOf(c.file)}_${asName}`;
      const def = { kind: c.kind === "enumType" ? "enum" : "struct", name, as: alias, asName, decl: cls, file: c.file, entry: c, fields: [], variants: [] };
      this.types.set(name, def);
      this.typesByAs.set(asName, def);
    }
    for (const def of this.types.values()) {
      const fields = this.instanceFields(def.decl);
      if (def.kind === "enum") {
        const tag = fields.find((f) => f.name.text === "tag");
        if (!tag || !tag.type || this.typeNameText(tag.type) !== "string" || tag.type.isNullable) {
          this.error(def.decl.name, `@enumType ${def.name} needs a field 'tag: string' holding the name of the active variant`);
        }
        for (const f of fields) {
          if (f.name.text === "tag") continue;
          if (f.__interstice && f.__interstice.length) this.error(f.__interstice[0].d, `@${f.__interstice[0].name} is only allowed in @table classes`);
          const t = this.resolveType(f.type, `variant ${def.name}.${f.name.text}`, true);
          if (t) def.variants.push({ name: f.name.text, prop: f.name.text, type: t, decl: f });
        }
        if (!def.variants.length) this.error(def.decl.name, `@enumType ${def.name} has no variants (declare one field per variant besides 'tag')`);
      } else {
        for (const f of fields) {
          if (def.entry.kind !== "table" && f.__interstice && f.__interstice.length) {
            this.error(f.__interstice[0].d, `@${f.__interstice[0].name} is only allowed in @table classes`);
          }
          const t = this.resolveType(f.type, `field ${def.name}.${f.name.text}`);
          if (t) def.fields.push({ name: f.name.text, prop: f.name.text, type: t, decl: f });
        }
        if (!fields.length && def.entry.kind === "type") this.error(def.decl.name, `@type ${def.name} has no fields`);
      }
      if (def.entry.kind === "type" || def.entry.kind === "enumType") {
        this.options(def.entry.d, {});
      }
    }
  }

  analyzeTables() {
    const names = new Map();
    for (const def of this.types.values()) {
      if (def.entry.kind !== "table") continue;
      const o = this.options(def.entry.d, { name: "string", visibility: ["public", "private"], persistence: ["logged", "stateful", "ephemeral"] });
      const tableName = o.name !== undefined ? o.name : def.name.toLowerCase();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tableName)) {
        this.error(def.entry.d, `table name '${tableName}' must be an identifier (letters, digits, _)`);
        continue;
      }
      if (names.has(tableName)) {
        this.error(def.entry.d, `table '${tableName}' is declared twice`);
        continue;
      }
      names.set(tableName, def);
      const table = {
        name: tableName,
        typeName: def.name,
        as: def.as,
        def,
        visibility: o.visibility === "public" ? "Public" : "Private",
        persistence: { logged: "Logged", stateful: "Stateful", ephemeral: "Ephemeral" }[o.persistence || "logged"],
        pk: null,
        pkAutoInc: false,
        entries: [],
        indexes: [],
        module: "",
        ns: "",
      };
      for (const f of def.fields) {
        const decs = f.decl.__interstice || [];
        const pk = decs.find((x) => x.name === "primaryKey");
        const idx = decs.find((x) => x.name === "index");
        if (pk) {
          const po = this.options(pk.d, { autoInc: "boolean" });
          if (table.pk) {
            this.error(pk.d, `${def.name}: only one @primaryKey field is allowed (already ${table.pk.name})`);
            continue;
          }
          if (idx) this.error(idx.d, `@index cannot be used on the @primaryKey field`);
          const ke = keyError(f.type);
          if (ke) this.error(f.decl.type, `primary key ${def.name}.${f.name}: ${ke}`);
          if (po.autoInc && !(f.type.k === "prim" && ["u8", "u32", "u64", "i32", "i64"].includes(f.type.name))) {
            this.error(pk.d, `autoInc is only supported on integer primary keys (u8, u32, u64, i32, i64)`);
          }
          table.pk = f;
          table.pkAutoInc = !!po.autoInc;
          continue;
        }
        table.entries.push(f);
        if (idx) {
          const io = this.options(idx.d, { type: ["hash", "btree"], unique: "boolean", autoInc: "boolean" });
          if (!io.type) {
            this.error(idx.d, `@index needs a type: @index({ type: "hash" }) or @index({ type: "btree" })`);
            continue;
          }
          const ke = keyError(f.type);
          if (ke) {
            this.error(f.decl.type, `index ${def.name}.${f.name}: ${ke}`);
            continue;
          }
          if (io.autoInc && !(f.type.k === "prim" && ["u8", "u32", "u64", "i32", "i64"].includes(f.type.name))) {
            this.error(idx.d, `autoInc is only supported on integer fields (u8, u32, u64, i32, i64)`);
          }
          table.indexes.push({ field: f, type: io.type === "btree" ? "BTree" : "Hash", unique: !!io.unique || !!io.autoInc, autoInc: !!io.autoInc });
        }
      }
      if (!table.pk) {
        this.error(def.decl.name, `@table ${def.name} needs a @primaryKey field`);
        continue;
      }
      this.tables.push(table);
    }
    this.tablesByName = new Map(this.tables.map((t) => [t.name, t]));
  }

  analyzeModule() {
    const pkg = this.project.pkg || {};
    let name = typeof pkg.name === "string" ? pkg.name.replace(/^@[^/]+\//, "") : "";
    let version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
    const decl = { visibility: "Private", authorities: [], replicated: [] };
    if (this.decls.module.length > 1) this.error(this.decls.module[1].d, `@module is declared twice (also at ${this.where(this.decls.module[0].d)})`);
    const m = this.decls.module[0];
    if (m) {
      const o = this.options(m.d, { name: "string", version: "string", visibility: ["public", "private"], authorities: "string[]", replicatedTables: "string[]" });
      if (o.name !== undefined) name = o.name;
      if (o.version !== undefined) version = o.version;
      if (o.visibility) decl.visibility = o.visibility === "public" ? "Public" : "Private";
      for (const a of o.authorities || []) {
        if (!["Gpu", "Audio", "Input", "File", "Module", "Network"].includes(a)) this.error(m.d, `unknown authority '${a}' (Gpu, Audio, Input, File, Module, Network)`);
        else decl.authorities.push(a);
      }
      for (const r of o.replicatedTables || []) {
        const parts = r.split(".");
        if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
          this.error(m.d, `replicated table '${r}' must be 'node.module.table'`);
          continue;
        }
        decl.replicated.push({ node: parts[0], module: parts[1], table: parts[2] });
      }
      const members = this.instanceFields(m.decl);
      if (m.decl.members.length) this.error(m.decl.name, `the @module class must be empty`);
      void members;
    }
    if (!name) {
      this.error(this.entry.statements[0] || null, `the module has no name: set "name" in package.json or use @module({ name: "..." })`);
      name = "module";
    }
    const vm = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
    if (!vm || vm.slice(1).some((x) => Number(x) > 65535)) {
      this.error(m ? m.d : null, `version '${version}' must be major.minor.patch (each 0..65535)`);
    }
    decl.name = name;
    decl.version = vm ? { major: Number(vm[1]), minor: Number(vm[2]), patch: Number(vm[3]) } : { major: 0, minor: 0, patch: 0 };
    this.module = decl;
    // Replicated tables must be public tables of a node described in src/bindings.
    for (const r of decl.replicated) {
      const node = this.bindings.nodesByName.get(r.node);
      if (!node) {
        this.error(m.d, `replicated table '${r.node}.${r.module}.${r.table}': node '${r.node}' is not described in src/bindings`);
        continue;
      }
      const mod = node.modules.find((x) => x.name === r.module);
      const t = mod && mod.tables.find((x) => x.name === r.table);
      if (!t) this.error(m.d, `replicated table '${r.node}.${r.module}.${r.table}' is not in the node's binding`);
      else if (t.visibility !== "Public") this.error(m.d, `replicated table '${r.node}.${r.module}.${r.table}' is not public`);
    }
  }

  // ---- reducers and queries ---------------------------------------------------------------------

  analyzeFunctions() {
    const reducerNames = new Map();
    const queryNames = new Map();
    for (const f of this.decls.functions) {
      const fn = f.decl;
      const name = fn.name.text;
      const isReducer = f.kind === "reducer";
      const o = isReducer
        ? this.options(f.d, { on: "string", reads: "string[]", inserts: "string[]", updates: "string[]", deletes: "string[]" })
        : this.options(f.d, { reads: "string[]" });
      if (fn.typeParameters && fn.typeParameters.length) this.error(fn.name, `${f.kind} ${name} cannot be generic`);
      const sig = fn.signature;
      const params = sig.parameters;
      const ctxType = isReducer ? "ReducerContext" : "QueryContext";
      if (!params.length || params[0].type.kind !== this.K.NamedType || this.typeNameText(params[0].type) !== ctxType || params[0].type.isNullable) {
        this.error(params.length ? params[0] : fn.name, `the first parameter of ${f.kind} ${name} must be the context: (ctx: ${ctxType}, ...)`);
        continue;
      }
      const args = [];
      for (const p of params.slice(1)) {
        if (p.initializer) this.error(p, `parameters of ${f.kind} ${name} cannot have default values`);
        if (p.parameterKind !== 0) this.error(p, `parameters of ${f.kind} ${name} cannot be optional or rest parameters`);
        const t = this.resolveType(p.type, `parameter '${p.name.text}' of ${f.kind} ${name}`);
        if (t) args.push({ name: p.name.text, type: t, node: p });
      }
      if (args.length !== params.length - 1) continue;
      const ret = sig.returnType;
      const retName = ret && ret.kind === this.K.NamedType ? this.typeNameText(ret) : "";
      if (isReducer) {
        if (retName !== "void" && retName !== "") this.error(ret, `reducer ${name} must return void; use @query to return values`);
        if (reducerNames.has(name)) {
          this.error(fn.name, `reducer ${name} is declared twice`);
          continue;
        }
        const r = { name, fn, args, event: null, access: this.explicitAccess(o, f.d, true), decl: f };
        if (o.on !== undefined) r.event = this.parseEvent(o.on, r, f.d);
        reducerNames.set(name, r);
        this.reducers.push(r);
      } else {
        let returnType = null;
        if (retName === "void") returnType = { k: "void" };
        else {
          returnType = this.resolveType(ret, `the result of query ${name}`);
          if (!returnType) continue;
        }
        if (queryNames.has(name)) {
          this.error(fn.name, `query ${name} is declared twice`);
          continue;
        }
        const q = { name, fn, args, returnType, access: this.explicitAccess(o, f.d, false), decl: f };
        queryNames.set(name, q);
        this.queries.push(q);
      }
    }
    this.reducersByName = reducerNames;
  }

  explicitAccess(o, d, isReducer) {
    const acc = { reads: new Map(), inserts: new Map(), updates: new Map(), deletes: new Map() };
    for (const op of isReducer ? ["reads", "inserts", "updates", "deletes"] : ["reads"]) {
      for (const spec of o[op] || []) {
        const ref = this.tableRef(spec, d);
        if (ref) acc[op].set(refKey(ref), ref);
      }
    }
    return acc;
  }

  /** "table" | "module.table" | "node.module.table" -> ReducerTableRef */
  tableRef(spec, node) {
    const parts = spec.split(".");
    if (parts.length === 1 || (parts.length === 2 && parts[0] === this.module.name)) {
      const t = parts[parts.length - 1];
      if (!this.tablesByName.has(t)) {
        this.error(node, `unknown table '${t}' in '${spec}' (tables of this module: ${[...this.tablesByName.keys()].join(", ") || "none"})`);
        return null;
      }
      return { node_selection: "Current", module_selection: "Current", table_name: t };
    }
    if (parts.length === 2) {
      const mod = this.bindings.modulesByName.get(parts[0]);
      if (!mod) {
        this.error(node, `unknown module '${parts[0]}' in '${spec}' (add its schema to src/bindings)`);
        return null;
      }
      if (!mod.tables.some((t) => t.name === parts[1])) {
        this.error(node, `module '${parts[0]}' has no table '${parts[1]}'`);
        return null;
      }
      return { node_selection: "Current", module_selection: { Other: parts[0] }, table_name: parts[1] };
    }
    if (parts.length === 3) {
      if (!this.module.replicated.some((r) => r.node === parts[0] && r.module === parts[1] && r.table === parts[2])) {
        this.error(node, `'${spec}' is not a replicated table of this module (declare it in @module({ replicatedTables: [...] }))`);
        return null;
      }
      return { node_selection: { Other: parts[0] }, module_selection: { Other: parts[1] }, table_name: parts[2] };
    }
    this.error(node, `bad table reference '${spec}' (use 'table', 'module.table' or 'node.module.table')`);
    return null;
  }

  parseEvent(on, r, d) {
    const node = (d.args && d.args[0] && d.args[0].values && d.args[0].values[d.args[0].names.findIndex((n) => n.text === "on")]) || d;
    const args = r.args;
    const expectArgs = (types, what) => {
      const ok = args.length === types.length && args.every((a, i) => sameType(a.type, types[i]));
      if (!ok) {
        const want = types.length ? types.map((t) => describe(t)).join(", ") : "no parameters besides the context";
        this.error(args.length ? args[0].node : r.fn.name, `reducer ${r.name} subscribes to '${on}', so it must take (ctx: ReducerContext${types.length ? ", " : ""}${types.map((t, i) => `${what[i]}: ${describe(t)}`).join(", ")}); ${types.length ? "expected " + want : want}`);
      }
    };
    if (on.includes(":")) {
      this.error(node, `event '${on}' (file watches) is not supported by the AssemblyScript SDK yet`);
      return null;
    }
    const segs = on.split(".").map((s) => s.trim());
    if (segs.some((s) => !s)) {
      this.error(node, `event '${on}' has an empty segment`);
      return null;
    }
    if (segs.length === 1) {
      const e = segs[0];
      if (e in CORE_EVENTS) {
        if (e === "connect" || e === "disconnect") expectArgs([{ k: "prim", name: "string" }], ["nodeId"]);
        else expectArgs([], []);
        return CORE_EVENTS[e];
      }
      if (UNSUPPORTED_EVENTS.has(e)) {
        this.error(node, `event '${e}' is not supported by the AssemblyScript SDK yet`);
        return null;
      }
      this.error(node, `unknown event '${on}'; expected init, load, connect, disconnect, '<table>.<insert|update|delete>', '<module>.<table>.<event>' or '<node>.<module>.<table>.<event>'`);
      return null;
    }
    if (segs.length > 4) {
      this.error(node, `unknown event '${on}'`);
      return null;
    }
    const ev = segs[segs.length - 1];
    if (!["insert", "update", "delete"].includes(ev)) {
      if (ev === "sync" && segs.length === 4) this.error(node, `replica sync events are not supported by the AssemblyScript SDK yet`);
      else this.error(node, `unknown table event '${ev}' in '${on}'; expected insert, update or delete`);
      return null;
    }
    let rowType;
    let nodeSel = "Current";
    let moduleName;
    let tableName;
    if (segs.length === 2 || (segs.length === 3 && segs[0] === this.module.name)) {
      tableName = segs[segs.length - 2];
      moduleName = this.module.name;
      const t = this.tablesByName.get(tableName);
      if (!t) {
        this.error(node, `unknown table '${tableName}' in '${on}' (tables of this module: ${[...this.tablesByName.keys()].join(", ") || "none"})`);
        return null;
      }
      rowType = { k: "named", name: t.typeName, as: t.as, ns: "", table: t, display: t.def.asName };
    } else if (segs.length === 3) {
      [moduleName, tableName] = segs;
      const mod = this.bindings.modulesByName.get(moduleName);
      if (!mod) {
        this.error(node, `unknown module '${moduleName}' in '${on}': it is neither this module ('${this.module.name}') nor described in src/bindings`);
        return null;
      }
      const t = mod.tables.find((x) => x.name === tableName);
      if (!t) {
        this.error(node, `module '${moduleName}' has no table '${tableName}'`);
        return null;
      }
      rowType = { k: "named", name: t.typeName, as: t.as, ns: t.ns, table: t, display: t.display };
    } else {
      let nodeName;
      [nodeName, moduleName, tableName] = segs;
      const nd = this.bindings.nodesByName.get(nodeName);
      if (!nd) {
        this.error(node, `unknown node '${nodeName}' in '${on}' (add the node's schema to src/bindings)`);
        return null;
      }
      const mod = nd.modules.find((m) => m.name === moduleName);
      if (!mod) {
        this.error(node, `node '${nodeName}' has no module '${moduleName}' in its binding`);
        return null;
      }
      const t = mod.tables.find((x) => x.name === tableName);
      if (!t) {
        this.error(node, `module '${moduleName}' on node '${nodeName}' has no table '${tableName}'`);
        return null;
      }
      if (!this.module.replicated.some((x) => x.node === nodeName && x.module === moduleName && x.table === tableName)) {
        this.error(node, `subscribing to '${on}' needs the table to be replicated: @module({ replicatedTables: ["${nodeName}.${moduleName}.${tableName}"] })`);
        return null;
      }
      nodeSel = { Other: nodeName };
      rowType = { k: "named", name: t.typeName, as: t.as, ns: t.ns, table: t, display: t.display };
    }
    if (ev === "update") expectArgs([rowType, rowType], ["oldRow", "newRow"]);
    else expectArgs([rowType], [ev === "insert" ? "insertedRow" : "deletedRow"]);
    r.rowTable = rowType.table;
    const kind = ev[0].toUpperCase() + ev.slice(1);
    return { [kind]: { node_selection: nodeSel, module_name: moduleName, table_name: tableName } };
  }

  // ---- table access inference ----------------------------------------------------------------

  /** Walks a function body (and the user functions it calls) collecting table accesses. */
  inferAccess() {
    const cache = new Map();
    const K = this.K;
    const scan = (decl, stack) => {
      if (cache.has(decl)) return cache.get(decl);
      const found = { refs: [], schedules: [] };
      cache.set(decl, found);
      if (stack.has(decl)) return found;
      stack.add(decl);
      const walk = (node, parent, grand) => {
        if (!node || typeof node !== "object") return;
        if (Array.isArray(node)) {
          for (const n of node) walk(n, parent, grand);
          return;
        }
        if (typeof node.kind !== "number") return;
        if (node.kind === K.PropertyAccess) {
          const inner = node.expression;
          if (inner.kind === K.PropertyAccess && inner.property.text === "tables") {
            const owner = this.accessOwner(inner.expression);
            let op = null;
            if (parent && parent.kind === K.PropertyAccess && parent.expression === node && grand && grand.kind === K.Call && grand.expression === parent) op = parent.property.text;
            found.refs.push({ owner, table: node.property.text, op, node });
          }
        }
        if (node.kind === K.Call) {
          const callee = node.expression;
          let name = null;
          if (callee.kind === K.Identifier) name = callee.text;
          else if (callee.kind === K.PropertyAccess) {
            name = callee.property.text;
            if ((name === "schedule" || name === "trySchedule") && node.args.length >= 1) found.schedules.push(node);
          }
          if (name && this.functions.has(name)) {
            for (const f of this.functions.get(name)) {
              const sub = scan(f, stack);
              found.refs.push(...sub.refs);
            }
          }
        }
        for (const key of Object.keys(node)) {
          if (key === "range" || key === "decorators" || key === "__interstice") continue;
          const v = node[key];
          if (v && typeof v === "object") walk(v, node, parent);
        }
      };
      walk(decl.body, null, null);
      stack.delete(decl);
      return found;
    };
    const classify = (op, isQuery) => {
      if (isQuery) return ["reads"];
      if (op === "insert" || op === "tryInsert") return ["inserts"];
      if (op === "update" || op === "tryUpdate") return ["updates"];
      if (op === "delete" || op === "tryDelete" || op === "clear" || op === "tryClear") return ["deletes"];
      if (op === null) return ["reads", "inserts", "updates", "deletes"];
      return ["reads"];
    };
    for (const [list, isQuery] of [[this.reducers, false], [this.queries, true]]) {
      for (const f of list) {
        const found = scan(f.fn, new Set());
        for (const ref of found.refs) {
          const tr = this.refFromOwner(ref, f);
          if (!tr) continue;
          const remote = tr.module_selection !== "Current";
          for (const op of remote ? ["reads"] : classify(ref.op, isQuery)) f.access[op].set(refKey(tr), tr);
        }
        for (const call of found.schedules) {
          const a = call.args[0];
          if (a.kind === K.Literal && a.literalKind === this.as.LiteralKind.String) {
            const target = this.reducersByName.get(a.value);
            if (!target) this.error(a, `schedule: '${a.value}' is not a reducer of this module`);
            else if (target.args.length) this.error(a, `schedule: reducer '${a.value}' takes arguments; scheduled reducers must take only the context`);
          }
        }
      }
    }
  }

  accessOwner(expr) {
    // ctx.tables -> local; ctx.modules.<m>.tables -> module; ctx.nodes.<n>.<m>.tables -> node
    const K = this.K;
    if (expr.kind === K.PropertyAccess) {
      const a = expr.expression;
      if (a.kind === K.PropertyAccess && a.property.text === "modules") return { module: expr.property.text };
      if (a.kind === K.PropertyAccess && a.expression.kind === K.PropertyAccess && a.expression.property.text === "nodes") {
        return { node: a.property.text, module: expr.property.text };
      }
    }
    return {};
  }

  refFromOwner(ref, f) {
    const o = ref.owner;
    if (o.node) {
      const nd = this.bindings.nodesByIdent.get(o.node);
      const mod = nd && nd.modulesByIdent.get(o.module);
      const t = mod && mod.tables.find((x) => x.ident === ref.table);
      if (!t) return null; // the compiler reports the unknown member
      return { node_selection: { Other: nd.name }, module_selection: { Other: mod.name }, table_name: t.name };
    }
    if (o.module) {
      const mod = this.bindings.modulesByIdent.get(o.module);
      const t = mod && mod.tables.find((x) => x.ident === ref.table);
      if (!t) return null;
      return { node_selection: "Current", module_selection: { Other: mod.name }, table_name: t.name };
    }
    if (!this.tablesByName.has(ref.table)) return null;
    void f;
    return { node_selection: "Current", module_selection: "Current", table_name: ref.table };
  }

  // ---- schema -----------------------------------------------------------------------------------

  buildSchema() {
    const refs = (m) => [...m.values()];
    const typeDefs = {};
    for (const def of this.types.values()) {
      if (def.kind === "enum") typeDefs[def.name] = { Enum: { name: def.name, variants: def.variants.map((v) => ({ name: v.name, field_type: schemaType(v.type) })) } };
      else typeDefs[def.name] = { Struct: { name: def.name, fields: def.fields.map((f) => ({ name: f.name, field_type: schemaType(f.type) })) } };
    }
    // Binding types used in this module's signatures (so the schema is self-contained).
    const addBindingType = (t) => {
      if (!t) return;
      if (t.k === "vec" || t.k === "opt") return addBindingType(t.el);
      if (t.k === "tuple") return t.items.forEach(addBindingType);
      if (t.k === "named" && t.ns && !(t.name in typeDefs)) {
        const def = this.bindings.typeDef(t);
        if (!def) return;
        typeDefs[t.name] = def.schemaDef;
        (def.fields || def.variants || []).forEach((f) => addBindingType(f.type));
      }
    };
    for (const r of this.reducers) r.args.forEach((a) => addBindingType(a.type));
    for (const q of this.queries) {
      q.args.forEach((a) => addBindingType(a.type));
      addBindingType(q.returnType);
    }
    return {
      abi_version: ABI_VERSION,
      name: this.module.name,
      version: this.module.version,
      visibility: this.module.visibility,
      reducers: this.reducers.map((r) => ({
        name: r.name,
        arguments: r.args.map((a) => ({ name: a.name, field_type: schemaType(a.type) })),
        reads: refs(r.access.reads),
        inserts: refs(r.access.inserts),
        updates: refs(r.access.updates),
        deletes: refs(r.access.deletes),
      })),
      queries: this.queries.map((q) => ({
        name: q.name,
        arguments: q.args.map((a) => ({ name: a.name, field_type: schemaType(a.type) })),
        return_type: q.returnType.k === "void" ? "Void" : schemaType(q.returnType),
        reads: refs(q.access.reads),
      })),
      tables: this.tables.map((t) => ({
        name: t.name,
        type_name: t.typeName,
        visibility: t.visibility,
        fields: t.entries.map((f) => ({ name: f.name, field_type: schemaType(f.type) })),
        primary_key: { name: t.pk.name, field_type: schemaType(t.pk.type) },
        primary_key_auto_inc: t.pkAutoInc,
        indexes: t.indexes.map((i) => ({ field_name: i.field.name, index_type: i.type, unique: i.unique, auto_inc: i.autoInc })),
        persistence: t.persistence,
      })),
      subscriptions: this.reducers.filter((r) => r.event).map((r) => ({ reducer_name: r.name, event: r.event })),
      type_definitions: typeDefs,
      authorities: this.module.authorities,
      module_dependencies: this.bindings.modules.map((m) => ({ module_name: m.name, version: m.version })),
      node_dependencies: this.bindings.nodes.map((n) => ({ name: n.name, address: n.address })),
      replicated_tables: this.module.replicated.map((r) => ({ node_name: r.node, module_name: r.module, table_name: r.table })),
    };
  }

  // ---- code generation --------------------------------------------------------------------------

  typeDef(t) {
    if (t.ns) return this.bindings.typeDef(t);
    return this.types.get(t.name);
  }

  generate(schema) {
    const codec = new CodecGen(this);
    const out = [];
    const dir = path.posix.dirname(this.entry.normalizedPath);
    out.push("// Generated by @interstice/sdk/transform. Do not edit.");
    out.push(`import * as __g from "@interstice/sdk/assembly/glue";`);
    // Imports of the user's declarations, aliased per file.
    this.userSources.forEach((s, i) => {
      const names = new Set();
      for (const def of this.types.values()) if (def.file === s) names.add(def.asName);
      for (const f of this.decls.functions) if (f.file === s) names.add(f.decl.name.text);
      if (!names.size) return;
      let rel = path.posix.relative(dir, s.internalPath);
      if (!rel.startsWith(".")) rel = "./" + rel;
      out.push(`import { ${[...names].map((n) => `${n} as __u${i}_${n}`).join(", ")} } from ${JSON.stringify(rel)};`);
    });
    out.push(...this.bindings.generate(codec));

    // Table handles.
    const tableFields = [];
    const queryTableFields = [];
    for (const t of this.tables) {
      out.push(...this.tableHandle(codec, t, "", t.name, true));
      tableFields.push(`${t.name}: __InterTable_${t.name} = new __InterTable_${t.name}();`);
      queryTableFields.push(`${t.name}: __InterReadTable_${t.name} = new __InterReadTable_${t.name}();`);
    }
    out.push(`@global class __InterTables { ${tableFields.join(" ")} }`);
    out.push(`@global class __InterQueryTables { ${queryTableFields.join(" ")} }`);
    out.push(`@global const __interstice_tables = new __InterTables();`);
    out.push(`@global const __interstice_query_tables = new __InterQueryTables();`);

    // Memory and schema exports.
    out.push(`export function alloc(size: i32): i32 { return __g.hostAlloc(size); }`);
    out.push(`export function dealloc(ptr: i32, size: i32): void { __g.hostDealloc(ptr, size); }`);
    const bytes = encodeModuleSchema(schema);
    decodeModuleSchema(bytes); // self-check
    this.schemaBytes = bytes;
    out.push(`const __schema = memory.data<u8>([${[...bytes].join(",")}]);`);
    out.push(`export function interstice_describe(): i64 { return __g.packStatic(__schema, ${bytes.length}); }`);
    const collect = this.runtime === "minimal" ? "__g.collect();" : "";
    if (this.runtime === "stub") this.errors.push("error: the stub runtime never frees memory; build with --runtime minimal");

    const ctxDecode = (kind, name, n) =>
      `const __r = __g.inputReader(<usize>ptr, <usize>len); const __node = __r.str(); const __caller = __r.str(); __g.rdArgs(__r, ${JSON.stringify(kind)}, ${JSON.stringify(name)}, ${n});`;
    const argDecode = (kind, name, args, rowTable) =>
      args
        .map((a, i) => {
          const dec = rowTable ? `${this.rowCodec(codec, rowTable).decVec}(__r)` : codec.dec(a.type, "__r");
          return `__g.setDecodeContext(${JSON.stringify(`${kind} '${name}' argument '${a.name}'`)}); const __a${i} = ${dec};`;
        })
        .join(" ") + (args.length ? ` __g.setDecodeContext("");` : "");
    for (const r of this.reducers) {
      const fnAlias = this.userAlias(r.decl);
      out.push(
        `export function __interstice_reducer_wrapper_${r.name}(ptr: i32, len: i32): void { ${ctxDecode("reducer", r.name, r.args.length)} ${argDecode("reducer", r.name, r.args, r.rowTable)} ${fnAlias}(new __g.ReducerContext(__node, __caller)${r.args.map((_, i) => `, __a${i}`).join("")}); ${collect} }`,
      );
    }
    for (const q of this.queries) {
      const fnAlias = this.userAlias(q.decl);
      const call = `${fnAlias}(new __g.QueryContext(__node, __caller)${q.args.map((_, i) => `, __a${i}`).join("")})`;
      const encode = q.returnType.k === "void" ? `${call}; __w.reset(); __w.u8(0);` : `const __res = ${call}; __w.reset(); ${codec.enc(q.returnType, "__res", "__w", `the result of query ${q.name}`)}`;
      out.push(
        `export function __interstice_query_wrapper_${q.name}(ptr: i32, len: i32): i64 { ${ctxDecode("query", q.name, q.args.length)} ${argDecode("query", q.name, q.args, null)} const __w = __g.W; ${encode} const __p = __w.detach(); const __packed = __g.pack(__p, __w.len); ${collect} return __packed; }`,
      );
    }
    return [out[0], out[1], ...out.slice(2), ...codec.out].join("\n") + "\n";
  }

  userAlias(entry) {
    return `__u${this.userSources.indexOf(entry.file)}_${entry.decl.name.text}`;
  }

  rowCodec(codec, table) {
    return codec.rowFns(table);
  }

  /**
   * Read handle (and write handle for local tables) of a table.
   * moduleSel: "" = current module (direct host functions), else ModuleSelection::Other(moduleSel) via host_call.
   * hostTable: the table name used in host calls (replicas use the local shadow table).
   */
  tableHandle(codec, t, moduleSel, hostTable, writable, prefix = "") {
    const cls = t.as;
    const row = this.rowCodec(codec, t);
    const pkT = asType(t.pk.type);
    const id = `${prefix}${t.name}`;
    const N = JSON.stringify(hostTable);
    // the name's UTF-8 bytes as static data: direct host calls copy them instead of encoding the string every call
    const nameBytes = [...Buffer.from(hostTable, "utf8")];
    const NB = `memory.data<u8>([${nameBytes.join(",")}]), ${nameBytes.length}`;
    const M = JSON.stringify(moduleSel);
    const scanRows = `const __n = __r.len(); const __out = new Array<${cls}>(__n); for (let __i = 0; __i < __n; __i++) unchecked(__out[__i] = ${row.dec}(__r)); __g.endHostCall(); return __out;`;
    const reads = [];
    if (moduleSel === "" && writable) {
      reads.push(
        `get(pk: ${pkT}): ${cls} | null { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const ks = w.len; ${codec.encKey(t.pk.type, "pk")} const r = __g.getByPk(nl, ks); if (r == null) { abort("Interstice: get on table " + ${N} + " failed"); return null; } const tag = r.tag(); if (tag != 0) { abort("Interstice: get on table " + ${N} + " failed: " + (tag == 1 ? r.str() : "bad response")); return null; } if (r.u8() == 0) return null; return ${row.dec}(r); }`,
      );
    } else {
      reads.push(
        `get(pk: ${pkT}): ${cls} | null { __g.beginGet(${M}, ${N}); const w = __g.W; ${codec.encKey(t.pk.type, "pk")} const r = __g.finishGet(${JSON.stringify("get on table " + hostTable)}); if (r.u8() == 0) { __g.endHostCall(); return null; } const o = ${row.dec}(r); __g.endHostCall(); return o; }`,
      );
    }
    reads.push(`scan(): Array<${cls}> { __g.beginScan(${M}, ${N}); const __r = __g.finishScan(${JSON.stringify("scan of table " + hostTable)}); ${scanRows} }`);
    for (const idx of t.indexes) {
      const f = idx.field;
      const camel = f.name.split("_").filter(Boolean).map((s) => s[0].toUpperCase() + s.slice(1)).join("");
      const vt = asType(f.type);
      const F = JSON.stringify(f.name);
      const ops = [["Eq", 0]];
      if (idx.type === "BTree") ops.push(["Lt", 1], ["Lte", 2], ["Gt", 3], ["Gte", 4]);
      for (const [op, q] of ops) {
        reads.push(
          `scanBy${camel}${op}(value: ${vt}): Array<${cls}> { __g.beginIndexScan(${M}, ${N}, ${F}, ${q}); const w = __g.W; ${codec.encKey(f.type, "value")} const __r = __g.finishScan(${JSON.stringify("index scan of " + hostTable + "." + f.name)}); ${scanRows} }`,
        );
      }
      if (idx.type === "BTree") {
        reads.push(
          `scanBy${camel}Range(min: ${vt}, max: ${vt}, includeMin: bool = true, includeMax: bool = false): Array<${cls}> { __g.beginIndexScan(${M}, ${N}, ${F}, 5); const w = __g.W; ${codec.encKey(f.type, "min")} ${codec.encKey(f.type, "max")} w.bool(includeMin); w.bool(includeMax); const __r = __g.finishScan(${JSON.stringify("index scan of " + hostTable + "." + f.name)}); ${scanRows} }`,
        );
      }
      if (idx.unique) reads.push(`getBy${camel}(value: ${vt}): ${cls} | null { const rows = this.scanBy${camel}Eq(value); return rows.length ? rows[0] : null; }`);
    }
    const out = [`@global class __InterReadTable_${id} { ${reads.join(" ")} }`];
    if (writable) {
      const writes = [
        `tryInsert(row: ${cls}): __g.Result<${cls}> { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const rs = w.len; ${row.enc}(w, row); const r = __g.insertRow(nl, rs); if (r == null) return __g.errResult<${cls}>("insert into " + ${N} + " failed"); const tag = r.tag(); if (tag == 0) { if (r.u8() == 0) return __g.okResult<${cls}>(row); return __g.okResult<${cls}>(${row.dec}(r)); } return __g.errResult<${cls}>(tag == 1 ? r.str() : "bad InsertRowResponse"); }`,
        `insert(row: ${cls}): ${cls} { const res = this.tryInsert(row); if (!res.ok) abort("Interstice: insert into " + ${N} + " failed: " + res.error); return res.value; }`,
        `tryUpdate(row: ${cls}): bool { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const rs = w.len; ${row.enc}(w, row); return __g.updateRow(nl, rs); }`,
        `update(row: ${cls}): void { if (!this.tryUpdate(row)) abort("Interstice: update of table " + ${N} + " failed"); }`,
        `tryDelete(pk: ${pkT}): bool { const w = __g.W; w.reset(); const nl = w.rawBytes(${NB}); const ks = w.len; ${codec.encKey(t.pk.type, "pk")} return __g.deleteRow(nl, ks); }`,
        `delete(pk: ${pkT}): void { if (!this.tryDelete(pk)) abort("Interstice: delete from table " + ${N} + " failed"); }`,
        `tryClear(): bool { return __g.clearTable(${N}); }`,
        `clear(): void { if (!this.tryClear()) abort("Interstice: clear of table " + ${N} + " failed"); }`,
      ];
      out.push(`@global class __InterTable_${id} extends __InterReadTable_${id} { ${writes.join(" ")} }`);
    }
    return out;
  }
}

function refKey(r) {
  const sel = (s) => (s === "Current" ? "" : s.Other);
  return `${sel(r.node_selection)}|${sel(r.module_selection)}|${r.table_name}`;
}

function sameType(a, b) {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "prim": return a.name === b.name;
    case "vec": return sameType(a.el, b.el);
    case "opt": return a.nullable === b.nullable && sameType(a.el, b.el);
    case "tuple": return a.items.length === b.items.length && a.items.every((x, i) => sameType(x, b.items[i]));
    case "named": return a.name === b.name && (a.ns || "") === (b.ns || "");
    case "unit": return true;
  }
  return false;
}
