package io.cinnabar.sds.internal;

import java.math.BigInteger;

/**
 * Text to binary floating point with C {@code strtod}/{@code strtold} syntax and correct rounding (round to
 * nearest, ties to even), for any binary format given by its precision and exponent range: IEEE double
 * (53 bits) and the x87 80-bit extended "long double" (64 bits) that Redis's {@code INCRBYFLOAT} computes with.
 *
 * <h2>Accepted syntax (the whole input must match, as Redis requires)</h2>
 * <pre>
 *   [+-] ( INF | INFINITY                         case-insensitive
 *        | NAN [ '(' [0-9A-Za-z_]* ')' ]           case-insensitive; reported as NaN (Redis then rejects it)
 *        | digits [ '.' digits ] | '.' digits  [ (e|E) [+-] digits ]
 *        | 0 (x|X) ( hex [ '.' hex ] | '.' hex ) [ (p|P) [+-] digits ] )
 * </pre>
 * Leading white space, which {@code strtod} would skip, is refused here because Redis refuses it; so is any
 * trailing byte, including a NUL.
 *
 * <h2>Rounding</h2>
 * The decimal value N * 10^E is rounded exactly with big integers: N * 10^E when E &gt;= 0, otherwise the
 * quotient of N * 2^s by 10^-E with s chosen to leave at least precision + 2 bits and the remainder as a sticky
 * bit. Subnormal results are rounded at the subnormal quantum. Inputs far outside the exponent range are
 * decided without big arithmetic, and only the first {@link #MAX_SIGNIFICANT} significant digits take part
 * (with a sticky digit standing for any non-zero digit after them): the midpoint between two doubles has at
 * most 767 significant digits, so this never changes a double's rounding. Long double callers pass at most
 * 5119 bytes, fewer digits than the limit.
 */
public final class StrtodParser {
    /** Significant decimal digits kept before the rest collapse into a sticky digit. */
    public static final int MAX_SIGNIFICANT = 12_000;

    /** Outcome kinds. */
    public static final int INVALID = 0;
    public static final int FINITE = 1;
    public static final int ZERO = 2;
    /** A non-zero input that rounds to zero (strtod's ERANGE underflow). */
    public static final int UNDERFLOW = 3;
    /** A finite input too large for the format (strtod's ERANGE overflow). */
    public static final int OVERFLOW = 4;
    public static final int INFINITE = 5;
    public static final int NAN = 6;

    /** Result of a parse; fields are meaningful for the kinds that use them. */
    public static final class Result {
        public int kind;
        public boolean negative;
        /** Significand (unsigned), at most {@code precision} bits, for {@link #FINITE}. */
        public long significand;
        /** Binary exponent: the value is significand * 2^exponent. */
        public int exponent;
        /** For {@link #FINITE}: whether rounding changed the value (with a subnormal result, strtod's ERANGE). */
        public boolean inexact;
    }

    private StrtodParser() {
    }

    /**
     * Parses {@code s[off, off+len)} into {@code out} for a format with {@code precision} significand bits whose
     * normal numbers have leading-bit exponents {@code emin..emax}.
     */
    public static void parse(byte[] s, int off, int len, int precision, int emin, int emax, Result out) {
        out.kind = INVALID;
        out.negative = false;
        int end = off + len;
        int p = off;
        if (p < end && (s[p] == '+' || s[p] == '-')) {
            out.negative = s[p] == '-';
            p++;
        }
        if (p >= end) {
            return;
        }
        byte c = s[p];
        if (c == 'i' || c == 'I') {
            if (matchesIgnoreCase(s, p, end, "infinity") || matchesIgnoreCase(s, p, end, "inf")) {
                out.kind = INFINITE;
            }
            return;
        }
        if (c == 'n' || c == 'N') {
            if (isNan(s, p, end)) {
                out.kind = NAN;
            }
            return;
        }
        if (c == '0' && p + 1 < end && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
            parseHex(s, p + 2, end, precision, emin, emax, out);
            return;
        }
        parseDecimal(s, p, end, precision, emin, emax, out);
    }

