package io.cinnabar.benchmarks.keyspace;

import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;
import io.cinnabar.server.internal.keyspace.mem.SlabAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's off-heap key table ({@code io.cinnabar.server.internal.keyspace.mem}, not yet wired into the
 * keyspace) against the map a Java developer would pick, {@code HashMap<ByteKey, byte[]>}, for string keys with
 * {@code valueSize}-byte values, as GET / SET-overwrite / DEL+SET would use them:
 * <ul>
 * <li>get: find the key from a byte slice and copy the value out (into a reply buffer);</li>
 * <li>overwrite: replace the value with another of the same size (the map gets a fresh copy, as a SET from a
 *     network buffer must; the table rewrites the entry in place);</li>
 * <li>deleteAndPut: delete a key and insert it again (allocation and free of a whole entry).</li>
 * </ul>
 * Keys are Redis-like ("key:" + a number) in shuffled order; the map's wrapper is built per lookup, as a lookup
 * straight from a network buffer would need. Average time per operation.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar OffHeapTableBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffHeapTableBenchmark {
    static final int BATCH = 1024;

    @Param({"1000000"})
    public int size;

    @Param({"32"})
    public int valueSize;

    private byte[][] keys;
    private int[] order;
    private int pos;
    private byte[] value;
    private byte[] value2;
    private final byte[] reply = new byte[1024];

    private OffHeapKeyTable<Object> table;
    private HashMap<ByteKey, byte[]> map;

    @Setup
    public void setup() {
        keys = ByteKey.keys(size);
        order = ByteKey.shuffled(size, 7);
        value = new byte[valueSize];
        value2 = new byte[valueSize];
        java.util.Arrays.fill(value, (byte) 'v');
        java.util.Arrays.fill(value2, (byte) 'w');
        table = new OffHeapKeyTable<>(new SlabAllocator());
        map = new HashMap<>();
        for (byte[] k : keys) {
            table.putString(k, 0, k.length, value, 0, valueSize, valueSize > 44);
            map.put(new ByteKey(k, 0, k.length), value.clone());
        }
        while (table.rehash(1000)) {
            // finish a resize started by the last inserts
        }
    }

    private int nextBatchStart() {
        if (pos + BATCH > size) {
            pos = 0;
        }
        int p = pos;
        pos += BATCH;
        return p;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getOffHeap() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            long e = table.find(k, 0, k.length);
            int n = table.stringLength(e);
            table.copyString(e, 0, reply, 0, n);
            sum += reply[n - 1];
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getHashMap() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            byte[] v = map.get(new ByteKey(k, 0, k.length));
            System.arraycopy(v, 0, reply, 0, v.length);
            sum += reply[v.length - 1];
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long overwriteOffHeap() {
        int p = nextBatchStart();
        byte[] v = (p & BATCH) == 0 ? value : value2;
        long x = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            x += table.putString(k, 0, k.length, v, 0, v.length, valueSize > 44);
        }
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int overwriteHashMap() {
        int p = nextBatchStart();
        byte[] v = (p & BATCH) == 0 ? value : value2;
        int x = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            byte[] old = map.put(new ByteKey(k.clone(), 0, k.length), v.clone());
            x += old.length;
        }
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long deleteAndPutOffHeap() {
        int p = nextBatchStart();
        long x = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            table.delete(k, 0, k.length);
            x += table.putString(k, 0, k.length, value, 0, valueSize, valueSize > 44);
        }
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int deleteAndPutHashMap() {
        int p = nextBatchStart();
        int x = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] k = keys[order[p + i]];
            map.remove(new ByteKey(k, 0, k.length));
            map.put(new ByteKey(k.clone(), 0, k.length), value.clone());
            x += map.size();
        }
        return x;
    }
}
