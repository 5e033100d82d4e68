package dev.interstice.runtime.exec;

import dev.interstice.runtime.IntersticeException;

/** A reducer or query call that did not run or did not commit; nothing it wrote is visible. */
public final class CallException extends IntersticeException {
    public CallException(Kind kind, String message) {
        super(kind, message, null);
    }

    public CallException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
