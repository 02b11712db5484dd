package io.cinnabar.benchmarks.listpack;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.listpack.ListpackEntry;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A listpack against the {@code ArrayList<byte[]>} a Java developer would use for a small list of byte strings:
 * building it by appending, iterating it, and reading by index. The elements are what small Redis lists and
 * hashes hold: short strings ({@code "element-123"}) and small integers, half and half ({@code mixed}), or all
 * short strings ({@code strings}). {@code n} is the number of elements (128 is Redis's default
 * {@code list-max-listpack-size} territory; 512 the {@code hash-max-listpack-entries} default).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListpackBenchmark {
    @Param({"128", "512"})
    public int n;

    @Param({"mixed", "strings"})
    public String data;

    private byte[][] elements;
    private Listpack listpack;
    private List<byte[]> arrayList;
    private int[] indexes;
    private int next;
    private final ListpackEntry entry = new ListpackEntry();

    @Setup
    public void setup() {
        elements = elements(n, data);
        listpack = Listpack.of(elements);
        arrayList = new ArrayList<>(List.of(elements));
        Random r = new Random(7);
        indexes = new int[1024];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = r.nextInt(n);
        }
    }

    /** The elements: {@code element-<i>} strings, and for "mixed" every other one an integer 0..9999. */
    public static byte[][] elements(int n, String data) {
        byte[][] out = new byte[n][];
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            String s = "mixed".equals(data) && (i & 1) == 1 ? Integer.toString(r.nextInt(10_000)) : "element-" + i;
            out[i] = s.getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    @Benchmark
    public Listpack appendListpack() {
        Listpack lp = new Listpack();
        for (byte[] e : elements) {
            lp.append(e);
        }
        return lp;
    }

    @Benchmark
    public List<byte[]> appendArrayList() {
        List<byte[]> list = new ArrayList<>();
        for (byte[] e : elements) {
            list.add(e.clone()); // a list must own its elements as the listpack does
        }
        return list;
    }

    /** Visits every element without allocating: integer entries as values, strings in place. */
    @Benchmark
    public long iterateListpack() {
        long sum = 0;
        Listpack lp = listpack;
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            lp.get(p, entry);
            sum += entry.isInteger() ? entry.longValue() : entry.array()[entry.offset()];
        }
        return sum;
    }

    @Benchmark
    public long iterateArrayList() {
        long sum = 0;
        for (byte[] e : arrayList) {
            sum += e[0];
        }
        return sum;
    }

    /** LINDEX: seek to a random index (walks from the nearer end, as Redis does). */
    @Benchmark
    public int indexListpack() {
        int i = indexes[next++ & 1023];
        return listpack.seek(i);
    }

    @Benchmark
    public byte[] indexArrayList() {
        int i = indexes[next++ & 1023];
        return arrayList.get(i);
    }
}
