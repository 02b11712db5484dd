package io.cinnabar.sds;

import io.cinnabar.sds.internal.StrtodParser;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * C's {@code strtod} (glibc, C locale) over bytes: the one implementation behind every place Redis reads a double
 * with it. Callers apply their own acceptance rule to what it reports, as Redis does:
 * <pre>
 *   string2d (ZADD, INCRBYFLOAT's double args)   no leading blank, all consumed, not NaN,
 *                                                 ERANGE only if the value is +-inf or 0    -&gt; {@link Numbers#parseDouble}
 *   zslParseRange (ZRANGEBYSCORE, ZCOUNT ...)     the C string (up to a NUL) all consumed, not NaN; ERANGE ignored
 *   SORT's numeric weights                        the C string all consumed, not NaN, no ERANGE at all
 * </pre>
 *
 * <h2>What is read (the longest prefix that is a number)</h2>
 * <pre>
 *   blank* [+-] ( inf | infinity                                  any case
 *               | nan [ '(' [0-9A-Za-z_]* ')' ]                   any case
 *               | (0x|0X) ( hex+ [. hex*] | . hex+ ) [ (p|P) [+-] digit+ ]
 *               | ( digit+ [. digit*] | . digit+ ) [ (e|E) [+-] digit+ ] )
 *   an exponent without digits is not consumed ("1e" reads "1"); "0x" without a hex digit reads "0";
 *   no number at all: nothing is consumed ({@link #end()} == the start, before any blank) and the value is 0
 * </pre>
 * Rounding is correct (to nearest, ties to even). {@link #erange()} is glibc's {@code ERANGE}: overflow
 * (the value is then +-inf), underflow to zero, or a subnormal result that is inexact.
 *
 * <h2>Costs</h2>
 * Decimals of up to 15 significant digits with an exponent within 22 take an exact floating-point path with no
 * allocation; other decimals go through {@link Double#parseDouble} (correctly rounded like glibc; a subnormal
 * result is re-rounded exactly to learn whether it is inexact); hex floats through exact big-integer rounding.
 *
 * <p><b>Note:</b> This class is not threadsafe (it holds the last result; reuse one per thread).
 */
public final class Strtod {
    private double value;
    private int end;
    private boolean erange;

    /** A reader with no result yet. */
    public Strtod() {
    }

    /**
     * Reads a number from {@code s[off, off+len)} as {@code strtod} does (the range is the whole text; pass
     * {@link #cStringLength} as {@code len} for C-string semantics).
     *
     * @return this, with {@link #value()}, {@link #end()} and {@link #erange()} set
     */
    public Strtod parse(byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        int limit = off + len;
        int start = off;
        while (start < limit && SdsArgs.isSpace(s[start])) {
            start++;
        }
        int tokenEnd = scan(s, start, limit);
        erange = false;
        if (tokenEnd < 0) {
            value = 0;
            end = off;
            return this;
        }
        end = tokenEnd;
        value = valueOf(s, start, tokenEnd);
        erange = isErange(value, s, start, tokenEnd);
        return this;
    }

    /** @return the value read: 0 when nothing was read, +-inf on overflow, NaN for a {@code nan} text */
    public double value() {
        return value;
    }

    /** @return the index after the last byte read (the {@code off} given to {@link #parse} when none) */
    public int end() {
        return end;
    }

    /** @return whether {@code strtod} would set {@code errno = ERANGE} */
    public boolean erange() {
        return erange;
    }

    /** The length of the C string at {@code s[off]}: up to the first NUL byte in the range, or {@code len}. */
    public static int cStringLength(byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        for (int i = off; i < off + len; i++) {
            if (s[i] == 0) {
                return i - off;
            }
        }
        return len;
    }

    // ------------------------------------------------------------------------------------------ scanning

    /**
     * The end of the longest number at {@code s[p, limit)} ({@code p} after the blanks), or -1 when there is none.
     */
    static int scan(byte[] s, int p, int limit) {
        if (p < limit && (s[p] == '+' || s[p] == '-')) {
            p++;
        }
        if (p >= limit) {
            return -1;
        }
        if (word(s, p, limit, "inf")) {
            return word(s, p, limit, "infinity") ? p + 8 : p + 3;
        }
        if (word(s, p, limit, "nan")) {
            return nanEnd(s, p + 3, limit);
        }
        if (s[p] == '0' && p + 1 < limit && (s[p + 1] | 0x20) == 'x') {
            int h = hexEnd(s, p + 2, limit);
            return h < 0 ? p + 1 : h;
        }
        return decimalEnd(s, p, limit);
    }

    private static boolean word(byte[] s, int p, int limit, String w) {
        if (limit - p < w.length()) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            if ((s[p + i] | 0x20) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** After "nan": an optional {@code (n-char-sequence)}, consumed only when closed. */
    private static int nanEnd(byte[] s, int p, int limit) {
        if (p < limit && s[p] == '(') {
            int q = p + 1;
            while (q < limit && (isDigit(s[q]) || ((s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z') || s[q] == '_')) {
                q++;
            }
            if (q < limit && s[q] == ')') {
                return q + 1;
            }
        }
        return p;
    }

    private static int decimalEnd(byte[] s, int p, int limit) {
        int digits = 0;
        while (p < limit && isDigit(s[p])) {
            p++;
            digits++;
        }
        if (p < limit && s[p] == '.') {
            int q = p + 1;
            int frac = 0;
            while (q < limit && isDigit(s[q])) {
                q++;
                frac++;
            }
            if (digits + frac > 0) {
                p = q;
                digits += frac;
            }
        }
        return digits == 0 ? -1 : exponentEnd(s, p, limit, 'e');
    }

    /** After "0x": the hex mantissa and optional binary exponent, or -1 without a hex digit. */
    private static int hexEnd(byte[] s, int p, int limit) {
        int digits = 0;
        while (p < limit && hexValue(s[p]) >= 0) {
            p++;
            digits++;
        }
        if (p < limit && s[p] == '.') {
            int q = p + 1;
            int frac = 0;
            while (q < limit && hexValue(s[q]) >= 0) {
                q++;
                frac++;
            }
            if (digits + frac > 0) {
                p = q;
                digits += frac;
            }
        }
        return digits == 0 ? -1 : exponentEnd(s, p, limit, 'p');
    }

    /** Consumes {@code letter [+-] digit+} at {@code p} when complete. */
    private static int exponentEnd(byte[] s, int p, int limit, char letter) {
        if (p < limit && (s[p] | 0x20) == letter) {
            int q = p + 1;
            if (q < limit && (s[q] == '+' || s[q] == '-')) {
                q++;
            }
            if (q < limit && isDigit(s[q])) {
                while (q < limit && isDigit(s[q])) {
                    q++;
                }
                return q;
            }
        }
        return p;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (isDigit(b)) {
            return b - '0';
        }
        int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    // ------------------------------------------------------------------------------------------ values

    /** The correctly rounded value of the number token {@code s[p, end)} that {@link #scan} found. */
    static double valueOf(byte[] s, int p, int end) {
        double fast = Numbers.fastDecimal(s, p, end);
        if (fast == fast) {
            return fast;
        }
        int q = p < end && (s[p] == '+' || s[p] == '-') ? p + 1 : p;
        if (isDigit(s[q]) && !(s[q] == '0' && q + 1 < end && (s[q + 1] | 0x20) == 'x') || s[q] == '.') {
            // a plain decimal: Java's parser is correctly rounded like glibc's
            return Double.parseDouble(new String(s, p, end - p, StandardCharsets.ISO_8859_1));
        }
        StrtodParser.Result r = exact(s, p, end);
        return switch (r.kind) {
            case StrtodParser.FINITE -> {
                double m = Math.scalb((double) r.significand, r.exponent); // exact: rounded to 53 bits already
                yield r.negative ? -m : m;
            }
            case StrtodParser.ZERO, StrtodParser.UNDERFLOW -> r.negative ? -0.0 : 0.0;
            case StrtodParser.INFINITE, StrtodParser.OVERFLOW ->
                r.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    private static StrtodParser.Result exact(byte[] s, int p, int end) {
        StrtodParser.Result r = new StrtodParser.Result();
        StrtodParser.parse(s, p, end - p, 53, Double.MIN_EXPONENT, Double.MAX_EXPONENT, r);
        return r;
    }

    /** glibc's ERANGE for the token {@code s[p, end)} whose value is {@code v}. */
    static boolean isErange(double v, byte[] s, int p, int end) {
        if (Double.isInfinite(v)) {
            int q = p < end && (s[p] == '+' || s[p] == '-') ? p + 1 : p;
            return (s[q] | 0x20) != 'i'; // overflow, unless the text says inf
        }
        if (v == 0) {
            return hasNonZeroDigit(s, p, end); // a non-zero number that underflowed
        }
        if (Math.abs(v) < Double.MIN_NORMAL) {
            return exact(s, p, end).inexact; // rare: re-round exactly to learn whether it is exact
        }
        return false;
    }

    /** Whether the mantissa of a decimal or hex token has a non-zero digit. */
    private static boolean hasNonZeroDigit(byte[] s, int p, int end) {
        int q = p < end && (s[p] == '+' || s[p] == '-') ? p + 1 : p;
        boolean hex = q + 1 < end && s[q] == '0' && (s[q + 1] | 0x20) == 'x';
        if (hex) {
            q += 2;
        }
        char exp = hex ? 'p' : 'e';
        for (; q < end && (s[q] | 0x20) != exp; q++) {
            int d = hexValue(s[q]);
            if (d > 0 && (hex || d < 10)) {
                return true;
            }
        }
        return false;
    }
}
