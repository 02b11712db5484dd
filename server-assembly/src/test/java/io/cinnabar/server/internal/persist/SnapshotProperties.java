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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The snapshot against a model: a keyspace is filled, a snapshot starts, then random writes (overwrite, delete,
 * add, expire set/removed, lazy expiry, FLUSHDB, SWAPDB) interleave with walk steps of one bucket; the stream must
 * hold exactly the dataset of the start (db, key, value, expire), whatever happened after.
 */
class SnapshotProperties {
    private static final long NOW = 1_700_000_000_000L;

    @Provide
    Arbitrary<List<Integer>> ops() {
        return Arbitraries.integers().between(0, 1_000_000).list().ofMinSize(0).ofMaxSize(600);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String model(Keyspace ks) {
        TreeMap<String, String> m = new TreeMap<>();
        for (Db db : ks.dbs) {
            db.forEach(e -> m.put(db.id + ":" + new String(e.keyArray(), 0, e.klen(), StandardCharsets.ISO_8859_1),
                new String(e.stringBytes(), StandardCharsets.ISO_8859_1) + "@" + db.expireOf(e)));
        }
        return m.toString();
    }

    private static final class Mem implements SnapshotSink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        volatile boolean finished;
        volatile boolean aborted;

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    private static String read(byte[] file) {
        TreeMap<String, String> m = new TreeMap<>();
        RdbReader.of(file).read(new RdbVisitor() {
            RdbKey k;

            @Override
            public void beginKey(RdbKey key) {
                k = key;
            }

            @Override
            public void string(byte[] v) {
                String prev = m.put(k.db() + ":" + new String(k.key(), StandardCharsets.ISO_8859_1),
                    new String(v, StandardCharsets.ISO_8859_1) + "@" + k.expireAtMs());
                assertEquals(null, prev, "a key written twice");
            }
        });
        return m.toString();
    }

    @Property(tries = 150)
    void streamHoldsTheDatasetOfTheStart(@ForAll("ops") List<Integer> ops, @ForAll @IntRange(min = 0, max = 400) int keys) {
        Keyspace ks = new Keyspace(4);
        ks.cmdTimeMs = NOW;
        long[] tmp = new long[1];
        for (int i = 0; i < keys; i++) {
            Db db = ks.dbs[i % 3];
            Entry e = ks.add(db, b("k" + i));
            byte[] v = b(i % 5 == 0 ? Integer.toString(i) : "value-" + i + "-".repeat(i % 50));
            e.setString(v, 0, v.length, tmp);
            if (i % 4 == 0) {
                ks.setExpire(db, e, NOW + 1000 + i);
            }
        }
        String before = model(ks);
        Mem sink = new Mem();
        Snapshot.Options o = new Snapshot.Options();
        o.compression = ops.size() % 2 == 0;
        Snapshot s = new Snapshot(ks, o, sink);
        s.start("test-snapshot");
        int next = keys;
        for (int op : ops) {
            Db db = ks.dbs[op % 4];
            byte[] k = b("k" + (op / 4) % (keys + 20));
            switch ((op / 100_000) % 10) {
                case 0, 1 -> { // overwrite or create
                    Entry e = ks.lookupWrite(db, k, 0, k.length, false);
                    if (e == null) {
                        e = ks.add(db, k);
                    }
                    byte[] v = b("new" + op);
                    e.setString(v, 0, v.length, tmp);
                }
                case 2, 3 -> {
                    Entry e = ks.lookupQuiet(db, k, 0, k.length);
                    if (e != null) {
                        ks.delete(db, e);
                    }
                }
                case 4 -> {
                    Entry e = ks.lookupWrite(db, k, 0, k.length, false);
                    if (e != null) {
                        ks.setExpire(db, e, NOW - 1); // expired: the next access removes it lazily
                    }
                }
                case 5 -> {
                    Entry e = ks.lookupRead(db, k, 0, k.length, false);
                    if (e != null) {
                        ks.removeExpire(db, e);
                    }
                }
                case 6 -> {
                    if (op % 7 == 0) {
                        ks.flush(db);
                    }
                }
                case 7 -> {
                    if (op % 5 == 0) {
                        ks.swap(op % 4, (op / 7) % 4);
                    }
                }
                case 8 -> {
                    Entry e = ks.add(db, b("fresh" + next++));
                    e.setInt(op);
                }
                default -> ks.lookupRead(db, k, 0, k.length, false);
            }
            s.step(0);
        }
        s.runToEnd();
        assertEquals(Snapshot.State.DONE, s.state());
        assertTrue(sink.finished);
        assertEquals(before, read(sink.out.toByteArray()));
        assertTrue(!ks.snapshotRunning());
    }
}
