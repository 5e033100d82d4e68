package dev.interstice.runtime.authority.network;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the Network authority's connections, terminated on the node: the JDK's trusted certificate authorities plus
 * the policy's {@code trusted} certificates; the certificate chain and the host name are verified (HTTPS rules).
 */
final class Tls {
    private final SSLContext context;

    Tls(List<X509Certificate> trusted) {
        try {
            if (trusted.isEmpty()) {
                context = SSLContext.getDefault();
                return;
            }
            var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            var store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (var tm : defaults.getTrustManagers())
                if (tm instanceof X509TrustManager x)
                    for (X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("jdk-" + i++, c);
            for (X509Certificate c : trusted) store.setCertificateEntry("trusted-" + i++, c);
            var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("TLS could not be set up: " + e.getMessage(), e);
        }
    }

    /** Runs the client handshake over a connected socket, checking the certificate against {@code serverName}. */
    Socket handshake(Socket plain, String serverName, int port, int timeoutMs) throws IOException {
        var ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, port, true);
        var params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(serverName)) params.setServerNames(List.of(new SNIHostName(serverName)));
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(timeoutMs);
        ssl.startHandshake();
        ssl.setSoTimeout(0);
        return ssl;
    }

    static boolean isIpLiteral(String s) {
        try {
            InetAddress.ofLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
