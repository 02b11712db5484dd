package io.cinnabar.resp;

/**
 * Number formatting exactly as Redis prints numbers in replies: {@code ll2string} for integers and Redis 7.2's
 * {@code d2string} for doubles.
 *
 * <h2>Doubles (Redis 7.2 {@code d2string})</h2>
 * <pre>
 *   NaN                          nan            (7.2 normalizes every NaN)
 *   +/- infinity                 inf / -inf
 *   +/- zero                     0 / -0
 *   integral, |d| &lt;= 2^62       as an integer  (1e18 -&gt; 1000000000000000000)
 *   otherwise                    fpconv_dtoa: Grisu2 digits (they read back as d), laid out as
 *                                  K &gt;= 0 and exponent &lt; digits + 7        digits then K zeros
 *                                  K &lt; 0 and (K &gt; -7 or exponent &lt; 4)      plain decimal (0.001, 3.25)
 *                                  else                                   d.ddde+XX / d.ddde-X (no padding)
 *                                (value = digits x 10^K, exponent = |K + digits - 1|)
 * </pre>
 * The digits come from {@link Grisu2}, the algorithm Redis's fpconv runs: they always read back as the same
 * double and are the shortest such digits except for rare doubles where Grisu2 gives one more digit (Redis
 * prints those too). Digits are generated in the output array, after the text position: no allocation.
 *
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
final class RespNumbers {
    /** Most bytes {@link #writeLong} writes. */
    static final int MAX_LONG_CHARS = 20;
    /** Most bytes {@link #writeDouble} writes. */
    static final int MAX_DOUBLE_CHARS = 32;
    /** Where, after the output offset, the digits are generated before being laid out (no allocation). */
    private static final int SCRATCH = MAX_DOUBLE_CHARS;
    /** Room {@link #writeDouble} needs at the output offset: the text plus the digit scratch. */
    static final int DOUBLE_ROOM = SCRATCH + 20;

    private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RespNumbers() {
    }

    /** Number of bytes of {@code v} in decimal. */
    static int longLength(long v) {
        if (v == Long.MIN_VALUE) {
            return MIN_LONG.length;
        }
        int n = 1;
        if (v < 0) {
            n++;
            v = -v;
        }
        long p = 10;
        for (int i = 1; i < 19; i++) {
            if (v < p) {
                return n + i - 1;
            }
            p *= 10;
        }
        return n + 18;
    }

    /** Writes {@code v} in decimal at {@code off}; returns the end offset. */
    static int writeLong(long v, byte[] dst, int off) {
        if (v == Long.MIN_VALUE) {
            System.arraycopy(MIN_LONG, 0, dst, off, MIN_LONG.length);
            return off + MIN_LONG.length;
        }
        int len = longLength(v);
        int end = off + len;
        if (v < 0) {
            dst[off] = '-';
            v = -v;
        }
        int i = end;
        do {
            dst[--i] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        return end;
    }

    /** Writes {@code v} as Redis 7.2's {@code d2string}; needs {@link #DOUBLE_ROOM} bytes; returns the end offset. */
    static int writeDouble(double v, byte[] dst, int off) {
        if (Double.isNaN(v)) {
            return ascii("nan", dst, off);
        }
        if (Double.isInfinite(v)) {
            return ascii(v > 0 ? "inf" : "-inf", dst, off);
        }
        if (v == 0) {
            return ascii(1 / v < 0 ? "-0" : "0", dst, off);
        }
        if (v >= (double) (-Long.MAX_VALUE / 2) && v <= (double) (Long.MAX_VALUE / 2)) {
            long l = (long) v;
            if (l == v) {
                return writeLong(l, dst, off);
            }
        }
        return fpconv(v, dst, off);
    }

    private static int ascii(String s, byte[] dst, int off) {
        for (int i = 0; i < s.length(); i++) {
            dst[off + i] = (byte) s.charAt(i);
        }
        return off + s.length();
    }

    /** fpconv_dtoa: Grisu2 digits of {@code v} (finite, non-zero) in fpconv's layout. */
    private static int fpconv(double v, byte[] dst, int off) {
        boolean neg = v < 0;
        int scratch = off + SCRATCH;
        int kn = Grisu2.digits(v, dst, scratch);
        int p = off;
        if (neg) {
            dst[p++] = '-';
        }
        return emit(dst, scratch, kn & 0xff, kn >> 8, neg, dst, p);
    }

    private static int emit(byte[] digits, int d0, int n, int k, boolean neg, byte[] dst, int p) {
        int exp = Math.abs(k + n - 1);
        if (k >= 0 && exp < n + 7) {
            System.arraycopy(digits, d0, dst, p, n);
            p += n;
            for (int i = 0; i < k; i++) {
                dst[p++] = '0';
            }
            return p;
        }
        if (k < 0 && (k > -7 || exp < 4)) {
            int offset = n + k;
            if (offset <= 0) {
                dst[p++] = '0';
                dst[p++] = '.';
                for (int i = 0; i < -offset; i++) {
                    dst[p++] = '0';
                }
                System.arraycopy(digits, d0, dst, p, n);
                return p + n;
            }
            System.arraycopy(digits, d0, dst, p, offset);
            p += offset;
            dst[p++] = '.';
            System.arraycopy(digits, d0 + offset, dst, p, n - offset);
            return p + n - offset;
        }
        n = Math.min(n, 18 - (neg ? 1 : 0));
        dst[p++] = digits[d0];
        if (n > 1) {
            dst[p++] = '.';
            System.arraycopy(digits, d0 + 1, dst, p, n - 1);
            p += n - 1;
        }
        dst[p++] = 'e';
        dst[p++] = (byte) (k + n - 1 < 0 ? '-' : '+');
        int cent = 0;
        if (exp > 99) {
            cent = exp / 100;
            dst[p++] = (byte) ('0' + cent);
            exp -= cent * 100;
        }
        if (exp > 9) {
            int dec = exp / 10;
            dst[p++] = (byte) ('0' + dec);
            exp -= dec * 10;
        } else if (cent != 0) {
            dst[p++] = '0';
        }
        dst[p++] = (byte) ('0' + exp % 10);
        return p;
    }
}
