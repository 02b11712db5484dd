package io.cinnabar.resp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Doubles in replies: the encoder prints sds's {@code d2string} (Redis 7.2's Grisu2 {@code fpconv_dtoa}; the
 * cached-powers table is pinned against Redis's in sds's {@code NumbersTest}).
 */
class DoubleReplyTest {

    /** The text of {@code addDouble(d)} in RESP3 ({@code ,<text>\r\n}): sds's d2string, as the encoder writes it. */
    static String d2s(double d) {
        ReplyEncoder e = new ReplyEncoder(8).protocol(3);
        e.addDouble(d);
        String s = new String(e.toByteArray(), StandardCharsets.US_ASCII);
        assertTrue(s.startsWith(",") && s.endsWith("\r\n"), s);
        return s.substring(1, s.length() - 2);
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
