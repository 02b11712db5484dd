package io.cinnabar.aof;

/**
 * A malformed AOF file or manifest. The message names the file and the byte offset (or manifest line) where
 * reading stopped. {@link #truncated()} tells a cut-short tail (fixable by truncating to
 * {@link #lastValidOffset()}, as {@code redis-check-aof --fix} does) from corruption in the middle.
 */
public class AofException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long offset;
    private final long lastValidOffset;
    private final boolean truncated;

    public AofException(String message, long offset, long lastValidOffset, boolean truncated) {
        super(message + " at offset " + offset);
        this.offset = offset;
        this.lastValidOffset = lastValidOffset;
        this.truncated = truncated;
    }

    public AofException(String message, long offset, Throwable cause) {
        super(message + " at offset " + offset, cause);
        this.offset = offset;
        this.lastValidOffset = -1;
        this.truncated = false;
    }

    public long offset() {
        return offset;
    }

    /** End of the last complete command before the problem. */
    public long lastValidOffset() {
        return lastValidOffset;
    }

    /** Whether the file simply ends inside a command (a fixable tail) rather than holding bad bytes. */
    public boolean truncated() {
        return truncated;
    }
}
