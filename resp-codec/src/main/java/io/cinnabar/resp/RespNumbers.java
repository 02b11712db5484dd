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
 *   otherwise                    fpconv_dtoa: the shortest digits that read back as d, laid out as
 *                                  K &gt;= 0 and exponent &lt; digits + 7        digits then K zeros
 *                                  K &lt; 0 and (K &gt; -7 or exponent &lt; 4)      plain decimal (0.001, 3.25)
 *                                  else                                   d.ddde+XX / d.ddde-X (no padding)
 *                                (value = digits x 10^K, exponent = |K + digits - 1|)
 * </pre>
 * The digits are the shortest decimal that rounds back to the double (the JDK's {@code Double.toString},
 * JDK 19+). Redis computes them with Grisu2, which in rare cases (about 0.1% of doubles) yields a longer, still
 * round-tripping digit string; there the two texts differ while naming the same double.
 *
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
final class RespNumbers {
    /** Most bytes {@link #writeLong} writes. */
    static final int MAX_LONG_CHARS = 20;
    /** Most bytes {@link #writeDouble} writes. */
    static final int MAX_DOUBLE_CHARS = 32;

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

    /** Writes {@code v} as Redis 7.2's {@code d2string}; returns the end offset. */
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

    /** fpconv_dtoa's layout of the shortest digits of {@code v} (finite, non-zero). */
    private static int fpconv(double v, byte[] dst, int off) {
        boolean neg = v < 0;
        String s = Double.toString(Math.abs(v));
        byte[] digits = new byte[24];
        int n = 0;
        int frac = 0;
        boolean afterPoint = false;
        int exp10 = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                afterPoint = true;
            } else if (c == 'E') {
                exp10 = Integer.parseInt(s, i + 1, s.length(), 10);
                break;
            } else {
                if (n > 0 || c != '0') {
                    digits[n++] = (byte) c;
                }
                if (afterPoint) {
                    frac++;
                }
            }
        }
        int k = exp10 - frac;
        while (n > 1 && digits[n - 1] == '0') {
            n--;
            k++;
        }
        if (n == 2 && digits[1] != '0') {
            // the JDK never prints one digit where two fit; Redis (Grisu2) prints the one-digit form if it reads back
            n = oneDigit(Math.abs(v), digits, n, k);
            if (n == 1) {
                k++;
            }
        }
        int p = off;
        if (neg) {
            dst[p++] = '-';
        }
        return emit(digits, n, k, neg, dst, p);
    }

    /** Tries the two one-digit neighbours of a two-digit result; returns 1 if one of them reads back as v. */
    private static int oneDigit(double v, byte[] digits, int n, int k) {
        int d0 = digits[0] - '0';
        int d1 = digits[1] - '0';
        int near = d1 >= 5 ? d0 + 1 : d0;
        int far = d1 >= 5 ? d0 : d0 + 1;
        for (int c : new int[] {near, far}) {
            if (c >= 1 && c <= 9 && Double.parseDouble(c + "E" + (k + 1)) == v) {
                digits[0] = (byte) ('0' + c);
                return 1;
            }
        }
        return n;
    }

    private static int emit(byte[] digits, int n, int k, boolean neg, byte[] dst, int p) {
        int exp = Math.abs(k + n - 1);
        if (k >= 0 && exp < n + 7) {
            System.arraycopy(digits, 0, dst, p, n);
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
                System.arraycopy(digits, 0, dst, p, n);
                return p + n;
            }
            System.arraycopy(digits, 0, dst, p, offset);
            p += offset;
            dst[p++] = '.';
            System.arraycopy(digits, offset, dst, p, n - offset);
            return p + n - offset;
        }
        n = Math.min(n, 18 - (neg ? 1 : 0));
        dst[p++] = digits[0];
        if (n > 1) {
            dst[p++] = '.';
            System.arraycopy(digits, 1, dst, p, n - 1);
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
