package io.cinnabar.sds;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Strtod} against glibc's {@code strtod}: every row was produced by calling the real glibc 2.x
 * {@code strtod} (through Python's ctypes, C locale) on the UTF-8 bytes of the input and recording the double's
 * bits, how many bytes it consumed and whether it set {@code errno = ERANGE}.
 */
class StrtodTest {
    private static final String[][] GLIBC = {
            {"", "0", "0", "false"},
            {" ", "0", "0", "false"},
            {"  1.5", "4609434218613702656", "5", "false"},
            {"\u000b\u000c-2", "-4611686018427387904", "4", "false"},
            {"1e", "4607182418800017408", "1", "false"},
            {"1e+", "4607182418800017408", "1", "false"},
            {"1e+5x", "4681608360884174848", "4", "false"},
            {"1.", "4607182418800017408", "2", "false"},
            {".5", "4602678819172646912", "2", "false"},
            {".", "0", "0", "false"},
            {"-.", "0", "0", "false"},
            {"+", "0", "0", "false"},
            {"-", "0", "0", "false"},
            {"0x", "0", "1", "false"},
            {"0x1p", "4607182418800017408", "3", "false"},
            {"0x1p-", "4607182418800017408", "3", "false"},
            {"0x.8", "4602678819172646912", "4", "false"},
            {"0x.", "0", "1", "false"},
            {"0X1P4", "4625196817309499392", "5", "false"},
            {"0x1.8p1q", "4613937818241073152", "7", "false"},
            {"inf", "9218868437227405312", "3", "false"},
            {"INFINITY", "9218868437227405312", "8", "false"},
            {"infinit", "9218868437227405312", "3", "false"},
            {"infx", "9218868437227405312", "3", "false"},
            {"-Inf", "-4503599627370496", "4", "false"},
            {"nan", "9221120237041090560", "3", "false"},
            {"NaN(abc_1)", "9221120237041090560", "10", "false"},
            {"nan(abc", "9221120237041090560", "3", "false"},
            {"nan()", "9221120237041090560", "5", "false"},
            {"1e400", "9218868437227405312", "5", "true"},
            {"-1e400", "-4503599627370496", "6", "true"},
            {"1e-400", "0", "6", "true"},
            {"4.9e-324", "1", "8", "true"},
            {"2.4703282292062328e-324", "1", "23", "true"},
            {"2.4703282292062327e-324", "0", "23", "true"},
            {"1e-310", "20240225330731", "6", "true"},
            {"2.2250738585072014e-308", "4503599627370496", "23", "false"},
            {"2.2250738585072011e-308", "4503599627370495", "23", "true"},
            {"0x1p-1074", "1", "9", "false"},
            {"0x1.8p-1074", "2", "11", "true"},
            {"0x1p-1080", "0", "9", "true"},
            {"0x1p1024", "9218868437227405312", "8", "true"},
            {"0e999999", "0", "8", "false"},
            {"0.000", "0", "5", "false"},
            {"00012", "4622945017495814144", "5", "false"},
            {"1.2.3", "4608083138725491507", "3", "false"},
            {"12abc", "4622945017495814144", "2", "false"},
            {"--1", "0", "0", "false"},
            {"+-1", "0", "0", "false"},
            {"1d", "4607182418800017408", "1", "false"},
            {"0x10", "4625196817309499392", "4", "false"},
            {"0x1g", "4607182418800017408", "3", "false"},
            {"   0x", "0", "4", "false"},
            {"\t\n\r7", "4619567317775286272", "4", "false"},
            {"1 2", "4607182418800017408", "1", "false"},
            {"123456789012345678901234567890", "5042042089369253694", "30", "false"},
            {"9007199254740993", "4845873199050653696", "16", "false"},
            {"0.1e-5", "4517329193108106637", "6", "false"},
            {"1E+2", "4636737291354636288", "4", "false"},
            {"1_0", "4607182418800017408", "1", "false"},
            {"\u0663", "0", "0", "false"},
    };

    @Test
    void agreesWithGlibc() {
        Strtod t = new Strtod();
        for (String[] row : GLIBC) {
            byte[] b = row[0].getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[b.length + 4];
            System.arraycopy(b, 0, padded, 2, b.length);
            t.parse(padded, 2, b.length);
            double expected = Double.longBitsToDouble(Long.parseLong(row[1]));
            String what = row[0] + " -> " + expected;
            if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(t.value()), what);
            } else {
                assertEquals(Long.parseLong(row[1]), Double.doubleToRawLongBits(t.value()), what + " got " + t.value());
            }
            assertEquals(Integer.parseInt(row[2]), t.end() - 2, what + " consumed");
            assertEquals(Boolean.parseBoolean(row[3]), t.erange(), what + " erange");
        }
    }

    /** string2d is strtod plus Redis's rule: no blank first, all consumed, no NaN, ERANGE only at inf or 0. */
    @Test
    void string2dIsStrtodWithRedisRule() {
        Strtod t = new Strtod();
        for (String[] row : GLIBC) {
            byte[] b = row[0].getBytes(StandardCharsets.UTF_8);
            t.parse(b, 0, b.length);
            boolean accepted = b.length > 0 && !SdsArgs.isSpace(b[0]) && t.end() == b.length && !Double.isNaN(t.value())
                && !(t.erange() && (Double.isInfinite(t.value()) || t.value() == 0));
            double d = Numbers.parseDouble(b);
            if (accepted) {
                assertEquals(Double.doubleToRawLongBits(t.value()), Double.doubleToRawLongBits(d), row[0]);
            } else {
                assertTrue(Double.isNaN(d), row[0] + " must be rejected, got " + d);
            }
        }
    }

    @Test
    void cStringLengthStopsAtNul() {
        byte[] b = {'1', '2', 0, '3'};
        assertEquals(2, Strtod.cStringLength(b, 0, 4));
        assertEquals(1, Strtod.cStringLength(b, 3, 1));
        assertEquals(0, Strtod.cStringLength(b, 2, 2));
    }
}
