package io.cinnabar.benchmarks.aof;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.FileType;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.cmd.Command;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;
import io.cinnabar.aof.AofManifest;
import io.cinnabar.aof.AofReader;
import io.cinnabar.aof.AofWriter;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a Redis 7 multi-part AOF: cinnabar's {@link AofReader} (manifest, RDB-preamble base through
 * rdb-format, commands through resp-codec's request decoder) against leonchen83's redis-replicator, which has no
 * manifest support and so reads the same base and incremental files as one MIXED stream (RDB preamble, then
 * commands). Both count what they deliver: keys of the base and commands of the increment.
 *
 * <p>{@code @Setup} writes, into a temporary directory, what Redis 7 writes with {@code appendonly yes}: a
 * manifest, a base file with an RDB preamble ({@value #BASE_KEYS} string keys) and an incremental file of
 * {@code commands} commands ({@code SET key:<i> <16-byte value>}, every 10th an {@code RPUSH} of three elements,
 * a {@code #TS:} annotation every 1000, as {@code aof-timestamp-enabled} would). Differences to keep in mind:
 * redis-replicator also turns each command into a typed object ({@code SetCommand}, ...), cinnabar hands the
 * arguments as byte arrays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class AofReadBenchmark {
    static final int BASE_KEYS = 10_000;

    @Param("1000000")
    public int commands;

    private Path dir;
    private Path base;
    private Path incr;

    @Setup(Level.Trial)
    public void write() throws IOException {
        dir = Files.createTempDirectory("aof-bench");
        base = dir.resolve("appendonly.aof.1.base.rdb");
        incr = dir.resolve("appendonly.aof.1.incr.aof");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(base), 1 << 16)) {
            RdbWriter w = RdbWriter.create(out, 11);
            w.header();
            w.aux("aof-base", "1");
            w.selectDb(0);
            w.resizeDb(BASE_KEYS, 0);
            for (int i = 0; i < BASE_KEYS; i++) {
                w.string(bytes("base:" + i), bytes("value-" + i), -1);
            }
            w.finish();
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(incr), 1 << 16)) {
            AofWriter w = new AofWriter(out);
            w.command("SELECT", "0");
            byte[] value = bytes("0123456789abcdef");
            byte[] set = bytes("SET");
            for (int i = 1; i < commands; i++) {
                if (i % 1000 == 0) {
                    w.timestamp(1_700_000_000L + i / 1000);
                }
                if (i % 10 == 0) {
                    w.command("RPUSH", "list:" + (i % 100), "a", "bb", "ccc");
                } else {
                    w.command(List.of(set, bytes("key:" + i), value));
                }
            }
            w.flush();
        }
        AofManifest m = new AofManifest(List.of(new AofManifest.Entry(base.getFileName().toString(), 1, 'b'),
            new AofManifest.Entry(incr.getFileName().toString(), 1, 'i')));
        Files.writeString(dir.resolve("appendonly.aof.manifest"), m.format(), StandardCharsets.UTF_8);
        long n = cinnabar();
        if (n != BASE_KEYS + commands) {
            throw new IllegalStateException("cinnabar read " + n + " records, expected " + (BASE_KEYS + commands));
        }
        long r = redisReplicator();
        if (r != BASE_KEYS + commands) {
            throw new IllegalStateException("redis-replicator read " + r + " records, expected " + (BASE_KEYS + commands));
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public long cinnabar() throws IOException {
        long[] n = new long[1];
        AofReader.read(dir, new AofReader.Visitor() {
            @Override
            public void beginKey(RdbKey key) {
                n[0]++;
            }

            @Override
            public void string(byte[] value) {
                n[0] += value.length == 0 ? 1 : 0; // touch the value
            }

            @Override
            public void command(List<byte[]> args, long offset) {
                n[0]++;
            }
        });
        return n[0];
    }

    @Benchmark
    public long redisReplicator() throws IOException {
        long[] n = new long[1];
        try (InputStream in = new SequenceInputStream(Files.newInputStream(base), Files.newInputStream(incr))) {
            Replicator r = new RedisReplicator(in, FileType.MIXED, Configuration.defaultSetting());
            r.addEventListener((rep, event) -> {
                if (event instanceof KeyValuePair<?, ?> || event instanceof Command) {
                    n[0]++;
                }
            });
            r.open();
            r.close();
        }
        return n[0];
    }
}
