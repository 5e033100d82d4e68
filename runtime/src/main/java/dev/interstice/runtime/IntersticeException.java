package dev.interstice.runtime;

/**
 * The root of the errors a user of Interstice sees: a call that failed, a module that was refused, a request to a node
 * that failed. {@link #kind()} says what went wrong (programs branch on it); the message says what and what to do.
 * The network maps kinds to its wire codes in one place ({@code network.ErrorKind}).
 */
public abstract class IntersticeException extends RuntimeException {
    /** What went wrong, whichever layer noticed it. */
    public enum Kind {
        /** No such module, reducer, query or table (or not visible to the caller: private answers exactly like missing). */
        NOT_FOUND,
        /** The arguments do not fit the declared parameters. */
        BAD_ARGUMENTS,
        /** Not allowed (subscription handler called directly, re-entrant call, write from a query...). */
        REFUSED,
        /** The guest trapped, aborted, ran out of stack or memory. */
        TRAP,
        /** The guest ran past its deadline. */
        DEADLINE,
        /** The transaction committed in memory but could not be made durable. */
        STORAGE,
        /** A module's bytes are not a valid ABI 6 module. */
        INVALID,
        /** A module cannot join the loaded ones (an authority another module holds, a private table it subscribes to...). */
        CONFLICT,
        /** A new version of a module cannot keep the loaded one's data (the message holds the differences). */
        INCOMPATIBLE,
        /** The operation needs the node's admin credential. */
        UNAUTHORIZED,
        /** The node cannot do this (yet). */
        UNSUPPORTED,
        /** The node is shutting down. */
        UNAVAILABLE,
        /** A request was malformed. */
        BAD_REQUEST,
        /** An unexpected failure on the node (see its log). */
        INTERNAL,
        /** A node's address could not be reached. */
        UNREACHABLE,
        /** No reply within the caller's deadline. */
        TIMEOUT,
        /** The connection closed before the reply arrived (the outcome of a call is then unknown). */
        CONNECTION_LOST,
        /** The other side broke the protocol or refused the handshake. */
        PROTOCOL
    }

    private final Kind kind;

    protected IntersticeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public final Kind kind() {
        return kind;
    }
}
