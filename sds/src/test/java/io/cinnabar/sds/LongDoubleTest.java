package io.cinnabar.sds;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden values printed by redis-server 7.0.15 for INCRBYFLOAT (the same code in 7.2). */
class LongDoubleTest {

    static String incr(String current, String by) {
        LongDouble v = current == null ? LongDouble.ZERO : LongDouble.parse(current);
        return v.add(LongDouble.parse(by)).toHumanString();
    }

    @Test
    void incrbyfloatGoldenValues() {
        assertEquals("0.3", incr("0.1", "0.2")); // double arithmetic would print 0.30000000000000004
        assertEquals("10.6", incr("10.50", "0.1"));
        assertEquals("5.6", incr("10.6", "-5"));
        assertEquals("5200", incr("5.0e3", "2.0e2"));
        assertEquals("0.00000381469726562", incr(null, "0.000003814697265625")); // tie: to even
        assertEquals("0.00001144409179688", incr(null, "0.000011444091796875")); // tie: to even
        assertEquals("0", incr(null, "1e-20"));
        assertEquals("0", incr(null, "-1e-20")); // "-0" printed as 0
        assertEquals("0.25", incr(null, "0x1p-2"));
        assertEquals("1000000000000000000024696061952", incr(null, "1e30"));
        assertEquals("2.1", incr("1", "1.1"));
        assertEquals("3", incr(null, "3.0000000000000000001"));
        assertEquals("0.1", LongDouble.valueOf(0.1).add(LongDouble.ZERO).toAutoString().substring(0, 3));
    }

    @Test
    void string2ldRejections() {
        for (String bad : new String[] {"", " 1", "1 ", "nan", "-nan", "1e5000", "-1e5000", "1e-5000", "abc", "0x",
            "1\u0000"}) {
            assertNull(LongDouble.parse(bad), bad);
        }
        assertNull(LongDouble.parse("1".repeat(LongDouble.MAX_CHARS)));
        assertNull(LongDouble.parse("1".repeat(LongDouble.MAX_CHARS - 1))); // 10^5118 overflows
        assertEquals("0.11111111111111111", LongDouble.parse("0." + "1".repeat(LongDouble.MAX_CHARS - 3)).toHumanString());
        assertTrue(LongDouble.parse("inf").isInfinite());
        assertTrue(LongDouble.parse("-Infinity").isNegative());
        assertTrue(LongDouble.parse("inf").add(LongDouble.parse("-inf")).isNaN());
        assertTrue(LongDouble.parse("1.18973149535723176502e+4932").add(LongDouble.parse("1e4932")).isInfinite());
        assertEquals(LongDouble.valueOf(5), LongDouble.parse("5.0"));
        assertEquals(LongDouble.valueOf(Long.MIN_VALUE), LongDouble.parse("-9223372036854775808"));
        assertEquals(LongDouble.valueOf(0.5), LongDouble.parse("0x1p-1"));
    }
}
