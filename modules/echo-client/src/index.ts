// The Interstice "echo-client" example module: `send(port, text)` connects to an echo server on a loopback port and
// sends the text; what comes back is stored in the `echoes` table. Uses the Network authority.
import { ReducerContext, QueryContext, NetworkEvent } from "@interstice/sdk";

@module({ authorities: ["Network"] })
class EchoClient {}

@table()
export class Echoes {
  @primaryKey({ autoInc: true })
  id: u64 = 0;

  connection: u64 = 0;

  text: string = "";
}

@reducer
export function send(ctx: ReducerContext, port: u32, text: string): void {
  const conn = ctx.network.tcpConnect("127.0.0.1", <u16>port);
  if (!conn.ok) {
    ctx.log(`cannot connect to port ${port}: ${conn.error}`);
    return;
  }
  // queued now, written once the connection is up (and only if this transaction commits)
  const err = ctx.network.tcpSendString(conn.value, text);
  if (err != null) ctx.log(`cannot send: ${err}`);
}

@reducer({ on: "network" })
export function on_network(ctx: ReducerContext, e: NetworkEvent): void {
  if (e.kind == "Received") {
    const row = new Echoes();
    row.connection = e.handle;
    row.text = e.text();
    ctx.tables.echoes.insert(row);
    ctx.log(`echoed on connection ${e.handle}: ${row.text}`);
  } else if (e.kind == "ConnectFailed" || e.kind == "Failed") {
    ctx.log(`connection ${e.handle} failed: ${e.error}`);
  }
}

@query
export function echoes(ctx: QueryContext): Array<Echoes> {
  return ctx.tables.echoes.scan();
}
