package io.cinnabar.benchmarks.hll;

import io.cinnabar.server.internal.type.hll.Hll;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;

/**
 * Memory of a distinct count, HLL against HashSet&lt;String&gt;. The HLL figure is exact: the length of the string
 * Redis and Cinnabar store (sparse until {@code hll-sparse-max-bytes}, then 12304 bytes), plus the count's error. The
 * HashSet figure is the growth of used heap (after repeated System.gc()) while holding one set of n "element:&lt;i&gt;"
 * Strings (several sets for small n), divided by the number of elements. Run: {@code java -cp benchmarks.jar io.cinnabar.benchmarks.hll.HllFootprint}.
 */
public final class HllFootprint {
    private HllFootprint() {
    }

    public static void main(String[] args) {
        System.out.printf("%10s %12s %8s %10s %16s%n", "n", "HLL bytes", "enc", "estimate", "HashSet B/elem");
        for (int n : new int[] {100, 1000, 2000, 10_000, 100_000, 1_000_000}) {
            Hll h = new Hll();
            for (int i = 0; i < n; i++) {
                byte[] e = ("element:" + i).getBytes(StandardCharsets.US_ASCII);
                h.add(e, 0, e.length, Hll.DEFAULT_SPARSE_MAX_BYTES);
            }
            long[] card = new long[1];
            h.count(card);
            System.out.printf("%10d %12d %8s %10d %16.1f%n", n, h.length(),
                h.encoding() == Hll.DENSE ? "dense" : "sparse", card[0], hashSetBytesPerElement(n));
        }
    }

    /** Holds max(1, 200000 / n) sets at once so that small sets are measured over enough bytes. */
    private static double hashSetBytesPerElement(int n) {
        int sets = Math.max(1, 200_000 / n);
        java.util.List<HashSet<String>> keep = new java.util.ArrayList<>(sets);
        long before = used();
        for (int k = 0; k < sets; k++) {
            HashSet<String> set = new HashSet<>();
            for (int i = 0; i < n; i++) {
                set.add("element:" + i);
            }
            keep.add(set);
        }
        long after = used();
        if (keep.size() != sets || keep.get(0).size() != n) {
            throw new AssertionError();
        }
        return (after - before) / (double) ((long) sets * n);
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
