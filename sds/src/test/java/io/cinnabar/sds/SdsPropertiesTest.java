package io.cinnabar.sds;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of Sds, Numbers and LongDouble against simple Java models. */
class SdsPropertiesTest {

    // ------------------------------------------------------------------------------------ Sds vs byte[]

    record Op(int kind, byte[] bytes, long a, long b) {
    }

    @Provide
    Arbitrary<List<Op>> sdsOps() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().between((byte) 0, (byte) 5).array(byte[].class).ofMaxSize(40);
        Arbitrary<Long> idx = Arbitraries.oneOf(Arbitraries.longs().between(-60, 60),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE));
        return Combinators.combine(Arbitraries.integers().between(0, 5), bytes, idx, idx)
            .as(Op::new).list().ofMaxSize(40);
    }

    @Property(tries = 1000)
    void sdsBehavesLikeByteArrayOperations(@ForAll("sdsOps") List<Op> ops) {
        Sds s = Sds.empty();
        byte[] model = new byte[0];
        long alloc = 0;
        for (Op op : ops) {
            switch (op.kind()) {
                case 0, 1 -> {
                    s.append(op.bytes());
                    long newlen = model.length + op.bytes().length;
                    if (alloc - model.length < op.bytes().length) {
                        alloc = newlen < Sds.MAX_PREALLOC ? newlen * 2 : newlen + Sds.MAX_PREALLOC;
                    }
                    model = concat(model, op.bytes());
                }
                case 2 -> {
                    s.range(op.a(), op.b());
                    model = rangeModel(model, op.a(), op.b());
                }
                case 3 -> {
                    s.trim(op.bytes());
                    model = trimModel(model, op.bytes());
                }
                case 4 -> {
                    int start = (int) Math.min(Integer.MAX_VALUE, Math.abs(op.a() % 1000));
                    int n = (int) Math.min(Integer.MAX_VALUE, Math.abs(op.b() % 1000));
                    s.substr(start, n);
                    model = start >= model.length ? new byte[0]
                        : Arrays.copyOfRange(model, start, (int) Math.min(model.length, (long) start + n));
                }
                default -> {
                    Sds other = Sds.of(op.bytes());
                    int expected = Integer.signum(Arrays.compareUnsigned(model, op.bytes()));
                    assertEquals(expected, Integer.signum(s.compareTo(other)));
                }
            }
            assertArrayEquals(model, s.toByteArray());
            assertEquals(alloc, s.alloc(), "alloc follows sdsMakeRoomFor's greedy policy");
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** sdsrange as plain arithmetic on a copy. */
    static byte[] rangeModel(byte[] m, long start, long end) {
        int len = m.length;
        if (len == 0) {
            return m;
        }
        long s = start < 0 ? len + start : start;
        long e = end < 0 ? len + end : end;
        if (s < 0 || s >= len || s > e) {
            return new byte[0];
        }
        return Arrays.copyOfRange(m, (int) s, (int) (Math.min(e, len - 1) + 1));
    }

    static byte[] trimModel(byte[] m, byte[] cset) {
        java.util.Set<Byte> set = new java.util.HashSet<>();
        set.add((byte) 0);
        for (byte c : cset) {
            set.add(c);
        }
        int a = 0;
        int b = m.length;
        while (a < b && set.contains(m[a])) {
            a++;
        }
        while (b > a && set.contains(m[b - 1])) {
            b--;
        }
        return Arrays.copyOfRange(m, a, b);
    }

    @Property(tries = 500)
    void splitThenJoinGivesBackTheInput(@ForAll @Size(max = 30) byte[] raw, @ForAll @Size(min = 1, max = 3) byte[] sepRaw) {
        byte[] s = small(raw);
        byte[] sep = small(sepRaw);
        Sds[] parts = Sds.split(s, 0, s.length, sep);
        if (s.length == 0) {
            assertEquals(0, parts.length);
            return;
        }
        Sds joined = Sds.empty();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                joined.append(sep);
            }
            joined.append(parts[i]);
        }
        assertArrayEquals(s, joined.toByteArray());
    }

    /** What sdscatrepr prints, sdssplitargs reads back as one argument, whatever the bytes. */
    @Property(tries = 2000)
    void reprThenSplitArgsIsIdentity(@ForAll @Size(max = 40) byte[] raw) {
        Sds repr = Sds.empty().appendRepr(raw, 0, raw.length);
        Sds[] args = Sds.splitArgs(repr.array(), 0, repr.length());
        assertEquals(1, args.length, repr.toString());
        assertArrayEquals(raw, args[0].toByteArray());
    }

    private static byte[] small(byte[] b) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ('a' + Math.floorMod(out[i], 3));
        }
        return out;
    }

    // ----------------------------------------------------------------------------------------- integers

    @Property(tries = 3000)
    void ll2stringIsLongToString(@ForAll long v) {
        byte[] buf = new byte[25];
        int n = Numbers.ll2string(v, buf, 3);
        assertEquals(Long.toString(v), new String(buf, 3, n, StandardCharsets.US_ASCII));
        n = Numbers.ull2string(v, buf, 0);
        assertEquals(Long.toUnsignedString(v), new String(buf, 0, n, StandardCharsets.US_ASCII));
        assertEquals(v, Numbers.parseLong(Numbers.ll2bytes(v)));
    }

    @Provide
    Arbitrary<String> integerish() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789-+ x").ofMaxLength(22),
            Arbitraries.strings().withChars("0123456789").ofMinLength(18).ofMaxLength(21).map(s -> "-" + s),
            Arbitraries.longs().map(Object::toString),
            Arbitraries.longs().map(v -> Long.toUnsignedString(v)));
    }

    /** Reference: the regex of a canonical decimal plus a BigInteger range check. */
    @Property(tries = 5000)
    void string2llMatchesCanonicalDecimalReference(@ForAll("integerish") String s) {
        boolean canonical = s.matches("-?(0|[1-9][0-9]*)") && !s.equals("-0");
        boolean expected = canonical && new BigInteger(s).bitLength() < 64 && s.length() <= 20;
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, Numbers.isLong(b), s);
        if (expected) {
            assertEquals(Long.parseLong(s), Numbers.parseLong(b));
        }
    }

    // ------------------------------------------------------------------------------------------ doubles

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> mantissa = Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(25);
        Arbitrary<Integer> exp = Arbitraries.integers().between(-400, 400);
        return Arbitraries.oneOf(
            Arbitraries.of("Infinity", "-Infinity"),
            Arbitraries.longs().map(bits -> Double.toString(Double.longBitsToDouble(bits))),
            Arbitraries.doubles().map(Object::toString),
            Combinators.combine(mantissa, mantissa, exp).as((a, b, e) -> a + "." + b + "e" + e),
            Combinators.combine(mantissa, exp).as((a, e) -> "-" + a + "E" + e),
            mantissa);
    }

    /**
     * The exact big-integer path (used for long doubles and hex floats) at double precision against Java's
     * correctly rounded parser.
     */
    @Property(tries = 3000)
    void exactStrtodPathMatchesJavaAtDoublePrecision(@ForAll("decimals") String s) {
        if (s.contains("NaN") || s.contains("Infinity")) {
            return;
        }
        double java = Double.parseDouble(s);
        io.cinnabar.sds.internal.StrtodParser.Result r = new io.cinnabar.sds.internal.StrtodParser.Result();
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        io.cinnabar.sds.internal.StrtodParser.parse(b, 0, b.length, 53, Double.MIN_EXPONENT, Double.MAX_EXPONENT, r);
        switch (r.kind) {
            case io.cinnabar.sds.internal.StrtodParser.FINITE -> {
                double m = Math.scalb((double) r.significand, r.exponent);
                assertEquals(java, r.negative ? -m : m, s);
            }
            case io.cinnabar.sds.internal.StrtodParser.ZERO -> assertEquals(0.0, Math.abs(java), s);
            case io.cinnabar.sds.internal.StrtodParser.OVERFLOW -> assertTrue(Double.isInfinite(java), s);
            case io.cinnabar.sds.internal.StrtodParser.UNDERFLOW -> assertEquals(0.0, Math.abs(java), s);
            default -> throw new AssertionError("rejected " + s);
        }
    }

    /** Java's parser is correctly rounded too: the two must agree, except where Redis rejects. */
    @Property(tries = 5000)
    void string2dMatchesJavaParseDouble(@ForAll("decimals") String s) {
        double ours = Numbers.parseDouble(s.getBytes(StandardCharsets.ISO_8859_1));
        if (s.contains("NaN")) {
            assertTrue(Double.isNaN(ours));
            return;
        }
        double java = Double.parseDouble(s);
        boolean overflow = Double.isInfinite(java) && !s.contains("Infinity");
        boolean underflow = java == 0 && new BigDecimal(s.replace("Infinity", "0")).signum() != 0;
        if (overflow || underflow) {
            assertTrue(Double.isNaN(ours), s + " must be rejected");
        } else if (s.contains("Infinity")) {
            assertEquals(java, ours, "strtod accepts 'infinity' in any case: " + s);
        } else {
            assertEquals(Double.doubleToRawLongBits(java), Double.doubleToRawLongBits(ours), s);
        }
    }

    @Property(tries = 5000)
    void d2stringRoundTripsAndIsNearlyShortest(@ForAll long bits) {
        double d = Double.longBitsToDouble(bits);
        String ours = Numbers.d2string(d);
        if (Double.isNaN(d)) {
            assertEquals("nan", ours);
            return;
        }
        if (Double.isInfinite(d)) {
            assertEquals(d > 0 ? "inf" : "-inf", ours);
            return;
        }
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Double.parseDouble(ours)), ours);
        if (Math.abs(d) <= Math.pow(2, 62) && d == Math.rint(d)) {
            assertEquals(d == 0 ? ours : Long.toString((long) d), ours, "integers up to 2^62 print as integers");
            return;
        }
        int ourDigits = significantDigits(ours);
        BigDecimal shortestValue = new BigDecimal(Double.toString(Math.abs(d)));
        int shortest = shortestValue.stripTrailingZeros().precision();
        assertTrue(ourDigits <= 17, ours);
        if (ourDigits > shortest) {
            // Grisu2 (Redis's fpconv_dtoa) works with 64-bit approximations of the rounding interval and shrinks it
            // by one unit on each side, so it misses the shortest form only when that form lies at the very edge of
            // the interval of decimals that round to d: within a tiny fraction of half an ulp from the boundary
            assertTrue(nearTheRoundingBoundary(Math.abs(d), shortestValue), ours + " vs " + Double.toString(d));
        }
    }

    @Example
    void grisu2IsLongerThanShortestOnlyAtTheIntervalEdge() {
        // 8.07815953759098e124 rounds to this double, 0.999 of half an ulp away from it: Grisu2's narrowed interval
        // excludes it, so Redis 7.2 (fpconv_dtoa) prints 17 digits (found by the property above in CI)
        double d = -8.07815953759098e124;
        assertEquals("-8.0781595375909805e+124", Numbers.d2string(d));
        assertTrue(nearTheRoundingBoundary(Math.abs(d), new BigDecimal("8.07815953759098e124")));
        assertEquals("0.1", Numbers.d2string(0.1));
        assertTrue(!nearTheRoundingBoundary(0.1, new BigDecimal("0.1")));
    }

    /** Whether {@code decimal} (which rounds to the positive double {@code d}) lies in the outer 1/64 of the gap. */
    static boolean nearTheRoundingBoundary(double d, BigDecimal decimal) {
        BigDecimal exact = new BigDecimal(d);
        BigDecimal neighbour = new BigDecimal(decimal.compareTo(exact) < 0 ? Math.nextDown(d) : Math.nextUp(d));
        BigDecimal halfGap = neighbour.subtract(exact).abs().divide(BigDecimal.valueOf(2));
        BigDecimal distance = decimal.subtract(exact).abs();
        return distance.compareTo(halfGap.multiply(new BigDecimal("0.984375"))) >= 0;
    }

    static int significantDigits(String s) {
        String m = s.replace("-", "").split("e")[0].replace(".", "");
        m = m.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, m.length());
    }

    // ------------------------------------------------------------------------------------- long doubles

    @Property(tries = 3000)
    void everyDoubleIsALongDouble(@ForAll long bits) {
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return;
        }
        LongDouble l = LongDouble.valueOf(d);
        assertEquals(0, new BigDecimal(d).compareTo(l.toBigDecimal()));
        assertEquals(l, LongDouble.parse(new BigDecimal(d).toString()));
    }

    /** Two doubles whose exponents are close sum exactly within 64 bits, so the sum is exact. */
    @Property(tries = 3000)
    void closeDoublesAddExactly(@ForAll long bitsA, @ForAll("smallShift") int shift) {
        double a = Double.longBitsToDouble(bitsA & 0x800F_FFFF_FFFF_FFFFL | (1000L << 52));
        double b = a * Math.scalb(1.0, -shift) * (bitsA % 3 == 0 ? -1 : 1) + 1.5 * Math.ulp(a);
        LongDouble sum = LongDouble.valueOf(a).add(LongDouble.valueOf(b));
        assertEquals(0, new BigDecimal(a).add(new BigDecimal(b)).compareTo(sum.toBigDecimal()), a + " + " + b);
        assertEquals(sum, LongDouble.valueOf(b).add(LongDouble.valueOf(a)));
    }

    /** The 128-bit %.17Lf fast path against the exact BigDecimal expansion. */
    @Property(tries = 5000)
    void humanFormatFastPathMatchesExactExpansion(@ForAll("decimals") String s, @ForAll long bits) {
        LongDouble parsed = LongDouble.parse(s);
        if (parsed != null && parsed.isFinite()) {
            assertEquals(parsed.toHumanStringExact(), parsed.toHumanString(), s);
        }
        double d = Double.longBitsToDouble(bits);
        if (!Double.isNaN(d) && !Double.isInfinite(d)) {
            LongDouble l = LongDouble.valueOf(d);
            assertEquals(l.toHumanStringExact(), l.toHumanString(), Double.toString(d));
            LongDouble sum = l.add(LongDouble.parse("0.1"));
            assertEquals(sum.toHumanStringExact(), sum.toHumanString(), d + " + 0.1");
        }
    }

    @Provide
    Arbitrary<Integer> smallShift() {
        return Arbitraries.integers().between(0, 8);
    }
}
