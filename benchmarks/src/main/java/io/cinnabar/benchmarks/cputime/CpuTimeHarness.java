package io.cinnabar.benchmarks.cputime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A companion to the JMH benchmarks for a shared, overloaded machine: it measures the <em>CPU time of the
 * measuring thread</em> ({@link ThreadMXBean#getCurrentThreadCpuTime()}) per operation, which time slicing by
 * other processes does not inflate the way it inflates wall-clock time. Each case runs a warm-up, then
 * {@code rounds} rounds of {@code ops} operations; the median round is reported in ns per operation. Caches are
 * still shared with the other processes, so the numbers remain approximate.
 */
public final class CpuTimeHarness {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static long sink;

    private CpuTimeHarness() {
    }

    /** Runs {@code op} (one operation per call, returning something to keep) and prints the median CPU ns/op. */
    public static double measure(String name, int ops, int rounds, LongSupplier op) {
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < ops; i++) {
                sink += op.getAsLong();
            }
        }
        double[] perOp = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink += op.getAsLong();
            }
            perOp[r] = (double) (MX.getCurrentThreadCpuTime() - t0) / ops;
        }
        Arrays.sort(perOp);
        double median = perOp[rounds / 2];
        System.out.printf("%-36s %12.1f ns/op CPU (median of %d rounds of %d ops; min %.1f, max %.1f)%n",
            name, median, rounds, ops, perOp[0], perOp[rounds - 1]);
        return median;
    }

    /** Keeps the JIT from discarding results. */
    public static long sink() {
        return sink;
    }
}
