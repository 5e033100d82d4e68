package dev.interstice.network;

import dev.interstice.runtime.node.NodeIdentity;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A node's self-signed certificate, made with BouncyCastle (the JDK has no public API for making certificates). Kept
 * apart from {@link Tls} so that a CLI client, which presents no certificate, never loads a BouncyCastle class: its
 * jars are signed, and the first class loaded from one costs a signature check of the whole jar (about 0.5 s of a
 * cold JVM here), which would more than double a command's time.
 */
final class SelfSignedCertificate {
    private SelfSignedCertificate() {}

    /** A self-signed certificate for {@code identity}'s key, valid from a day ago for ten years. */
    static X509Certificate of(NodeIdentity identity) {
        var name = new X500Name("CN=interstice node " + identity.id());
        Instant now = Instant.now();
        try {
            var holder = new JcaX509v3CertificateBuilder(
                            name,
                            BigInteger.valueOf(now.toEpochMilli()),
                            Date.from(now.minus(Duration.ofDays(1))),
                            Date.from(now.plus(Duration.ofDays(3650))),
                            name,
                            identity.keys().getPublic())
                    .build(new JcaContentSignerBuilder("Ed25519")
                            .build(identity.keys().getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot make the node's TLS certificate: " + e.getMessage(), e);
        }
    }
}
