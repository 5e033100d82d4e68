package dev.interstice.cli;

import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.NetworkPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How far a started node's Network authority reaches: loopback only unless widened by these flags. */
final class NetworkPolicyOptions {
    @Option(
            names = "--allow-egress",
            paramLabel = "<host:port|cidr[:port]>",
            description = "Let the Network authority's module connect and send to these addresses too (repeatable; "
                    + "default: loopback only).")
    List<String> egress = new ArrayList<>();

    @Option(
            names = "--allow-listen",
            paramLabel = "<[ip:]port|cidr>",
            description = "Let the Network authority's module listen on (and bind UDP to) these too (repeatable; "
                    + "a bare port means any address; default: loopback only).")
    List<String> listen = new ArrayList<>();

    @Option(
            names = "--trust-cert",
            paramLabel = "<pem file>",
            description = "Trust this certificate for the module's TLS connections, besides the JDK's authorities.")
    List<Path> trust = new ArrayList<>();

    /** The node's authorities with this network policy; bad flags are usage errors. */
    AuthorityConfig authorities() {
        NetworkPolicy p = NetworkPolicy.loopbackOnly();
        try {
            for (String e : egress) p = p.withEgress(NetworkPolicy.Rule.parse(e));
            for (String l : listen) p = p.withListen(NetworkPolicy.Rule.parse(l));
        } catch (IllegalArgumentException bad) {
            throw CliException.usage(bad.getMessage());
        }
        var certs = new ArrayList<X509Certificate>();
        for (Path file : trust) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in))
                    certs.add((X509Certificate) c);
            } catch (IOException | GeneralSecurityException e) {
                throw CliException.usage(
                        "--trust-cert " + file + ": not a readable PEM certificate (" + e.getMessage() + ")");
            }
        }
        return AuthorityConfig.headless().withNetwork(p.withTrusted(certs));
    }

    /** The start-up line: "network authority: loopback only". */
    static String banner(AuthorityConfig a) {
        return "network authority: " + a.network().describe();
    }
}
