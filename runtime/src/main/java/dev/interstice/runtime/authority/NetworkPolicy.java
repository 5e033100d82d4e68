package dev.interstice.runtime.authority;

/**
 * Where the Network authority's holder may connect to and listen on. The default reaches loopback only.
 *
 * @param egressLoopbackOnly connections and datagrams may only go to loopback addresses
 * @param listenLoopbackOnly listeners and UDP sockets may only bind loopback addresses
 */
public record NetworkPolicy(boolean egressLoopbackOnly, boolean listenLoopbackOnly) {
    public static NetworkPolicy loopbackOnly() {
        return new NetworkPolicy(true, true);
    }
}
