package io.cinnabar.benchmarks.rax;

import com.googlecode.concurrenttrees.radix.ConcurrentRadixTree;
import com.googlecode.concurrenttrees.radix.node.concrete.DefaultByteArrayNodeFactory;
import io.cinnabar.rax.Rax;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rax.RaxSeek;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The operations a stream needs, on {@code size} stream IDs (see {@link StreamIds}), for {@link Rax},
 * {@code TreeMap<byte[], V>} with {@link Arrays#compareUnsigned} and concurrent-trees' {@code ConcurrentRadixTree}
 * (byte-array node factory, its most compact; ISO-8859-1 strings of the key bytes).
 * <ul>
 *   <li>find: look up a random existing ID (XRANGE id id, XACK's PEL lookup);</li>
 *   <li>seekScan: seek to the first ID &gt;= a random ID and read 10 entries (XRANGE start + COUNT 10). The
 *       radix tree of concurrent-trees has no ordered seek, so it is left out;</li>
 *   <li>appendTrim: add the next ID at the end and remove the first (XADD with MAXLEN, constant size).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RaxBenchmark {
    private static final Object VALUE = new Object();

    @Param({"1000000"})
    public int size;

    private Rax<Object> rax;
    private RaxIterator<Object> it;
    private TreeMap<byte[], Object> treeMap;
    private ConcurrentRadixTree<Object> crt;
    private byte[][] probes;
    private String[] probeStrings;
    private int next;
    private long head;
    private long tail;

    @Setup
    public void setup() {
        rax = new Rax<>();
        treeMap = new TreeMap<>(Arrays::compareUnsigned);
        crt = new ConcurrentRadixTree<>(new DefaultByteArrayNodeFactory());
        for (int i = 0; i < size; i++) {
            byte[] k = StreamIds.id(i);
            rax.insert(k, VALUE);
            treeMap.put(k, VALUE);
            crt.put(StreamIds.latin1(k), VALUE);
        }
        it = rax.iterator();
        Random r = new Random(7);
        probes = new byte[4096][];
        probeStrings = new String[probes.length];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = StreamIds.id(r.nextInt(size));
            probeStrings[i] = StreamIds.latin1(probes[i]);
        }
        head = 0;
        tail = size;
    }

    private int probe() {
        return next++ & (probes.length - 1);
    }

    @Benchmark
    public Object findRax() {
        return rax.find(probes[probe()]);
    }

    @Benchmark
    public Object findTreeMap() {
        return treeMap.get(probes[probe()]);
    }

    @Benchmark
    public Object findConcurrentRadixTree() {
        return crt.getValueForExactKey(probeStrings[probe()]);
    }

    @Benchmark
    public void seekScanRax(Blackhole bh) {
        it.seek(RaxSeek.GE, probes[probe()]);
        for (int i = 0; i < 10 && it.next(); i++) {
            bh.consume(it.value());
        }
    }

    @Benchmark
    public void seekScanTreeMap(Blackhole bh) {
        Iterator<Map.Entry<byte[], Object>> i = treeMap.tailMap(probes[probe()], true).entrySet().iterator();
        for (int n = 0; n < 10 && i.hasNext(); n++) {
            bh.consume(i.next().getValue());
        }
    }

    @Benchmark
    public boolean appendTrimRax() {
        rax.insert(StreamIds.id(tail++), VALUE);
        return rax.remove(StreamIds.id(head++));
    }

    @Benchmark
    public Object appendTrimTreeMap() {
        treeMap.put(StreamIds.id(tail++), VALUE);
        return treeMap.remove(StreamIds.id(head++));
    }

    @Benchmark
    public boolean appendTrimConcurrentRadixTree() {
        crt.put(StreamIds.latin1(StreamIds.id(tail++)), VALUE);
        return crt.remove(StreamIds.latin1(StreamIds.id(head++)));
    }
}
