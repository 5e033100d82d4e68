// Streaming scans and composite indexes (our extensions, docs/abi.md §4.2 and §4.3) as the SDK declares them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, json } from "./helpers.js";
import { FakeHost } from "./fake-host.js";

const TABLE = `
import { ReducerContext, QueryContext } from "@interstice/sdk";

@table({ visibility: "public", indexes: [["customer", "placed_at"]] })
export class Orders {
  @primaryKey
  id: u64 = 0;
  customer: string = "";
  placed_at: u64 = 0;
}
`;

const imports = (wasm) => WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name);

test("a composite index travels as a struct type named for its table and columns", async () => {
  const wasm = await build({
    "src/index.ts":
      TABLE +
      `@reducer export function add(ctx: ReducerContext, id: u64): void { const o = new Orders(); o.id = id; ctx.tables.orders.insert(o); }`,
  });
  const h = await new FakeHost().load(wasm);
  assert.deepEqual(
    json(h.schema.type_definitions["__interstice_index:orders:customer,placed_at"]),
    json({
      Struct: {
        name: "__interstice_index:orders:customer,placed_at",
        fields: [
          { name: "customer", field_type: "String" },
          { name: "placed_at", field_type: "U64" },
        ],
      },
    }),
  );
  assert.deepEqual(h.schema.tables[0].indexes, []); // ABI 6's index list is untouched
  assert.ok(!imports(wasm).includes("interstice_scan"), "a module that does not iterate does not import the extension");
});

test("iterating imports interstice_scan, for whole tables and composite ranges alike", async () => {
  const wasm = await build({
    "src/index.ts":
      TABLE +
      `@query export function recent(ctx: QueryContext, customer: string, since: u64): u64 {
        const c = ctx.tables.orders.iterByCustomerPlacedAtGte(customer, since);
        let n: u64 = 0;
        while (c.next() != null) n++;
        const all = ctx.tables.orders.iter();
        all.close();
        const r = ctx.tables.orders.iterByCustomerPlacedAtRange(customer, 1, 9, true, false);
        r.close();
        ctx.tables.orders.iterByCustomerPlacedAt(customer).close();
        return n;
      }`,
  });
  assert.ok(imports(wasm).includes("interstice_scan"));
});
