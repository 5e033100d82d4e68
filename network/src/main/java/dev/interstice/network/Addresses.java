package dev.interstice.network;

import java.net.InetSocketAddress;

/** "host:port" addresses ("[v6]:port" for IPv6 literals). */
public final class Addresses {
    private Addresses() {}

    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Parses "host:port"; throws IllegalArgumentException with what is wrong. */
    public static InetSocketAddress parse(String address) {
        String a = address == null ? "" : address.strip();
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1)
            throw new IllegalArgumentException(
                    "'" + address + "' is not an address of the form host:port (e.g. 127.0.0.1:8080)");
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' has no valid port number after the last ':'");
        }
        if (port < 1 || port > 65535)
            throw new IllegalArgumentException("port " + port + " of '" + address + "' is out of range 1-65535");
        return InetSocketAddress.createUnresolved(host, port);
    }
}
