package io.cinnabar.tools;

/** Valid input that a command cannot handle (a 7.4 field expiry to convert, an AOF command to replay): exit 1. */
final class UnsupportedInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
