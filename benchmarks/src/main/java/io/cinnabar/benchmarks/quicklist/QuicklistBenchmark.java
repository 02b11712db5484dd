package io.cinnabar.benchmarks.quicklist;

import io.cinnabar.quicklist.Quicklist;
import io.cinnabar.quicklist.QuicklistIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.concurrent.TimeUnit;

/**
 * A Redis list's operations on {@code size} short elements ("item:&lt;n&gt;", what queues hold) for
 * {@link Quicklist} with Redis's default fill (-2, 8 KiB nodes) without and with compression (depth 1), against
 * {@code ArrayDeque<byte[]>} and {@code LinkedList<byte[]>}:
 * <ul>
 *   <li>pushPop: RPUSH a new element and LPOP the head (a queue at constant length);</li>
 *   <li>index: LINDEX of the middle element (ArrayDeque has no index access and is left out);</li>
 *   <li>scan: read every element head to tail (LRANGE 0 -1), per list.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class QuicklistBenchmark {
    @Param({"100000"})
    public int size;

    private Quicklist quicklist;
    private Quicklist compressed;
    private ArrayDeque<byte[]> deque;
    private LinkedList<byte[]> linked;
    private byte[][] values;
    private int next;

    static byte[] item(int i) {
        return ("item:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Setup
    public void setup() {
        quicklist = new Quicklist(-2, 0);
        compressed = new Quicklist(-2, 1);
        deque = new ArrayDeque<>();
        linked = new LinkedList<>();
        for (int i = 0; i < size; i++) {
            byte[] v = item(i);
            quicklist.pushTail(v);
            compressed.pushTail(v);
            deque.addLast(v);
            linked.addLast(v);
        }
        values = new byte[1024][];
        for (int i = 0; i < values.length; i++) {
            values[i] = item(size + i);
        }
    }

    private byte[] value() {
        return values[next++ & (values.length - 1)];
    }

    @Benchmark
    public byte[] pushPopQuicklist() {
        quicklist.pushTail(value());
        return quicklist.popHead();
    }

    @Benchmark
    public byte[] pushPopQuicklistCompressed() {
        compressed.pushTail(value());
        return compressed.popHead();
    }

    @Benchmark
    public byte[] pushPopArrayDeque() {
        deque.addLast(value());
        return deque.pollFirst();
    }

    @Benchmark
    public byte[] pushPopLinkedList() {
        linked.addLast(value());
        return linked.pollFirst();
    }

    @Benchmark
    public byte[] indexQuicklist() {
        return quicklist.get(size / 2);
    }

    @Benchmark
    public byte[] indexQuicklistCompressed() {
        return compressed.get(size / 2);
    }

    @Benchmark
    public byte[] indexLinkedList() {
        return linked.get(size / 2);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long scanQuicklist() {
        return scan(quicklist);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long scanQuicklistCompressed() {
        return scan(compressed);
    }

    private static long scan(Quicklist ql) {
        long sum = 0;
        try (QuicklistIterator it = ql.iterator(true)) {
            while (it.next()) {
                sum += it.value().length;
            }
        }
        return sum;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long scanArrayDeque() {
        long sum = 0;
        for (Iterator<byte[]> it = deque.iterator(); it.hasNext(); ) {
            sum += it.next().length;
        }
        return sum;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long scanLinkedList() {
        long sum = 0;
        for (Iterator<byte[]> it = linked.iterator(); it.hasNext(); ) {
            sum += it.next().length;
        }
        return sum;
    }
}
