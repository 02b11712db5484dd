package io.cinnabar.rdb.internal;

import io.cinnabar.intset.Intset;
import io.cinnabar.intset.IntsetFormatException;
import io.cinnabar.rdb.RdbException;

/**
 * Reads an intset blob from an RDB file through the {@code intset} module (which owns the format and validates it
 * deeply, as {@code intsetValidateIntegrity}: encoding, size, not empty, strictly ascending).
 *
 * <p><b>Note:</b> the static methods are thread-safe.
 */
public final class IntsetBlob {
    private IntsetBlob() {
    }

    /** Validates and returns the values in order. */
    public static long[] values(byte[] blob, long base) {
        try {
            return Intset.wrap(blob, true).toLongArray();
        } catch (IntsetFormatException e) {
            throw new RdbException("invalid intset: " + e.getMessage(), base, e);
        }
    }
}
