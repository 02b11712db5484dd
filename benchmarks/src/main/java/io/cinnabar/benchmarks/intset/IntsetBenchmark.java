package io.cinnabar.benchmarks.intset;

import io.cinnabar.intset.Intset;
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

import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Intset against TreeSet&lt;Long&gt;, the sorted set of longs a Java developer would pick: membership tests
 * (half hits, half misses) on a set of {@code size} elements, and building a set of {@code size} elements from
 * random values. Values fit 32 bits (int32 encoding), outside the Long cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IntsetBenchmark {
    private static final int PROBES = 1024;

    @Param({"128", "512", "8192"})
    public int size;

    private long[] values;
    private long[] probes;
    private Intset intset;
    private TreeSet<Long> treeSet;

    @Setup
    public void setup() {
        Random r = new Random(42);
        values = new long[size];
        intset = new Intset();
        treeSet = new TreeSet<>();
        for (int i = 0; i < size; i++) {
            values[i] = 100_000 + r.nextInt(1 << 30);
            intset.add(values[i]);
            treeSet.add(values[i]);
        }
        probes = new long[PROBES];
        for (int i = 0; i < PROBES; i++) {
            probes[i] = i % 2 == 0 ? values[r.nextInt(size)] : 100_000 + r.nextInt(1 << 30);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PROBES)
    public int containsIntset() {
        int hits = 0;
        for (long p : probes) {
            if (intset.contains(p)) {
                hits++;
            }
        }
        return hits;
    }

    @Benchmark
    @OperationsPerInvocation(PROBES)
    public int containsTreeSet() {
        int hits = 0;
        for (long p : probes) {
            if (treeSet.contains(p)) {
                hits++;
            }
        }
        return hits;
    }

    /** Per element added (the whole build divided by size). */
    @Benchmark
    public int buildIntset() {
        Intset s = new Intset();
        for (long v : values) {
            s.add(v);
        }
        return s.size();
    }

    @Benchmark
    public int buildTreeSet() {
        TreeSet<Long> s = new TreeSet<>();
        for (long v : values) {
            s.add(v);
        }
        return s.size();
    }
}
