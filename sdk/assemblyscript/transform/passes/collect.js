// @ts-check
// Pass 1, collect: finds the user's sources, the entry file and package.json, and the declarations carrying our
// decorators. Checks where each decorator may be used, strips ours (the compiler would reject them) and exports the
// decorated declarations (the glue imports them).

import fs from "node:fs";
import path from "node:path";
import { decoratorName } from "../ast.js";

/**
 * @typedef {import("../context.js").Context} Context
 * @typedef {import("../model.js").Collected} Collected
 * @typedef {import("../model.js").Project} Project
 * @typedef {import("../model.js").MemberDecorator} MemberDecorator
 * @typedef {import("../model.js").ClassEntry} ClassEntry
 * @typedef {import("../model.js").FunctionEntry} FunctionEntry
 * @typedef {import("assemblyscript").Parser} Parser
 * @typedef {import("assemblyscript").Source} Source
 * @typedef {import("assemblyscript").Statement} Statement
 * @typedef {import("assemblyscript").DeclarationStatement} DeclarationStatement
 * @typedef {import("assemblyscript").ClassDeclaration} ClassDeclaration
 * @typedef {import("assemblyscript").FunctionDeclaration} FunctionDeclaration
 * @typedef {import("assemblyscript").MethodDeclaration} MethodDeclaration
 * @typedef {import("assemblyscript").NamespaceDeclaration} NamespaceDeclaration
 * @typedef {import("assemblyscript").DecoratorNode} DecoratorNode
 */

/** AssemblyScript's own decorators: left in place. */
const AS_DECORATORS = new Set(["global", "operator", "unmanaged", "final", "inline", "external", "builtin", "lazy", "unsafe"]);
/** Ours: checked and removed. */
export const OUR_DECORATORS = new Set(["module", "table", "primaryKey", "index", "defaultValue", "type", "enumType", "reducer", "query"]);

/**
 * @param {Context} ctx
 * @param {Parser} parser
 * @returns {Collected | null} null (with an error) when there is no entry file
 */
export function collect(ctx, parser) {
  const SourceKind = ctx.S;
  /** @type {Source[]} */
  const userSources = [];
  for (const s of parser.sources) {
    if ((s.sourceKind === SourceKind.User || s.sourceKind === SourceKind.UserEntry) && !s.internalPath.startsWith("~lib/")) {
      userSources.push(s);
    }
  }
  const entries = userSources.filter((s) => s.sourceKind === SourceKind.UserEntry);
  if (!entries.length) {
    ctx.errors.push("error: no entry file");
    return null;
  }
  const entry = entries[0];
  /** @type {Collected} */
  const c = {
    userSources,
    entries,
    entry,
    runtime: detectRuntime(parser),
    project: readProject(ctx, entry),
    decls: { classes: [], functions: [], module: [] },
    functions: new Map(),
    memberDecorators: new Map(),
  };
  collectDeclarations(ctx, c);
  return c;
}

/**
 * The runtime asc links (~lib/rt/index-<runtime>).
 * @param {Parser} parser
 */
function detectRuntime(parser) {
  for (const s of parser.sources) {
    const m = /^~lib\/rt\/index-(\w+)/.exec(s.internalPath);
    if (m) return m[1];
  }
  return "custom";
}

/**
 * The module's package.json: the nearest one above the entry file.
 * @param {Context} ctx
 * @param {Source} entry
 * @returns {Project}
 */
