package io.cinnabar.rdb;

/**
 * The one exception a corrupt, truncated or unsupported RDB file or DUMP payload produces. The message names the
 * byte offset (from the start of the file or payload) where reading stopped.
 */
public class RdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public RdbException(String message, long offset) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    public RdbException(String message, long offset, Throwable cause) {
        super(message + " at offset " + offset, cause);
        this.offset = offset;
    }

    /** @return the byte offset where reading stopped */
    public long offset() {
        return offset;
    }
}
