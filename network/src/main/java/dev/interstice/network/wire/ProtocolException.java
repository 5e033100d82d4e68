package dev.interstice.network.wire;

/** A frame that breaks the protocol (too large, truncated, undecodable, unexpected): its connection closes. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
