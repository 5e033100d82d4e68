package dev.interstice.abi.host;

/**
 * A request to the Network authority (upstream {@code NetworkCall}, ABI 6): TcpConnect 0, TcpListen 1, TcpSend 2,
 * TcpClose 3, UdpBind 4, UdpSendTo 5, UdpClose 6. Every call returns at once; results arrive later as
 * {@code NetworkEvent}s to the holder's {@code network} subscription.
 */
public sealed interface NetworkCall {
    /** {@code serverName}: the host name a TLS certificate must match (ignored without {@code tls}). */
    record TcpConnect(String ip, int port, boolean tls, String serverName) implements NetworkCall {}

    record TcpListen(String bindIp, int port) implements NetworkCall {}

    /** {@code data} is owned by the record (the decoder hands over a fresh copy). */
    record TcpSend(long handle, byte[] data) implements NetworkCall {}

    record TcpClose(long handle) implements NetworkCall {}

    record UdpBind(String bindIp, int port) implements NetworkCall {}

    record UdpSendTo(long handle, String ip, int port, byte[] data) implements NetworkCall {}

    record UdpClose(long handle) implements NetworkCall {}
}
