package io.cinnabar.server.internal.cluster;

/**
 * A bus message that cannot be accepted: wrong signature or version, a length that does not match the type, an
 * extension that overruns the message. The message says why, in the words of Redis's log line where it has one.
 * <p><b>Note:</b> This class is not threadsafe (immutable).
 */
public final class BusFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public BusFormatException(String message) {
        super(message, null, false, false);
    }
}
