package io.cinnabar.server.internal.command;

/**
 * Per-command latency distribution for {@code INFO latencystats} and {@code LATENCY HISTOGRAM}: log-linear
 * buckets, 8 per power of two (values below 8 us exact), so a reported percentile is the upper bound of a bucket at
 * most 12.5% wide. Recording is a few bit operations and one array increment. Redis uses an HdrHistogram with 2
 * significant digits; the figures agree within this bucket width.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class LatencyHistogram {
    private static final int BUCKETS = 8 + 61 * 8;
    private long[] counts;
    private long total;

    void record(long usec) {
        if (counts == null) {
            counts = new long[BUCKETS];
        }
        counts[bucket(Math.max(1, usec))]++;
        total++;
    }

    /** v &lt; 8: bucket v; else power p = floor(log2 v) &gt;= 3 and the next 3 bits select one of 8 sub-buckets. */
    static int bucket(long v) {
        if (v < 8) {
            return (int) v;
        }
        int p = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (p - 3)) & 7);
        return (p - 2) * 8 + sub;
    }

    /** The largest value that falls into bucket b. */
    static long upper(int b) {
        if (b < 8) {
            return b;
        }
        int p = b / 8 + 2;
        int sub = b % 8;
        return ((8L + sub + 1) << (p - 3)) - 1;
    }

    public long total() {
        return total;
    }

    /** The value at percentile p (0..100), in microseconds: the upper bound of the bucket holding that rank. */
    public double percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upper(i);
            }
        }
        return upper(BUCKETS - 1);
    }

    /** Cumulative counts at power-of-two bounds (1, 2, 4 ... us), from the first non-empty one to the last. */
    public long[][] powersOfTwo() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        if (total == 0) {
            return new long[0][];
        }
        long cum = 0;
        int b = 0;
        for (int k = 0; k < 63 && cum < total; k++) {
            long bound = 1L << k;
            while (b < BUCKETS && upper(b) < bound) {
                cum += counts[b++];
            }
            if (cum > 0) {
                out.add(new long[] {bound, cum});
            }
        }
        return out.toArray(new long[0][]);
    }

    public void reset() {
        counts = null;
        total = 0;
    }
}
