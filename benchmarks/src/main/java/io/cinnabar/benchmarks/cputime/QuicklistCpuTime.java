package io.cinnabar.benchmarks.cputime;

import io.cinnabar.quicklist.Quicklist;
import io.cinnabar.quicklist.QuicklistIterator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedList;

/**
 * The operations of {@code quicklist.QuicklistBenchmark} (100 000 elements "item:&lt;n&gt;": RPUSH + LPOP,
 * LINDEX of the middle, a full scan) timed in thread CPU time with {@link CpuTimeHarness}:
 * {@code java -Xms3g -Xmx3g -cp benchmarks.jar io.cinnabar.benchmarks.cputime.QuicklistCpuTime}.
 */
public final class QuicklistCpuTime {
    private QuicklistCpuTime() {
    }

    static byte[] item(int i) {
        return ("item:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) {
        int n = 100_000;
        Quicklist ql = new Quicklist(-2, 0);
        Quicklist qc = new Quicklist(-2, 1);
        ArrayDeque<byte[]> deque = new ArrayDeque<>();
        LinkedList<byte[]> linked = new LinkedList<>();
        for (int i = 0; i < n; i++) {
            byte[] v = item(i);
            ql.pushTail(v);
            qc.pushTail(v);
            deque.addLast(v);
            linked.addLast(v);
        }
        byte[][] values = new byte[1024][];
        for (int i = 0; i < values.length; i++) {
            values[i] = item(n + i);
        }
        int[] c = {0};
        int ops = 200_000;
        int rounds = 7;
        CpuTimeHarness.measure("pushPop Quicklist(-2,0)", ops, rounds, () -> {
            ql.pushTail(values[c[0]++ & 1023]);
            return ql.popHead().length;
        });
        CpuTimeHarness.measure("pushPop Quicklist(-2,1)", ops, rounds, () -> {
            qc.pushTail(values[c[0]++ & 1023]);
            return qc.popHead().length;
        });
        CpuTimeHarness.measure("pushPop ArrayDeque", ops, rounds, () -> {
            deque.addLast(values[c[0]++ & 1023]);
            return deque.pollFirst().length;
        });
        CpuTimeHarness.measure("pushPop LinkedList", ops, rounds, () -> {
            linked.addLast(values[c[0]++ & 1023]);
            return linked.pollFirst().length;
        });
        CpuTimeHarness.measure("index(middle) Quicklist(-2,0)", ops / 10, rounds, () -> ql.get(n / 2).length);
        CpuTimeHarness.measure("index(middle) Quicklist(-2,1)", ops / 100, rounds, () -> qc.get(n / 2).length);
        CpuTimeHarness.measure("index(middle) LinkedList", 200, rounds, () -> linked.get(n / 2).length);
        CpuTimeHarness.measure("scan 100k Quicklist(-2,0)", 20, rounds, () -> scan(ql));
        CpuTimeHarness.measure("scan 100k Quicklist(-2,1)", 20, rounds, () -> scan(qc));
        CpuTimeHarness.measure("scan 100k ArrayDeque", 20, rounds, () -> {
            long s = 0;
            for (Iterator<byte[]> it = deque.iterator(); it.hasNext(); ) {
                s += it.next().length;
            }
            return s;
        });
        CpuTimeHarness.measure("scan 100k LinkedList", 20, rounds, () -> {
            long s = 0;
            for (Iterator<byte[]> it = linked.iterator(); it.hasNext(); ) {
                s += it.next().length;
            }
            return s;
        });
        System.out.println("(sink " + CpuTimeHarness.sink() + ")");
    }

    private static long scan(Quicklist q) {
        long s = 0;
        try (QuicklistIterator it = q.iterator(true)) {
            while (it.next()) {
                s += it.value().length;
            }
        }
        return s;
    }
}
