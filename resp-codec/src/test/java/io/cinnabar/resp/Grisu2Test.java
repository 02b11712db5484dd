package io.cinnabar.resp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Grisu2Test {

    /** Entries of the cached-powers table Redis ships in deps/fpconv/fpconv_powers.h (unsigned frac, exp). */
    @Test
    void cachedPowersMatchRedisTable() {
        check(0, "18054884314459144840", -1220);
        check(1, "13451937075301367670", -1193);
        check(22, "14257626930069360058", -635);
        check(43, "15111572745182864684", -77);
        check(44, "11258999068426240000", -50);
        check(45, "16777216000000000000", -24);
        check(46, "12500000000000000000", 3);
        check(47, "9313225746154785156", 30);
        check(60, "12994262207056124023", 375);
        check(86, "12648080533535911531", 1066);
    }

    private static void check(int i, String frac, int exp) {
        assertEquals(frac, Long.toUnsignedString(Grisu2.POW_FRAC[i]), "frac " + i);
        assertEquals(exp, Grisu2.POW_EXP[i], "exp " + i);
    }

    static String d2s(double d) {
        byte[] b = new byte[RespNumbers.DOUBLE_ROOM];
        return new String(b, 0, RespNumbers.writeDouble(d, b, 0), StandardCharsets.US_ASCII);
    }

    /**
     * Grisu2 agrees with the shortest digits (the JDK's) for all but a small fraction of doubles, and its
     * digits are never more than 17: a port error would show as a high mismatch rate.
     */
    @Test
    void agreesWithShortestDigitsAlmostAlways() {
        java.util.Random r = new java.util.Random(42);
        int mismatches = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double d = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            if (Double.isNaN(d) || Double.isInfinite(d) || d == 0 || ((long) d == d && Math.abs(d) <= 0x1p62)) {
                continue;
            }
            String s = d2s(d);
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(Double.parseDouble(s)), s);
            assertTrue(digits(s).length() <= 17, s);
            if (!digits(s).equals(digits(Double.toString(d)))) {
                mismatches++;
            }
        }
        assertTrue(mismatches < n / 200, "Grisu2 differs from the shortest digits for " + mismatches + " of " + n);
    }

    /** Significant digits of a decimal text, without sign, point, exponent, leading or trailing zeros. */
    private static String digits(String s) {
        String m = s.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        m = m.replaceFirst("^0+", "");
        m = m.replaceFirst("0+$", "");
        return m;
    }

    @Property(tries = 20000)
    void readsBackForRandomBits(@ForAll long bits) {
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return;
        }
        String s = d2s(d);
        assertEquals(bits, Double.doubleToLongBits(Double.parseDouble(s)), s);
    }

    @Test
    void knownTexts() {
        assertEquals("0.1", d2s(0.1));
        assertEquals("0.30000000000000004", d2s(0.1 + 0.2));
        assertEquals("5e-324", d2s(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", d2s(Double.MAX_VALUE));
        assertEquals("3.14159", d2s(3.14159));
        assertEquals("-1.5e-7", d2s(-1.5e-7));
        // Grisu2's classic non-shortest case: 1e23 comes out as 9999999999999999e7, laid out as an integer
        assertEquals("99999999999999990000000", d2s(1e23));
        assertEquals("1.1e-6", d2s(1.1e-6));
        assertEquals("123456.7", d2s(123456.7));
        assertEquals("1180591620717411300000", d2s(0x1p70));
    }
}
