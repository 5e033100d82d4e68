package dev.interstice.cli;

/** A failure to report to the user as "error: message" with an exit code (1: failed, 2: bad usage). */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message) {
        this(message, 1);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(message, 2);
    }

    int exitCode() {
        return exitCode;
    }
}
