package dev.interstice.runtime.store;

/** A content store operation refused or failed; its message is the {@code Err} the module gets. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }
}
