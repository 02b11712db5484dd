package io.cinnabar.skiplist;

import java.util.Arrays;
import java.util.Objects;

/**
 * A range of members in byte order (Redis: {@code zlexrangespec}), as given to {@code ZRANGEBYLEX},
 * {@code ZLEXCOUNT}, {@code ZREMRANGEBYLEX}: {@code [a} includes "a", {@code (a} excludes it, {@code -} is below
 * every member and {@code +} above every member. Members compare as {@code memcmp} on unsigned bytes, a prefix
 * first. Lex ranges are meaningful on a sorted set whose scores are all equal.
 *
 * <p>As in Redis, {@code -} and {@code +} count as exclusive bounds, so {@code [- -]} or {@code [+ +]} is empty,
 * and either sentinel may stand at either end ({@code + -} is a valid, empty range).
 *
 * @param min the lower bound
 * @param max the upper bound
 */
public record LexRange(Bound min, Bound max) {
    /** Redis's error reply when {@link #parse} returns {@code null}. */
    public static final String ERR_NOT_VALID = "ERR min or max not valid string range item";

    /** Every member: {@code - +}. */
    public static final LexRange ALL = new LexRange(Bound.NEG_INF, Bound.POS_INF);

    public LexRange {
        Objects.requireNonNull(min);
        Objects.requireNonNull(max);
    }

    /**
     * One end of a lex range: {@code -}, {@code +}, or a member with an inclusive/exclusive flag.
     *
     * @param kind      -1 for {@code -}, +1 for {@code +}, 0 for a member
     * @param value     the member bytes when {@code kind == 0}, otherwise empty
     * @param exclusive whether the member itself is outside the range (always true for the sentinels)
     */
    public record Bound(int kind, byte[] value, boolean exclusive) {
        /** {@code -}: below every member. */
        public static final Bound NEG_INF = new Bound(-1, new byte[0], true);
        /** {@code +}: above every member. */
        public static final Bound POS_INF = new Bound(1, new byte[0], true);

        public Bound {
            Objects.requireNonNull(value);
            if (kind < -1 || kind > 1) {
                throw new IllegalArgumentException("kind " + kind);
            }
        }

        /** {@code [value}. */
        public static Bound inclusive(byte[] value) {
            return new Bound(0, value, false);
        }

        /** {@code (value}. */
        public static Bound exclusive(byte[] value) {
            return new Bound(0, value, true);
        }

        /** Compares this bound's position with {@code member}: negative if the bound sorts first. */
        int compareTo(byte[] member) {
            return kind != 0 ? kind : Arrays.compareUnsigned(value, member);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bound b && b.kind == kind && b.exclusive == exclusive && Arrays.equals(b.value, value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value) * 31 + kind * 2 + (exclusive ? 1 : 0);
        }

        @Override
        public String toString() {
            return kind < 0 ? "-" : kind > 0 ? "+"
                : (exclusive ? "(" : "[") + new String(value, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Whether {@code member} is at or above the lower bound (Redis: {@code zslLexValueGteMin}). */
    public boolean gteMin(byte[] member) {
        int c = min.compareTo(member);
        return min.exclusive ? c < 0 : c <= 0;
    }

    /** Whether {@code member} is at or below the upper bound (Redis: {@code zslLexValueLteMax}). */
    public boolean lteMax(byte[] member) {
        int c = max.compareTo(member);
        return max.exclusive ? c > 0 : c >= 0;
    }

    /** Whether {@code member} is in the range. */
    public boolean contains(byte[] member) {
        return gteMin(member) && lteMax(member);
    }

    /** Whether no member can be in the range (Redis: the first test of {@code zslIsInLexRange}). */
    public boolean isEmpty() {
        int c = compareBounds(min, max);
        return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
    }

    private static int compareBounds(Bound a, Bound b) {
        if (a.kind != 0 || b.kind != 0) {
            return Integer.compare(a.kind, b.kind);
        }
        return Arrays.compareUnsigned(a.value, b.value);
    }

    /**
     * Parses the two arguments of a lex range as Redis does ({@code zslParseLexRange}): each is {@code -},
     * {@code +} (alone), or {@code [} / {@code (} followed by the member bytes. Returns {@code null} where Redis
     * replies {@link #ERR_NOT_VALID}.
     */
    public static LexRange parse(byte[] min, byte[] max) {
        Bound lo = parseBound(min);
        Bound hi = parseBound(max);
        return lo == null || hi == null ? null : new LexRange(lo, hi);
    }

    /** One bound, or {@code null} if invalid (Redis: {@code zslParseLexRangeItem}). */
    public static Bound parseBound(byte[] item) {
        if (item.length == 0) {
            return null;
        }
        return switch (item[0]) {
            case '+' -> item.length == 1 ? Bound.POS_INF : null;
            case '-' -> item.length == 1 ? Bound.NEG_INF : null;
            case '(' -> Bound.exclusive(Arrays.copyOfRange(item, 1, item.length));
            case '[' -> Bound.inclusive(Arrays.copyOfRange(item, 1, item.length));
            default -> null;
        };
    }

    @Override
    public String toString() {
        return min + " " + max;
    }
}
