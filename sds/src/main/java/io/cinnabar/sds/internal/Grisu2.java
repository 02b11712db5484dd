package io.cinnabar.sds.internal;

import java.math.BigInteger;

/**
 * Double to shortest-ish decimal text with Florian Loitsch's Grisu2, reproducing, integer operation for integer
 * operation, the variant Redis 7.2 ships as {@code fpconv_dtoa} (so that every double prints exactly as Redis
 * prints it, including the rare cases where Grisu2 is not the shortest round-trip form).
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Split the double into a 53-bit significand f and exponent e; compute the upper and lower boundaries of
 *       its rounding interval, (2f+1)/2 and (2f-1)/2 (or (4f-1)/4 at a power of two), normalized to 64 bits.</li>
 *   <li>Pick a cached power of ten c = 10^-k (87 of them, 10^-348 .. 10^340 in steps of 8, each a 64-bit
 *       significand rounded to nearest) that brings the upper boundary's binary exponent into [-60, -32].</li>
 *   <li>Multiply w, upper and lower by c (64x64 high half, rounded), shrink the interval by one unit on each side,
 *       and emit digits of upper until the remainder falls inside the interval; then nudge the last digit down
 *       toward w while that stays inside the interval ("round_digit").</li>
 *   <li>Lay the digits out: a plain integer when the exponent is small, a plain decimal for K &gt; -7 or a decimal
 *       exponent below 4, otherwise {@code d.ddde[+-]x} with no exponent padding.</li>
 * </ol>
 * The table is computed here from exact powers of ten rather than copied; a test pins entries against the
 * values Redis ships.
 */
public final class Grisu2 {
    /**
     * Longest text {@link #dtoa} writes: a sign, 17 digits and 7 zeros (a plain integer such as
     * {@code -123456789012345670000000}). Redis's C contract says 24 because it omits the sign; its callers pass
     * 128-byte buffers.
     */
    public static final int MAX_CHARS = 25;

    private static final long FRAC_MASK = 0x000F_FFFF_FFFF_FFFFL;
    private static final long EXP_MASK = 0x7FF0_0000_0000_0000L;
    private static final long HIDDEN = 0x0010_0000_0000_0000L;
    private static final int EXP_BIAS = 1023 + 52;
    private static final int NPOWERS = 87;
    private static final int STEP = 8;
    private static final int FIRST_POWER = -348;
    private static final int EXP_MIN = -60;
    private static final int EXP_MAX = -32;
    private static final double ONE_LOG_TEN = 0.30102999566398114;
    private static final long[] TENS = new long[20];

    static final long[] POW_FRAC = new long[NPOWERS];
    static final int[] POW_EXP = new int[NPOWERS];

    static {
        long t = 1;
        for (int i = 19; i >= 0; i--) {
            TENS[i] = t; // TENS[19] = 1 ... TENS[0] = 10^19 (unsigned)
            t *= 10;
        }
        for (int i = 0; i < NPOWERS; i++) {
            cachePower(i, FIRST_POWER + i * STEP);
        }
    }

    private Grisu2() {
    }

    /** The cached power at {@code index}: 64-bit significand (unsigned) and binary exponent. */
    public static long cachedFrac(int index) {
        return POW_FRAC[index];
    }

    public static int cachedExp(int index) {
        return POW_EXP[index];
    }

    private static void cachePower(int i, int e10) {
        BigInteger frac;
        int exp;
        if (e10 >= 0) {
            BigInteger n = BigInteger.TEN.pow(e10);
            int shift = n.bitLength() - 64;
            if (shift <= 0) {
                frac = n.shiftLeft(-shift);
                exp = shift;
            } else {
                frac = roundHalfUp(n, shift);
                exp = shift;
            }
        } else {
            BigInteger d = BigInteger.TEN.pow(-e10);
            int s = d.bitLength() + 63;
            BigInteger[] qr = BigInteger.ONE.shiftLeft(s).divideAndRemainder(d);
            frac = qr[1].shiftLeft(1).compareTo(d) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
            exp = -s;
        }
        if (frac.bitLength() > 64) {
            frac = frac.shiftRight(1);
            exp++;
        }
        POW_FRAC[i] = frac.longValue();
        POW_EXP[i] = exp;
    }

    private static BigInteger roundHalfUp(BigInteger n, int shift) {
        BigInteger q = n.shiftRight(shift);
        return n.testBit(shift - 1) ? q.add(BigInteger.ONE) : q;
    }

    /** 64x64 multiplication keeping the high 64 bits, rounded half up, as fpconv's {@code multiply}. */
    private static long mul(long a, long b) {
        return Math.unsignedMultiplyHigh(a, b) + ((a * b) >>> 63);
    }

