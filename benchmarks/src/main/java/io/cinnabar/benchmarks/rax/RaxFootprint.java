package io.cinnabar.benchmarks.rax;

import com.googlecode.concurrenttrees.radix.ConcurrentRadixTree;
import com.googlecode.concurrenttrees.radix.node.concrete.DefaultByteArrayNodeFactory;
import io.cinnabar.rax.Rax;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Bytes per key of 1 M stream IDs (see {@link StreamIds}) in {@link Rax}, {@code TreeMap<byte[], V>} and
 * concurrent-trees' {@code ConcurrentRadixTree}, all mapping to one shared value object, so that only the
 * structure (and, for the TreeMap, its 16-byte key arrays, which are how it stores keys) is counted.
 *
 * <p>Method: for each structure, settle the heap (System.gc() until used memory stops falling), record used
 * memory, build the structure (the temporary key objects become garbage), settle again, record used memory:
 * the delta divided by the key count. Run with a fixed heap and no TLAB noise, e.g.
 * {@code java -Xms2g -Xmx2g -XX:+UseSerialGC -cp benchmarks.jar io.cinnabar.benchmarks.rax.RaxFootprint}.
 * The Rax's own estimate ({@link Rax#estimatedBytes()}) is printed next to it.
 */
public final class RaxFootprint {
    private static final Object VALUE = new Object();

    private RaxFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Rax<Object> rax = measure("Rax", n, () -> {
            Rax<Object> r = new Rax<>();
            for (int i = 0; i < n; i++) {
                r.insert(StreamIds.id(i), VALUE);
            }
            return r;
        });
        System.out.printf("%-22s %8.1f bytes/key (estimatedBytes(), %d nodes)%n", "Rax (estimate)",
            (double) rax.estimatedBytes() / n, rax.nodeCount());
        measure("TreeMap<byte[],V>", n, () -> {
            TreeMap<byte[], Object> t = new TreeMap<>(Arrays::compareUnsigned);
            for (int i = 0; i < n; i++) {
                t.put(StreamIds.id(i), VALUE);
            }
            return t;
        });
        measure("ConcurrentRadixTree", n, () -> {
            ConcurrentRadixTree<Object> t = new ConcurrentRadixTree<>(new DefaultByteArrayNodeFactory());
            for (int i = 0; i < n; i++) {
                t.put(StreamIds.latin1(StreamIds.id(i)), VALUE);
            }
            return t;
        });
    }

    private static <T> T measure(String name, int n, java.util.function.Supplier<T> build) {
        long before = settledUsed();
        T t = build.get();
        long after = settledUsed();
        System.out.printf("%-22s %8.1f bytes/key (heap delta after GC, %d keys)%n", name,
            (double) (after - before) / n, n);
        if (t.hashCode() == 42) {
            System.out.print("");
        }
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
