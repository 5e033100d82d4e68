// The Network authority (ABI 6 NetworkCall): `ctx.network` in a module that declares
// `@module({ authorities: ["Network"] })`. Every call answers at once; the socket work happens once the
// calling transaction has committed, and its results arrive as NetworkEvents to `@reducer({ on: "network" })`.

import { Reader } from "./codec";
import { W, hostCall, endHostCall, HostCallTag, unitResult } from "./host";
import { Value } from "./value";
import { Result, okResult, errResult } from "./types";

const enum NetworkCallTag {
  TcpConnect = 0,
  TcpListen = 1,
  TcpSend = 2,
  TcpClose = 3,
  UdpBind = 4,
  UdpSendTo = 5,
  UdpClose = 6,
}

function begin(tag: NetworkCallTag): void {
  W.reset();
  W.tag(HostCallTag.Network);
  W.tag(tag);
}

function writeBytes(data: Uint8Array): void {
  W.varint32(<u32>data.length);
  W.bytes(data.dataStart, <usize>data.length);
}

/** Sends the call in W; the answer is Ok(handle) or Err(message). */
function handleCall(): Result<u64> {
  let r = hostCall();
  let t = r.tag();
  let out = t == 0 ? okResult<u64>(r.u64()) : errResult<u64>(t == 1 ? r.str() : "unexpected network answer " + t.toString());
  endHostCall();
  return out;
}

/** Sends the call in W; the answer is Ok or Err(message): null on success, else the message. */
function unitCall(): string | null {
  return unitResult(hostCall(), "network");
}

/** The Network authority's calls. Handles are numbers the node allocates; results come as NetworkEvents. */
export class Network {
  /**
   * Connects to `ip` (an address or a host name the node resolves) on `port`. With `tls` the node runs the TLS
   * handshake, verifying the certificate for `serverName` (default: `ip`). Connected or ConnectFailed follows.
   */
  tcpConnect(ip: string, port: u16, tls: bool = false, serverName: string = ""): Result<u64> {
    begin(NetworkCallTag.TcpConnect);
    W.str(ip);
    W.varint32(port);
    W.bool(tls);
    W.str(serverName);
    return handleCall();
  }

  /** Listens on `bindIp`:`port`; each connection arrives as Accepted with a handle of its own. */
  tcpListen(bindIp: string, port: u16): Result<u64> {
    begin(NetworkCallTag.TcpListen);
    W.str(bindIp);
    W.varint32(port);
    return handleCall();
  }

  /** Queues `data` on connection `handle`. Null on success, else why (e.g. its send queue is full). */
  tcpSend(handle: u64, data: Uint8Array): string | null {
    begin(NetworkCallTag.TcpSend);
    W.u64(handle);
    writeBytes(data);
    return unitCall();
  }

  /** Sends the UTF-8 bytes of `text` on connection `handle`. */
  tcpSendString(handle: u64, text: string): string | null {
    return this.tcpSend(handle, Uint8Array.wrap(String.UTF8.encode(text)));
  }

  /** Closes a connection (after what was sent before) or a listener. */
  tcpClose(handle: u64): string | null {
    begin(NetworkCallTag.TcpClose);
    W.u64(handle);
    return unitCall();
  }

  /** Binds a UDP socket; datagrams arrive as UdpReceived. */
  udpBind(bindIp: string, port: u16): Result<u64> {
    begin(NetworkCallTag.UdpBind);
    W.str(bindIp);
    W.varint32(port);
    return handleCall();
  }

  /** Sends one datagram from UDP socket `handle` to `ip` (an address):`port`. */
  udpSendTo(handle: u64, ip: string, port: u16, data: Uint8Array): string | null {
    begin(NetworkCallTag.UdpSendTo);
    W.u64(handle);
    W.str(ip);
    W.varint32(port);
    writeBytes(data);
    return unitCall();
  }

  udpClose(handle: u64): string | null {
    begin(NetworkCallTag.UdpClose);
    W.u64(handle);
    return unitCall();
  }
}

/**
 * What happened on a socket: `kind` is Connected, ConnectFailed, Accepted, Received, UdpReceived, Closed or Failed.
 * Fields a kind does not carry are 0 or empty.
 */
export class NetworkEvent {
  kind: string = "";
  /** The connection or socket (for Accepted: the new connection). */
  handle: u64 = 0;
  /** Accepted: the listener that accepted. */
  listener: u64 = 0;
  /** Accepted, UdpReceived: the peer. */
  peerIp: string = "";
  peerPort: u32 = 0;
  /** Received, UdpReceived. */
  data: Uint8Array = new Uint8Array(0);
  /** ConnectFailed, Failed. */
  error: string = "";

  /** The data as UTF-8 text. */
  text(): string {
    return String.UTF8.decode(this.data.buffer);
  }

  /** Reads the event the node delivers (an IntersticeValue::Enum NetworkEvent). */
  static decode(r: Reader): NetworkEvent {
    let v = Value.decode(r);
    let e = new NetworkEvent();
    e.kind = v.variant;
    let fields = v.payload;
    let h = fields.field("handle");
    if (h) e.handle = h.asU64();
    let l = fields.field("listener");
    if (l) e.listener = l.asU64();
    let ip = fields.field("peer_ip");
    if (ip) e.peerIp = ip.asString();
    let port = fields.field("peer_port");
    if (port) e.peerPort = port.asU32();
    let err = fields.field("error");
    if (err) e.error = err.asString();
    let data = fields.field("data");
    if (data) e.data = data.asBytes();
    return e;
  }
}

/** The handle `ctx.network` returns (one per module). */
export const NETWORK = new Network();
