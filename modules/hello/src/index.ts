// The Interstice "hello" example module (same tables, reducers and query as upstream modules/hello).
import { ReducerContext, QueryContext } from "@interstice/sdk";

@module({ visibility: "public" })
class Hello {}

// TABLES

@table({ visibility: "public" })
export class Greetings {
  @primaryKey({ autoInc: true })
  id: u64 = 0;

  @index({ type: "btree", unique: true })
  greeting: string = "";

  custom: TestCustomType = new TestCustomType();
}

@type
export class TestCustomType {
  val: u32 = 0;
}

// REDUCERS

@reducer({ on: "load" })
export function init(ctx: ReducerContext): void {
  ctx.log("Hello world !");
  ctx.schedule("scheduled", 1000);
}

@reducer({ on: "connect" })
export function on_connect(ctx: ReducerContext, node_id: string): void {
  ctx.log(`Node connected: ${node_id}`);
}

@reducer({ on: "disconnect" })
export function on_disconnect(ctx: ReducerContext, node_id: string): void {
  ctx.log(`Node disconnected: ${node_id}`);
}

@reducer
export function scheduled(ctx: ReducerContext): void {
  ctx.log("Scheduled reducer called");
}

@reducer
export function hello(ctx: ReducerContext, name: string): void {
  ctx.log(`Saying hello to ${name}`);
  const row = new Greetings();
  row.greeting = `Hello, ${name}!`;
  const result = ctx.tables.greetings.tryInsert(row);
  if (!result.ok) ctx.log(`Failed to insert greeting: ${result.error}`);
}

@reducer({ on: "greetings.insert" })
export function on_greeting_insert(ctx: ReducerContext, inserted_row: Greetings): void {
  ctx.log(`Inserted greeting: Greetings { id: ${inserted_row.id}, greeting: "${inserted_row.greeting}", custom: TestCustomType { val: ${inserted_row.custom.val} } }`);
}

// QUERIES

@query
export function get_greetings(ctx: QueryContext): Array<Greetings> {
  return ctx.tables.greetings.scan();
}
