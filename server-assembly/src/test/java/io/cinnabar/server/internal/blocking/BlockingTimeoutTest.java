package io.cinnabar.server.internal.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cinnabar.sds.LongDouble;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * The seconds-to-milliseconds step of the blocking timeouts ({@link Timeouts#secondsToMs}, the code BLPOP ...
 * BZMPOP run): Redis multiplies a {@code long double} by 1000 (one rounding to 64 significand bits) before
 * {@code ceill}; rounding up the exact product instead would add a millisecond to every decimal timeout whose long
 * double lies just above the decimal value. The expected values are Redis's (x87 {@code ceill(ftval * 1000)}).
 */
class BlockingTimeoutTest {
    private static long ms(String seconds) {
        return Timeouts.secondsToMs(LongDouble.parse(seconds));
    }

    @Test
    void decimalsRoundToWholeMillisecondsAsTheX87Does() {
        // long double 0.1 is 0.1000000000000000000013553: its exact product with 1000 is above 100, so a ceiling
        // of the exact product would give 101; the production code must give Redis's 100
        BigDecimal exact = LongDouble.parse("0.1").toBigDecimal().multiply(BigDecimal.valueOf(1000));
        assertEquals(101, exact.setScale(0, RoundingMode.CEILING).longValueExact());
        assertEquals(100, ms("0.1"));
        assertEquals(1, ms("0.001"));
        assertEquals(10, ms("0.01"));
        assertEquals(1500, ms("1.5"));
        assertEquals(63, ms("0x1p-4"));
        assertEquals(1, ms("0.0000001"));
        assertEquals(0, ms("-0.0001"));
        assertEquals(-999, ms("-0.9999999"));
        assertEquals(0, ms("-0.0009999"));
        assertEquals(3_600_000, ms("3600"));
        assertEquals(0, ms("0"));
    }

    @Test
    void infinitiesAndHugeValues() {
        assertEquals(Long.MIN_VALUE, ms("-inf"));
        assertThrows(ArithmeticException.class, () -> ms("inf"));
        assertThrows(ArithmeticException.class, () -> ms("1e17"));
    }
}
