package io.cinnabar.server.internal.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

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
 * add, expire set/removed, lazy expiry, FLUSHDB, SWAPDB) interleave with walk steps of 1 to 70 cursors (the walk's
 * read-ahead batches); the stream must hold exactly the dataset of the start (db, key, value, expire), whatever
 * happened after. Strings in the first property; every type (int, embstr and raw strings, hashes, sets, sorted sets
 * and lists in their small off-heap and big heap encodings) in the second, whose reference is a snapshot of the
 * same keyspace taken with nothing running.
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
    void streamHoldsTheDatasetOfTheStart(@ForAll("ops") List<Integer> ops, @ForAll @IntRange(min = 0, max = 400) int keys,
            @ForAll @IntRange(min = 1, max = 70) int ahead) {
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
        o.walkAhead = ahead; // 1: a write between every two buckets; more: the walk's read-ahead batches
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
                case 4, 5, 6, 7 -> expireFlushOrSwap(ks, db, k, op);
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

    /** The canonical content of an RDB stream: db:key -> type, elements (sorted for sets, zsets, hashes), expire. */
    private static String readAll(byte[] file) {
        TreeMap<String, String> m = new TreeMap<>();
        RdbReader.of(file).read(new RdbVisitor() {
            final List<String> elements = new java.util.ArrayList<>();
            String family;

            private String s(byte[] b) {
                return new String(b, StandardCharsets.ISO_8859_1);
            }

            @Override
            public void beginKey(RdbKey key) {
                elements.clear();
                family = null;
            }

            @Override
            public void string(byte[] v) {
                family = "string";
                elements.add(s(v));
            }

            @Override
            public void listElement(byte[] v) {
                family = "list";
                elements.add(s(v));
            }

            @Override
            public void setMember(byte[] v) {
                family = "set";
                elements.add(s(v));
            }

            @Override
            public void zsetEntry(byte[] member, double score) {
                family = "zset";
                elements.add(s(member) + "=" + score);
            }

            @Override
            public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
                family = "hash";
                elements.add(s(field) + "=" + s(value));
            }

            @Override
            public void endKey(RdbKey key) {
                if (!family.equals("string") && !family.equals("list")) {
                    java.util.Collections.sort(elements);
                }
                String prev = m.put(key.db() + ":" + s(key.key()), family + elements + "@" + key.expireAtMs());
                assertEquals(null, prev, "a key written twice");
            }
        });
        return m.toString();
    }

    private static byte[] member(int n, int kind) {
        // integers (intset), short strings, and now and then one past the small encodings' value limit
        return b(kind == 0 ? Integer.toString(n) : kind == 1 ? "m" + n : "long-member-" + n + "-".repeat(50));
    }

    /** Adds to (or, remove, takes from) the value of e, whatever its type; a string is overwritten. */
    private static void change(Keyspace ks, Db db, Entry e, int op, boolean remove, TypeLimits lim, long[] tmp) {
        byte[] m = member(op % 40, (op / 40) % 3);
        switch (e.type()) {
            case Entry.TYPE_STRING -> {
                byte[] v = op % 3 == 0 ? b(Integer.toString(op)) : b("v" + op + "-".repeat(op % 90));
                e.setString(v, 0, v.length, tmp);
            }
            case Entry.TYPE_HASH -> {
                HashValue h = (HashValue) e.value();
                if (remove && h.size() > 1) {
                    h.removeMember(m, 0, m.length);
                } else {
                    h.set(m, 0, m.length, b("hv" + op), 0, ("hv" + op).length(), lim);
                }
            }
            case Entry.TYPE_SET -> {
                SetValue sv = (SetValue) e.value();
                if (remove && sv.size() > 1) {
                    sv.removeMember(m, 0, m.length);
                } else {
                    sv.add(m, 0, m.length, lim);
                }
            }
            case Entry.TYPE_ZSET -> {
                ZSetValue z = (ZSetValue) e.value();
                if (remove && z.size() > 1) {
                    z.removeMember(m, 0, m.length);
                } else {
                    z.put(m, 0, m.length, op % 1000, z.score(m, 0, m.length), lim);
                }
            }
            default -> {
                ListValue l = (ListValue) e.value();
                if (remove && l.size() > 1) {
                    if (l.lp != null) {
                        l.lp.delete(op % 2 == 0 ? l.lp.first() : l.lp.last());
                    } else if (op % 2 == 0) {
                        l.ql.popHead();
                    } else {
                        l.ql.popTail();
                    }
                    l.shrinking(lim);
                } else {
                    l.growing(m.length, 1, lim);
                    l.push(m, 0, m.length, op % 2 == 0);
                }
            }
        }
    }

    /** A new key of kind 0-6: int, embstr or raw string, hash, set, sorted set, list (one element). */
    /** The ops both properties share (op / 100000 % 10 in 4..7): expire now, persist, FLUSHDB, SWAPDB. */
    private static void expireFlushOrSwap(Keyspace ks, Db db, byte[] k, int op) {
        switch ((op / 100_000) % 10) {
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
            default -> {
                if (op % 5 == 0) {
                    ks.swap(op % 4, (op / 7) % 4);
                }
            }
        }
    }

    private static void create(Keyspace ks, Db db, byte[] k, int kind, int n, TypeLimits lim, long[] tmp) {
        byte[] m = member(n, n % 3);
        switch (kind) {
            case 0, 1, 2 -> {
                Entry e = ks.add(db, k);
                byte[] v = kind == 0 ? b(Integer.toString(n)) : b("v" + n + (kind == 2 ? "r".repeat(60) : ""));
                e.setString(v, 0, v.length, tmp);
            }
            case 3 -> {
                HashValue h = new HashValue();
                h.set(m, 0, m.length, b("hv"), 0, 2, lim);
                ks.addValue(db, k, Entry.TYPE_HASH, h);
            }
            case 4 -> {
                SetValue sv = SetValue.create(m, 0, m.length, 1, lim);
                sv.add(m, 0, m.length, lim);
                ks.addValue(db, k, Entry.TYPE_SET, sv);
            }
            case 5 -> {
                ZSetValue z = ZSetValue.create(1, m.length, lim);
                z.put(m, 0, m.length, n, Double.NaN, lim);
                ks.addValue(db, k, Entry.TYPE_ZSET, z);
            }
            default -> {
                ListValue l = new ListValue();
                l.growing(m.length, 1, lim);
                l.push(m, 0, m.length, true);
                ks.addValue(db, k, Entry.TYPE_LIST, l);
            }
        }
    }

    @Property(tries = 120)
    void everyTypeHoldsTheDatasetOfTheStart(@ForAll("ops") List<Integer> ops,
            @ForAll @IntRange(min = 0, max = 300) int keys, @ForAll @IntRange(min = 1, max = 70) int ahead) {
        TypeLimits lim = new TypeLimits();
        lim.hashEntries = 6;
        lim.setIntsetEntries = 8;
        lim.setEntries = 6;
        lim.zsetEntries = 6;
        lim.listSize = 4;
        Keyspace ks = new Keyspace(4);
        ks.cmdTimeMs = NOW;
        long[] tmp = new long[1];
        for (int i = 0; i < keys; i++) {
            Db db = ks.dbs[i % 3];
            byte[] k = b("k" + i);
            create(ks, db, k, i % 7, i, lim, tmp);
            Entry e = ks.lookupWrite(db, k, 0, k.length, false);
            for (int j = 0; j < i % 11; j++) { // 1 to 11 elements: small and big encodings
                change(ks, db, e, i * 31 + j, false, lim, tmp);
            }
            if (i % 4 == 0) {
                ks.setExpire(db, e, NOW + 1000 + i);
            }
            ks.releaseViews();
        }
        Mem ref = new Mem();
        Snapshot r = new Snapshot(ks, new Snapshot.Options(), ref);
        r.start("test-reference");
        r.runToEnd();
        assertEquals(Snapshot.State.DONE, r.state());
        Mem sink = new Mem();
        Snapshot.Options o = new Snapshot.Options();
        o.compression = ops.size() % 2 == 0;
        o.walkAhead = ahead;
        Snapshot s = new Snapshot(ks, o, sink);
        s.start("test-snapshot");
        int next = 0;
        for (int op : ops) {
            Db db = ks.dbs[op % 4];
            byte[] k = b("k" + (op / 4) % (keys + 20));
            switch ((op / 100_000) % 10) {
                case 0, 1, 2 -> { // add to or take from a value of any type, or create it
                    Entry e = ks.lookupWrite(db, k, 0, k.length, false);
                    if (e == null) {
                        create(ks, db, k, op % 7, op, lim, tmp);
                    } else {
                        change(ks, db, e, op, op % 3 == 0, lim, tmp);
                    }
                }
                case 3 -> { // delete, then maybe a new value of another type under the same name
                    Entry e = ks.lookupQuiet(db, k, 0, k.length);
                    if (e != null) {
                        ks.delete(db, e);
                        if (op % 2 == 0) {
                            create(ks, db, k, (op / 7) % 7, op, lim, tmp);
                        }
                    }
                }
                case 4, 5, 6, 7 -> expireFlushOrSwap(ks, db, k, op);
                case 8 -> create(ks, db, b("fresh" + next++), op % 7, op, lim, tmp);
                default -> ks.lookupRead(db, k, 0, k.length, false);
            }
            ks.releaseViews();
            s.step(0);
        }
        s.runToEnd();
        assertEquals(Snapshot.State.DONE, s.state());
        assertTrue(sink.finished);
        assertEquals(readAll(ref.out.toByteArray()), readAll(sink.out.toByteArray()));
        assertTrue(!ks.snapshotRunning());
    }
}
