// The Interstice "echo-server" example module: listens on a loopback port (reducer `listen`) and sends every
// Received chunk back on the connection it came from. Uses the Network authority.
import { ReducerContext, NetworkEvent } from "@interstice/sdk";

@module({ authorities: ["Network"] })
class EchoServer {}

@table()
export class Connections {
  @primaryKey()
  handle: u64 = 0;

  peer: string = "";

  echoedBytes: u64 = 0;
}

@reducer
export function listen(ctx: ReducerContext, port: u32): void {
  const listener = ctx.network.tcpListen("127.0.0.1", <u16>port);
  if (!listener.ok) {
    ctx.log(`cannot listen on port ${port}: ${listener.error}`);
    return;
  }
  ctx.log(`listening on 127.0.0.1:${port} (listener ${listener.value})`);
}

@reducer({ on: "network" })
export function on_network(ctx: ReducerContext, e: NetworkEvent): void {
  if (e.kind == "Accepted") {
    const c = new Connections();
    c.handle = e.handle;
    c.peer = `${e.peerIp}:${e.peerPort}`;
    ctx.tables.connections.insert(c);
    ctx.log(`accepted connection ${e.handle} from ${c.peer}`);
  } else if (e.kind == "Received") {
    const err = ctx.network.tcpSend(e.handle, e.data);
    if (err != null) {
      ctx.log(`cannot echo on connection ${e.handle}: ${err}`);
      return;
    }
    const c = ctx.tables.connections.get(e.handle);
    if (c != null) {
      c.echoedBytes += <u64>e.data.length;
      ctx.tables.connections.update(c);
    }
  } else if (e.kind == "Closed" || e.kind == "Failed") {
    ctx.tables.connections.delete(e.handle);
    ctx.log(`connection ${e.handle} ended${e.error.length ? ": " + e.error : ""}`);
  }
}