    /**
     * Writes {@code d} (finite, non-zero) as Redis 7.2's {@code fpconv_dtoa} does into {@code dst} at {@code off}.
     * The caller guarantees {@link #MAX_CHARS} bytes of room.
     *
     * @return the number of bytes written
     */
    public static int dtoa(double d, byte[] dst, int off) {
        long bits = Double.doubleToRawLongBits(d);
        int p = off;
        if (bits < 0) {
            dst[p++] = '-';
        }
        long frac = bits & FRAC_MASK;
        int exp = (int) ((bits & EXP_MASK) >>> 52);
        if (exp != 0) {
            frac += HIDDEN;
            exp -= EXP_BIAS;
        } else {
            exp = -EXP_BIAS + 1;
        }
        // boundaries, from the unnormalized value
        long upperFrac = (frac << 1) + 1;
        int upperExp = exp - 1;
        while ((upperFrac & (HIDDEN << 1)) == 0) {
            upperFrac <<= 1;
            upperExp--;
        }
        upperFrac <<= 64 - 52 - 2;
        upperExp -= 64 - 52 - 2;
        int lShift = frac == HIDDEN ? 2 : 1;
        long lowerFrac = (frac << lShift) - 1;
        int lowerExp = exp - lShift;
        lowerFrac <<= lowerExp - upperExp;
        // normalize w
        while ((frac & HIDDEN) == 0) {
            frac <<= 1;
        }
        frac <<= 64 - 52 - 1;
        // cached power
        int idx = ((int) (-(upperExp + NPOWERS) * ONE_LOG_TEN) - FIRST_POWER) / STEP;
        while (true) {
            int current = upperExp + POW_EXP[idx] + 64;
            if (current < EXP_MIN) {
                idx++;
            } else if (current > EXP_MAX) {
                idx--;
            } else {
                break;
            }
        }
        int k = FIRST_POWER + idx * STEP;
        long cp = POW_FRAC[idx];
        long w = mul(frac, cp);
        long upper = mul(upperFrac, cp) - 1;
        long lower = mul(lowerFrac, cp) + 1;
        int oneShift = -(upperExp + POW_EXP[idx] + 64);
        int start = p;
        long packed = generateDigits(w, upper, lower, oneShift, dst, start);
        int ndigits = (int) (packed >>> 32);
        int kk = -k + (int) packed;
        return p - off + emitDigits(dst, start, ndigits, kk, bits < 0);
    }

    /** @return ndigits in the high half and kappa in the low half */
    private static long generateDigits(long w, long upper, long lower, int shift, byte[] digits, int at) {
        long wfrac = upper - w;
        long delta = upper - lower;
        long one = 1L << shift;
        long part1 = upper >>> shift;
        long part2 = upper & (one - 1);
        int idx = 0;
        int kappa = 10;
        for (int divp = 10; kappa > 0; divp++) {
            long div = TENS[divp];
            long digit = part1 / div;
            if (digit != 0 || idx != 0) {
                digits[at + idx++] = (byte) ('0' + digit);
            }
            part1 -= digit * div;
            kappa--;
            long tmp = (part1 << shift) + part2;
            if (Long.compareUnsigned(tmp, delta) <= 0) {
                roundDigit(digits, at + idx - 1, delta, tmp, div << shift, wfrac);
                return ((long) idx << 32) | kappa;
            }
        }
        int unit = 18;
        while (true) {
            part2 *= 10;
            delta *= 10;
            kappa--;
            long digit = part2 >>> shift;
            if (digit != 0 || idx != 0) {
                digits[at + idx++] = (byte) ('0' + digit);
            }
            part2 &= one - 1;
            if (Long.compareUnsigned(part2, delta) < 0) {
                roundDigit(digits, at + idx - 1, delta, part2, one, wfrac * TENS[unit]);
                return ((long) idx << 32) | (kappa & 0xFFFF_FFFFL);
            }
            unit--;
        }
    }

    private static void roundDigit(byte[] digits, int last, long delta, long rem, long kappa, long frac) {
        while (Long.compareUnsigned(rem, frac) < 0 && Long.compareUnsigned(delta - rem, kappa) >= 0
            && (Long.compareUnsigned(rem + kappa, frac) < 0
                || Long.compareUnsigned(frac - rem, rem + kappa - frac) > 0)) {
            digits[last]--;
            rem += kappa;
        }
    }

    /** Lays out {@code ndigits} digits already at {@code d[at...]}, scaled by 10^K, in place. */
    private static int emitDigits(byte[] d, int at, int ndigits, int kk, boolean neg) {
        int exp = Math.abs(kk + ndigits - 1);
        if (kk >= 0 && exp < ndigits + 7) {
            for (int i = 0; i < kk; i++) {
                d[at + ndigits + i] = '0';
            }
            return ndigits + kk;
        }
        if (kk < 0 && (kk > -7 || exp < 4)) {
            int offset = ndigits - Math.abs(kk);
            if (offset <= 0) {
                int zeros = -offset;
                System.arraycopy(d, at, d, at + 2 + zeros, ndigits);
                d[at] = '0';
                d[at + 1] = '.';
                for (int i = 0; i < zeros; i++) {
                    d[at + 2 + i] = '0';
                }
                return ndigits + 2 + zeros;
            }
            System.arraycopy(d, at + offset, d, at + offset + 1, ndigits - offset);
            d[at + offset] = '.';
            return ndigits + 1;
        }
        ndigits = Math.min(ndigits, 18 - (neg ? 1 : 0));
        int idx = 1;
        if (ndigits > 1) {
            System.arraycopy(d, at + 1, d, at + 2, ndigits - 1);
            d[at + 1] = '.';
            idx = ndigits + 1;
        }
        d[at + idx++] = 'e';
        d[at + idx++] = (byte) (kk + ndigits - 1 < 0 ? '-' : '+');
        int cent = 0;
        if (exp > 99) {
            cent = exp / 100;
            d[at + idx++] = (byte) ('0' + cent);
            exp -= cent * 100;
        }
        if (exp > 9) {
            int dec = exp / 10;
            d[at + idx++] = (byte) ('0' + dec);
            exp -= dec * 10;
        } else if (cent != 0) {
            d[at + idx++] = '0';
        }
        d[at + idx++] = (byte) ('0' + exp % 10);
        return idx;
    }
}
