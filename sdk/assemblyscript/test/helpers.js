// Test helpers: compile AssemblyScript module sources with the transform into a temporary project.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

export const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TRANSFORM = path.join(SDK_DIR, "transform", "index.js");

/**
 * Compiles `files` ({ "src/index.ts": "...", "src/bindings/x.toml": "..." }) as a module project named `name`.
 * Returns { ok, wasm, stderr, dir }.
 */
export async function compile(files, { name = "testmod", version = "0.1.0", runtime = "minimal", extraArgs = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "interstice-as-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version, private: true }));
  fs.mkdirSync(path.join(dir, "node_modules", "@interstice"), { recursive: true });
  fs.symlinkSync(SDK_DIR, path.join(dir, "node_modules", "@interstice", "sdk"));
  fs.symlinkSync(path.join(SDK_DIR, "node_modules", "assemblyscript"), path.join(dir, "node_modules", "assemblyscript"));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(
    ["src/index.ts", "--baseDir", dir, "--transform", TRANSFORM, "--runtime", runtime, "--outFile", "build/out.wasm", "-O3", ...extraArgs],
    { stdout, stderr },
  );
  const out = path.join(dir, "build", "out.wasm");
  const result = { ok: !error, stderr: stderr.toString(), dir, wasm: !error && fs.existsSync(out) ? fs.readFileSync(out) : null };
  if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Compiles and throws with the compiler output on failure. */
export async function build(files, opts) {
  const r = await compile(files, opts);
  if (!r.ok) throw new Error("compile failed:\n" + r.stderr);
  return r.wasm;
}

export const json = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
