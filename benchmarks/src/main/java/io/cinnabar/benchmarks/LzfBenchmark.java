package io.cinnabar.benchmarks;

import com.ning.compress.lzf.ChunkDecoder;
import com.ning.compress.lzf.ChunkEncoder;
import com.ning.compress.lzf.LZFChunk;
import com.ning.compress.lzf.util.ChunkDecoderFactory;
import com.ning.compress.lzf.util.ChunkEncoderFactory;
import io.cinnabar.lzf.Lzf;
import io.cinnabar.lzf.LzfCompressor;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * LZF compress and decompress of text-like data (what RDB strings and quicklist nodes hold) against
 * {@code com.ning:compress-lzf}, the LZF a Java developer would pick. Both use the raw LZF block format;
 * Ning's safe (non-Unsafe) codec is used so that both sides do the same bounds checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LzfBenchmark {
    @Param({"64", "8192"})
    public int size;

    private byte[] input;
    private byte[] out;
    private byte[] compressed;
    private int compressedLength;
    private byte[] plain;
    private final LzfCompressor cinnabar = new LzfCompressor();
    private ChunkEncoder ning;
    private ChunkDecoder ningDecoder;

    @Setup
    public void setup() {
        Random r = new Random(42);
        String[] words = {"user:", "session", "12345", "value", "redis", "cinnabar", ":", "{", "}", "\"id\":"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]);
        }
        input = sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out = new byte[size * 2 + 64];
        compressed = new byte[size * 2 + 64];
        compressedLength = cinnabar.compress(input, 0, input.length, compressed, 0, compressed.length);
        plain = new byte[size];
        ning = ChunkEncoderFactory.safeNonAllocatingInstance(LZFChunk.MAX_CHUNK_LEN);
        ningDecoder = ChunkDecoderFactory.safeInstance();
    }

    @Benchmark
    public int compressCinnabar() {
        return cinnabar.compress(input, 0, input.length, out, 0, out.length);
    }

    @Benchmark
    public int compressNing() {
        return ning.appendEncodedChunk(input, 0, input.length, out, 0);
    }

    @Benchmark
    public int decompressCinnabar() {
        return Lzf.decompress(compressed, 0, compressedLength, plain, 0, plain.length);
    }

    @Benchmark
    public byte[] decompressNing() throws Exception {
        ningDecoder.decodeChunk(compressed, 0, plain, 0, plain.length);
        return plain;
    }
}
