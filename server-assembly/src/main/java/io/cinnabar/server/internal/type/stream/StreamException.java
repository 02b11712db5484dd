package io.cinnabar.server.internal.type.stream;

/**
 * A stream operation refused with Redis's error text: the message is the reply as Redis writes it, with its
 * {@code ERR} prefix (for example {@link StreamId#INVALID}), so the command layer sends it unchanged.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamException(String redisError) {
        super(redisError, null, false, false);
    }

    /** The reply {@code redisError}, with what went wrong underneath (logged by RESTORE, never replied). */
    public StreamException(String redisError, Throwable cause) {
        super(redisError, cause, false, false);
    }
}
