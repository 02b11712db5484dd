package io.cinnabar.benchmarks.cputime;

import com.googlecode.concurrenttrees.radix.ConcurrentRadixTree;
import com.googlecode.concurrenttrees.radix.node.concrete.DefaultByteArrayNodeFactory;
import io.cinnabar.rax.Rax;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rax.RaxSeek;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The operations of {@code rax.RaxBenchmark} (1 M stream IDs: find, seek + 10-entry scan, append + trim) timed
 * in thread CPU time with {@link CpuTimeHarness}:
 * {@code java -Xms3g -Xmx3g -cp benchmarks.jar io.cinnabar.benchmarks.cputime.RaxCpuTime}.
 */
public final class RaxCpuTime {
    private static final Object VALUE = new Object();

    private RaxCpuTime() {
    }

    static byte[] id(long i) {
        long ms = 1_700_000_000_000L + (i >> 2);
        long seq = i & 3;
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (ms >>> (56 - 8 * k));
            b[8 + k] = (byte) (seq >>> (56 - 8 * k));
        }
        return b;
    }

    public static void main(String[] args) {
        int n = 1_000_000;
        Rax<Object> rax = new Rax<>();
        TreeMap<byte[], Object> tree = new TreeMap<>(Arrays::compareUnsigned);
        ConcurrentRadixTree<Object> crt = new ConcurrentRadixTree<>(new DefaultByteArrayNodeFactory());
        for (int i = 0; i < n; i++) {
            byte[] k = id(i);
            rax.insert(k, VALUE);
            tree.put(k, VALUE);
            crt.put(new String(k, StandardCharsets.ISO_8859_1), VALUE);
        }
        Random r = new Random(7);
        byte[][] probes = new byte[4096][];
        String[] probeStrings = new String[probes.length];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = id(r.nextInt(n));
            probeStrings[i] = new String(probes[i], StandardCharsets.ISO_8859_1);
        }
        int ops = 200_000;
        int rounds = 7;
        int[] c = {0};
        CpuTimeHarness.measure("find Rax", ops, rounds, () -> rax.find(probes[c[0]++ & 4095]) == null ? 0 : 1);
        CpuTimeHarness.measure("find TreeMap", ops, rounds, () -> tree.get(probes[c[0]++ & 4095]) == null ? 0 : 1);
        CpuTimeHarness.measure("find ConcurrentRadixTree", ops, rounds,
            () -> crt.getValueForExactKey(probeStrings[c[0]++ & 4095]) == null ? 0 : 1);
        RaxIterator<Object> it = rax.iterator();
        CpuTimeHarness.measure("seekScan Rax", ops / 4, rounds, () -> {
            it.seek(RaxSeek.GE, probes[c[0]++ & 4095]);
            long s = 0;
            for (int i = 0; i < 10 && it.next(); i++) {
                s += it.keyLength();
            }
            return s;
        });
        CpuTimeHarness.measure("seekScan TreeMap", ops / 4, rounds, () -> {
            Iterator<Map.Entry<byte[], Object>> i = tree.tailMap(probes[c[0]++ & 4095], true).entrySet().iterator();
            long s = 0;
            for (int k = 0; k < 10 && i.hasNext(); k++) {
                s += i.next().getKey().length;
            }
            return s;
        });
        long[] headTail = {0, n, 0, n, 0, n};
        CpuTimeHarness.measure("appendTrim Rax", ops, rounds, () -> {
            rax.insert(id(headTail[1]++), VALUE);
            return rax.remove(id(headTail[0]++)) ? 1 : 0;
        });
        CpuTimeHarness.measure("appendTrim TreeMap", ops, rounds, () -> {
            tree.put(id(headTail[3]++), VALUE);
            return tree.remove(id(headTail[2]++)) == null ? 0 : 1;
        });
        CpuTimeHarness.measure("appendTrim ConcurrentRadixTree", ops / 4, rounds, () -> {
            crt.put(new String(id(headTail[5]++), StandardCharsets.ISO_8859_1), VALUE);
            return crt.remove(new String(id(headTail[4]++), StandardCharsets.ISO_8859_1)) ? 1 : 0;
        });
        System.out.println("(sink " + CpuTimeHarness.sink() + ")");
    }
}
