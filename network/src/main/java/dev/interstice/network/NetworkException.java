package dev.interstice.network;

/** A request to a node failed: {@link #kind()} says why, the message says what to do. */
public final class NetworkException extends RuntimeException {
    private final ErrorKind kind;

    public NetworkException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public NetworkException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() { return kind; }
}
