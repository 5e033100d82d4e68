package dev.interstice.network;

import dev.interstice.runtime.node.NodeIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.3 between nodes and clients. There is no CA: a node presents a self-signed certificate made from its Ed25519
 * key at start ({@link SelfSignedCertificate}), and trust is the key —
 * a client accepts the certificate only when its key is the one it expects (pinned), and both ends of a link between
 * nodes derive the other's node id from the key in its certificate ({@link NodeIdentity#idOf}).
 */
final class Tls {
    /** A TLS record (the ClientHello's) starts with this byte; a plaintext frame's length prefix never does. */
    static final int HANDSHAKE_RECORD = 0x16;
    /** The reason a node gives when it refuses a plaintext connection; clients recognise it and retry with TLS. */
    static final String PLAINTEXT_REFUSED = "plaintext connections are refused";

    private Tls() {}

    /** Whether a plaintext connection from {@code remote} to {@code local} may be served (loopback to loopback only). */
    static boolean plaintextAllowed(InetAddress local, InetAddress remote, boolean insecureLoopback) {
        return insecureLoopback && local.isLoopbackAddress() && remote.isLoopbackAddress();
    }

    /** A TLS 1.3 context presenting {@code own} (null: no certificate, a CLI client) and trusting what {@code trust} does. */
    static SSLContext context(Credentials own, X509ExtendedTrustManager trust) {
        try {
            var ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(
                    own == null ? new KeyManager[0] : new KeyManager[] {new OwnKey(own)},
                    new TrustManager[] {trust},
                    null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3: " + e.getMessage(), e);
        }
    }

    /**
     * TLS 1.3 only, Ed25519 signatures only, X25519 key exchange only. One group means one key share in the
     * ClientHello: the JDK's default list makes a cold CLI also generate a P-256 share it never uses (~0.1 s here).
     */
    static void restrict(SSLSocket s) {
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setSignatureSchemes(new String[] {"ed25519"});
        p.setNamedGroups(new String[] {"x25519"});
        s.setSSLParameters(p);
    }

    /** A TLS connection and the key the node presented (its SubjectPublicKeyInfo). */
    record Secured(Socket socket, byte[] key) {}

    /**
     * TLS 1.3 over {@code raw} as the client, presenting {@code own} (a node linking to another; null for a CLI
     * client) and accepting only a node key with fingerprint {@code pinned} (null: any). Kept here, not in
     * {@link NodeClient}, so that a plaintext client loads no TLS class.
     */
    static Secured connect(
            String address, InetSocketAddress target, Socket raw, NodeIdentity own, String pinned, Duration timeout)
            throws IOException {
        var pin = new KeyPin(pinned);
        var tls = (SSLSocket) context(own == null ? null : Credentials.of(own), pin)
                .getSocketFactory()
                .createSocket(raw, target.getHostString(), target.getPort(), true);
        restrict(tls);
        tls.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            tls.startHandshake();
        } catch (SSLException e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof NodeKeyChangedException k)
                    throw new NetworkException(
                            ErrorKind.PROTOCOL,
                            "the key of the node at " + address + " has changed: it presented " + k.actual()
                                    + ", but " + k.expected() + " is pinned for it. Someone may be intercepting the "
                                    + "connection (a man in the middle), or the node was re-created with a new key; "
                                    + "the connection was refused",
                            k);
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    "the TLS handshake with " + address + " failed (" + e.getMessage()
                            + "); is it an Interstice node of this version?",
                    e);
        }
        return new Secured(tls, pin.seen());
    }

    /** The encoded public key (SubjectPublicKeyInfo) of the other side's certificate, or null when it sent none. */
    static byte[] peerKey(SSLSession session) {
        try {
            var certs = session.getPeerCertificates();
            return certs.length == 0 ? null : certs[0].getPublicKey().getEncoded();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** A node's key and the certificate made from it. */
    record Credentials(NodeIdentity identity, X509Certificate certificate) {
        /** Made once per key (a node's links reconnect with the certificate it serves with). */
        private static final Map<NodeIdentity, Credentials> MADE = Collections.synchronizedMap(new WeakHashMap<>());

        static Credentials of(NodeIdentity identity) {
            return MADE.computeIfAbsent(identity, i -> new Credentials(i, SelfSignedCertificate.of(i)));
        }
    }

    /** The other side's key is checked by whoever knows which one to expect; this only sees that there is one. */
    private static X509Certificate leaf(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("no certificate was presented");
        return chain[0];
    }

    /**
     * Accepts a node's certificate only when its key is the expected one ({@code expected} null: any key, trust on
     * first use; the key seen is kept for the caller to pin). Client certificates (nodes connecting to nodes) are
     * accepted whatever their key: the node id is derived from it and checked against the Hello.
     */
    static final class KeyPin extends X509ExtendedTrustManager {
        private final String expected;
        private volatile byte[] seen;

        /** {@code expected}: the fingerprint ("SHA256:...") the server's key must have; null: any. */
        KeyPin(String expected) {
            this.expected = expected;
        }

        /** The key the server presented (null before the handshake). */
        byte[] seen() {
            return seen;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            byte[] key = leaf(chain).getPublicKey().getEncoded();
            String fp = NodeIdentity.fingerprintOf(key);
            if (expected != null && !expected.equals(fp)) throw new NodeKeyChangedException(expected, fp);
            seen = key;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            leaf(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Presents the node's own key and certificate, as server and as client. */
    private static final class OwnKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "node";
        private final Credentials own;

        OwnKey(Credentials own) {
            this.own = own;
        }

        private String alias(String keyType) {
            String algorithm = own.identity().keys().getPrivate().getAlgorithm();
            return keyType == null
                            || keyType.equalsIgnoreCase(algorithm)
                            || keyType.equalsIgnoreCase("EdDSA")
                            || keyType.equalsIgnoreCase("Ed25519")
                    ? ALIAS
                    : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String a = alias(keyType);
            return a == null ? null : new String[] {a};
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            for (String t : keyTypes) if (alias(t) != null) return ALIAS;
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {own.certificate()} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? own.identity().keys().getPrivate() : null;
        }
    }
}
