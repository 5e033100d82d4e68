package dev.interstice.network;

import java.security.cert.CertificateException;

/**
 * A node presented another key than the one pinned for it: the cause of the {@link NetworkException} that refuses
 * the connection, so that a caller can say how to re-pin.
 */
public final class NodeKeyChangedException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    NodeKeyChangedException(String expected, String actual) {
        super("the node presented key " + actual + ", not the pinned " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    /** The pinned fingerprint. */
    public String expected() {
        return expected;
    }

    /** The fingerprint of the key the node presented. */
    public String actual() {
        return actual;
    }
}
