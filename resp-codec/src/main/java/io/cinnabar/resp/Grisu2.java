package io.cinnabar.resp;

import java.math.BigInteger;

/**
 * Florian Loitsch's Grisu2 digit generation, as Redis 7.2's {@code fpconv_dtoa} runs it, so that doubles print
 * with exactly Redis's digits (Grisu2 is not always the shortest: for about 0.25% of doubles it gives more
 * digits than necessary, and those are the ones where Redis's text differs from Java's {@code Double.toString}).
 *
 * <pre>
 *   w = the double as frac * 2^exp (frac with the hidden bit), with its rounding boundaries m- and m+
 *   c_k = a cached 64-bit approximation of 10^-k chosen so that w * c_k has its binary exponent in [-60, -32]
 *   digits of (m+ * c_k) are generated until the remainder is within (m+ - m-) * c_k, then the last digit is
 *   walked down toward w * c_k while that stays inside the interval ("round_digit")
 *   result: digits[0..n) and K with value ~= digits * 10^K
 * </pre>
 * The 87 cached powers (10^-348 .. 10^340 in steps of 8) are computed once, rounded to nearest, with
 * {@link BigInteger}; {@code Grisu2Test} checks them against the table Redis ships.
 *
 * <p><b>Note:</b> This class is stateless apart from immutable tables, and threadsafe.
 */
final class Grisu2 {
    static final int FIRST_POWER = -348;
    static final int STEP_POWERS = 8;
    static final int N_POWERS = 87;
    private static final int EXP_MIN = -60;
    private static final int EXP_MAX = -32;
    private static final long FRAC_MASK = 0x000FFFFFFFFFFFFFL;
    private static final long EXP_MASK = 0x7FF0000000000000L;
    private static final long HIDDEN_BIT = 0x0010000000000000L;
    private static final int EXP_BIAS = 1023 + 52;

    static final long[] POW_FRAC = new long[N_POWERS];
    static final int[] POW_EXP = new int[N_POWERS];

    /** tens[i] = 10^(19-i), as unsigned 64-bit. */
    private static final long[] TENS = new long[20];

    static {
        BigInteger ten = BigInteger.TEN;
        for (int i = 0; i < 20; i++) {
            TENS[i] = ten.pow(19 - i).longValue();
        }
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        BigInteger two63 = BigInteger.ONE.shiftLeft(63);
        for (int i = 0; i < N_POWERS; i++) {
            int k = FIRST_POWER + i * STEP_POWERS;
            // 10^k = num / den; find e with 2^63 <= 10^k / 2^e < 2^64, frac = round(10^k / 2^e)
            BigInteger num = k >= 0 ? ten.pow(k) : BigInteger.ONE;
            BigInteger den = k >= 0 ? BigInteger.ONE : ten.pow(-k);
            int e = num.bitLength() - den.bitLength() - 64;
            BigInteger q;
            while (true) {
                BigInteger n2 = e >= 0 ? num : num.shiftLeft(-e);
                BigInteger d2 = e >= 0 ? den.shiftLeft(e) : den;
                BigInteger[] qr = n2.divideAndRemainder(d2);
                q = qr[0];
                if (qr[1].shiftLeft(1).compareTo(d2) >= 0) {
                    q = q.add(BigInteger.ONE);
                }
                if (q.compareTo(two64) >= 0) {
                    e++;
                } else if (q.compareTo(two63) < 0) {
                    e--;
                } else {
                    break;
                }
            }
            POW_FRAC[i] = q.longValue();
            POW_EXP[i] = e;
        }
    }

    private Grisu2() {
    }

