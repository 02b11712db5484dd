package io.cinnabar.server.internal.blocking;

import io.cinnabar.sds.LongDouble;
import io.cinnabar.server.internal.command.Client;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The timeout argument of the blocking commands (BLPOP ... BZMPOP): Redis's getTimeoutFromObjectOrReply.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Timeouts {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final BigDecimal LLONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Timeouts() {
    }

    /**
     * Redis's getTimeoutFromObjectOrReply in seconds: the argument is a long double (strtold syntax: decimals,
     * exponents, hex floats, inf), multiplied by 1000 in 64-bit-significand precision and rounded up to whole
     * milliseconds; 0 means no deadline. Errors: not a float, negative, or out of range (above LLONG_MAX ms, or
     * overflowing when added to the command's time).
     *
     * @return the absolute deadline in unix ms, 0 for none, or -1 after replying the error
     */
    public static long deadline(Client c, int arg) {
        LongDouble v = LongDouble.parse(c.argBuf, c.argOff[arg], c.argLen[arg]);
        if (v == null) {
            c.error("ERR timeout is not a float or out of range");
            return -1;
        }
        long ms;
        try {
            ms = secondsToMs(v);
        } catch (ArithmeticException e) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        if (ms < 0) {
            c.error("ERR timeout is negative");
            return -1;
        }
        if (ms == 0) {
            return 0;
        }
        long now = c.server.keyspace.cmdTimeMs;
        if (ms > Long.MAX_VALUE - now) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        return ms + now;
    }

    /**
     * Rounds an exact value to the nearest x87 long double (64 significand bits, ties to even), as the product
     * {@code ftval * 1000} is rounded in Redis; values under 1/2 in magnitude are returned as they are (their
     * ceiling does not depend on the rounding).
     */
    static BigDecimal roundToLongDouble(BigDecimal x) {
        if (x.signum() == 0) {
            return x;
        }
        BigDecimal abs = x.abs();
        int e = abs.toBigInteger().bitLength() - 1; // floor(log2 |x|) when |x| >= 1
        if (e < 0) {
            if (abs.compareTo(HALF) < 0) {
                return x; // rounding cannot move a value under 1/2 across an integer: its ceiling is unchanged
            }
            e = -1;
        }
        int shift = 63 - e; // scale so that the significand is a 64-bit integer
        BigDecimal scaled = shift >= 0 ? abs.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : abs.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-shift)));
        BigInteger sig = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = shift >= 0 ? new BigDecimal(sig).divide(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : new BigDecimal(sig.shiftLeft(-shift));
        return x.signum() < 0 ? r.negate() : r;
    }

    /**
     * Seconds (a long double) to whole milliseconds as Redis computes them: {@code ceill(seconds * 1000)} with the
     * product rounded to a 64-bit significand first; -inf gives Long.MIN_VALUE ({@code (long long) ceill(-inf)} on
     * x86-64). Negative results are returned as they are (the caller rejects them).
     *
     * @throws ArithmeticException for +inf or a product above LLONG_MAX
     */
    public static long secondsToMs(LongDouble v) {
        if (v.isInfinite()) {
            if (!v.isNegative()) {
                throw new ArithmeticException("timeout is out of range");
            }
            return Long.MIN_VALUE;
        }
        BigDecimal product = roundToLongDouble(v.toBigDecimal().multiply(THOUSAND));
        if (product.compareTo(LLONG_MAX) > 0) {
            throw new ArithmeticException("timeout is out of range");
        }
        BigDecimal up = product.setScale(0, RoundingMode.CEILING);
        return up.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : up.longValueExact();
    }
}
