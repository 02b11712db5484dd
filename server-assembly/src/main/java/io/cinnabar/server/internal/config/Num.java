package io.cinnabar.server.internal.config;

import io.cinnabar.sds.Numbers;

/**
 * The server's adapter over the sds module's Redis-exact number conversions ({@link Numbers}: {@code string2ll},
 * {@code ll2string}, the {@code int}-encoding test), in the shapes the commands use: parse into an out-parameter
 * without exceptions, write returning the new offset.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Num {
    private Num() {
    }

    /**
     * Parses b[off, off+len) as Redis's string2ll does. Returns true and stores the value in out[0] when the
     * bytes are exactly the canonical decimal form of a long. No allocation, no exception.
     */
    public static boolean string2ll(byte[] b, int off, int len, long[] out) {
        if (!Numbers.isLong(b, off, len)) {
            return false;
        }
        out[0] = Numbers.parseLong(b, off, len);
        return true;
    }

    /** Whether a string value of these bytes gets the int encoding; the value is left in out[0]. */
    public static boolean intEncodable(byte[] b, int off, int len, long[] out) {
        if (!Numbers.isIntEncodable(b, off, len)) {
            return false;
        }
        out[0] = Numbers.parseLong(b, off, len);
        return true;
    }

    /** Number of characters of v in decimal. */
    public static int digits(long v) {
        return Numbers.stringLength(v);
    }

    /** Writes v in decimal at dst[off]; returns the new offset. */
    public static int ll2string(long v, byte[] dst, int off) {
        return off + Numbers.ll2string(v, dst, off);
    }

    public static byte[] ll2bytes(long v) {
        return Numbers.ll2bytes(v);
    }
}
