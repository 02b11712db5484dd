package io.cinnabar.server.internal.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a snapshot allocates while it serializes (the garbage that made BGSAVE of 1 M keys raise the heap by
 * ~263 MB): the bytes allocated by the walking thread, read from the JVM's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), for two keyspace sizes; the difference divided
 * by the difference in keys is the garbage per key. The chunk pool is bounded, so it is a constant, not per key.
 * String keys (int, embstr and raw values, some with a TTL, LRU access records on) must cost nothing per key; the
 * streams are checked to hold every key.
 */
class SnapshotGarbageTest {
    private static final long NOW = 1_700_000_000_000L;

    /** Discards the bytes, counting them (the writer thread's work is not measured). */
    private static final class Null implements SnapshotSink {
        volatile long bytes;
        volatile boolean finished;

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void abort() {
        }
    }

    private static Keyspace keyspace(int keys) {
        Keyspace ks = new Keyspace(2);
        ks.cmdTimeMs = NOW;
        long[] tmp = new long[1];
        for (int i = 0; i < keys; i++) {
            Db db = ks.dbs[i % 2];
            Entry e = ks.add(db, ("key:" + i).getBytes(StandardCharsets.US_ASCII));
            byte[] v = (i % 3 == 0 ? Integer.toString(i * 7919) : i % 3 == 1 ? "value-" + i + "-0123456789abcdef"
                : "a-longer-raw-value-" + i + "-".repeat(40)).getBytes(StandardCharsets.US_ASCII);
            e.setString(v, 0, v.length, tmp);
            if (i % 10 == 0) {
                ks.setExpire(db, e, NOW + 100_000 + i);
            }
        }
        ks.releaseViews(); // as the server does between commands: the walk then borrows one view
        return ks;
    }

    /**
     * com.sun.management.ThreadMXBean#getThreadAllocatedBytes, called reflectively: the tests are compiled inside the
     * server's module, which does not read java.management (they run on the class path, where it is present).
     */
    private static long allocated(long tid) {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
            Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes",
                long.class);
            return (long) m.invoke(mx, tid);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes this thread allocated while a snapshot of ks ran to its end. */
    private static long allocatedBySave(Keyspace ks, Snapshot.Options o, SnapshotSink sink) {
        long tid = Thread.currentThread().threadId();
        allocated(tid); // the reflective lookups' own allocations come before the measurement
        Snapshot s = new Snapshot(ks, o, sink);
        long before = allocated(tid);
        s.start("garbage-test");
        s.runToEnd();
        long after = allocated(tid);
        assertEquals(Snapshot.State.DONE, s.state());
        // the chunk pool is bounded by the queue limit but its size depends on how fast the writer thread recycles
        // (a loaded machine allocates more of it): counted apart, it is not per-key garbage
        return after - before - s.chunkBytesAllocated();
    }

    private static Snapshot.Options options() {
        Snapshot.Options o = new Snapshot.Options();
        o.accessRecords = Snapshot.ACCESS_IDLE;
        return o;
    }

    @Test
    void stringKeysAllocateNothingPerKey() {
        int small = 40_000;
        int large = 120_000;
        allocatedBySave(keyspace(2_000), options(), new Null()); // warm-up: classes, JIT, scratch arrays
        long a = allocatedBySave(keyspace(small), options(), new Null());
        long b = allocatedBySave(keyspace(large), options(), new Null());
        double perKey = (double) (b - a) / (large - small);
        System.out.printf("SnapshotGarbageTest: %d keys %d B, %d keys %d B allocated by the walk: %.2f B per key%n",
            small, a, large, b, perKey);
        assertTrue(perKey < 2.0, "garbage per string key: " + perKey + " B");
    }

    @Test
    void theStreamHoldsEveryKeyWithItsAccessRecord() {
        Keyspace ks = keyspace(5_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotSink sink = new SnapshotSink() {
            @Override
            public void write(byte[] b, int off, int len) {
                out.write(b, off, len);
            }

            @Override
            public void finish() {
            }

            @Override
            public void abort() {
            }
        };
        allocatedBySave(ks, options(), sink);
        long[] counts = new long[3];
        RdbReader.of(out.toByteArray()).read(new RdbVisitor() {
            @Override
            public void beginKey(RdbKey k) {
                counts[0]++;
                if (k.idleSeconds() >= 0) {
                    counts[1]++;
                }
                if (k.expireAtMs() >= 0) {
                    counts[2]++;
                }
            }
        });
        assertEquals(5_000, counts[0]);
        assertEquals(5_000, counts[1], "an IDLE record per key under an LRU policy");
        assertEquals(500, counts[2]);
    }
}
