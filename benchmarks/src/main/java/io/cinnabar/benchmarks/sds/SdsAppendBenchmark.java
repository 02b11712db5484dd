package io.cinnabar.benchmarks.sds;

import io.cinnabar.sds.Sds;
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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Building a string from many small appends (what APPEND, the reply buffer and the AOF buffer do): Sds with
 * Redis's greedy growth against StringBuilder (chars) and a ByteBuffer grown by doubling. Each operation builds
 * one string of {@code pieces} 16-byte pieces from empty, then one with {@code pieces} decimal longs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SdsAppendBenchmark {
    @Param({"64", "4096"})
    public int pieces;

    private byte[] piece;
    private String pieceString;

    @Setup
    public void setup() {
        pieceString = "user:1000:sessio";
        piece = pieceString.getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int appendBytesSds() {
        Sds s = Sds.empty();
        for (int i = 0; i < pieces; i++) {
            s.append(piece, 0, piece.length);
        }
        return s.length();
    }

    @Benchmark
    public int appendBytesStringBuilder() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(pieceString);
        }
        return sb.length();
    }

    @Benchmark
    public int appendBytesByteBuffer() {
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int i = 0; i < pieces; i++) {
            if (b.remaining() < piece.length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + piece.length));
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            b.put(piece);
        }
        return b.position();
    }

    @Benchmark
    public int appendLongSds() {
        Sds s = Sds.empty();
        for (int i = 0; i < pieces; i++) {
            s.appendLong(1_000_000_007L * i);
        }
        return s.length();
    }

    @Benchmark
    public int appendLongStringBuilder() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(1_000_000_007L * i);
        }
        return sb.length();
    }
}
