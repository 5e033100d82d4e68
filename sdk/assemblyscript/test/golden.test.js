// The golden postcard vectors shared with the Java codec tests (testdata/golden/postcard.json): the transform's
// schema encoder (postcard.js) and the fake host's value codec must produce and read exactly those bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { SDK_DIR } from "./helpers.js";
import {
  PostcardWriter,
  PostcardReader,
  writeType,
  readType,
  writeTypeDef,
  readTypeDef,
  writeSelection,
  readSelection,
  writeEvent,
  readEvent,
  encodeModuleSchema,
  decodeModuleSchema,
} from "../transform/postcard.js";
import { FakeHost, writeValue, readValue, readKey, writeRow, readRow } from "./fake-host.js";

const GOLDEN = JSON.parse(fs.readFileSync(path.join(SDK_DIR, "../../testdata/golden/postcard.json"), "utf8"));

/** The bytes of a vector's "hex": a string or lines; on each line the leading two-digit hex tokens ("|" separates). */
function bytesOf(hex) {
  const out = [];
  for (const line of Array.isArray(hex) ? hex : [hex]) {
    for (const tok of line.trim().split(/\s+/)) {
      if (tok === "|") continue;
      if (!/^[0-9A-Fa-f]{2}$/.test(tok)) break;
      out.push(parseInt(tok, 16));
    }
  }
  return Buffer.from(out);
}

/** A value of the file (64-bit integers as strings, NaN as "NaN") as the fake host represents it. */
function jsValue(v) {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(jsValue);
  const [k] = Object.keys(v);
  const x = v[k];
  if (k === "U64" || k === "I64") return { [k]: BigInt(x) };
  if ((k === "F32" || k === "F64") && x === "NaN") return { [k]: NaN };
  if (k === "Struct") return { Struct: { name: x.name, fields: x.fields.map((f) => ({ name: f.name, value: jsValue(f.value) })) } };
  if (k === "Enum") return { Enum: { ...x, value: jsValue(x.value) } };
  if (k === "Option") return { Option: x === null ? null : jsValue(x) };
  return { [k]: jsValue(x) };
}

const jsRow = (row) => ({ primary_key: jsValue(row.primary_key), entries: row.entries.map(jsValue) });

/**
 * Checks a category: encoding gives the bytes, decoding the bytes gives the value and consumes them all, and every
 * strict prefix fails to decode.
 */
function check(category, { write, read, toJs = (x) => x }) {
  const vectors = GOLDEN[category];
  assert.ok(vectors.length > 0, category);
  for (const { hex, value } of vectors) {
    const bytes = bytesOf(hex);
    const v = toJs(value);
    if (write) {
      const w = new PostcardWriter();
      write(w, v);
      assert.equal(w.toBuffer().toString("hex"), bytes.toString("hex"), `encoding of ${JSON.stringify(value)}`);
    }
    const r = new PostcardReader(bytes);
    assert.deepEqual(read(r), v, `decoding of ${bytes.toString("hex")}`);
    assert.ok(r.done(), `trailing bytes after ${JSON.stringify(value)}`);
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => read(new PostcardReader(bytes.subarray(0, cut))), undefined, `${JSON.stringify(value)} cut to ${cut} bytes`);
    }
  }
}

test("golden: IntersticeValue (the fake host's codec)", () => {
  check("value", { write: writeValue, read: readValue, toJs: jsValue });
});

test("golden: IndexKey (read by the fake host)", () => {
  check("index_key", { read: readKey, toJs: jsValue });
});

test("golden: Row (the fake host's codec)", () => {
  check("row", { write: writeRow, read: readRow, toJs: jsRow });
});

test("golden: the call input the fake host gives a wrapper", () => {
  for (const { hex, value } of GOLDEN.call_input) {
    const { caller_node_id, caller_module_name } = value.context;
    const bytes = new FakeHost().encodeCall(value.args.map(jsValue), caller_node_id, caller_module_name);
    assert.equal(bytes.toString("hex"), bytesOf(hex).toString("hex"));
  }
});

test("golden: IntersticeType, TypeDef, Selection, SubscriptionEvent (the transform's schema encoder)", () => {
  check("type", { write: writeType, read: readType });
  check("type_def", { write: writeTypeDef, read: readTypeDef });
  check("selection", { write: writeSelection, read: readSelection });
  check("subscription_event", { write: writeEvent, read: readEvent });
});

test("golden: ModuleSchema (the schema the transform embeds)", () => {
  for (const { hex, value } of GOLDEN.module_schema) {
    const bytes = bytesOf(hex);
    assert.equal(encodeModuleSchema(value).toString("hex"), bytes.toString("hex"));
    assert.deepEqual(decodeModuleSchema(bytes), value);
    for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeModuleSchema(bytes.subarray(0, cut)));
  }
});
