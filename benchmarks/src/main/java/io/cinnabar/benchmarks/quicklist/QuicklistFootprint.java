package io.cinnabar.benchmarks.quicklist;

import io.cinnabar.quicklist.Quicklist;

import java.util.ArrayDeque;
import java.util.LinkedList;
import java.util.function.Supplier;

/**
 * Bytes per element of 1 M short elements ("item:&lt;n&gt;", 6..11 bytes) in {@link Quicklist} (fill -2, without
 * and with compression depth 1), {@code ArrayDeque<byte[]>} and {@code LinkedList<byte[]>}. The element arrays
 * count: they are how the JDK collections store the elements, while the quicklist copies them into listpacks.
 *
 * <p>Method: settle the heap (System.gc() until used memory stops falling), record used memory, build the
 * structure, settle again: the delta divided by the element count. Run with a fixed heap, e.g.
 * {@code java -Xms2g -Xmx2g -XX:+UseSerialGC -cp benchmarks.jar io.cinnabar.benchmarks.quicklist.QuicklistFootprint}.
 * The quicklist's own estimate ({@link Quicklist#estimatedBytes()}) is printed next to it.
 */
public final class QuicklistFootprint {
    private QuicklistFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        for (int depth : new int[] {0, 1}) {
            Quicklist ql = measure("Quicklist(-2, " + depth + ")", n, () -> {
                Quicklist q = new Quicklist(-2, depth);
                for (int i = 0; i < n; i++) {
                    q.pushTail(QuicklistBenchmark.item(i));
                }
                return q;
            });
            System.out.printf("%-24s %8.1f bytes/element (estimatedBytes(), %d nodes)%n", "  estimate",
                (double) ql.estimatedBytes() / n, ql.nodeCount());
        }
        measure("ArrayDeque<byte[]>", n, () -> {
            ArrayDeque<byte[]> d = new ArrayDeque<>();
            for (int i = 0; i < n; i++) {
                d.addLast(QuicklistBenchmark.item(i));
            }
            return d;
        });
        measure("LinkedList<byte[]>", n, () -> {
            LinkedList<byte[]> l = new LinkedList<>();
            for (int i = 0; i < n; i++) {
                l.addLast(QuicklistBenchmark.item(i));
            }
            return l;
        });
    }

    private static <T> T measure(String name, int n, Supplier<T> build) {
        long before = settledUsed();
        T t = build.get();
        long after = settledUsed();
        System.out.printf("%-24s %8.1f bytes/element (heap delta after GC, %d elements)%n", name,
            (double) (after - before) / n, n);
        return t;
    }

    private static long settledUsed() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            long u = rt.totalMemory() - rt.freeMemory();
            if (u >= used && i >= 4) {
                return Math.min(u, used);
            }
            used = Math.min(u, used);
        }
        return used;
    }
}
