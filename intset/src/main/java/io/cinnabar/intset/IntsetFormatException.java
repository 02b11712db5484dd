package io.cinnabar.intset;

/**
 * Thrown when bytes are not a valid intset blob: a header that cannot be read, an encoding other than 2, 4 or 8,
 * a length that does not match the blob size, an empty set, or (deep validation) elements that are not strictly
 * ascending. These are exactly the conditions under which Redis's {@code intsetValidateIntegrity} returns 0.
 */
public final class IntsetFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IntsetFormatException(String message) {
        super(message);
    }
}