function readProject(ctx, entry) {
  let dir = path.resolve(ctx.baseDir, path.dirname(entry.normalizedPath));
  for (;;) {
    const p = path.join(dir, "package.json");
    if (fs.existsSync(p)) {
      try {
        return { dir, pkg: JSON.parse(fs.readFileSync(p, "utf8")) };
      } catch (e) {
        ctx.errors.push(`${p}: error: cannot read package.json: ${/** @type {Error} */ (e).message}`);
        return { dir, pkg: {} };
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return { dir: path.resolve(ctx.baseDir), pkg: {} };
    dir = up;
  }
}

/**
 * Finds the decorated declarations, strips the decorators, exports what the glue imports.
 * @param {Context} ctx
 * @param {Collected} c
 */
function collectDeclarations(ctx, c) {
  const K = ctx.K;
  /** @param {FunctionDeclaration | MethodDeclaration} f */
  const addFunction = (f) => {
    const list = c.functions.get(f.name.text) || [];
    list.push(f);
    c.functions.set(f.name.text, list);
  };
  /**
   * @param {Statement} stmt
   * @param {boolean} topLevel
   * @param {Source} file
   */
  const visit = (stmt, topLevel, file) => {
    if (stmt.kind === K.NamespaceDeclaration) {
      for (const m of /** @type {NamespaceDeclaration} */ (stmt).members) visit(m, false, file);
      return;
    }
    if (stmt.kind === K.FunctionDeclaration && /** @type {FunctionDeclaration} */ (stmt).name) {
      addFunction(/** @type {FunctionDeclaration} */ (stmt));
    }
    if (stmt.kind === K.ClassDeclaration) {
      const cls = /** @type {ClassDeclaration} */ (stmt);
      for (const m of cls.members) {
        if (m.kind === K.MethodDeclaration && m.name) addFunction(/** @type {MethodDeclaration} */ (m));
        checkMemberDecorators(ctx, c, m, cls);
      }
    }
    const decl = /** @type {DeclarationStatement} */ (stmt);
    const ds = decl.decorators;
    if (!ds || !ds.length) return;
    /** @type {{ name: string, d: DecoratorNode }[]} */
    const ours = [];
    /** @type {DecoratorNode[]} */
    const keep = [];
    for (const d of ds) {
      const name = decoratorName(ctx, d);
      const head = name.split(".")[0];
      if (OUR_DECORATORS.has(name)) ours.push({ name, d });
      else if (AS_DECORATORS.has(head)) keep.push(d);
      else {
        ctx.error(d, `unknown decorator @${name} (Interstice decorators: ${[...OUR_DECORATORS].map((x) => "@" + x).join(", ")})`);
      }
    }
    decl.decorators = keep.length ? keep : null;
    if (!ours.length) return;
    if (!topLevel) {
      ctx.error(ours[0].d, `@${ours[0].name} must be used on a top-level declaration`);
      return;
    }
    if (ours.length > 1) {
      ctx.error(ours[1].d, `@${ours[1].name} cannot be combined with @${ours[0].name}`);
      return;
    }
    const { name, d } = ours[0];
    const isClass = stmt.kind === K.ClassDeclaration;
    const isFn = stmt.kind === K.FunctionDeclaration;
    if (["table", "type", "enumType", "module"].includes(name) && !isClass) {
      ctx.error(d, `@${name} must be used on a class`);
      return;
    }
    if (["reducer", "query"].includes(name) && !isFn) {
      ctx.error(d, `@${name} must be used on a top-level function`);
      return;
    }
    if (["primaryKey", "index"].includes(name)) {
      ctx.error(d, `@${name} must be used on a field of a @table class`);
      return;
    }
    decl.flags |= ctx.F.Export;
    const kind = /** @type {"module" | "table" | "type" | "enumType" | "reducer" | "query"} */ (name);
    if (kind === "module") c.decls.module.push({ kind, d, decl: /** @type {ClassDeclaration} */ (decl), file });
    else if (isClass) c.decls.classes.push({ kind, d, decl: /** @type {ClassDeclaration} */ (decl), file });
    else c.decls.functions.push({ kind, d, decl: /** @type {FunctionDeclaration} */ (decl), file });
  };
  for (const s of c.userSources) {
    for (const stmt of s.statements) visit(stmt, true, s);
  }
}

/**
 * Takes @primaryKey/@index/@defaultValue off a class member (into `memberDecorators`); reports any other of ours.
 * @param {Context} ctx
 * @param {Collected} c
 * @param {DeclarationStatement} m
 * @param {ClassDeclaration} cls
 */
function checkMemberDecorators(ctx, c, m, cls) {
  if (!m.decorators) return;
  /** @type {DecoratorNode[]} */
  const keep = [];
  /** @type {MemberDecorator[]} */
  const found = [];
  for (const d of m.decorators) {
    const name = decoratorName(ctx, d);
    if (name === "primaryKey" || name === "index" || name === "defaultValue") found.push({ name, d });
    else if (AS_DECORATORS.has(name.split(".")[0])) keep.push(d);
    else if (OUR_DECORATORS.has(name)) ctx.error(d, `@${name} cannot be used on a class member`);
    else ctx.error(d, `unknown decorator @${name} on ${cls.name.text}.${m.name.text}`);
  }
  m.decorators = keep.length ? keep : null;
  c.memberDecorators.set(m, found);
}
