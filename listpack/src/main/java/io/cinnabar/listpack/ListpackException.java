package io.cinnabar.listpack;

/**
 * Thrown when bytes are not a valid listpack: a header whose total length disagrees with the input, a missing
 * terminator, an unknown entry encoding, an entry or back-length that runs past the end, a back-length that
 * disagrees with the entry it closes, or an element count that disagrees with the header. It is the only
 * exception {@link Listpack#validate(byte[], int, int, boolean)} and {@link Listpack#adopt(byte[])} throw for
 * bad input; the message and {@link #offset()} name where the problem was found.
 */
public final class ListpackException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    /**
     * @param message what is wrong
     * @param offset  the offset, relative to the first byte of the listpack, where the problem was found
     */
    public ListpackException(String message, int offset) {
        super(message + " at listpack offset " + offset);
        this.offset = offset;
    }

    /** @return the offset, relative to the first byte of the listpack (its header), of the problem */
    public int offset() {
        return offset;
    }
}
