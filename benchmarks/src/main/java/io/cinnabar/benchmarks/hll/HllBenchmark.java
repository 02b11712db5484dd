package io.cinnabar.benchmarks.hll;

import io.cinnabar.server.internal.type.hll.Hll;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;

/**
 * The server's HyperLogLog ({@link Hll}, the code behind PFADD and PFCOUNT) against an exact HashSet&lt;String&gt;,
 * the obvious Java way to count distinct elements (no HLL library is a dependency of the build):
 * <ul>
 *   <li>add: 1024 distinct elements per invocation into a sparse HLL (new each time: the sparse encoding is only
 *       used for small sets, and each add scans it), into a dense HLL (steady state), and into a new HashSet;</li>
 *   <li>count: PFCOUNT's work with a stale cache (register histogram + Ertl estimator) on a dense HLL of 100000
 *       elements and on a sparse one of 500;</li>
 *   <li>distinct100k: the whole job, 100000 elements added then counted, HLL vs HashSet.</li>
 * </ul>
 * Elements are "element:&lt;n&gt;" strings, prepared as bytes (HLL) and Strings (HashSet) in setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HllBenchmark {
    private static final int BATCH = 1024;
    private static final int POOL = 1 << 20;
    private static final long MAX_BYTES = Hll.DEFAULT_SPARSE_MAX_BYTES;

    private byte[][] elements;
    private String[] strings;
    private Hll dense;
    private Hll denseCounted;
    private Hll sparseCounted;
    private int next;
    private final long[] card = new long[1];

    @Setup
    public void setup() {
        elements = new byte[POOL][];
        strings = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            strings[i] = "element:" + i;
            elements[i] = strings[i].getBytes(StandardCharsets.US_ASCII);
        }
        dense = new Hll();
        dense.toDense();
        denseCounted = new Hll();
        for (int i = 0; i < 100_000; i++) {
            denseCounted.add(elements[i], 0, elements[i].length, MAX_BYTES);
        }
        sparseCounted = new Hll();
        for (int i = 0; i < 500; i++) {
            sparseCounted.add(elements[i], 0, elements[i].length, MAX_BYTES);
        }
        if (denseCounted.encoding() != Hll.DENSE || sparseCounted.encoding() != Hll.SPARSE) {
            throw new IllegalStateException("unexpected encodings");
        }
    }

    private int start() {
        int s = next;
        next = (next + BATCH) & (POOL - 1);
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Hll pfaddSparse() {
        Hll h = new Hll();
        int s = start();
        for (int i = s; i < s + BATCH; i++) {
            h.add(elements[i], 0, elements[i].length, MAX_BYTES);
        }
        return h;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int pfaddDense() {
        int s = start();
        int changed = 0;
        for (int i = s; i < s + BATCH; i++) {
            changed += dense.add(elements[i], 0, elements[i].length, MAX_BYTES);
        }
        return changed;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public HashSet<String> hashSetAdd() {
        HashSet<String> set = new HashSet<>();
        int s = start();
        for (int i = s; i < s + BATCH; i++) {
            set.add(strings[i]);
        }
        return set;
    }

    @Benchmark
    public long pfcountDense() {
        denseCounted.count(card);
        return card[0];
    }

    @Benchmark
    public long pfcountSparse() {
        sparseCounted.count(card);
        return card[0];
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    public long distinct100kHll() {
        Hll h = new Hll();
        for (int i = 0; i < 100_000; i++) {
            h.add(elements[i], 0, elements[i].length, MAX_BYTES);
        }
        h.count(card);
        return card[0];
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    public int distinct100kHashSet() {
        HashSet<String> set = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            set.add(strings[i]);
        }
        return set.size();
    }
}
