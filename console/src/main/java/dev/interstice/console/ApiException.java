package dev.interstice.console;

/** A request the console refuses: the HTTP status and a message for the page. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException bad(String message) {
        return new ApiException(400, message);
    }
}
