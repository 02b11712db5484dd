package io.cinnabar.sds;

import io.cinnabar.sds.internal.Printf;
import io.cinnabar.sds.internal.StrtodParser;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * An x87 80-bit extended-precision value, the C {@code long double} that Redis on x86-64 uses for
 * {@code INCRBYFLOAT} and {@code HINCRBYFLOAT}: parsed with {@code strtold}, added in extended precision, printed
 * with {@code %.17Lf}. Computing these in {@code double} instead would print, for example,
 * {@code 0.30000000000000004} where Redis prints {@code 0.3}.
 *
 * <h2>Representation</h2>
 * <pre>
 *   value = (-1)^negative * significand * 2^exponent
 *   significand  unsigned 64 bits (the x87 explicit-integer-bit mantissa), 0 for zero
 *   range        normal leading-bit exponents -16382 .. 16383; subnormals down to 2^-16445
 * </pre>
 * Every operation rounds exactly once, to nearest with ties to even, as the x87 unit does at its default
 * 64-bit precision control.
 *
 * <h2>Costs</h2>
 * Parsing, addition and printing use exact big-integer arithmetic: O(digits) to O(digits^2) in the size of
 * the numbers involved, allocating. Inputs are bounded by {@link #MAX_CHARS} as in Redis.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public final class LongDouble {
    /** Redis's {@code MAX_LONG_DOUBLE_CHARS}: {@code string2ld} refuses inputs of this many bytes or more. */
    public static final int MAX_CHARS = 5 * 1024;
    /** Significand bits. */
    public static final int PRECISION = 64;
    /** Smallest leading-bit exponent of a normal value. */
    public static final int MIN_EXPONENT = -16382;
    /** Largest leading-bit exponent of a finite value. */
    public static final int MAX_EXPONENT = 16383;

    private static final int FINITE = 0;
    private static final int INFINITE = 1;
    private static final int NAN = 2;

    public static final LongDouble ZERO = new LongDouble(FINITE, false, 0, 0);
    private static final LongDouble NEGATIVE_ZERO = new LongDouble(FINITE, true, 0, 0);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(INFINITE, false, 0, 0);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(INFINITE, true, 0, 0);
    public static final LongDouble NaN = new LongDouble(NAN, false, 0, 0);

    private final int kind;
    private final boolean negative;
    private final long significand;
    private final int exponent;

    private LongDouble(int kind, boolean negative, long significand, int exponent) {
        this.kind = kind;
        this.negative = negative;
        this.significand = significand;
        this.exponent = exponent;
    }

    /** A finite value, normalized (leading bit at bit 63 unless subnormal) so that equal values are equal. */
    private static LongDouble finite(boolean negative, long significand, int exponent) {
        if (significand == 0) {
            return negative ? NEGATIVE_ZERO : ZERO;
        }
        int room = exponent - (MIN_EXPONENT - PRECISION + 1);
        int shift = Math.min(Long.numberOfLeadingZeros(significand), Math.max(0, room));
        return new LongDouble(FINITE, negative, significand << shift, exponent - shift);
    }

    /**
     * Redis's {@code string2ld}: parses {@code s[off, off+len)} with {@code strtold} syntax and rounding, and
     * returns null where Redis rejects the text: empty or {@value #MAX_CHARS} bytes or longer, leading white
     * space, any byte not part of the number (a NUL included), NaN, a finite number too large (overflow), or a
     * non-zero number too small to be anything but zero (underflow). {@code inf}, {@code -infinity} and hex
     * floats are accepted.
     */
    public static LongDouble parse(byte[] s, int off, int len) {
        if (len == 0 || len >= MAX_CHARS) {
            return null;
        }
        StrtodParser.Result r = new StrtodParser.Result();
        StrtodParser.parse(s, off, len, PRECISION, MIN_EXPONENT, MAX_EXPONENT, r);
        return switch (r.kind) {
            case StrtodParser.FINITE -> finite(r.negative, r.significand, r.exponent);
            case StrtodParser.ZERO -> r.negative ? NEGATIVE_ZERO : ZERO;
            case StrtodParser.INFINITE -> r.negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
            default -> null;
        };
    }

    /** {@link #parse(byte[], int, int)} of a whole array. */
    public static LongDouble parse(byte[] s) {
        return parse(s, 0, s.length);
    }

    /** {@link #parse(byte[], int, int)} of ASCII text. */
    public static LongDouble parse(String s) {
        return parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The exact value of {@code v} (every long fits in 64 significand bits). */
    public static LongDouble valueOf(long v) {
        if (v == 0) {
            return ZERO;
        }
        return finite(v < 0, v < 0 ? -v : v, 0);
    }

    /** The exact value of {@code d} (every double is a long double). */
    public static LongDouble valueOf(double d) {
        if (Double.isNaN(d)) {
            return NaN;
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        boolean neg = Double.doubleToRawLongBits(d) < 0;
        if (d == 0) {
            return neg ? NEGATIVE_ZERO : ZERO;
        }
        int e = Math.getExponent(d);
        double a = Math.abs(d);
        long sig;
        int exp;
        if (e >= Double.MIN_EXPONENT) {
            sig = (Double.doubleToRawLongBits(a) & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L;
            exp = e - 52;
        } else {
            sig = Double.doubleToRawLongBits(a) & 0x000F_FFFF_FFFF_FFFFL;
            exp = Double.MIN_EXPONENT - 52;
        }
        return finite(neg, sig, exp);
    }

    public boolean isNaN() {
        return kind == NAN;
    }

    public boolean isInfinite() {
        return kind == INFINITE;
    }

    public boolean isFinite() {
        return kind == FINITE;
    }

    /** @return true for negative values, negative zero and negative infinity */
    public boolean isNegative() {
        return negative;
    }

    /**
     * The sum, rounded once to 64 significand bits as the x87 unit rounds it. inf + -inf is NaN, as in C;
     * an exact zero sum is +0 unless both operands are -0.
     */
    public LongDouble add(LongDouble o) {
        if (kind == NAN || o.kind == NAN) {
            return NaN;
        }
        if (kind == INFINITE || o.kind == INFINITE) {
            if (kind == INFINITE && o.kind == INFINITE && negative != o.negative) {
                return NaN;
            }
            return kind == INFINITE ? this : o;
        }
        if (significand == 0 && o.significand == 0) {
            return negative && o.negative ? this : ZERO;
        }
        if (significand == 0) {
            return o;
        }
        if (o.significand == 0) {
            return this;
        }
        int e = Math.min(exponent, o.exponent);
        BigInteger a = signed(this).shiftLeft(exponent - e);
        BigInteger b = signed(o).shiftLeft(o.exponent - e);
        BigInteger sum = a.add(b);
        if (sum.signum() == 0) {
            return ZERO;
        }
        StrtodParser.Result r = new StrtodParser.Result();
        roundInto(sum.abs(), e, r);
        return switch (r.kind) {
            case StrtodParser.FINITE -> finite(sum.signum() < 0, r.significand, r.exponent);
            case StrtodParser.OVERFLOW -> sum.signum() < 0 ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
            default -> sum.signum() < 0 ? NEGATIVE_ZERO : ZERO;
        };
    }

    private static void roundInto(BigInteger mag, int e2, StrtodParser.Result r) {
        StrtodParser.round(mag, e2, false, PRECISION, MIN_EXPONENT, MAX_EXPONENT, r);
    }

    private static BigInteger signed(LongDouble v) {
        BigInteger m = unsigned(v.significand);
        return v.negative ? m.negate() : m;
    }

    private static BigInteger unsigned(long v) {
        return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v >>> 1).shiftLeft(1).or(BigInteger.valueOf(v & 1));
    }

    /**
     * The exact decimal value.
     *
     * @throws ArithmeticException for infinities and NaN
     */
    public BigDecimal toBigDecimal() {
        if (kind != FINITE) {
            throw new ArithmeticException(this + " has no decimal value");
        }
        BigInteger m = unsigned(significand);
        if (negative) {
            m = m.negate();
        }
        if (exponent >= 0) {
            return new BigDecimal(m.shiftLeft(exponent));
        }
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
    }

    /**
     * Redis's {@code ld2string(..., LD_STR_HUMAN)}, as {@code INCRBYFLOAT} stores and returns its result:
     * {@code %.17Lf}, trailing zeros after the point removed, a bare point removed, {@code -0} printed as
     * {@code 0}; {@code inf}, {@code -inf}, {@code nan} for the special values.
     */
    public String toHumanString() {
        return switch (kind) {
            case INFINITE -> negative ? "-inf" : "inf";
            case NAN -> "nan";
            default -> exponent <= 0 ? humanSmall() : Printf.human17(toBigDecimal());
        };
    }

    /** {@link #toHumanString()} by the exact decimal expansion; the reference for the fast path. */
    String toHumanStringExact() {
        return kind == FINITE ? Printf.human17(toBigDecimal()) : toHumanString();
    }

    private static final long TEN_17 = 100_000_000_000_000_000L;

    /**
     * {@code %.17Lf} for values below 2^64 (exponent &lt;= 0), exactly, in 128-bit integer arithmetic: the integer
     * part is {@code significand >> k}, the 17 decimals are the fraction times 10^17 shifted right by k with ties
     * to even (a carry into the integer part is propagated).
     */
    private String humanSmall() {
        int k = -exponent;
        long intPart;
        long frac;
        if (k == 0) {
            intPart = significand;
            frac = 0;
        } else if (k >= 128) {
            intPart = 0;
            frac = 0; // below 2^-64: times 10^17 is far below one half
        } else {
            intPart = k >= 64 ? 0 : significand >>> k;
            long f = k >= 64 ? significand : significand & ((1L << k) - 1);
            long hi = Math.unsignedMultiplyHigh(f, TEN_17);
            long lo = f * TEN_17;
            frac = shiftRightRoundHalfEven(hi, lo, k);
            if (frac == TEN_17) {
                frac = 0;
                intPart++;
            }
        }
        StringBuilder sb = new StringBuilder(40);
        if (negative && (intPart != 0 || frac != 0)) {
            sb.append('-');
        }
        sb.append(Long.toUnsignedString(intPart));
        if (frac != 0) {
            String digits = Long.toString(frac);
            sb.append('.');
            for (int i = digits.length(); i < 17; i++) {
                sb.append('0');
            }
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            sb.append(digits, 0, end);
        }
        return sb.toString();
    }

    /** (hi:lo) &gt;&gt; k, 1 &lt;= k &lt; 128, rounded to nearest with ties to even; the result fits a long here. */
    private static long shiftRightRoundHalfEven(long hi, long lo, int k) {
        long q;
        boolean half;
        boolean rest;
        if (k < 64) {
            q = (hi << (64 - k)) | (lo >>> k);
            half = ((lo >>> (k - 1)) & 1) != 0;
            rest = (lo & ((1L << (k - 1)) - 1)) != 0;
        } else if (k == 64) {
            q = hi;
            half = lo < 0;
            rest = (lo & Long.MAX_VALUE) != 0;
        } else {
            int j = k - 64;
            q = hi >>> j;
            half = ((hi >>> (j - 1)) & 1) != 0;
            rest = lo != 0 || (hi & ((1L << (j - 1)) - 1)) != 0;
        }
        if (half && (rest || (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    /** {@link #toHumanString()} as ASCII bytes. */
    public byte[] toHumanBytes() {
        return toHumanString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Redis's {@code ld2string(..., LD_STR_AUTO)}: {@code %.17Lg}. */
    public String toAutoString() {
        return switch (kind) {
            case INFINITE -> negative ? "-inf" : "inf";
            case NAN -> "nan";
            default -> Printf.g17(toBigDecimal(), negative);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongDouble l && l.kind == kind && l.negative == negative
            && l.significand == significand && l.exponent == exponent;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(significand) * 31 + exponent * 7 + kind * 3 + (negative ? 1 : 0);
    }

    /** The human form; see {@link #toHumanString()}. */
    @Override
    public String toString() {
        return toHumanString();
    }
}
