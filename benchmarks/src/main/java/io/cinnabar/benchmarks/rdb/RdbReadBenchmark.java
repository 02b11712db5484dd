package io.cinnabar.benchmarks.rdb;

import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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

/**
 * Reading a whole RDB file: cinnabar's streaming reader (every value decoded, CRC64 checked) against
 * leonchen83's redis-replicator parsing the same file into its key/value events. The file is given with
 * {@code -p file=/path/dump.rdb} (for example 1M keys from {@code DEBUG POPULATE 1000000} then {@code SAVE}).
 * Score: milliseconds per file; MB/s = file size / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class RdbReadBenchmark {
    @Param("/tmp/bench1m/dump.rdb")
    public String file;

    @Setup
    public void check() {
        if (!Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("no RDB file at " + file + ": make one with redis-server --enable-debug-command yes,"
                + " DEBUG POPULATE 1000000, SAVE; pass it with -p file=...");
        }
    }

    /** Counts keys and element bytes so that nothing is dead code. */
    static final class Counter implements RdbVisitor {
        long keys;
        long bytes;

        @Override
        public void beginKey(RdbKey key) {
            keys++;
        }

        @Override
        public void string(byte[] value) {
            bytes += value.length;
        }

        @Override
        public void listElement(byte[] e) {
            bytes += e.length;
        }

        @Override
        public void setMember(byte[] m) {
            bytes += m.length;
        }

        @Override
        public void hashEntry(byte[] f, byte[] v, long e) {
            bytes += f.length + v.length;
        }

        @Override
        public void zsetEntry(byte[] m, double s) {
            bytes += m.length;
        }
    }

    @Benchmark
    public long cinnabar() throws Exception {
        Counter c = new Counter();
        RdbReader.open(Path.of(file)).read(c);
        return c.keys + c.bytes;
    }

    @Benchmark
    public long redisReplicator() throws Exception {
        long[] n = new long[1];
        Replicator r = new RedisReplicator("redis://" + Path.of(file).toAbsolutePath());
        r.addEventListener((rep, event) -> {
            if (event instanceof KeyValuePair<?, ?> kv) {
                n[0]++;
            }
        });
        r.open();
        r.close();
        return n[0];
    }
}
