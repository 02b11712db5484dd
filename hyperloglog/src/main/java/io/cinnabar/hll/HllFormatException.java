package io.cinnabar.hll;

/**
 * Thrown when bytes are not a usable HyperLogLog string: a header Redis would not accept (too short, wrong magic,
 * unknown encoding, a dense string of the wrong length) or a sparse string whose opcodes do not cover exactly 16384
 * registers. These are the conditions under which Redis answers "WRONGTYPE Key is not a valid HyperLogLog string
 * value." (header) or "INVALIDOBJ Corrupted HLL object detected" (registers); {@link #isHeaderProblem()} tells
 * them apart.
 */
public final class HllFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean header;

    public HllFormatException(String message, boolean header) {
        super(message);
        this.header = header;
    }

    /** True if the header is wrong (not an HLL at all), false if the sparse registers are corrupted. */
    public boolean isHeaderProblem() {
        return header;
    }
}
