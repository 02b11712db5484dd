package io.cinnabar.server.internal;

/**
 * Per-command latency distribution for {@code INFO latencystats}: counts in buckets of powers of 2^(1/8) of a
 * microsecond (about 9% wide), which bounds the reported percentile's error to one bucket, from 1 us to about
 * 18 minutes. Redis uses an HdrHistogram with 2 significant digits; the figures agree within that precision.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class LatencyHistogram {
    private static final int SUB = 8;
    private static final int BUCKETS = 30 * SUB;
    private long[] counts;
    private long total;

    void record(long usec) {
        if (counts == null) {
            counts = new long[BUCKETS];
        }
        int b = bucket(Math.max(1, usec));
        counts[b]++;
        total++;
    }

    private static int bucket(long v) {
        double l = Math.log(v) / Math.log(2) * SUB;
        int b = (int) Math.ceil(l - 1e-9);
        return Math.min(BUCKETS - 1, Math.max(0, b));
    }

    private static double upper(int b) {
        return Math.pow(2, (double) b / SUB);
    }

    long total() {
        return total;
    }

    /** The value at percentile p (0..100), in microseconds. */
    double percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * total);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.floor(upper(i) * 1000) / 1000;
            }
        }
        return upper(BUCKETS - 1);
    }

    /** Cumulative counts at power-of-two bounds (1, 2, 4 ... us), from the first non-empty one to the last. */
    long[][] powersOfTwo() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        if (total == 0) {
            return new long[0][];
        }
        long cum = 0;
        for (int k = 0; k * SUB < BUCKETS; k++) {
            for (int b = Math.max(0, (k - 1) * SUB + 1); b <= k * SUB && b < BUCKETS; b++) {
                if (k == 0 && b > 0) {
                    break;
                }
                cum += counts[b];
            }
            if (cum > 0) {
                out.add(new long[] {1L << k, cum});
            }
            if (cum == total) {
                break;
            }
        }
        return out.toArray(new long[0][]);
    }

    void reset() {
        counts = null;
        total = 0;
    }
}
