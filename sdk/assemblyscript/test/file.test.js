// The File authority in the SDK: ctx.file calls as the host receives them, FileEvent handlers, and the compile
// errors for a module that uses files without declaring the authority.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, compile } from "./helpers.js";
import { FakeHost, FakeFiles } from "./fake-host.js";

const NOTES = `import { ReducerContext, FileEvent } from "@interstice/sdk";
@module({ authorities: ["File"] })
class Notes {}

@reducer export function save(ctx: ReducerContext, title: string, text: string): void {
  let err = ctx.file.createDir("notes", true);
  if (err != null) abort(err);
  err = ctx.file.writeText("notes/" + title + ".txt", text);
  if (err != null) abort(err);
  ctx.file.writeText("notes/" + title + ".txt", "!", true);
  ctx.log(ctx.file.readText("notes/" + title + ".txt").value);
  let m = ctx.file.metadata("notes/" + title + ".txt").value;
  ctx.log(m.length.toString() + " " + m.modifiedMs.toString() + " " + m.createdMs.toString());
  let entries = ctx.file.list("notes").value;
  for (let i = 0; i < entries.length; i++) ctx.log(entries[i].path);
  let missing = ctx.file.read("nothing");
  ctx.log(missing.ok ? "found" : missing.error);
  ctx.log(ctx.file.rename("notes/" + title + ".txt", "notes/old.txt") == null ? "renamed" : "not renamed");
}

@reducer({ on: "file_recursive:notes" }) export function changed(ctx: ReducerContext, event: FileEvent): void {
  ctx.log(event.kind + " " + event.path + (event.renamed ? " from " + event.from : ""));
}
`;

const fileEvent = (variant, fields) => ({
  Enum: {
    name: "FileEvent",
    variant,
    value: { Struct: { name: variant, fields: fields.map(([name, s]) => ({ name, value: { String: s } })) } },
  },
});

test("ctx.file: every call reaches the host and its answer the module", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": NOTES }, { name: "notes" }));
  h.files = new FakeFiles();
  h.callReducer("save", [{ String: "a" }, { String: "hello" }]);
  assert.deepEqual(h.logs, ["hello!", "6 1700000000123 0", "notes/a.txt", "cannot read 'nothing': it does not exist", "renamed"]);
  assert.deepEqual(
    h.files.calls.map((c) => c[0]),
    [4, 1, 1, 0, 3, 2, 0, 7],
  );
  assert.equal(h.files.files.get("notes/old.txt").toString(), "hello!");
});

test("file watch handlers declare the subscription and receive a FileEvent", async () => {
  const h = await new FakeHost().load(await build({ "src/index.ts": NOTES }, { name: "notes" }));
  assert.deepEqual(h.schema.authorities, ["File"]);
  assert.deepEqual(h.schema.subscriptions, [{ reducer_name: "changed", event: { File: { path: "notes", recursive: true } } }]);
  assert.deepEqual(h.schema.reducers.find((r) => r.name === "changed").arguments, []);
  h.callReducer("changed", [fileEvent("Created", [["path", "notes/a.txt"]])]);
  h.callReducer("changed", [
    fileEvent("Renamed", [
      ["from", "notes/a.txt"],
      ["to", "notes/b.txt"],
    ]),
  ]);
  assert.deepEqual(h.logs, ["Created notes/a.txt", "Renamed notes/b.txt from notes/a.txt"]);
});

const HEAD = `import { ReducerContext, FileEvent } from "@interstice/sdk";
`; // 1 line; the case's code starts on line 2

const CASES = [
  [
    "ctx.file without the File authority",
    `@reducer export function r(ctx: ReducerContext): void {\n  ctx.file.writeText("a", "b");\n}`,
    3,
    'ctx.file needs the File authority: add authorities: ["File"] to @module',
  ],
  [
    "ctx.file in a helper function",
    `function helper(c: ReducerContext): void { c.file.removeFile("a"); }\n@reducer export function r(ctx: ReducerContext): void { helper(ctx); }`,
    2,
    'c.file needs the File authority: add authorities: ["File"] to @module',
  ],
  [
    "a file watch without the File authority",
    `@reducer({ on: "file:notes" }) export function r(ctx: ReducerContext, e: FileEvent): void {}`,
    2,
    "reducer r watches files ('file:notes'), which needs the File authority",
  ],
  [
    "a file watch handler without the event",
    `@module({ authorities: ["File"] }) class M {}\n@reducer({ on: "file_recursive:notes" }) export function r(ctx: ReducerContext): void {}`,
    3,
    "reducer r subscribes to 'file_recursive:notes', so it must take (ctx: ReducerContext, event: FileEvent)",
  ],
  [
    "a file watch outside the root",
    `@module({ authorities: ["File"] }) class M {}\n@reducer({ on: "file:../etc" }) export function r(ctx: ReducerContext, e: FileEvent): void {}`,
    3,
    "the path of 'file:../etc' must be relative to the node's file root",
  ],
  [
    "an unknown watch",
    `@reducer({ on: "files:x" }) export function r(ctx: ReducerContext): void {}`,
    2,
    "unknown event 'files:x'; file watches are 'file:<path>' or 'file_recursive:<path>'",
  ],
];

for (const [title, code, line, message] of CASES) {
  test(`compile error: ${title}`, async () => {
    const r = await compile({ "src/index.ts": HEAD + code + "\n" });
    assert.equal(r.ok, false, "expected the build to fail");
    const hit = r.stderr.split("\n").find((l) => l.includes(message));
    assert.ok(hit, `no error containing:\n  ${message}\ngot:\n${r.stderr}`);
    assert.match(hit, new RegExp(`^src/index\\.ts:${line}:\\d+: error: `), `wrong location in: ${hit}`);
  });
}
