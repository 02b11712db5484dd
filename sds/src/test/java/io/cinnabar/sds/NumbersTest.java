package io.cinnabar.sds;

import io.cinnabar.sds.internal.Grisu2;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumbersTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void string2llAsRedisTestsIt() {
        for (String bad : new String[] {"+1", " 1", "1 ", "01", "-01", "00", "-0", "", "-", "1a", "a1",
            "-9223372036854775809", "9223372036854775808", "18446744073709551616", "99999999999999999999",
            "1.0", "1e3", "0x10", "1\u0000", "\u00001", "--1", "123456789012345678901"}) {
            assertFalse(Numbers.isLong(b(bad)), bad);
            assertThrows(NumberFormatException.class, () -> Numbers.parseLong(b(bad)), bad);
        }
        String[] good = {"0", "1", "-1", "99", "-99", "9223372036854775807", "-9223372036854775808", "10",
            "1000000000000000000"};
        for (String ok : good) {
            assertTrue(Numbers.isLong(b(ok)), ok);
            assertEquals(Long.parseLong(ok), Numbers.parseLong(b(ok)), ok);
        }
        assertTrue(Numbers.isIntEncodable(b("-9223372036854775808"), 0, 20));
        assertFalse(Numbers.isIntEncodable(b("1.5"), 0, 3));
        byte[] padded = b("xx-42yy");
        assertEquals(-42, Numbers.parseLong(padded, 2, 3));
    }

    @Test
    void ll2stringAndUnsigned() {
        byte[] buf = new byte[24];
        for (long v : new long[] {0, 1, 9, 10, 99, 100, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, 1234567890123L}) {
            int n = Numbers.ll2string(v, buf, 2);
            assertEquals(Long.toString(v), new String(buf, 2, n, StandardCharsets.US_ASCII));
            assertEquals(n, Numbers.stringLength(v));
            n = Numbers.ull2string(v, buf, 1);
            assertEquals(Long.toUnsignedString(v), new String(buf, 1, n, StandardCharsets.US_ASCII));
        }
        assertEquals("18446744073709551615", new String(buf, 0, Numbers.ull2string(-1L, buf, 0),
            StandardCharsets.US_ASCII));
        assertThrows(IndexOutOfBoundsException.class, () -> Numbers.ll2string(Long.MIN_VALUE, new byte[19], 0));
    }

    /** The cached powers are computed, not copied: pin some against the table Redis ships (fpconv_powers.h). */
    @Test
    void grisuCachedPowersMatchRedisTable() {
        assertEquals("18054884314459144840", Long.toUnsignedString(Grisu2.cachedFrac(0)));
        assertEquals(-1220, Grisu2.cachedExp(0));
        assertEquals("13451937075301367670", Long.toUnsignedString(Grisu2.cachedFrac(1)));
        assertEquals(-1193, Grisu2.cachedExp(1));
        assertEquals("11258999068426240000", Long.toUnsignedString(Grisu2.cachedFrac(44)));
        assertEquals(-50, Grisu2.cachedExp(44));
        assertEquals("16777216000000000000", Long.toUnsignedString(Grisu2.cachedFrac(45)));
        assertEquals("9313225746154785156", Long.toUnsignedString(Grisu2.cachedFrac(47)));
        assertEquals(30, Grisu2.cachedExp(47));
        assertEquals("9946464728195732843", Long.toUnsignedString(Grisu2.cachedFrac(35)));
        assertEquals(-289, Grisu2.cachedExp(35));
        assertEquals("12648080533535911531", Long.toUnsignedString(Grisu2.cachedFrac(86)));
        assertEquals(1066, Grisu2.cachedExp(86));
        assertEquals("9242595204427927429", Long.toUnsignedString(Grisu2.cachedFrac(80)));
        assertEquals(907, Grisu2.cachedExp(80));
    }

    /**
     * Redis 7.2 d2string: integers up to 2^62 by ll2string, the rest by fpconv_dtoa's layout rules (plain integer
     * while the exponent is below digits+7, plain decimal for K &gt; -7 or exponent below 4, otherwise d.ddde+-x).
     */
    @Test
    void d2stringGoldenValues72() {
        String[][] cases = {
            {"0.1", "0.1"}, {"1.5", "1.5"}, {"-1.5", "-1.5"}, {"1", "1"}, {"-1", "-1"}, {"0.0", "0"}, {"-0.0", "-0"},
            {"1e20", "1e+20"}, {"1e21", "1e+21"}, {"1.5e19", "1.5e+19"}, {"1e19", "1e+19"},
            {"1e17", "100000000000000000"}, {"4611686018427387904", "4611686018427387904"},
            {"-4611686018427387904", "-4611686018427387904"},
            {"9223372036854775808", "9223372036854776000"}, {"4611686018427388928", "4611686018427389000"},
            {"12345.678901234", "1.2345678901234e+4"}, {"123456.7890123", "1.234567890123e+5"},
            {"1234.56789012345", "1234.56789012345"}, {"0.00012345678", "1.2345678e-4"},
            {"1e-7", "1e-7"}, {"1.5e-7", "1.5e-7"}, {"0.000001", "0.000001"}, {"0.00003", "0.00003"},
            {"5e-324", "5e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"},
            {"2.2250738585072014e-308", "2.2250738585072014e-308"},
            {"1e100", "1e+100"}, {"1e-100", "1e-100"}, {"1.5e300", "1.5e+300"},
            {"0.30000000000000004", "0.30000000000000004"}, {"0.3333333333333333", "0.3333333333333333"},
            {"1000000000000000.5", "1000000000000000.5"}, {"123456789.123", "123456789.123"},
            {"3.141592653589793", "3.141592653589793"}, {"2.5", "2.5"}, {"-0.5", "-0.5"},
            {"-1.2345678901234567e23", "-123456789012345670000000"}, {"1.2345678901234568e24", "1.2345678901234568e+24"},
        };
        for (String[] c : cases) {
            double d = Double.parseDouble(c[0]);
            assertEquals(c[1], Numbers.d2string(d), c[0]);
            assertEquals(d, Double.parseDouble(Numbers.d2string(d)), c[0]);
        }
        assertEquals("nan", Numbers.d2string(Double.NaN));
        assertEquals("inf", Numbers.d2string(Double.POSITIVE_INFINITY));
        assertEquals("-inf", Numbers.d2string(Double.NEGATIVE_INFINITY));
        assertEquals("0.30000000000000004", Numbers.d2string(0.1 + 0.2));
        byte[] exact = new byte[Numbers.MAX_D2STRING_CHARS];
        assertEquals(25, Numbers.d2string(-1.2345678901234567e23, exact, 0)); // the longest output fits the room
        assertThrows(IndexOutOfBoundsException.class, () -> Numbers.d2string(1.0, new byte[24], 0));
    }

    @Test
    void d2string70IsPercent17g() {
        assertEquals("0.10000000000000001", Numbers.d2string70(0.1));
        assertEquals("1e+20", Numbers.d2string70(1e20));
        assertEquals("1", Numbers.d2string70(1));
        assertEquals("10000000000000000", Numbers.d2string70(1e16));
        assertEquals("1e+17", Numbers.d2string70(1.0e17 + 0)); // 1e17 has 18 digits: exponent 17 >= precision
        assertEquals("0.0001", Numbers.d2string70(0.0001));
        assertEquals("1.0000000000000001e-05", Numbers.d2string70(1e-5));
        assertEquals("-0", Numbers.d2string70(-0.0));
        assertEquals("1.0000076293945312", Numbers.d2string70(1 + Math.pow(2, -17))); // a tie, to even
        assertEquals("4.9406564584124654e-324", Numbers.d2string70(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", Numbers.d2string70(Double.MAX_VALUE));
        assertEquals("123.456", Numbers.d2string70(123.456));
        assertEquals("inf", Numbers.d2string70(Double.POSITIVE_INFINITY));
    }

    @Test
    void string2dAcceptsAndRejectsAsRedis() {
        Object[][] cases = {
            {"1", 1.0}, {"-1.5", -1.5}, {"+2", 2.0}, {".5", 0.5}, {"5.", 5.0}, {"-.5e-1", -0.05}, {"1E3", 1000.0},
            {"inf", Double.POSITIVE_INFINITY}, {"INF", Double.POSITIVE_INFINITY}, {"-Infinity", Double.NEGATIVE_INFINITY},
            {"+inf", Double.POSITIVE_INFINITY}, {"0x10", 16.0}, {"0x1p-2", 0.25}, {"0X1.8P1", 3.0}, {"0x.8", 0.5},
            {"-0x1p-1074", -Double.MIN_VALUE}, {"0e400", 0.0}, {"4.9e-324", Double.MIN_VALUE},
            {"3e-324", Double.MIN_VALUE}, {"1.7976931348623158e308", Double.MAX_VALUE},
            {"2.2250738585072011e-308", 2.225073858507201e-308}, {"0.1", 0.1},
            {"9007199254740993", 9007199254740992.0}, {"9007199254740995", 9007199254740996.0},
            {"123456789012345678901234567890", 1.2345678901234568e29},
            {"0.000000000000000000000000000001", 1e-30},
        };
        for (Object[] c : cases) {
            assertEquals((Double) c[1], Numbers.parseDouble(b((String) c[0])), (String) c[0]);
        }
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Numbers.parseDouble(b("-0"))));
        for (String bad : new String[] {"", " 1", "1 ", "\t1", "1\u0000", "nan", "NaN", "-nan", "nan(123)", "infin",
            "infinit", "1e", "1e+", ".", "-", "+", "e5", "0x", "0xg", "0x1p", "1e400", "-1e400", "1e-400",
            "2e-324", "1.7976931348623159e308", "0x1p1024", "0x1p-1076", "1,5", "1..5", "--1", "abc", "1f", "1d"}) {
            assertTrue(Double.isNaN(Numbers.parseDouble(b(bad))), bad);
        }
    }

    @Test
    void fixedpointD2stringForGeoDistances() {
        byte[] buf = new byte[40];
        Object[][] cases = {{1.5, 4, "1.5000"}, {0.0, 4, "0.0000"}, {-0.0, 4, "0.0000"}, {-0.00001, 4, "0.0000"},
            {123.45678, 4, "123.4568"}, {-2.5, 1, "-2.5"}, {0.00005, 4, "0.0000"}, {0.00015, 4, "0.0001"} /* 0.00015 * 10000 is 1.4999999999999998 */,
            {166274.1516, 4, "166274.1516"}, {0.0123, 4, "0.0123"}, {7.0, 2, "7.00"}, {-0.05, 1, "0.0"} /* llrint(-0.5) is 0 */};
        for (Object[] c : cases) {
            int n = Numbers.fixedpointD2string((Double) c[0], (Integer) c[1], buf, 3);
            assertEquals(c[2], new String(buf, 3, n, StandardCharsets.US_ASCII), String.valueOf(c[0]));
        }
        assertThrows(IllegalArgumentException.class, () -> Numbers.fixedpointD2string(1, 0, buf, 0));
    }

    /** The out-parameter form agrees with isLong/parseLong on every input class, -2^63 included. */
    @Test
    void string2llOutParameterForm() {
        long[] out = {42};
        for (String t : new String[] {"0", "-1", "9223372036854775807", "-9223372036854775808", "123"}) {
            byte[] b = ("x" + t + "y").getBytes(StandardCharsets.US_ASCII);
            assertTrue(Numbers.string2ll(b, 1, t.length(), out), t);
            assertEquals(Long.parseLong(t), out[0], t);
        }
        out[0] = 42;
        for (String t : new String[] {"", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808",
            "-9223372036854775809", "1a", "00", "123456789012345678901"}) {
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            assertFalse(Numbers.string2ll(b, 0, b.length, out), t);
            assertEquals(42, out[0], t);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> Numbers.string2ll(new byte[2], 1, 2, new long[1]));
    }
}
