package dev.interstice.runtime.authority.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The rules operators write on the command line and how the policy reads them. */
class NetworkPolicyTest {
    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    @Test
    void theDefaultReachesLoopbackOnly() {
        var p = NetworkPolicy.loopbackOnly();
        assertThat(p.describe()).isEqualTo("loopback only");
        assertThat(p.egressAllows(ip("127.0.0.1"), 80)).isTrue();
        assertThat(p.egressAllows(ip("127.255.0.9"), 1)).isTrue();
        assertThat(p.egressAllows(ip("::1"), 443)).isTrue();
        assertThat(p.egressAllows(ip("10.0.0.1"), 80)).isFalse();
        assertThat(p.egressAllows(ip("::ffff:10.0.0.1"), 80)).isFalse();
        assertThat(p.listenAllows(ip("0.0.0.0"), 8080)).isFalse();
    }

    @Test
    void rulesNameNetworksAddressesAndPorts() {
        var p = NetworkPolicy.loopbackOnly()
                .withEgress(NetworkPolicy.Rule.parse("10.1.0.0/16"))
                .withEgress(NetworkPolicy.Rule.parse("192.0.2.7:443"))
                .withEgress(NetworkPolicy.Rule.parse("[2001:db8::1]:80"))
                .withListen(NetworkPolicy.Rule.parse("8080"));
        assertThat(p.egressAllows(ip("10.1.200.3"), 22)).isTrue();
        assertThat(p.egressAllows(ip("10.2.0.1"), 22)).isFalse();
        assertThat(p.egressAllows(ip("192.0.2.7"), 443)).isTrue();
        assertThat(p.egressAllows(ip("192.0.2.7"), 80)).isFalse();
        assertThat(p.egressAllows(ip("2001:db8::1"), 80)).isTrue();
        assertThat(p.listenAllows(ip("0.0.0.0"), 8080)).isTrue();
        assertThat(p.listenAllows(ip("0.0.0.0"), 8081)).isFalse();
        assertThat(p.describe()).startsWith("egress to 127.0.0.0/8, ").contains("10.1.0.0/16", "192.0.2.7/32 port 443");
        assertThat(p.describe()).contains("listen on 127.0.0.0/8").contains("any address port 8080");
    }

    @Test
    void aBadRuleSaysWhatARuleLooksLike() {
        assertThatThrownBy(() -> NetworkPolicy.Rule.parse("10.0.0.0/40"))
                .hasMessageContaining("'10.0.0.0/40' is not a network rule (host:port, ip:port, cidr[:port] or port)");
        assertThatThrownBy(() -> NetworkPolicy.Rule.parse("1.2.3.4:70000")).hasMessageContaining("out of range");
    }
}
