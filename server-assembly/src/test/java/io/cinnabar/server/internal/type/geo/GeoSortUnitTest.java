package io.cinnabar.server.internal.type.geo;

import io.cinnabar.sds.Strtod;
import io.cinnabar.server.internal.generic.SortCommand;
import io.cinnabar.server.internal.type.Pqsort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pieces of GEO and SORT that the differential test cannot isolate: geohash bits, Redis 7.2's distance and
 * number text, the correctly rounded trigonometry, SORT's strtod, and the partial sort.
 */
class GeoSortUnitTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void palermoAndCatania() {
        // the values of Redis's own GEO documentation
        long palermo = Geohash.score(13.361389, 38.115556);
        long catania = Geohash.score(15.087269, 37.502669);
        assertEquals(3479099956230698L, palermo);
        assertEquals(3479447370796909L, catania);
        double[] p = new double[2];
        double[] c = new double[2];
        double[] area = new double[4];
        Geohash.decodeScore(palermo, p, area);
        Geohash.decodeScore(catania, c, area);
        assertEquals("13.36138933897018433", io.cinnabar.sds.LongDouble.valueOf(p[0]).toHumanString());
        assertEquals("38.11555639549629859", io.cinnabar.sds.LongDouble.valueOf(p[1]).toHumanString());
        double d = Geohash.distance(p[0], p[1], c[0], c[1]);
        byte[] b = new byte[32];
        assertEquals("166274.1516", new String(b, 0, io.cinnabar.sds.Numbers.fixedpointD2string(d, 4, b, 0),
            StandardCharsets.US_ASCII));
        assertEquals("sqc8b49rny0", text(Geohash.standardHash(p[0], p[1])));
        assertEquals("sqdtr74hyu0", text(Geohash.standardHash(c[0], c[1])));
    }

    @Test
    void interleaveRoundTrips() {
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long lat = r.nextInt(1 << 26);
            long lon = r.nextInt(1 << 26);
            long bits = Geohash.interleave(lat, lon);
            assertEquals(lat, Geohash.latCell(bits));
            assertEquals(lon, Geohash.lonCell(bits));
            assertTrue(bits >= 0 && bits < 1L << 52);
        }
    }

    @Test
    void limitsAndOddScores() {
        // the top latitude lands one cell past the grid; decoding clamps it back
        double[] xy = new double[2];
        Geohash.decodeScore(Geohash.score(180, Geohash.LAT_MAX), xy, new double[4]);
        assertEquals(Geohash.LON_MAX, xy[0]);
        assertEquals(Geohash.LAT_MAX, xy[1]);
        assertEquals(Long.MIN_VALUE, Geohash.toUint64(Double.NaN));
        assertEquals(0, Geohash.toUint64(Double.POSITIVE_INFINITY));
        assertEquals(-1L, Geohash.toUint64(-1.5));
        assertEquals(Long.MIN_VALUE, Geohash.toUint64(9223372036854775808.0));
        assertEquals(0, Geohash.toUint64(18446744073709551616.0));
    }

    @Test
    void sameMeridianUsesTheLatitudeShortcut() {
        // Redis 7.2: no haversine when the longitudes are equal
        double d = Geohash.distance(10, 20, 10, 21.5);
        assertEquals(Geohash.EARTH_RADIUS * Math.abs(Geohash.degRad(21.5) - Geohash.degRad(20)), d);
    }

    @Test
    void stepEstimation() {
        assertEquals(26, Geohash.estimateSteps(0, 0));
        assertEquals(1, Geohash.estimateSteps(Double.POSITIVE_INFINITY, 0));
        assertEquals(Geohash.estimateSteps(1000, 0) - 1, Geohash.estimateSteps(1000, 70));
        assertEquals(Geohash.estimateSteps(1000, 0) - 2, Geohash.estimateSteps(1000, -81));
    }

    @Test
    void printfF() {
        assertEquals("200.000000", GeoCommands.printfF(200));
        assertEquals("-0.000000", GeoCommands.printfF(-0.0));
        assertEquals("-0.000000", GeoCommands.printfF(-1e-9));
        assertEquals("0.000000", GeoCommands.printfF(5e-7)); // 4.99999999999999977e-07 rounds down in C
        assertEquals("inf", GeoCommands.printfF(Double.POSITIVE_INFINITY));
        assertEquals("-85.051129", GeoCommands.printfF(-85.05112879));
    }

    // ------------------------------------------------------------------ correctly rounded trigonometry

    private static final MathContext MC = new MathContext(60);

    private static BigDecimal sinRef(double x) {
        BigDecimal v = new BigDecimal(x);
        BigDecimal t = v;
        BigDecimal s = v;
        for (int n = 1; t.abs().compareTo(new BigDecimal("1e-55")) > 0; n++) {
            t = t.multiply(v).multiply(v).negate().divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC);
            s = s.add(t, MC);
        }
        return s;
    }

    private static BigDecimal cosRef(double x) {
        BigDecimal v = new BigDecimal(x);
        BigDecimal t = BigDecimal.ONE;
        BigDecimal s = BigDecimal.ONE;
        for (int n = 1; t.abs().compareTo(new BigDecimal("1e-55")) > 0; n++) {
            t = t.multiply(v).multiply(v).negate().divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC);
            s = s.add(t, MC);
        }
        return s;
    }

    /** Whether r is the double nearest to the exact value (within half an ulp). */
    private static boolean nearest(double r, BigDecimal exact) {
        BigDecimal err = new BigDecimal(r).subtract(exact).abs();
        return err.compareTo(new BigDecimal(Math.ulp(r)).divide(BigDecimal.valueOf(2))) <= 0;
    }

    @Test
    void trigonometryIsCorrectlyRounded() {
        Random r = new Random(11);
        for (int i = 0; i < 3000; i++) {
            double x = (r.nextDouble() * 2 - 1) * 3.2;
            if (i % 5 == 0) {
                x *= 1e-5;
            }
            assertTrue(nearest(GeoMath.sin(x), sinRef(x)), "sin " + x);
            assertTrue(nearest(GeoMath.cos(x), cosRef(x)), "cos " + x);
            double a = r.nextDouble();
            double y = GeoMath.asin(a);
            // y is the correctly rounded asin(a) when its neighbours have sines farther from a
            BigDecimal target = new BigDecimal(a);
            BigDecimal here = sinRef(y).subtract(target).abs();
            assertTrue(here.compareTo(sinRef(Math.nextUp(y)).subtract(target).abs()) <= 0, "asin " + a);
            assertTrue(here.compareTo(sinRef(Math.nextDown(y)).subtract(target).abs()) <= 0, "asin " + a);
        }
    }

    // ------------------------------------------------------------------ SORT

    private static double strtod(String s, boolean ok) {
        double[] out = new double[1];
        assertEquals(ok, SortCommand.strtod(new Strtod(), s.getBytes(StandardCharsets.ISO_8859_1), out), s);
        return out[0];
    }

    @Test
    void sortWeightsParseLikeStrtod() {
        assertEquals(12, strtod(" 12", true));
        assertEquals(0, strtod("", true));
        assertEquals(8, strtod("0x1p3", true));
        assertEquals(26, strtod("0x1A", true));
        assertEquals(0.5, strtod(".5", true));
        assertEquals(5, strtod("5.", true));
        assertEquals(5, strtod("5\u00007", true)); // strtod stops at the NUL
        assertEquals(Double.NEGATIVE_INFINITY, strtod("-Infinity", true));
        assertEquals(Double.MIN_VALUE, strtod("0x1p-1074", true)); // an exact subnormal: no ERANGE
        strtod("12 ", false);
        strtod("1e", false);
        strtod("0x", false);
        strtod("-", false);
        strtod(" ", false);
        strtod("nan", false);
        strtod("1e400", false);
        strtod("1e-400", false);
        strtod("4.9e-324", false); // inexact subnormal: ERANGE
        strtod("infinit", false);
    }

    @Test
    void partialSortPlacesTheRequestedRange() {
        Random r = new Random(3);
        for (int t = 0; t < 2000; t++) {
            int n = r.nextInt(100);
            int[] w = new int[n];
            for (int i = 0; i < n; i++) {
                w[i] = r.nextInt(1 + r.nextInt(20));
            }
            int lo = n == 0 ? 0 : r.nextInt(n);
            int hi = n == 0 ? 0 : lo + r.nextInt(n - lo);
            int[] v = new int[n];
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = i;
                s[i] = i;
            }
            Pqsort.Cmp cmp = (a, b) -> Integer.compare(w[a], w[b]);
            Pqsort.partial(v, n, cmp, lo, hi);
            Pqsort.stable(s, n, cmp);
            for (int i = lo; i <= hi && i < n; i++) {
                assertEquals(w[s[i]], w[v[i]]);
            }
            int[] stable = s.clone();
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> Integer.compare(w[a], w[b])); // TimSort is stable too
            assertArrayEquals(Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), stable);
        }
    }

    @Test
    void partialSortTieOrderIsRedisOwn() {
        // weights of a list whose ALPHA BY sort with LIMIT 0 5 Redis 7.0.15 answers with elements 6 0 7 4 3
        double[] w = {1, 6, 7, 3, 3, 8, 0, 2, 4, 9};
        int[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Pqsort.partial(v, 10, (a, b) -> w[a] > w[b] ? 1 : w[a] < w[b] ? -1 : 0, 0, 4);
        assertArrayEquals(new int[] {6, 0, 7, 4, 3}, Arrays.copyOf(v, 5));
        assertFalse(v[3] == 3); // a plain stable sort would keep 3 before 4
    }
}