    private static boolean matchesIgnoreCase(byte[] s, int p, int end, String word) {
        if (end - p != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((s[p + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNan(byte[] s, int p, int end) {
        if (end - p < 3 || (s[p] | 0x20) != 'n' || (s[p + 1] | 0x20) != 'a' || (s[p + 2] | 0x20) != 'n') {
            return false;
        }
        p += 3;
        if (p == end) {
            return true;
        }
        if (s[p] != '(' || s[end - 1] != ')') {
            return false;
        }
        for (int i = p + 1; i < end - 1; i++) {
            byte b = s[i];
            if (!(isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int l = b | 0x20;
        if (l >= 'a' && l <= 'f') {
            return l - 'a' + 10;
        }
        return -1;
    }

    /**
     * Reads an exponent {@code [+-]digits} at {@code p} that must run to {@code end}; saturates far beyond any
     * format's range. Returns {@code Long.MIN_VALUE} if the syntax is wrong.
     */
    private static long parseExponent(byte[] s, int p, int end) {
        boolean neg = false;
        if (p < end && (s[p] == '+' || s[p] == '-')) {
            neg = s[p] == '-';
            p++;
        }
        if (p >= end) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; p < end; p++) {
            if (!isDigit(s[p])) {
                return Long.MIN_VALUE;
            }
            if (v < 1_000_000_000L) {
                v = v * 10 + (s[p] - '0');
            }
        }
        return neg ? -v : v;
    }

    private static void parseDecimal(byte[] s, int p, int end, int precision, int emin, int emax, Result out) {
        int intStart = p;
        while (p < end && isDigit(s[p])) {
            p++;
        }
        int intEnd = p;
        int fracStart = p;
        int fracEnd = p;
        if (p < end && s[p] == '.') {
            fracStart = ++p;
            while (p < end && isDigit(s[p])) {
                p++;
            }
            fracEnd = p;
        }
        if (intEnd == intStart && fracEnd == fracStart) {
            return; // no digit at all
        }
        long exp10 = 0;
        if (p < end) {
            if (s[p] != 'e' && s[p] != 'E') {
                return;
            }
            exp10 = parseExponent(s, p + 1, end);
            if (exp10 == Long.MIN_VALUE) {
                return;
            }
        }
        digitsToBinary(s, intStart, intEnd, fracStart, fracEnd, exp10, precision, emin, emax, out);
    }

    private static void digitsToBinary(byte[] s, int intStart, int intEnd, int fracStart, int fracEnd, long exp10,
                                       int precision, int emin, int emax, Result out) {
        // collect significant digits: skip leading zeros across both parts
        StringBuilder digits = new StringBuilder();
        boolean sticky = false;
        long pointShift = 0; // digits after the decimal point that were collected or skipped as leading zeros
        for (int i = intStart; i < intEnd; i++) {
            byte b = s[i];
            if (digits.isEmpty() && b == '0') {
                continue;
            }
            if (digits.length() < MAX_SIGNIFICANT) {
                digits.append((char) b);
            } else {
                pointShift--; // a dropped integer digit multiplies by ten
                sticky |= b != '0';
            }
        }
        for (int i = fracStart; i < fracEnd; i++) {
            byte b = s[i];
            if (digits.isEmpty() && b == '0') {
                pointShift++;
                continue;
            }
            if (digits.length() < MAX_SIGNIFICANT) {
                digits.append((char) b);
                pointShift++;
            } else {
                sticky |= b != '0';
            }
        }
        if (digits.isEmpty()) {
            out.kind = ZERO;
            return;
        }
        if (sticky) {
            digits.append('1');
            pointShift++;
        }
        long e = exp10 - pointShift;
        long leading = e + digits.length() - 1; // decimal exponent of the leading digit
        // 10^leading <= value < 10^(leading+1); 2^emax * 2 is below 10^(0.30103 * (emax + 1) + 1)
        if (leading > (long) Math.ceil((emax + 1) * 0.30103) + 1) {
            out.kind = OVERFLOW;
            return;
        }
        if (leading < (long) Math.floor((emin - precision) * 0.30103) - 2) {
            out.kind = UNDERFLOW;
            return;
        }
        BigInteger n = new BigInteger(digits.toString());
        if (e >= 0) {
            round(n.multiply(BigInteger.TEN.pow((int) e)), 0, false, precision, emin, emax, out);
        } else {
            BigInteger d = BigInteger.TEN.pow((int) -e);
            int shift = Math.max(0, precision + 3 - (n.bitLength() - d.bitLength()));
            BigInteger[] qr = n.shiftLeft(shift).divideAndRemainder(d);
            round(qr[0], -shift, qr[1].signum() != 0, precision, emin, emax, out);
        }
    }

    private static void parseHex(byte[] s, int p, int end, int precision, int emin, int emax, Result out) {
        BigInteger mantissa = BigInteger.ZERO;
        long m = 0;
        int mDigits = 0;
        int kept = 0;
        boolean sticky = false;
        long exp2 = 0;
        boolean any = false;
        boolean seenPoint = false;
        for (; p < end; p++) {
            byte b = s[p];
            if (b == '.' && !seenPoint) {
                seenPoint = true;
                continue;
            }
            int h = hexValue(b);
            if (h < 0) {
                break;
            }
            any = true;
            if (kept == 0 && h == 0) {
                if (seenPoint) {
                    exp2 -= 4;
                }
                continue;
            }
            if (kept < 32) {
                m = (m << 4) | h;
                mDigits++;
                kept++;
                if (mDigits == 15) {
                    mantissa = mantissa.shiftLeft(60).or(BigInteger.valueOf(m));
                    m = 0;
                    mDigits = 0;
                }
                if (seenPoint) {
                    exp2 -= 4;
                }
            } else {
                sticky |= h != 0;
                if (!seenPoint) {
                    exp2 += 4;
                }
            }
        }
        if (!any) {
            return; // "0x" without a hex digit: strtod stops after the 0, so the input is not all consumed
        }
        if (p < end) {
            if (s[p] != 'p' && s[p] != 'P') {
                return;
            }
            long e = parseExponent(s, p + 1, end);
            if (e == Long.MIN_VALUE) {
                return;
            }
            exp2 += e;
        }
        mantissa = mantissa.shiftLeft(4 * mDigits).or(BigInteger.valueOf(m));
        if (mantissa.signum() == 0) {
            out.kind = ZERO;
            return;
        }
        if (sticky) {
            mantissa = mantissa.shiftLeft(4).or(BigInteger.ONE);
            exp2 -= 4;
        }
        long lead = exp2 + mantissa.bitLength() - 1;
        if (lead > emax + 1L) {
            out.kind = OVERFLOW;
            return;
        }
        if (lead < (long) emin - precision - 1) {
            out.kind = UNDERFLOW;
            return;
        }
        round(mantissa, (int) exp2, false, precision, emin, emax, out);
    }

    /**
     * Rounds {@code mag * 2^e2} (plus a little more when {@code sticky}) to {@code precision} bits, ties to even,
     * at the subnormal quantum {@code 2^(emin - precision + 1)} at the bottom of the range.
     */
    public static void round(BigInteger mag, int e2, boolean sticky, int precision, int emin, int emax, Result out) {
        long lead = (long) e2 + mag.bitLength() - 1;
        long lsb = Math.max(lead - precision + 1, (long) emin - precision + 1);
        long shift = lsb - e2;
        BigInteger kept;
        out.inexact = sticky;
        if (shift <= 0) {
            kept = mag.shiftLeft((int) -shift);
        } else {
            int sh = (int) Math.min(shift, Integer.MAX_VALUE);
            kept = mag.shiftRight(sh);
            boolean half = mag.testBit(sh - 1);
            boolean rest = sticky || (mag.getLowestSetBit() < sh - 1);
            out.inexact = half || rest;
            if (half && (rest || kept.testBit(0))) {
                kept = kept.add(BigInteger.ONE);
                if (kept.bitLength() > precision) {
                    kept = kept.shiftRight(1);
                    lsb++;
                }
            }
        }
        if (kept.signum() == 0) {
            out.kind = UNDERFLOW;
            return;
        }
        if (lsb + kept.bitLength() - 1 > emax) {
            out.kind = OVERFLOW;
            return;
        }
        out.kind = FINITE;
        out.significand = kept.longValue();
        out.exponent = (int) lsb;
    }
}
