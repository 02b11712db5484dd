package io.cinnabar.lzf;

/**
 * Thrown when LZF input is not a valid compressed stream: a back reference before the start of the output,
 * a literal or reference running past the end of the input or the output, or a decompressed length that is
 * not the one announced. The message names the input offset where decoding stopped.
 */
public final class LzfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public LzfException(String message, int offset) {
        super(message + " at input offset " + offset);
        this.offset = offset;
    }

    /** @return the offset, relative to the start of the compressed input, where decoding failed */
    public int offset() {
        return offset;
    }
}
