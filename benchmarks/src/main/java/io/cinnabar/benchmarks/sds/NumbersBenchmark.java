package io.cinnabar.benchmarks.sds;

import io.cinnabar.sds.LongDouble;
import io.cinnabar.sds.Numbers;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Redis's conversions against the JDK's, per value, over 1024 prepared values. The JDK side starts from a String
 * (its natural input); ours from bytes (what arrives from the network and what a reply buffer takes).
 * Scores are typical sorted-set scores: integers, money-like decimals, and random doubles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NumbersBenchmark {
    private static final int N = 1024;
    private final long[] longs = new long[N];
    private final byte[][] longBytes = new byte[N][];
    private final String[] longStrings = new String[N];
    private final double[] doubles = new double[N];
    private final byte[][] doubleBytes = new byte[N][];
    private final String[] doubleStrings = new String[N];
    private final byte[] out = new byte[64];

    @Setup
    public void setup() {
        Random r = new Random(42);
        for (int i = 0; i < N; i++) {
            longs[i] = r.nextLong() >> r.nextInt(64);
            longStrings[i] = Long.toString(longs[i]);
            longBytes[i] = longStrings[i].getBytes(StandardCharsets.US_ASCII);
            doubles[i] = switch (i % 3) {
                case 0 -> r.nextInt(100_000);
                case 1 -> Math.round(r.nextDouble() * 1_000_000) / 100.0;
                default -> r.nextDouble() * Math.pow(10, r.nextInt(20) - 10);
            };
            doubleStrings[i] = Numbers.d2string(doubles[i]);
            doubleBytes[i] = doubleStrings[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long parseLongNumbers() {
        long s = 0;
        for (byte[] b : longBytes) {
            s += Numbers.parseLong(b, 0, b.length);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long parseLongJdk() {
        long s = 0;
        for (String str : longStrings) {
            s += Long.parseLong(str);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int ll2stringNumbers() {
        int n = 0;
        for (long v : longs) {
            n += Numbers.ll2string(v, out, 0);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int longToStringJdk(Blackhole bh) {
        int n = 0;
        for (long v : longs) {
            String s = Long.toString(v);
            n += s.length();
            bh.consume(s);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double parseDoubleNumbers() {
        double s = 0;
        for (byte[] b : doubleBytes) {
            s += Numbers.parseDouble(b, 0, b.length);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double parseDoubleJdk() {
        double s = 0;
        for (String str : doubleStrings) {
            s += Double.parseDouble(str);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int d2stringNumbers() {
        int n = 0;
        for (double v : doubles) {
            n += Numbers.d2string(v, out, 0);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int doubleToStringJdk(Blackhole bh) {
        int n = 0;
        for (double v : doubles) {
            String s = Double.toString(v);
            n += s.length();
            bh.consume(s);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int d2string70Numbers() {
        int n = 0;
        for (double v : doubles) {
            n += Numbers.d2string70(v, out, 0);
        }
        return n;
    }

    /** INCRBYFLOAT's arithmetic: parse two texts as long doubles, add, print (%.17Lf trimmed). */
    @Benchmark
    @OperationsPerInvocation(N)
    public int incrbyfloatLongDouble(Blackhole bh) {
        int n = 0;
        for (int i = 0; i < N; i++) {
            LongDouble a = LongDouble.parse(doubleBytes[i]);
            LongDouble b = LongDouble.parse(doubleBytes[(i + 1) & (N - 1)]);
            String s = a.add(b).toHumanString();
            n += s.length();
            bh.consume(s);
        }
        return n;
    }
}
