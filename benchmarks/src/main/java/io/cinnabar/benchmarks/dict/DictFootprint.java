package io.cinnabar.benchmarks.dict;

import io.cinnabar.dict.Dict;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;
import org.agrona.collections.Object2ObjectHashMap;

import java.util.HashMap;

/**
 * Bytes of structure per entry: heap in use after a full GC with N entries in the map, minus before, divided by
 * N. Keys are allocated before the first measurement (so they are not counted) and every value is the same
 * object; a JDK or library map's {@link Bytes} wrapper is counted, since such a map cannot work without it.
 * <pre>
 * java -XX:+UseSerialGC -Xmx3g -cp benchmarks/target/benchmarks.jar io.cinnabar.benchmarks.dict.DictFootprint 1000000
 * </pre>
 * Sizes just after a doubling and just before one give the range (the bucket array is half or fully used).
 */
public final class DictFootprint {
    static Object keep;

    private DictFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        byte[][] keys = Keys.make(n);
        for (String which : new String[] {"dict", "hashmap", "agrona", "fastutil"}) {
            long before = used();
            keep = build(which, keys);
            long after = used();
            System.out.printf("%-9s %d entries: %.1f bytes/entry%n", which, n, (after - before) / (double) n);
            keep = null;
        }
    }

    private static Object build(String which, byte[][] keys) {
        Integer v = 1;
        switch (which) {
            case "dict": {
                Dict<Integer> d = new Dict<>();
                for (byte[] k : keys) {
                    d.add(k, v);
                }
                d.rehashFor(60_000_000);
                return d;
            }
            case "hashmap": {
                HashMap<Bytes, Integer> m = new HashMap<>();
                for (byte[] k : keys) {
                    m.put(new Bytes(k), v);
                }
                return m;
            }
            case "agrona": {
                Object2ObjectHashMap<Bytes, Integer> m = new Object2ObjectHashMap<>();
                for (byte[] k : keys) {
                    m.put(new Bytes(k), v);
                }
                return m;
            }
            default: {
                Object2ObjectOpenHashMap<Bytes, Integer> m = new Object2ObjectOpenHashMap<>();
                for (byte[] k : keys) {
                    m.put(new Bytes(k), v);
                }
                return m;
            }
        }
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
