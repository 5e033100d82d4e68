package dev.interstice.runtime.authority.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the Network authority's holder may connect and send to ({@code egress}) and which local addresses and ports it
 * may listen on and bind ({@code listen}), how much it may hold ({@code limits}) and which certificates TLS trusts
 * besides the JDK's ({@code trusted}). Rules are checked on resolved addresses, so a host name cannot smuggle in an
 * address the rules do not allow. The default reaches loopback only.
 */
public record NetworkPolicy(List<Rule> egress, List<Rule> listen, List<X509Certificate> trusted, Limits limits) {

    public NetworkPolicy {
        egress = List.copyOf(egress);
        listen = List.copyOf(listen);
        trusted = List.copyOf(trusted);
    }

    /**
     * What one socket may hold. {@code maxHandles}: open connections, listeners and UDP sockets of the holder;
     * {@code receiveWindow}: received chunks of a connection not yet delivered to the module before the node stops
     * reading its socket (backpressure to the peer); {@code readChunkBytes}: the largest {@code Received};
     * {@code sendQueueBytes}: bytes a connection may have waiting to be written ({@code TcpSend} answers Err beyond);
     * {@code datagramQueue}: received datagrams of a UDP socket not yet delivered (more are dropped and counted);
     * {@code connectTimeoutMs}: how long a connect and TLS handshake may take.
     */
    public record Limits(
            int maxHandles,
            int receiveWindow,
            int readChunkBytes,
            int sendQueueBytes,
            int datagramQueue,
            int connectTimeoutMs) {
        public static Limits defaults() {
            return new Limits(64, 8, 16 * 1024, 1 << 20, 64, 10_000);
        }
    }

    /** Addresses in {@code network/prefix} and a port ({@code 0}: any port). */
    public record Rule(InetAddress network, int prefix, int port) {

        /** Loopback (127.0.0.0/8 and ::1), any port. */
        public static List<Rule> loopback() {
            return List.of(
                    new Rule(InetAddress.ofLiteral("127.0.0.0"), 8, 0), new Rule(InetAddress.ofLiteral("::1"), 128, 0));
        }

        /**
         * Parses {@code cidr}, {@code cidr:port}, {@code ip:port}, {@code host:port} ({@code [v6]:port} for IPv6
         * with a port) or a bare {@code port} (any address). A host name is resolved now: every address it has.
         */
        public static List<Rule> parse(String s) {
            return parse(s, false);
        }

        /**
         * As {@link #parse}, for addresses only ({@code ip[/prefix][:port]}, {@code [v6][/prefix]:port}): no host name
         * is looked up (a module's grant is checked under the execution lock, where the node never waits on DNS).
         */
        public static Rule parseAddress(String s) {
            return parse(s, true).getFirst();
        }

        private static List<Rule> parse(String s, boolean addressOnly) {
            String spec = s.strip();
            try {
                if (spec.matches("\\d+")) return List.of(new Rule(InetAddress.ofLiteral("0.0.0.0"), 0, port(spec)));
                String host = spec;
                int port = 0;
                if (spec.startsWith("[")) {
                    int end = spec.indexOf(']');
                    host = spec.substring(1, end);
                    if (end + 1 < spec.length()) port = port(spec.substring(end + 2));
                } else if (spec.indexOf(':') == spec.lastIndexOf(':') && spec.contains(":")) {
                    host = spec.substring(0, spec.indexOf(':'));
                    port = port(spec.substring(spec.indexOf(':') + 1));
                }
                int prefix = -1;
                if (host.contains("/")) {
                    prefix = Integer.parseInt(host.substring(host.indexOf('/') + 1));
                    host = host.substring(0, host.indexOf('/'));
                }
                if (addressOnly) InetAddress.ofLiteral(host); // throws for a host name
                var out = new ArrayList<Rule>();
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    int bits = a.getAddress().length * 8;
                    if (prefix > bits) throw new IllegalArgumentException("prefix /" + prefix + " is too long");
                    out.add(new Rule(a, prefix < 0 ? bits : prefix, port));
                }
                return out;
            } catch (UnknownHostException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "'" + s + "' is not a network rule (host:port, ip:port, cidr[:port] or port): "
                                + e.getMessage(),
                        e);
            }
        }

        private static int port(String s) {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) throw new IllegalArgumentException("port " + p + " is out of range");
            return p;
        }

        public boolean allows(InetAddress a, int p) {
            if (port != 0 && port != p) return false;
            if (prefix == 0) return true;
            byte[] net = network.getAddress();
            byte[] addr = a.getAddress();
            if (net.length != addr.length) return false;
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) return false;
            }
            return true;
        }

        /** Whether every address and port this rule allows, {@code outer} allows too. */
        public boolean within(Rule outer) {
            return prefix >= outer.prefix && outer.allows(network, outer.port == 0 ? port : port == 0 ? -1 : port);
        }

        @Override
        public String toString() {
            String net = prefix == 0 ? "any address" : network.getHostAddress() + "/" + prefix;
            return net + (port == 0 ? "" : " port " + port);
        }
    }

    public static NetworkPolicy loopbackOnly() {
        return new NetworkPolicy(Rule.loopback(), Rule.loopback(), List.of(), Limits.defaults());
    }

    public NetworkPolicy withEgress(List<Rule> more) {
        var all = new ArrayList<>(egress);
        all.addAll(more);
        return new NetworkPolicy(all, listen, trusted, limits);
    }

    public NetworkPolicy withListen(List<Rule> more) {
        var all = new ArrayList<>(listen);
        all.addAll(more);
        return new NetworkPolicy(egress, all, trusted, limits);
    }

    public NetworkPolicy withTrusted(List<X509Certificate> certs) {
        return new NetworkPolicy(egress, listen, certs, limits);
    }

    public NetworkPolicy withLimits(Limits l) {
        return new NetworkPolicy(egress, listen, trusted, l);
    }

    public boolean egressAllows(InetAddress a, int port) {
        return egress.stream().anyMatch(r -> r.allows(a, port));
    }

    public boolean listenAllows(InetAddress a, int port) {
        return listen.stream().anyMatch(r -> r.allows(a, port));
    }

    /** One line for the start-up banner: "loopback only" or the rules. */
    public String describe() {
        if (egress.equals(Rule.loopback()) && listen.equals(Rule.loopback())) return "loopback only";
        return "egress to " + describe(egress) + "; listen on " + describe(listen);
    }

    private static String describe(List<Rule> rules) {
        if (rules.isEmpty()) return "nothing";
        return rules.stream()
                .map(Rule::toString)
                .collect(Collectors.joining(", "))
                .toLowerCase(Locale.ROOT);
    }
}
