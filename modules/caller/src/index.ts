// The Interstice "caller" example module (upstream modules/examples/caller): on load it calls `hello` on the hello
// example node through the generated bindings of src/bindings/node_hello_example.toml (written with
// `interstice bindings add node hello-example modules/caller` against a running `interstice example hello`), and it
// replicates and subscribes to that node's greetings, logging each one it receives and the replica's rows.
//
// The binding names the node "hello-example" at 127.0.0.1:8080: that name is the node dependency through which the
// runtime routes the remote call and the subscription below.
import { ReducerContext } from "@interstice/sdk";

@module({ replicatedTables: ["hello-example.hello.greetings"] })
class Caller {}

@reducer({ on: "load" })
export function caller(ctx: ReducerContext): void {
  ctx.log("Calling remote hello...");
  const err = ctx.nodes.hello_example.hello.reducers.hello("Client !");
  if (err != null) {
    ctx.log(`Failed to call remote hello: ${err}`);
    return;
  }
  ctx.log("hello remote called !");
}

@reducer({ on: "hello-example.hello.greetings.insert" })
export function on_insert_greetings(ctx: ReducerContext, inserted_row: bindings.hello_example.hello.Greetings): void {
  ctx.log(`Caller received new greeting: "${inserted_row.greeting}" (id ${inserted_row.id}, from node ${ctx.callerNodeId})`);
  // As upstream: scan the local replica of the table (it already holds the new row when this handler runs).
  const all = ctx.nodes.hello_example.hello.tables.greetings.scan();
  for (let i = 0; i < all.length; i++) ctx.log(`Remote greeting row: "${all[i].greeting}"`);
}

@reducer({ on: "hello-example.hello.greetings.sync" })
export function on_greetings_synced(ctx: ReducerContext): void {
  ctx.log(`Greetings replica synced: ${ctx.nodes.hello_example.hello.tables.greetings.scan().length} rows`);
}

@reducer({ on: "connect" })
export function on_connect(ctx: ReducerContext, node_id: string): void {
  ctx.log(`Node connected: ${node_id}`);
}

@reducer({ on: "disconnect" })
export function on_disconnect(ctx: ReducerContext, node_id: string): void {
  ctx.log(`Node disconnected: ${node_id}`);
}
