package dev.interstice.runtime.engine;

/** A host-side access to guest memory fell outside the guest's linear memory. */
public final class GuestMemoryException extends RuntimeException {

    public GuestMemoryException(String message) {
        super(message);
    }
}
