// @ts-check
// @interstice/sdk compiler transform: turns decorated AssemblyScript into an Interstice ABI 6 module.
//
// Use: asc src/index.ts --transform @interstice/sdk/transform --runtime minimal ...
//
// afterParse runs the passes over the model documented in model.js:
//   collect -> bindings -> analyse -> access -> authorities -> schema -> codegen
// then makes the generated glue the entry file and routes AssemblyScript's abort/trace/seed to the SDK, so the
// module imports only "interstice". Any misuse is reported as "file:line:col: error: message" and fails the build.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import fs from "node:fs";
import path from "node:path";
import { Context } from "./context.js";
import { collect } from "./passes/collect.js";
import { loadBindings } from "./passes/bindings.js";
import { analyse } from "./passes/analyse.js";
import { inferAccess } from "./passes/access.js";
import { checkAuthorities } from "./passes/authorities.js";
import { buildSchema } from "./passes/schema.js";
import { generate } from "./passes/codegen.js";

/**
 * @typedef {import("assemblyscript").Parser} Parser
 * @typedef {import("assemblyscript").Program} Program
 */

const SDK_PREFIX = "~lib/@interstice/sdk/";

/**
 * Loads the compiler module asc itself runs (same instance, so enums and classes match).
 * @param {string | undefined} baseDir
 * @returns {Promise<typeof import("assemblyscript")>}
 */
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

/** Thrown to fail the build once the errors are printed. */
class CompileErrors extends Error {
  /** @param {string[]} messages */
  constructor(messages) {
    super(`${messages.length} Interstice error(s)`);
    this.messages = messages;
    this.stack = this.message;
  }
}

/**
 * The errors in file, line, column order (ties keep their order), without duplicates.
 * @param {string[]} errors
 */
function sortErrors(errors) {
  /** @param {string} m @returns {[string, number, number]} */
  const loc = (m) => {
    const x = /^(.*?):(\d+):(\d+): /.exec(m);
    return x ? [x[1], Number(x[2]), Number(x[3])] : ["", 0, 0];
  };
  return [...new Set(errors)].sort((a, b) => {
    const [fa, la, ca] = loc(a);
    const [fb, lb, cb] = loc(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}

/**
 * Runs the passes; returns the glue, or null when a pass reported errors (in ctx.errors).
 * @param {Context} ctx
 * @param {Parser} parser
 */
function runPasses(ctx, parser) {
  const collected = collect(ctx, parser);
  if (!collected || ctx.errors.length) return null;
  const bindings = loadBindings(ctx, collected.project);
  if (ctx.errors.length) return null;
  const model = analyse(ctx, collected, bindings);
  inferAccess(ctx, model);
  checkAuthorities(ctx, model);
  if (ctx.errors.length) return null;
  const schema = buildSchema(model);
  const glue = generate(ctx, model, schema);
  if (ctx.errors.length) return null;
  return { model, glue };
}

/**
 * What asc puts on the transform's prototype before calling it (so the class declares no fields of its own).
 * @typedef {{ program: Program, baseDir?: string, stderr?: { write(s: string): unknown } }} AscTransformHost
 */

export default class IntersticeTransform {
  /** @param {Parser} parser */
  async afterParse(parser) {
    const host = /** @type {AscTransformHost} */ (/** @type {unknown} */ (this));
    const as = await loadCompiler(host.baseDir);
    const ctx = new Context(as, host.baseDir || ".");
    const result = runPasses(ctx, parser);
    if (!result) {
      const errors = sortErrors(ctx.errors);
      for (const m of errors) (host.stderr || process.stderr).write(m + "\n");
      throw new CompileErrors(errors);
    }
    const { model, glue } = result;
    if (process.env.INTERSTICE_DUMP_GLUE) fs.writeFileSync(process.env.INTERSTICE_DUMP_GLUE, glue);

    // Make the glue the only entry file; the user's files become ordinary (imported) files, so only the
    // ABI functions are exported from the wasm module.
    for (const s of model.entries) s.sourceKind = ctx.S.User;
    const dir = path.posix.dirname(model.entry.normalizedPath);
    parser.parseFile(glue, (dir === "." ? "" : dir + "/") + "__interstice_glue__.ts", true);

    const options = host.program.options;
    if (!options.globalAliases) options.globalAliases = new Map();
    const rt = SDK_PREFIX + "assembly/runtime/";
    if (!options.globalAliases.has("abort")) options.globalAliases.set("abort", rt + "__interstice_abort");
    if (!options.globalAliases.has("trace")) options.globalAliases.set("trace", rt + "__interstice_trace");
    if (!options.globalAliases.has("seed")) options.globalAliases.set("seed", rt + "__interstice_seed");
  }
}
