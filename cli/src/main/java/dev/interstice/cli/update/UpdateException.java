package dev.interstice.cli.update;

/** An update that could not be done; the message says why and leaves the installation as it was. */
public final class UpdateException extends RuntimeException {
    public UpdateException(String message) {
        super(message);
    }

    public UpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
