package io.cinnabar.rdb;

/**
 * The CRC64 trailer of an RDB file does not match its content (Redis: "Wrong RDB checksum expected: (computed) but
 * got (stored)").
 * <p><b>Note:</b> This class is immutable.
 */
public final class RdbChecksumException extends RdbException {
    private static final long serialVersionUID = 1L;
    private final long stored;
    private final long computed;

    public RdbChecksumException(long stored, long computed, long offset) {
        super(String.format("CRC64 mismatch: file says %016x, content is %016x", stored, computed), offset);
        this.stored = stored;
        this.computed = computed;
    }

    /** @return the checksum written in the file */
    public long stored() {
        return stored;
    }

    /** @return the checksum of the bytes read */
    public long computed() {
        return computed;
    }
}
