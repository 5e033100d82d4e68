// An Interstice module. Build: npm install && npm run build  ->  build/module.wasm
// The module name and version come from package.json; see docs/modules.md for the SDK reference.
import { ReducerContext, QueryContext } from "@interstice/sdk";

@module({ visibility: "public" })
class Module {}

@table({ visibility: "public" })
export class Greetings {
  @primaryKey({ autoInc: true })
  id: u64 = 0;

  @index({ type: "btree", unique: true })
  greeting: string = "";
}

@reducer({ on: "init" })
export function init(ctx: ReducerContext): void {
  ctx.log("module initialised");
}

@reducer
export function hello(ctx: ReducerContext, name: string): void {
  const row = new Greetings();
  row.greeting = `Hello, ${name}!`;
  const res = ctx.tables.greetings.tryInsert(row);
  if (!res.ok) ctx.log(`could not greet ${name}: ${res.error}`);
}

@reducer({ on: "greetings.insert" })
export function on_greeting(ctx: ReducerContext, row: Greetings): void {
  ctx.log(`greeting #${row.id}: ${row.greeting}`);
}

@query
export function greetings(ctx: QueryContext): Array<string> {
  const rows = ctx.tables.greetings.scan();
  const out = new Array<string>();
  for (let i = 0; i < rows.length; i++) out.push(rows[i].greeting);
  return out;
}
