package dev.interstice.runtime.tx;

/**
 * A refused table operation (bad row, duplicate key, missing row, forbidden access). The operation has no effect;
 * the guest receives the message as an error and decides whether to continue or fail its transaction.
 */
public final class TxException extends RuntimeException {
    public TxException(String message) {
        super(message, null, false, false);
    }
}
