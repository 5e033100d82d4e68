package dev.interstice.runtime.authority.network;

import dev.interstice.runtime.module.LoadedModule;

/**
 * A handle of the Network authority: a TCP connection, a listener or a UDP socket, owned by the module version that
 * opened it (a replaced or removed module loses its sockets).
 */
abstract sealed class NetSocket permits TcpConnection, TcpListener, UdpSocket {
    final long handle;
    final LoadedModule owner;
    final NetworkAuthority net;
    /** The module asked to close it (set in the call, under the execution lock; undone if its transaction drops). */
    boolean closing;

    NetSocket(long handle, LoadedModule owner, NetworkAuthority net) {
        this.handle = handle;
        this.owner = owner;
        this.net = net;
    }

    /** Closes at once, without an event (the node or the module's version is going away). */
    abstract void abort();

    /** A short name for errors: "connection 3", "listener 4", "UDP socket 5". */
    abstract String describe();
}
