package dev.interstice.network;

import dev.interstice.runtime.IntersticeException;

/** A request to a node failed: {@link #kind()} says why, the message says what to do. */
public final class NetworkException extends IntersticeException {
    public NetworkException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public NetworkException(ErrorKind kind, String message, Throwable cause) {
        super(kind.kind(), message, cause);
    }

    public NetworkException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** The wire code of {@link #kind()}. */
    public ErrorKind errorKind() {
        return ErrorKind.of(kind());
    }
}