    /**
     * Generates the digits of {@code d} (finite, non-zero, sign ignored) into {@code digits[at..]} (18 bytes).
     *
     * @return {@code (K << 8) | n}: n digits with value digits * 10^K
     */
    static int digits(double d, byte[] digits, int at) {
        long bits = Double.doubleToRawLongBits(d);
        long wFrac = bits & FRAC_MASK;
        int wExp = (int) ((bits & EXP_MASK) >>> 52);
        if (wExp != 0) {
            wFrac += HIDDEN_BIT;
            wExp -= EXP_BIAS;
        } else {
            wExp = -EXP_BIAS + 1;
        }
        // boundaries m+ and m-, normalized to m+'s exponent
        long upFrac = (wFrac << 1) + 1;
        int upExp = wExp - 1;
        while ((upFrac & (HIDDEN_BIT << 1)) == 0) {
            upFrac <<= 1;
            upExp--;
        }
        upFrac <<= 10;
        upExp -= 10;
        int lShift = wFrac == HIDDEN_BIT ? 2 : 1;
        long loFrac = (wFrac << lShift) - 1;
        int loExp = wExp - lShift;
        loFrac <<= loExp - upExp;
        // normalize w
        while ((wFrac & HIDDEN_BIT) == 0) {
            wFrac <<= 1;
            wExp--;
        }
        wFrac <<= 11;
        wExp -= 11;

        int idx = cachedPowerIndex(upExp);
        long cFrac = POW_FRAC[idx];
        int cExp = POW_EXP[idx];
        int k = FIRST_POWER + idx * STEP_POWERS;
        long w = multiply(wFrac, cFrac);
        long up = multiply(upFrac, cFrac) - 1;
        long lo = multiply(loFrac, cFrac) + 1;
        int oneExp = upExp + cExp + 64;
        return generate(w, up, lo, oneExp, digits, at, -k);
    }

    private static int cachedPowerIndex(int exp) {
        int approx = (int) (-(exp + N_POWERS) * 0.30102999566398114);
        int idx = (approx - FIRST_POWER) / STEP_POWERS;
        while (true) {
            int current = exp + POW_EXP[idx] + 64;
            if (current < EXP_MIN) {
                idx++;
            } else if (current > EXP_MAX) {
                idx--;
            } else {
                return idx;
            }
        }
    }

    /** The upper 64 bits of the 128-bit product, rounded as Grisu does (add 2^31 before dropping the low half). */
    private static long multiply(long a, long b) {
        long lo = 0xFFFFFFFFL;
        long ahBl = (a >>> 32) * (b & lo);
        long alBh = (a & lo) * (b >>> 32);
        long alBl = (a & lo) * (b & lo);
        long ahBh = (a >>> 32) * (b >>> 32);
        long tmp = (ahBl & lo) + (alBh & lo) + (alBl >>> 32);
        tmp += 1L << 31;
        return ahBh + (ahBl >>> 32) + (alBh >>> 32) + (tmp >>> 32);
    }

    private static int generate(long w, long up, long lo, int oneExp, byte[] digits, int at, int k) {
        long wfrac = up - w;
        long delta = up - lo;
        int shift = -oneExp;
        long one = 1L << shift;
        long part1 = up >>> shift;
        long part2 = up & (one - 1);
        int idx = at;
        int kappa = 10;
        for (int t = 10; kappa > 0; t++) {
            long div = TENS[t];
            long digit = part1 / div;
            if (digit != 0 || idx != at) {
                digits[idx++] = (byte) ('0' + digit);
            }
            part1 -= digit * div;
            kappa--;
            long tmp = (part1 << shift) + part2;
            if (Long.compareUnsigned(tmp, delta) <= 0) {
                round(digits, idx, delta, tmp, div << shift, wfrac);
                return ((k + kappa) << 8) | (idx - at);
            }
        }
        int unit = 18;
        while (true) {
            part2 *= 10;
            delta *= 10;
            kappa--;
            long digit = part2 >>> shift;
            if (digit != 0 || idx != at) {
                digits[idx++] = (byte) ('0' + digit);
            }
            part2 &= one - 1;
            if (Long.compareUnsigned(part2, delta) < 0) {
                round(digits, idx, delta, part2, one, wfrac * TENS[unit]);
                return ((k + kappa) << 8) | (idx - at);
            }
            unit--;
        }
    }

    private static void round(byte[] digits, int n, long delta, long rem, long kappa, long frac) {
        while (Long.compareUnsigned(rem, frac) < 0 && Long.compareUnsigned(delta - rem, kappa) >= 0
            && (Long.compareUnsigned(rem + kappa, frac) < 0
                || Long.compareUnsigned(frac - rem, rem + kappa - frac) > 0)) {
            digits[n - 1]--;
            rem += kappa;
        }
    }
}
