package io.cinnabar.resp;

/**
 * Thrown by {@code ReplyDecoder} when the input is not valid RESP, or breaks one of the configured
 * {@code ReplyDecoder.Limits}. The message says what was wrong; {@link #offset()} says where, counted from the
 * {@code from} index of the decode call that failed.
 */
public final class RespProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public RespProtocolException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** @return the offset of the offending element, relative to the first byte given to the failing call */
    public int offset() {
        return offset;
    }
}
