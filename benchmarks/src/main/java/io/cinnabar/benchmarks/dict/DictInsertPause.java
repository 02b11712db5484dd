package io.cinnabar.benchmarks.dict;

import io.cinnabar.dict.Dict;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;
import org.agrona.collections.Object2ObjectHashMap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The worst single insert while a map grows from empty to N keys: every insert is timed twice, in wall-clock
 * time ({@link System#nanoTime()}) and in CPU time of the inserting thread ({@code ThreadMXBean}), then max,
 * p99.9 and p99.99 of each are printed with the sizes at which the five slowest inserts happened. The CPU time
 * leaves out the time the thread was descheduled, which on a shared machine otherwise hides the structure's own
 * pauses behind the scheduler's. This is the pause incremental rehashing exists to remove: a {@link HashMap} doubles its table
 * in one call that moves every entry, while Dict moves one bucket per operation.
 *
 * <p>Run one map per JVM (N defaults to 10,000,000). With Epsilon GC no collection can pause the loop, so what
 * remains is the structure's own work (and the JVM zeroing newly allocated arrays):
 * <pre>
 * java -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms6g -Xmx6g -XX:+AlwaysPreTouch \
 *      -cp benchmarks/target/benchmarks.jar io.cinnabar.benchmarks.dict.DictInsertPause dict 10000000
 * </pre>
 * Maps: {@code dict}, {@code hashmap}, {@code agrona}, {@code fastutil}. Keys ({@code "key:" + i}, and their
 * {@link Bytes} wrappers for the JDK and library maps) are built before the timed loop. A warm-up fill of
 * 1,000,000 keys into a throwaway map runs first so that the timed loop runs compiled code.
 */
public final class DictInsertPause {
    private DictInsertPause() {
    }

    interface Inserter {
        void insert(int i);
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "dict";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        byte[][] keys = Keys.make(n);
        Bytes[] wrapped = which.equals("dict") ? null : new Bytes[n];
        if (wrapped != null) {
            for (int i = 0; i < n; i++) {
                wrapped[i] = new Bytes(keys[i]);
            }
        }
        run(which, Math.min(n, 1_000_000), keys, wrapped, false);
        run(which, n, keys, wrapped, true);
    }

    private static Inserter inserter(String which, byte[][] keys, Bytes[] wrapped) {
        Integer v = 1;
        switch (which) {
            case "dict": {
                Dict<Integer> d = new Dict<>();
                return i -> d.add(keys[i], v);
            }
            case "hashmap": {
                Map<Bytes, Integer> m = new HashMap<>();
                return i -> m.put(wrapped[i], v);
            }
            case "agrona": {
                Object2ObjectHashMap<Bytes, Integer> m = new Object2ObjectHashMap<>();
                return i -> m.put(wrapped[i], v);
            }
            case "fastutil": {
                Object2ObjectOpenHashMap<Bytes, Integer> m = new Object2ObjectOpenHashMap<>();
                return i -> m.put(wrapped[i], v);
            }
            default:
                throw new IllegalArgumentException("unknown map " + which);
        }
    }

    private static void run(String which, int n, byte[][] keys, Bytes[] wrapped, boolean report) {
        Inserter ins = inserter(which, keys, wrapped);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int[] wall = new int[n];
        int[] cpu = new int[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            ins.insert(i);
            long dt = System.nanoTime() - t0;
            long dc = threads.getCurrentThreadCpuTime() - c0;
            wall[i] = (int) Math.min(dt, Integer.MAX_VALUE);
            cpu[i] = (int) Math.min(dc, Integer.MAX_VALUE);
        }
        long total = System.nanoTime() - start;
        if (report) {
            print(which + " wall", n, total, wall);
            print(which + " cpu ", n, total, cpu);
        }
    }

    private static void print(String label, int n, long total, int[] nanos) {
        int[] top = topIndexes(nanos, 5);
        int[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: %d inserts in %.0f ms; max %.3f ms, p99.99 %.1f us, p99.9 %.1f us, p50 %d ns%n",
            label, n, total / 1e6, sorted[n - 1] / 1e6, pct(sorted, 99.99) / 1e3, pct(sorted, 99.9) / 1e3,
            pct(sorted, 50));
        StringBuilder sb = new StringBuilder("  slowest inserts (ms @ size before insert):");
        for (int i : top) {
            sb.append(String.format(" %.3f@%d", nanos[i] / 1e6, i));
        }
        System.out.println(sb);
    }

    private static long pct(int[] sorted, double p) {
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100.0) - 1);
        return sorted[Math.max(0, idx)];
    }

    private static int[] topIndexes(int[] a, int k) {
        int[] best = new int[k];
        Arrays.fill(best, -1);
        for (int i = 0; i < a.length; i++) {
            int pos = k;
            while (pos > 0 && (best[pos - 1] < 0 || a[best[pos - 1]] < a[i])) {
                pos--;
            }
            if (pos < k) {
                System.arraycopy(best, pos, best, pos + 1, k - pos - 1);
                best[pos] = i;
            }
        }
        return best;
    }
}
