package io.cinnabar.server.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Redis's number/text conversions as the server needs them: {@code string2ll} (strict: no sign '+', no leading
 * zeros, no spaces, "-0" rejected, at most 20 characters), {@code ll2string}, {@code string2ld} and the
 * human-friendly long double formatting of {@code INCRBYFLOAT}.
 * <p>
 * Redis computes {@code INCRBYFLOAT} in the C {@code long double} of x86-64 (64-bit significand) and prints it with
 * {@code "%.17Lf"}, trailing zeros removed. Java has no such type, so {@link #incrByFloat} emulates it exactly:
 * both operands are parsed as exact decimals, rounded to the nearest 64-bit-significand binary value, added,
 * rounded again, and printed with 17 decimals. That is what makes {@code 10.5 + 0.1} print {@code 10.6} as Redis
 * does, where Java's {@code double} would print {@code 10.59999999999999964}.
 * <p><b>Note:</b> This class is not threadsafe (it is stateless; the note is the project's fixed sentence).
 */
final class Num {
    /** Digits of the longest long, with sign. */
    static final int LONG_STR_SIZE = 21;
    private static final BigDecimal LD_MAX = new BigDecimal(BigInteger.ONE.shiftLeft(16384));

    private Num() {
    }

    /**
     * Parses b[off, off+len) as Redis's string2ll does. Returns true and stores the value in out[0] when the
     * bytes are exactly the canonical decimal form of a long.
     */
    static boolean string2ll(byte[] b, int off, int len, long[] out) {
        if (len == 0 || len >= LONG_STR_SIZE) {
            return false;
        }
        int p = off;
        int end = off + len;
        if (len == 1 && b[p] == '0') {
            out[0] = 0;
            return true;
        }
        boolean neg = b[p] == '-';
        if (neg && ++p == end) {
            return false;
        }
        if (b[p] < '1' || b[p] > '9') {
            return false;
        }
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long v = 0; // accumulated negatively, as Long.parseLong does, to reach Long.MIN_VALUE
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9 || v < multmin) {
                return false;
            }
            v *= 10;
            if (v < limit + d) {
                return false;
            }
            v -= d;
        }
        out[0] = neg ? v : -v;
        return true;
    }

    /** Number of characters of v in decimal. */
    static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = 1;
        if (v < 0) {
            n++;
            v = -v;
        }
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Writes v in decimal at dst[off]; returns the new offset. */
    static int ll2string(long v, byte[] dst, int off) {
        int n = digits(v);
        int p = off + n;
        if (v == Long.MIN_VALUE) {
            byte[] m = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(m, 0, dst, off, m.length);
            return off + m.length;
        }
        boolean neg = v < 0;
        if (neg) {
            v = -v;
        }
        int q = p;
        do {
            dst[--q] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        if (neg) {
            dst[--q] = '-';
        }
        return p;
    }

    static byte[] ll2bytes(long v) {
        byte[] b = new byte[digits(v)];
        ll2string(v, b, 0);
        return b;
    }

    /**
     * Parses a long double as Redis's string2ld does (strtold; no leading space; NaN rejected), returning the exact
     * decimal rounded to a 64-bit significand, or null when it is not a valid float. Infinity is returned as null
     * too only when the text is not "inf"-like; "inf" gives {@link #INFINITY}.
     */
    static BigDecimal string2ld(byte[] b, int off, int len) {
        if (len == 0 || len > 5 * 1024) {
            return null;
        }
        String s = new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return null;
        }
        String t = s.toLowerCase(java.util.Locale.ROOT);
        String u = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        if (u.equals("inf") || u.equals("infinity")) {
            return INFINITY;
        }
        try {
            if (u.isEmpty() || !(Character.isDigit(u.charAt(0)) || u.charAt(0) == '.')) {
                return null;
            }
            return roundLd(new BigDecimal(t.startsWith("+") ? t.substring(1) : t));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Marks an infinite long double (Redis rejects such results of INCRBYFLOAT). */
    static final BigDecimal INFINITY = new BigDecimal("1e100000");

    /** Rounds x to the nearest value with a 64-bit binary significand (x86 long double), or INFINITY on overflow. */
    static BigDecimal roundLd(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (x.abs().compareTo(LD_MAX) >= 0) {
            return INFINITY;
        }
        // scale x by 2^-e so that the integer part has 64 bits, round, scale back
        BigDecimal a = x.abs();
        int e = a.toBigInteger().bitLength();
        if (e == 0) {
            // |x| < 1: find e (negative) with 2^(e-1) <= |x| < 2^e
            BigDecimal t = a;
            e = 0;
            while (t.compareTo(BigDecimal.ONE) < 0) {
                t = t.multiply(BigDecimal.valueOf(2));
                e--;
                if (e < -16500) {
                    return BigDecimal.ZERO;
                }
            }
            e++;
        }
        int shift = 64 - e;
        BigDecimal scaled = shift >= 0 ? a.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : a.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-shift)));
        BigInteger m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = shift >= 0 ? new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : new BigDecimal(m.shiftLeft(-shift));
        return x.signum() < 0 ? r.negate() : r;
    }

    /** Long double a + b rounded like x87, or INFINITY. */
    static BigDecimal addLd(BigDecimal a, BigDecimal b) {
        if (a == INFINITY || b == INFINITY) {
            return INFINITY;
        }
        return roundLd(a.add(b));
    }

    /** Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a trailing dot) removed. */
    static String ld2stringHuman(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        if (s.equals("-0")) {
            s = "0";
        }
        return s;
    }
}
