package io.cinnabar.rdb.internal;

import io.cinnabar.rdb.RdbException;

/**
 * Reads an intset blob from an RDB file ({@code <encoding u32 LE: 2|4|8> <length u32 LE> <values LE, ascending>}).
 * Stand-in until the {@code intset} module (which owns the format) is merged; validates encoding, size and strict
 * ascending order.
 *
 * <p><b>Note:</b> the static methods are thread-safe.
 */
public final class IntsetBlob {
    private IntsetBlob() {
    }

    /** Validates and returns the values in order. */
    public static long[] values(byte[] is, long base) {
        if (is.length < 8) {
            throw new RdbException("intset shorter than its header", base);
        }
        int enc = (int) le(is, 0, 4);
        long len = le(is, 4, 4) & 0xffffffffL;
        if (enc != 2 && enc != 4 && enc != 8) {
            throw new RdbException("bad intset encoding " + enc, base);
        }
        if (8 + len * enc != is.length) {
            throw new RdbException("intset of " + len + " x " + enc + " bytes does not fill a " + is.length + "-byte blob", base + 4);
        }
        long[] out = new long[(int) len];
        for (int i = 0; i < len; i++) {
            long v = le(is, 8 + i * enc, enc);
            v = (v << (64 - 8 * enc)) >> (64 - 8 * enc);
            if (i > 0 && v <= out[i - 1]) {
                throw new RdbException("intset values not strictly ascending", base + 8 + (long) i * enc);
            }
            out[i] = v;
        }
        return out;
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }
}
