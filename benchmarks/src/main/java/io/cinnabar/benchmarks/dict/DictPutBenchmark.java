package io.cinnabar.benchmarks.dict;

import io.cinnabar.dict.Dict;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;
import org.agrona.collections.Object2ObjectHashMap;
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

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Average time per insert while filling an empty map with 100,000 {@code byte[]} keys, growth included:
 * Dict against {@link HashMap}, Agrona {@code Object2ObjectHashMap} and fastutil {@code Object2ObjectOpenHashMap}
 * (the latter three with a {@link Bytes} wrapper built per insert).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DictPutBenchmark {
    static final int N = 100_000;
    private final Integer value = 42;
    private byte[][] keys;

    @Setup
    public void setup() {
        keys = Keys.make(N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object putDict() {
        Dict<Integer> d = new Dict<>();
        for (byte[] k : keys) {
            d.put(k, value);
        }
        return d;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object putHashMap() {
        HashMap<Bytes, Integer> m = new HashMap<>();
        for (byte[] k : keys) {
            m.put(new Bytes(k), value);
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object putAgrona() {
        Object2ObjectHashMap<Bytes, Integer> m = new Object2ObjectHashMap<>();
        for (byte[] k : keys) {
            m.put(new Bytes(k), value);
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object putFastutil() {
        Object2ObjectOpenHashMap<Bytes, Integer> m = new Object2ObjectOpenHashMap<>();
        for (byte[] k : keys) {
            m.put(new Bytes(k), value);
        }
        return m;
    }
}
