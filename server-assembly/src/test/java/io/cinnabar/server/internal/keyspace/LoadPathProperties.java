package io.cinnabar.server.internal.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The loaders' string insert ({@link Keyspace#loadString}) against the general path it replaces (add, setString,
 * initAccess, restoreAccess, setExpire): every key must come out identical (encoding, bytes, expire, access bits,
 * snapshot stamp, counts), and the in-place INCR and embstr overwrite against a model.
 */
class LoadPathProperties {
    record Rec(byte[] key, byte[] value, long expire, long idle, long freq) {
    }

    @Provide
    Arbitrary<List<Rec>> records() {
        Arbitrary<byte[]> keys = Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(3).map(s -> s.getBytes(StandardCharsets.US_ASCII)));
        Arbitrary<byte[]> values = Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(60),
            Arbitraries.integers().between(40, 50).map(n -> new byte[n]), // the embstr limit, 44
            Arbitraries.longs().map(v -> Long.toString(v).getBytes(StandardCharsets.US_ASCII)),
            Arbitraries.of("0", "-0", "01", "-1", " 1", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "12345678901234567890", "1.5", "").map(s -> s.getBytes(StandardCharsets.US_ASCII)));
        Arbitrary<Long> expires = Arbitraries.oneOf(Arbitraries.just(-1L),
            Arbitraries.longs().between(0, 4_000_000_000_000L));
        Arbitrary<Long> access = Arbitraries.oneOf(Arbitraries.just(-1L), Arbitraries.longs().between(0, 100_000_000L));
        return Combinators.combine(keys, values, expires, access, access).as(Rec::new).list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void loadStringEqualsTheGeneralPath(@ForAll("records") List<Rec> recs, @ForAll boolean lfu,
                                        @ForAll boolean snapshotEpochOdd) {
        Keyspace fast = keyspace(lfu);
        Keyspace slow = keyspace(lfu);
        if (snapshotEpochOdd) { // keys added while a snapshot runs carry its epoch's stamp
            fast.beginSnapshot(NO_BARRIER);
            slow.beginSnapshot(NO_BARRIER);
        }
        Db fd = fast.dbs[0];
        Db sd = slow.dbs[0];
        long[] tmp = new long[1];
        List<byte[]> keys = new ArrayList<>();
        for (Rec r : recs) {
            boolean present = sd.find(r.key) != null;
            boolean done = fast.loadString(fd, r.key, 0, r.key.length, r.value, 0, r.value.length, r.expire, r.idle,
                r.freq);
            if (present) {
                assertFalse(done, "a present key is left to the caller");
            }
            if (!done) {
                assertTrue(present || r.value.length > 44, "only present keys and long values take the general path");
                if (present) {
                    continue; // the loader reports a duplicate (or merges through the general path)
                }
                load(fast, fd, r, tmp);
            }
            load(slow, sd, r, tmp);
            keys.add(r.key);
            fast.releaseViews();
            slow.releaseViews();
        }
        assertEquals(sd.size(), fd.size());
        assertEquals(sd.expiresCount(), fd.expiresCount());
        for (byte[] k : keys) {
            Entry a = fd.find(k);
            Entry b = sd.find(k);
            assertNotNull(a);
            assertEquals(b.type(), a.type());
            assertEquals(b.encodingName(), a.encodingName());
            assertArrayEquals(b.stringBytes(), a.stringBytes());
            assertEquals(b.isInt(), a.isInt());
            assertEquals(b.intValue(), a.intValue());
            assertEquals(sd.expireOf(b), fd.expireOf(a));
            assertEquals(b.lruBits(), a.lruBits());
            assertEquals(b.stamped((byte) 1), a.stamped((byte) 1));
            assertEquals(b.memoryUsage(5), a.memoryUsage(5));
            fast.releaseViews();
            slow.releaseViews();
        }
        assertEquals(slow.heapDatasetBytes(), fast.heapDatasetBytes());
        assertEquals(fast.walkDatasetBytes() - fast.offHeapAllocated(), fast.heapDatasetBytes());
    }

    /** A snapshot that needs nothing copied (every key here is added after it began). */
    private static final SnapshotBarrier NO_BARRIER = new SnapshotBarrier() {
        @Override
        public void beforeChange(Db db, Entry e) {
            throw new AssertionError("a key added during the snapshot is not part of it");
        }

        @Override
        public void beforeFlush(Db db) {
        }

        @Override
        public void beforeSwap(Db a, Db b) {
        }
    };

    private static Keyspace keyspace(boolean lfu) {
        Keyspace ks = new Keyspace(1);
        ks.lfu = lfu;
        ks.cmdTimeMs = 1_700_000_000_000L;
        ks.lruClock = 123_456;
        return ks;
    }

    /** What RdbLoad did for every string key before the direct path. */
    private static void load(Keyspace ks, Db db, Rec r, long[] tmp) {
        Entry e = ks.add(db, r.key);
        e.setType(Entry.TYPE_STRING);
        e.setString(r.value, 0, r.value.length, tmp);
        ks.initAccess(e);
        if (r.idle >= 0 || r.freq >= 0) {
            ks.restoreAccess(e, r.idle, r.freq);
        }
        if (r.expire != -1) {
            ks.setExpire(db, e, r.expire);
        }
    }

    @Test
    void loadStringNotifiesListenersAndLeavesNoView() {
        Keyspace ks = keyspace(false);
        List<String> added = new ArrayList<>();
        ks.addListener(new KeyspaceListener() {
            @Override
            public void keyAdded(Db db, byte[] key, int off, int len) {
                added.add(new String(key, off, len, StandardCharsets.US_ASCII));
            }
        });
        byte[] buf = "xxkey1yy".getBytes(StandardCharsets.US_ASCII);
        byte[] v = "--42--".getBytes(StandardCharsets.US_ASCII);
        assertTrue(ks.loadString(ks.dbs[0], buf, 2, 4, v, 2, 2, -1, -1, -1));
        assertFalse(ks.loadString(ks.dbs[0], buf, 2, 4, v, 0, 6, -1, -1, -1), "present: nothing changes");
        assertEquals(List.of("key1"), added);
        assertEquals(0, ks.viewsOutstanding());
        Entry e = ks.dbs[0].find("key1".getBytes(StandardCharsets.US_ASCII));
        assertTrue(e.isInt());
        assertEquals(42, e.intValue());
    }

    @Provide
    Arbitrary<List<Long>> increments() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-3, 3),
            Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE)).list().ofMaxSize(30);
    }

    @Property(tries = 300)
    void incrInPlaceMatchesExactArithmetic(@ForAll long start, @ForAll("increments") List<Long> incs,
                                           @ForAll boolean withExpire) {
        Db db = new Db(0);
        Entry e = db.add("n".getBytes(StandardCharsets.US_ASCII));
        e.setInt(start);
        if (withExpire) {
            db.setExpire(e, 5_000);
        }
        long model = start;
        for (long inc : incs) {
            int r = e.incrIntInPlace(inc);
            try {
                model = Math.addExact(model, inc);
                assertEquals(1, r);
            } catch (ArithmeticException overflow) {
                assertEquals(-1, r);
            }
            assertTrue(e.isInt());
            assertEquals(model, e.intValue());
            assertEquals(withExpire ? 5_000 : -1, db.expireOf(e));
        }
    }

    @Test
    void incrInPlaceRefusesWhatIsNotAnIntString() {
        Db db = new Db(0);
        Entry e = db.add("s".getBytes(StandardCharsets.US_ASCII));
        e.setStringNoInt("12".getBytes(StandardCharsets.US_ASCII), 0, 2); // embstr "12" (e.g. from APPEND)
        assertEquals(0, e.incrIntInPlace(1));
        assertEquals("12", new String(e.stringBytes(), StandardCharsets.US_ASCII));
        Entry d = new Entry("detached".getBytes(StandardCharsets.US_ASCII));
        d.setInt(5);
        assertEquals(0, d.incrIntInPlace(1), "a detached entry takes the general path");
        assertNull(db.find("detached".getBytes(StandardCharsets.US_ASCII)));
    }

    @Property(tries = 300)
    void embstrOverwriteKeepsEverythingElse(@ForAll("sameOrOther") List<byte[]> values, @ForAll boolean withExpire) {
        Db db = new Db(0);
        byte[] key = "key:__rand_int__".getBytes(StandardCharsets.US_ASCII);
        Entry e = db.add(key);
        e.setLruBits(0x12345);
        if (withExpire) {
            db.setExpire(e, 77);
        }
        long[] tmp = new long[1];
        for (byte[] v : values) {
            e.setString(v, 0, v.length, tmp);
            assertArrayEquals(v, e.stringBytes());
            assertEquals(v.length, e.strlen());
            assertEquals(0x12345, e.lruBits());
            assertEquals(withExpire ? 77 : -1, db.expireOf(e));
            assertArrayEquals(key, e.keyBytes());
            assertTrue(e == db.find(key));
        }
    }

    @Provide
    Arbitrary<List<byte[]>> sameOrOther() {
        return Arbitraries.oneOf(Arbitraries.of("xxx", "abc", "1x3", "12", "x").map(s -> s.getBytes(StandardCharsets.US_ASCII)),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(50)).list().ofMaxSize(20);
    }
}
