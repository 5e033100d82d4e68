package dev.interstice.runtime.exec;

/** A reducer or query call that did not run or did not commit; nothing it wrote is visible. */
public final class CallException extends RuntimeException {
    public enum Kind {
        /** No such module, reducer or query (or not visible to the caller). */
        NOT_FOUND,
        /** The arguments do not fit the declared parameters. */
        BAD_ARGUMENTS,
        /** The call is not allowed (subscription handler called directly, re-entrant call, write from a query...). */
        REFUSED,
        /** The guest trapped, aborted, ran out of stack or memory. */
        TRAP,
        /** The guest ran past its deadline. */
        DEADLINE,
        /** The transaction committed in memory but could not be made durable. */
        STORAGE
    }

    private final Kind kind;

    public CallException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CallException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
