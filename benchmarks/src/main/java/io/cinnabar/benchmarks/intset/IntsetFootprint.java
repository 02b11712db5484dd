package io.cinnabar.benchmarks.intset;

import io.cinnabar.intset.Intset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Bytes per element of Intset and TreeSet&lt;Long&gt;, measured as the growth of used heap (after repeated
 * System.gc()) while holding {@code sets} sets of {@code size} random elements each, divided by the number of
 * elements. Run: {@code java -cp benchmarks.jar io.cinnabar.benchmarks.intset.IntsetFootprint [size] [sets]}.
 */
public final class IntsetFootprint {
    private IntsetFootprint() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int sets = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        System.out.printf("%d sets of %d elements (%s)%n", sets, size, System.getProperty("java.vm.name"));
        for (int enc : new int[] {2, 4, 8}) {
            long min = enc == 2 ? 1_000 : enc == 4 ? 100_000 : 10_000_000_000L;
            System.out.printf("int%-2d  Intset   %6.2f bytes/element   TreeSet<Long> %6.2f bytes/element%n", enc * 8,
                measure(size, sets, min, true), measure(size, sets, min, false));
        }
    }

    private static double measure(int size, int sets, long min, boolean intset) {
        Random r = new Random(1);
        List<Object> keep = new ArrayList<>(sets);
        long before = used();
        for (int i = 0; i < sets; i++) {
            if (intset) {
                Intset s = new Intset();
                while (s.size() < size) {
                    s.add(min + r.nextInt(20_000));
                }
                s.trimToSize();
                keep.add(s);
            } else {
                TreeSet<Long> s = new TreeSet<>();
                while (s.size() < size) {
                    s.add(min + r.nextInt(20_000));
                }
                keep.add(s);
            }
        }
        long after = used();
        if (keep.size() != sets) {
            throw new AssertionError();
        }
        return (after - before) / (double) ((long) sets * size);
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
