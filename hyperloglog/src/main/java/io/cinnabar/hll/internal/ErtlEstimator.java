package io.cinnabar.hll.internal;

/**
 * Otmar Ertl's improved raw estimator for HyperLogLog ("New cardinality estimation algorithms for HyperLogLog
 * sketches", arXiv:1702.01284, section 3), the one Redis's {@code hllCount} uses since 5.0. It works on the
 * histogram of register values, so it needs no bias tables and no linear-counting switch-over:
 * <pre>
 *   z = m * tau(1 - h[q+1] / m)
 *   for k = q .. 1:  z = (z + h[k]) / 2
 *   z = z + m * sigma(h[0] / m)
 *   E = round(alpha_inf * m^2 / z),  alpha_inf = 1 / (2 ln 2)
 * </pre>
 * with m = 16384 registers and q = 50 bits of hash left after the register index. Register values above q + 1
 * (only possible in crafted dense strings) are not part of the sum, as in Redis.
 * <p><b>Note:</b> This class is stateless and therefore threadsafe.
 */
public final class ErtlEstimator {
    /** 0.5 / ln 2, the estimator's constant for m going to infinity. */
    static final double ALPHA_INF = 0.721347520444481703680;

    private ErtlEstimator() {
    }

    /**
     * The estimate from a histogram of {@code m} registers ({@code histo[v]} = number of registers holding v, at
     * least {@code q + 2} slots). A result that does not fit a signed 64-bit integer gives {@code Long.MIN_VALUE},
     * as x86-64 Redis's {@code llroundl} does. O(q) plus the two series, which converge in a few dozen steps.
     */
    public static long estimate(int[] histo, int m, int q) {
        double mm = m;
        double z = mm * tau((mm - histo[q + 1]) / mm);
        for (int j = q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += mm * sigma(histo[0] / mm);
        double e = ALPHA_INF * mm * mm / z;
        if (!(e < 0x1p63)) {
            return Long.MIN_VALUE;
        }
        return Math.round(e); // e >= 0: half away from zero, as llroundl
    }

    /** sigma(x) = x + sum_k x^(2^k) 2^(k-1), iterated until it no longer changes; infinite at x = 1. */
    static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double y = 1;
        double z = x;
        double prev;
        do {
            x *= x;
            prev = z;
            z += x * y;
            y += y;
        } while (prev != z);
        return z;
    }

    /** tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3, iterated until it no longer changes. */
    static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double y = 1.0;
        double z = 1 - x;
        double prev;
        do {
            x = Math.sqrt(x);
            prev = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (prev != z);
        return z / 3;
    }
}
