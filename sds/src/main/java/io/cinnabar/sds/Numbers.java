package io.cinnabar.sds;

import io.cinnabar.sds.internal.Grisu2;
import io.cinnabar.sds.internal.Printf;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Redis's exact text conversions of integers and doubles ({@code src/util.c}), on byte arrays, so that a server
 * built on them accepts, rejects and prints numbers exactly as Redis 7.2 does.
 *
 * <h2>Integers</h2>
 * <ul>
 *   <li>{@link #isLong} / {@link #parseLong} / {@link #string2ll}: {@code string2ll}, what {@code INCR}, {@code EXPIRE} and every
 *       integer argument accept: an optional {@code -}, then {@code 0} alone or a digit 1-9 followed by digits;
 *       no {@code +}, no leading zeros, no spaces, not empty, at most 20 bytes, within signed 64 bits;
 *       {@code -0} is rejected.</li>
 *   <li>{@link #isIntEncodable}: the test that gives a string value the {@code int} encoding
 *       ({@code len <= 20 && string2l}, {@code long} being 64-bit on the platforms Redis targets).</li>
 *   <li>{@link #ll2string} / {@link #ull2string}: signed and unsigned decimal text into a byte array,
 *       allocation-free, two digits per step.</li>
 * </ul>
 *
 * <h2>Doubles</h2>
 * <ul>
 *   <li>{@link #parseDouble}: {@code string2d}, used for {@code ZADD}/{@code ZINCRBY} scores and other double
 *       arguments: {@code strtod} syntax (decimal, hex floats, {@code inf}/{@code infinity} any case), correctly
 *       rounded (plain decimals beyond the fast path go through {@link Double#parseDouble}, which is correctly
 *       rounded too; hex floats through an exact big-integer path); rejects empty input, leading white space,
 *       trailing bytes, NaN, overflow to infinity and underflow of a non-zero number to zero. Returns {@link Double#NaN} for a rejected input (NaN is never an
 *       accepted value, so the sentinel is unambiguous).</li>
 *   <li>{@link #d2string}: Redis 7.2's {@code d2string}, used by {@code ZSCORE}, {@code ZINCRBY}, {@code ZRANGE
 *       WITHSCORES} replies and listpack scores: {@code nan}, {@code inf}, {@code -inf}, {@code 0}, {@code -0};
 *       integers with magnitude up to 2^62 as integers; everything else in the Grisu2 form of {@code fpconv_dtoa}
 *       (round-trip exact, usually shortest: {@code 0.1}, {@code 1.5e-7}, {@code 1e+20},
 *       {@code 1.2345678901234e+4}).</li>
 *   <li>{@link #d2string70}: Redis 7.0's form, {@code %.17g} ({@code 0.10000000000000001}, {@code 1e+20}), for
 *       comparison with 7.0 servers.</li>
 *   <li>Long doubles ({@code INCRBYFLOAT}) are in {@link LongDouble}.</li>
 * </ul>
 * All methods are static and thread-safe.
 */
public final class Numbers {
    /** Redis's {@code LONG_STR_SIZE}: {@code string2ll} rejects inputs of this many bytes or more. */
    public static final int LONG_STR_SIZE = 21;
    /** Room {@link #ll2string} and {@link #ull2string} may need: 20 bytes. */
    public static final int MAX_LONG_CHARS = 20;
    /** Room {@link #d2string} needs at the output offset. */
    public static final int MAX_D2STRING_CHARS = Grisu2.MAX_CHARS;
    /** Integer-valued doubles within this magnitude print as integers in 7.2 ({@code (double)(LLONG_MAX/2)}). */
    private static final double D2STRING_INTEGER_LIMIT = (double) (Long.MAX_VALUE / 2);

    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final double[] POW10 = new double[23];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Numbers() {
    }

    // ------------------------------------------------------------------------------------------ integers

    /** Whether {@code string2ll} accepts {@code s[off, off+len)}. O(len), no allocation. */
    public static boolean isLong(byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        return scanLong(s, off, len) != Long.MIN_VALUE || isMinLong(s, off, len);
    }

    /** {@link #isLong(byte[], int, int)} of a whole array. */
    public static boolean isLong(byte[] s) {
        return isLong(s, 0, s.length);
    }

    /**
     * {@code string2ll}: the value of {@code s[off, off+len)}, in one pass without allocation.
     *
     * @throws NumberFormatException where Redis replies "value is not an integer or out of range"
     */
    public static long parseLong(byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        long v = scanLong(s, off, len);
        if (v == Long.MIN_VALUE && !isMinLong(s, off, len)) {
            throw new NumberFormatException("not an integer as Redis reads one: "
                + new String(s, off, Math.min(len, 64), StandardCharsets.ISO_8859_1));
        }
        return v;
    }

    private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    private static boolean isMinLong(byte[] s, int off, int len) {
        return len == MIN_LONG.length && java.util.Arrays.equals(s, off, off + len, MIN_LONG, 0, len);
    }

    /**
     * {@code string2ll}'s scan: the value, or {@code Long.MIN_VALUE} for a rejected input (the one valid input with
     * that value, {@code -9223372036854775808}, is told apart by the callers).
     */
    private static long scanLong(byte[] s, int off, int len) {
        if (len == 0 || len >= LONG_STR_SIZE) {
            return Long.MIN_VALUE;
        }
        int p = off;
        int end = off + len;
        byte first = s[p];
        if (len == 1 && first == '0') {
            return 0;
        }
        boolean negative = first == '-';
        if (negative && ++p == end) {
            return Long.MIN_VALUE;
        }
        if (s[p] < '1' || s[p] > '9' || end - p > 19) {
            return Long.MIN_VALUE; // leading zero, sign or junk; 20 digits exceed every long
        }
        long v = 0; // at most 19 digits: fits below 2^64 as unsigned
        for (; p < end; p++) {
            int d = s[p] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        if (v < 0) { // 2^63 or more: only -2^63 is valid, and it maps to the sentinel anyway
            return Long.MIN_VALUE;
        }
        return negative ? -v : v;
    }

    /**
     * {@code string2ll} in Redis's own shape: true and the value in {@code out[0]} when {@code s[off, off+len)} is
     * accepted, false (out untouched) when not. One pass, no allocation, no exception: the form the server uses for
     * integer arguments on its hot paths.
     */
    public static boolean string2ll(byte[] s, int off, int len, long[] out) {
        Objects.checkFromIndexSize(off, len, s.length);
        long v = scanLong(s, off, len);
        if (v == Long.MIN_VALUE && !isMinLong(s, off, len)) {
            return false;
        }
        out[0] = v;
        return true;
    }

    /** {@link #parseLong(byte[], int, int)} of a whole array. */
    public static long parseLong(byte[] s) {
        return parseLong(s, 0, s.length);
    }

    /**
     * Whether a string value gets Redis's {@code int} encoding ({@code OBJECT ENCODING} says {@code int}): at most
     * 20 bytes and accepted by {@code string2l}.
     */
    public static boolean isIntEncodable(byte[] s, int off, int len) {
        return len <= 20 && isLong(s, off, len);
    }

    /** Number of decimal digits of {@code v} read as unsigned. */
    public static int digits10Unsigned(long v) {
        if (v < 0) {
            return Long.compareUnsigned(v, -8446744073709551616L) >= 0 ? 20 : 19; // 10^19 as unsigned
        }
        long p = 10;
        for (int i = 1; i < 19; i++) {
            if (v < p) {
                return i;
            }
            p *= 10;
        }
        return 19;
    }

    /** Number of bytes {@link #ll2string} writes for {@code v}. */
    public static int stringLength(long v) {
        return v < 0 ? 1 + digits10Unsigned(-v) : digits10Unsigned(v);
    }

    /**
     * {@code ll2string}: writes {@code v} in decimal at {@code dst[off]}, exactly as {@link Long#toString(long)}
     * would, without allocating.
     *
     * @return the number of bytes written (at most {@link #MAX_LONG_CHARS})
     * @throws IndexOutOfBoundsException if the text does not fit
     */
    public static int ll2string(long v, byte[] dst, int off) {
        if (v < 0) {
            Objects.checkIndex(off, dst.length);
            dst[off] = '-';
            return 1 + ull2string(-v, dst, off + 1);
        }
        return ull2string(v, dst, off);
    }

    /**
     * {@code ull2string}: writes {@code v}, read as unsigned 64-bit, in decimal at {@code dst[off]}.
     *
     * @return the number of bytes written (at most 20)
     * @throws IndexOutOfBoundsException if the text does not fit
     */
    public static int ull2string(long v, byte[] dst, int off) {
        int n = digits10Unsigned(v);
        Objects.checkFromIndexSize(off, n, dst.length);
        int p = off + n - 1;
        if (v < 0) { // above 2^63: one unsigned step brings it into signed range
            long q = Long.divideUnsigned(v, 100);
            int r = (int) (v - q * 100);
            dst[p--] = DIGIT_PAIRS[2 * r + 1];
            dst[p--] = DIGIT_PAIRS[2 * r];
            v = q;
        }
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            dst[p--] = DIGIT_PAIRS[2 * r + 1];
            dst[p--] = DIGIT_PAIRS[2 * r];
            v = q;
        }
        if (v >= 10) {
            dst[p--] = DIGIT_PAIRS[2 * (int) v + 1];
            dst[p] = DIGIT_PAIRS[2 * (int) v];
        } else {
            dst[p] = (byte) ('0' + v);
        }
        return n;
    }

    /** {@code v} in decimal as a new array. */
    public static byte[] ll2bytes(long v) {
        byte[] b = new byte[stringLength(v)];
        ll2string(v, b, 0);
        return b;
    }

    // ------------------------------------------------------------------------------------------- doubles

    /**
     * {@code string2d}: the double that Redis reads from {@code s[off, off+len)}, or {@link Double#NaN} where Redis
     * rejects the text ("value is not a valid float"): {@link Strtod}'s reading (the one strtod) with string2d's
     * rule. Simple decimals of up to 15 significant digits and a decimal exponent within 22 take an exact
     * floating-point fast path with no allocation.
     */
    public static double parseDouble(byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        int end = off + len;
        if (len == 0 || isCSpace(s[off]) || Strtod.scan(s, off, end) != end) {
            return Double.NaN;
        }
        double v = Strtod.valueOf(s, off, end);
        if ((Double.isInfinite(v) || v == 0) && Strtod.isErange(v, s, off, end)) {
            return Double.NaN; // ERANGE: overflow, or a non-zero number that underflows to zero
        }
        return v; // NaN for a "nan" text: rejected too
    }

    /** {@link #parseDouble(byte[], int, int)} of a whole array. */
    public static double parseDouble(byte[] s) {
        return parseDouble(s, 0, s.length);
    }

    /** C's {@code isspace} in the C locale. */
    static boolean isCSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /**
     * [sign] digits [. digits] [e[sign]digits] with at most 15 significant digits and |exponent| &lt;= 22: both
     * operands exact, so one multiplication or division rounds correctly. NaN when the input is not that simple.
     */
    static double fastDecimal(byte[] s, int p, int end) {
        boolean neg = false;
        if (s[p] == '-' || s[p] == '+') {
            neg = s[p] == '-';
            if (++p == end) {
                return Double.NaN;
            }
        }
        long m = 0;
        int sig = 0;
        int scale = 0;
        int digits = 0;
        boolean point = false;
        for (; p < end; p++) {
            byte b = s[p];
            if (b >= '0' && b <= '9') {
                digits++;
                if (point) {
                    scale--;
                }
                if (m != 0 || b != '0') {
                    if (++sig > 15) {
                        return Double.NaN;
                    }
                }
                m = m * 10 + (b - '0');
            } else if (b == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (p < end) {
            if ((s[p] | 0x20) != 'e' || ++p == end) {
                return Double.NaN;
            }
            boolean eneg = false;
            if (s[p] == '-' || s[p] == '+') {
                eneg = s[p] == '-';
                if (++p == end) {
                    return Double.NaN;
                }
            }
            int e = 0;
            for (; p < end; p++) {
                byte b = s[p];
                if (b < '0' || b > '9' || e > 1000) {
                    return Double.NaN;
                }
                e = e * 10 + (b - '0');
            }
            scale += eneg ? -e : e;
        }
        double v;
        if (m == 0) {
            v = 0;
        } else if (scale >= 0 && scale <= 22) {
            v = (double) m * POW10[scale];
        } else if (scale < 0 && scale >= -22) {
            v = (double) m / POW10[-scale];
        } else {
            return Double.NaN;
        }
        return neg ? -v : v;
    }

    /**
     * Redis 7.2's {@code d2string}: writes {@code v} at {@code dst[off]} without allocating. Needs
     * {@link #MAX_D2STRING_CHARS} bytes of room.
     *
     * @return the number of bytes written
     */
    public static int d2string(double v, byte[] dst, int off) {
        Objects.checkFromIndexSize(off, MAX_D2STRING_CHARS, dst.length);
        if (v != v) {
            return ascii("nan", dst, off);
        }
        if (Double.isInfinite(v)) {
            return ascii(v < 0 ? "-inf" : "inf", dst, off);
        }
        if (v == 0) {
            return ascii(Double.doubleToRawLongBits(v) < 0 ? "-0" : "0", dst, off);
        }
        if (v >= -D2STRING_INTEGER_LIMIT && v <= D2STRING_INTEGER_LIMIT) {
            long l = (long) v;
            if (l == v) {
                return ll2string(l, dst, off);
            }
        }
        return Grisu2.dtoa(v, dst, off);
    }

    /** {@link #d2string(double, byte[], int)} as a String. */
    public static String d2string(double v) {
        byte[] b = new byte[MAX_D2STRING_CHARS];
        return new String(b, 0, d2string(v, b, 0), StandardCharsets.US_ASCII);
    }

    /**
     * Redis 7.0's {@code d2string} and score replies: {@code %.17g}, with {@code nan}, {@code inf}, {@code -inf},
     * {@code -0} spelled out. Allocates (exact decimal arithmetic).
     */
    public static String d2string70(double v) {
        if (v != v) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v < 0 ? "-inf" : "inf";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        return Printf.g17(new BigDecimal(v), false);
    }

    /** {@link #d2string70(double)} written at {@code dst[off]}; at most 24 bytes. */
    public static int d2string70(double v, byte[] dst, int off) {
        return ascii(d2string70(v), dst, off);
    }

    /**
     * Redis 7.2's {@code fixedpoint_d2string}, used for {@code GEODIST} and {@code GEOSEARCH WITHDIST} (4
     * digits): {@code v * 10^digits} rounded to an integer with ties to even ({@code llrint}), printed with exactly
     * {@code fractionalDigits} digits after the point. A value that rounds to zero prints without a sign. Allocation
     * free; magnitudes must stay below 2^63 / 10^digits, as in Redis.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException unless {@code 1 <= fractionalDigits <= 17}
     */
    public static int fixedpointD2string(double v, int fractionalDigits, byte[] dst, int off) {
        if (fractionalDigits < 1 || fractionalDigits > 17) {
            throw new IllegalArgumentException("fractional digits " + fractionalDigits + " outside 1..17");
        }
        long scaled = v == 0 ? 0 : (long) Math.rint(v * POW10[fractionalDigits]);
        int p = off;
        if (scaled < 0) {
            Objects.checkIndex(p, dst.length);
            dst[p++] = '-';
        }
        long mag = scaled < 0 ? -scaled : scaled; // unsigned for Long.MIN_VALUE
        int ndigits = digits10Unsigned(mag);
        int intDigits = Math.max(1, ndigits - fractionalDigits);
        int size = intDigits + 1 + fractionalDigits;
        Objects.checkFromIndexSize(p, size, dst.length);
        java.util.Arrays.fill(dst, p, p + size, (byte) '0');
        dst[p + intDigits] = '.';
        int next = p + size - 1;
        for (int i = 0; i < ndigits; i++) {
            if (next == p + intDigits) {
                next--;
            }
            long q = Long.divideUnsigned(mag, 10);
            dst[next--] = (byte) ('0' + (mag - q * 10));
            mag = q;
        }
        return p + size - off;
    }

    private static int ascii(String s, byte[] dst, int off) {
        Objects.checkFromIndexSize(off, s.length(), dst.length);
        for (int i = 0; i < s.length(); i++) {
            dst[off + i] = (byte) s.charAt(i);
        }
        return s.length();
    }
}
