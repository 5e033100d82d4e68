package dev.interstice.network;

import dev.interstice.runtime.IntersticeException.Kind;

/**
 * The wire codes of {@link Kind}: why a request failed. The first group travels on the wire in {@code Error} replies
 * (their ordinal is the wire code: append only); the second group is decided locally by the client. {@link #of} and
 * {@link #kind} are the one mapping between the two.
 */
public enum ErrorKind {
    /** No such module, reducer, query or table, or not visible to this caller (private answers exactly like missing). */
    NOT_FOUND,
    /** The arguments do not fit the declared parameters. */
    BAD_ARGUMENTS,
    /** The node refused the call (subscription handler, re-entrant call, authority taken...). */
    REFUSED,
    /** The module trapped or aborted. */
    TRAP,
    /** The module ran past its execution deadline. */
    DEADLINE,
    /** The transaction committed in memory but could not be made durable. */
    STORAGE,
    /** The operation needs the node's admin credential. */
    UNAUTHORIZED,
    /** The published bytes are not a valid ABI 6 module. */
    INVALID_MODULE,
    /** The new version of a module is not compatible with the loaded one (the message holds the diff). */
    INCOMPATIBLE,
    /** The node cannot do this (yet). */
    UNSUPPORTED,
    /** The node is shutting down. */
    UNAVAILABLE,
    /** The request was malformed. */
    BAD_REQUEST,
    /** An unexpected failure on the node (see its log). */
    INTERNAL,

    // ---- local to the client (never sent) ----

    /** The address could not be reached (connection refused, unknown host, connect timeout). */
    UNREACHABLE,
    /** No reply within the caller's deadline. */
    TIMEOUT,
    /** The connection closed before the reply arrived (the outcome of a call is then unknown). */
    CONNECTION_LOST,
    /** The other side broke the protocol or refused the handshake (e.g. another protocol version). */
    PROTOCOL;

    /** Kinds that may appear in an {@code Error} reply. */
    public boolean remote() {
        return ordinal() <= INTERNAL.ordinal();
    }

    static final ErrorKind[] VALUES = values();

    /** The wire code of a kind: INVALID travels as INVALID_MODULE, CONFLICT as REFUSED; the rest by their names. */
    public static ErrorKind of(Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> NOT_FOUND;
            case BAD_ARGUMENTS -> BAD_ARGUMENTS;
            case REFUSED, CONFLICT -> REFUSED;
            case TRAP -> TRAP;
            case DEADLINE -> DEADLINE;
            case STORAGE -> STORAGE;
            case INVALID -> INVALID_MODULE;
            case INCOMPATIBLE -> INCOMPATIBLE;
            case UNAUTHORIZED -> UNAUTHORIZED;
            case UNSUPPORTED -> UNSUPPORTED;
            case UNAVAILABLE -> UNAVAILABLE;
            case BAD_REQUEST -> BAD_REQUEST;
            case INTERNAL -> INTERNAL;
            case UNREACHABLE -> UNREACHABLE;
            case TIMEOUT -> TIMEOUT;
            case CONNECTION_LOST -> CONNECTION_LOST;
            case PROTOCOL -> PROTOCOL;
        };
    }

    /** The kind a receiver sees for this code. */
    public Kind kind() {
        return this == INVALID_MODULE ? Kind.INVALID : Kind.valueOf(name());
    }

    /** The kind with this wire code; unknown codes (a newer peer) read as {@link #INTERNAL}. */
    public static ErrorKind ofWire(int code) {
        return code >= 0 && code <= INTERNAL.ordinal() ? VALUES[code] : INTERNAL;
    }
}
