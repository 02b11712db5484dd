package io.cinnabar.benchmarks.skiplist;

import io.cinnabar.skiplist.ScoreRange;
import io.cinnabar.skiplist.ZSkipList;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * ZSkipList against the sorted maps a Java developer would pick for a sorted set, keyed by (score, member) in the
 * same order: {@link TreeMap} (red-black tree) and {@link ConcurrentSkipListMap}.
 * <ul>
 * <li>{@code insert*}: average time per insert while filling an empty structure with {@code size} elements.</li>
 * <li>{@code rank*}: the 0-based rank of a random element (ZRANK): O(log N) with spans; the JDK maps have no
 *     rank, so {@code headMap(k).size()}, which counts in O(rank).</li>
 * <li>{@code range*}: the 100 elements from a random score upward (ZRANGEBYSCORE s +inf LIMIT 0 100).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ZSkipListBenchmark {
    static final int FILL = 100_000;

    /** A (score, member) pair ordered as a sorted set orders it. */
    record Key(double score, byte[] member) {
    }

    static final Comparator<Key> ORDER = (a, b) ->
        a.score < b.score ? -1 : a.score > b.score ? 1 : Arrays.compareUnsigned(a.member, b.member);

    @Param({"100000"})
    public int size;

    private double[] scores;
    private byte[][] members;
    private Key[] keys;
    private ZSkipList zsl;
    private TreeMap<Key, Boolean> tree;
    private ConcurrentSkipListMap<Key, Boolean> csl;
    private SplittableRandom rnd;

    @Setup
    public void setup() {
        rnd = new SplittableRandom(3);
        scores = new double[size];
        members = new byte[size][];
        keys = new Key[size];
        zsl = new ZSkipList(5);
        tree = new TreeMap<>(ORDER);
        csl = new ConcurrentSkipListMap<>(ORDER);
        for (int i = 0; i < size; i++) {
            scores[i] = rnd.nextInt(1_000_000);
            members[i] = ("member:" + i).getBytes(StandardCharsets.US_ASCII);
            keys[i] = new Key(scores[i], members[i]);
            zsl.insert(scores[i], members[i]);
            tree.put(keys[i], Boolean.TRUE);
            csl.put(keys[i], Boolean.TRUE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(FILL)
    public Object insertZSkipList() {
        ZSkipList z = new ZSkipList(9);
        for (int i = 0; i < FILL; i++) {
            z.insert(scores[i], members[i]);
        }
        return z;
    }

    @Benchmark
    @OperationsPerInvocation(FILL)
    public Object insertTreeMap() {
        TreeMap<Key, Boolean> m = new TreeMap<>(ORDER);
        for (int i = 0; i < FILL; i++) {
            m.put(new Key(scores[i], members[i]), Boolean.TRUE);
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(FILL)
    public Object insertConcurrentSkipListMap() {
        ConcurrentSkipListMap<Key, Boolean> m = new ConcurrentSkipListMap<>(ORDER);
        for (int i = 0; i < FILL; i++) {
            m.put(new Key(scores[i], members[i]), Boolean.TRUE);
        }
        return m;
    }

    @Benchmark
    public long rankZSkipList() {
        int i = rnd.nextInt(size);
        return zsl.rank(scores[i], members[i]);
    }

    @Benchmark
    public long rankTreeMap() {
        return tree.headMap(keys[rnd.nextInt(size)]).size();
    }

    @Benchmark
    public long rankConcurrentSkipListMap() {
        return csl.headMap(keys[rnd.nextInt(size)]).size();
    }

    @Benchmark
    public long rangeZSkipList(Blackhole bh) {
        double from = rnd.nextInt(1_000_000);
        return zsl.rangeByScore(new ScoreRange(from, Double.POSITIVE_INFINITY, false, false), false, 0, 100,
            bh::consume);
    }

    @Benchmark
    public long rangeTreeMap(Blackhole bh) {
        return iterate(tree, bh);
    }

    @Benchmark
    public long rangeConcurrentSkipListMap(Blackhole bh) {
        return iterate(csl, bh);
    }

    private long iterate(NavigableMap<Key, Boolean> m, Blackhole bh) {
        Key from = new Key(rnd.nextInt(1_000_000), new byte[0]);
        Iterator<Key> it = m.tailMap(from, true).keySet().iterator();
        long n = 0;
        while (n < 100 && it.hasNext()) {
            bh.consume(it.next());
            n++;
        }
        return n;
    }
}
