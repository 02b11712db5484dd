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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Dict against the hash maps a Java developer would pick, with {@code byte[]} keys: {@link HashMap},
 * Agrona {@code Object2ObjectHashMap} (open addressing) and fastutil {@code Object2ObjectOpenHashMap}. The JDK and
 * library maps need a key wrapper ({@link Bytes}); a lookup builds one from the bytes (hashing them), as a
 * lookup straight from a network buffer would, while Dict hashes the bytes with SipHash-1-2.
 *
 * Reported: average time of one successful lookup, keys in shuffled order, in a table of {@code size}
 * keys. See {@link DictPutBenchmark} for inserts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DictGetBenchmark {
    static final int BATCH = 1024;

    @Param({"100000", "1000000"})
    public int size;

    private byte[][] keys;
    private int[] order;
    private int pos;
    private final Integer value = 42;

    private Dict<Integer> dict;
    private HashMap<Bytes, Integer> hashMap;
    private Object2ObjectHashMap<Bytes, Integer> agrona;
    private Object2ObjectOpenHashMap<Bytes, Integer> fastutil;

    @Setup
    public void setup() {
        keys = Keys.make(size);
        order = Keys.shuffled(size, 7);
        dict = new Dict<>();
        hashMap = new HashMap<>();
        agrona = new Object2ObjectHashMap<>();
        fastutil = new Object2ObjectOpenHashMap<>();
        for (byte[] k : keys) {
            dict.add(k, value);
            hashMap.put(new Bytes(k), value);
            agrona.put(new Bytes(k), value);
            fastutil.put(new Bytes(k), value);
        }
        dict.rehashFor(10_000_000);
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
    public int getDict() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += dict.get(keys[order[p + i]]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getHashMap() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += hashMap.get(new Bytes(keys[order[p + i]]));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getAgrona() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += agrona.get(new Bytes(keys[order[p + i]]));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getFastutil() {
        int p = nextBatchStart();
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += fastutil.get(new Bytes(keys[order[p + i]]));
        }
        return sum;
    }
}
