package io.cinnabar.skiplist;

import io.cinnabar.sds.Strtod;

/**
 * A range of scores with inclusive or exclusive ends (Redis: {@code zrangespec}), as given to
 * {@code ZRANGEBYSCORE}, {@code ZCOUNT}, {@code ZREMRANGEBYSCORE}: {@code 1.5} includes 1.5, {@code (1.5} excludes
 * it, {@code -inf} / {@code +inf} are unbounded.
 *
 * <p>A range is empty when {@code min > max}, or {@code min == max} with either end exclusive.
 *
 * @param min          lower bound
 * @param max          upper bound
 * @param minExclusive whether a score equal to {@code min} is outside
 * @param maxExclusive whether a score equal to {@code max} is outside
 */
public record ScoreRange(double min, double max, boolean minExclusive, boolean maxExclusive) {
    /** Redis's error reply when {@link #parse} returns {@code null}. */
    public static final String ERR_NOT_FLOAT = "ERR min or max is not a float";

    /** Every score: {@code [-inf, +inf]}. */
    public static final ScoreRange ALL =
        new ScoreRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, false);

    /** The inclusive range {@code [min, max]}. */
    public static ScoreRange closed(double min, double max) {
        return new ScoreRange(min, max, false, false);
    }

    /** Whether {@code value} is at or above the lower bound (Redis: {@code zslValueGteMin}). */
    public boolean gteMin(double value) {
        return minExclusive ? value > min : value >= min;
    }

    /** Whether {@code value} is at or below the upper bound (Redis: {@code zslValueLteMax}). */
    public boolean lteMax(double value) {
        return maxExclusive ? value < max : value <= max;
    }

    /** Whether {@code value} is in the range. */
    public boolean contains(double value) {
        return gteMin(value) && lteMax(value);
    }

    /** Whether no score can be in the range. */
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }

    /**
     * Parses the two arguments of a score range as Redis 7.2 does ({@code zslParseRange}): an optional
     * {@code (} for an exclusive end, then a number as C's {@code strtod} reads it, which must use up the rest of
     * the argument and must not be NaN. {@code strtod} accepts leading white space, a sign, decimal and
     * hexadecimal ({@code 0x1p4}) forms, {@code inf} and {@code infinity} in any case, and also the empty
     * string (as 0). Returns {@code null} where Redis replies {@link #ERR_NOT_FLOAT}.
     */
    public static ScoreRange parse(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        Strtod strtod = new Strtod();
        double lo = bound(strtod, min, minEx ? 1 : 0);
        double hi = bound(strtod, max, maxEx ? 1 : 0);
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return null;
        }
        return new ScoreRange(lo, hi, minEx, maxEx);
    }

    /**
     * {@code strtod} over the C string at {@code b[from]} (sds's, the one implementation): the number must use up
     * the string (up to a NUL, as the C code sees it); NaN when it does not or reads a NaN. ERANGE is ignored, as
     * in Redis: {@code 1e400} is +inf.
     */
    private static double bound(Strtod strtod, byte[] b, int from) {
        int len = Strtod.cStringLength(b, from, b.length - from);
        strtod.parse(b, from, len);
        return strtod.end() == from + len ? strtod.value() : Double.NaN;
    }

    @Override
    public String toString() {
        return (minExclusive ? "(" : "[") + min + ", " + max + (maxExclusive ? ")" : "]");
    }
}
