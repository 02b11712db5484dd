package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DefragCycleTest {
    /** A clock that moves 1 ms at every reading: a cron's budget lasts a known number of readings. */
    private long now;

    private long tick() {
        now += 1_000_000;
        return now;
    }

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Fills two tables on one allocator, then deletes about 90% of the keys; returns what is left. */
    private static Map<String, byte[]> fragmented(OffHeapKeyTable<Object> a, OffHeapKeyTable<Object> b) {
        Random r = new Random(5);
        Map<String, byte[]> model = new HashMap<>();
        for (int i = 0; i < 40_000; i++) {
            OffHeapKeyTable<Object> t = i % 2 == 0 ? a : b;
            byte[] k = key(i);
            byte[] v = new byte[i % 3 == 0 ? 60 : 20]; // raw (own allocation) or embstr
            r.nextBytes(v);
            long e = t.putString(k, 0, k.length, v, 0, v.length, v.length > 44);
            if (i % 5 == 0) {
                t.setExpire(e, 1_000_000L + i);
            }
            model.put((i % 2) + ":" + i, v);
        }
        for (int i = 0; i < 40_000; i++) {
            if (r.nextInt(10) != 0) {
                byte[] k = key(i);
                (i % 2 == 0 ? a : b).delete(k, 0, k.length);
                model.remove((i % 2) + ":" + i);
            }
        }
        while (a.rehash(1000) | b.rehash(1000)) {
            // finish shrinking: a scan then visits each key exactly once
        }
        return model;
    }

    @Test
    void effortInterpolatesBetweenTheThresholds() {
        DefragCycle d = new DefragCycle(new SlabAllocator());
        assertEquals(1, d.effort(0));
        assertEquals(1, d.effort(10));
        assertEquals(13, d.effort(55)); // 1 + 45 * 24 / 90
        assertEquals(25, d.effort(100));
        assertEquals(25, d.effort(900));
        d.configure(true, 0, 20, 60, 5, 45);
        assertEquals(25, d.effort(40));
        assertThrows(IllegalArgumentException.class, () -> d.configure(true, 0, 50, 50, 1, 25));
        assertThrows(IllegalArgumentException.class, () -> d.configure(true, -1, 10, 100, 1, 25));
        assertThrows(IllegalArgumentException.class, () -> d.configure(true, 0, 10, 100, 0, 25));
    }

    @Test
    void aScanMovesSparseAllocationsAndKeepsEveryKey() {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        OffHeapKeyTable<Object> a = new OffHeapKeyTable<>(mem);
        OffHeapKeyTable<Object> b = new OffHeapKeyTable<>(mem);
        Map<String, byte[]> model = fragmented(a, b);
        DefragCycle d = new DefragCycle(mem, this::tick);
        double before = d.fragPercent();
        assertTrue(before > 100, "fragmentation before: " + before);

        d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        assertEquals(0, d.running(), "activedefrag is off by default");
        d.configure(true, 0, 10, 100, 1, 25);
        long moves = mem.relocations();
        int crons = 0;
        boolean sawRunning = false;
        do {
            d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
            if (d.running() > 0) {
                sawRunning = true;
                assertEquals(d.effort(before), d.running(), "effort of the measured fragmentation");
                assertTrue(d.currentTimeMs() > 0);
            }
            crons++;
        } while (d.running() > 0 && crons < 10_000);
        assertTrue(sawRunning && crons > 1, "a budget of 25% of 100 ms stops a cron after ~25 clock readings: " + crons);
        assertEquals(0, d.currentTimeMs());
        assertTrue(d.totalTimeMs() > 0);

        double afterOne = d.fragPercent();
        assertTrue(afterOne < before * 0.7, "fragmentation after one scan: " + afterOne + " (before " + before + ")");
        DefragStats s = d.stats();
        assertEquals(mem.relocations() - moves, s.hits);
        assertTrue(s.hits > 0 && s.misses > 0);
        assertEquals(a.size() + b.size(), s.keyHits + s.keyMisses, "each key examined once");
        assertNotEquals(0, s.keyHits);

        // as in Redis, the next measurement (a second later) starts another scan while fragmentation stays high
        // (what remains is about one partly used slab per size class in use: 16 KiB slabs, ~8k keys)
        for (int i = 0; i < 20_000 && (d.running() > 0 || d.fragPercent() >= 20); i++) {
            d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        }
        assertTrue(d.fragPercent() < 20, "fragmentation after further scans: " + d.fragPercent());

        assertEquals(model.size(), a.size() + b.size());
        for (Map.Entry<String, byte[]> m : model.entrySet()) {
            int i = Integer.parseInt(m.getKey().substring(2));
            OffHeapKeyTable<Object> t = i % 2 == 0 ? a : b;
            byte[] k = key(i);
            long e = t.find(k, 0, k.length);
            assertTrue(e != 0, "key " + i);
            assertArrayEquals(m.getValue(), t.stringBytes(e));
            assertEquals(i % 5 == 0 ? 1_000_000L + i : -1, t.expireAt(e));
        }
        for (OffHeapKeyTable<Object> t : java.util.List.of(a, b)) {
            for (int i = 0; i < t.volatileCount(); i++) {
                long e = t.volatileEntry(i);
                byte[] k = t.keyBytes(e);
                assertEquals(e, t.find(k, 0, k.length), "the volatile array follows moved entries");
            }
        }
    }

    @Test
    void thresholdsKeepItIdle() {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        OffHeapKeyTable<Object> a = new OffHeapKeyTable<>(mem);
        OffHeapKeyTable<Object> b = new OffHeapKeyTable<>(mem);
        fragmented(a, b);
        DefragCycle d = new DefragCycle(mem, this::tick);
        d.configure(true, 100L << 20, 10, 100, 1, 25); // the default ignore-bytes: far more than the waste here
        d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        assertEquals(0, d.running());
        d.configure(true, 0, (int) d.fragPercent() + 1, 1000, 1, 25); // a threshold above the fragmentation
        now += 2_000_000_000L; // the next measurement is due
        d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        assertEquals(0, d.running());
        assertEquals(0, d.stats().hits + d.stats().misses);
    }

    @Test
    void disablingStopsTheScan() {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        OffHeapKeyTable<Object> a = new OffHeapKeyTable<>(mem);
        OffHeapKeyTable<Object> b = new OffHeapKeyTable<>(mem);
        fragmented(a, b);
        DefragCycle d = new DefragCycle(mem, this::tick);
        d.configure(true, 0, 10, 100, 1, 25);
        d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        assertTrue(d.running() > 0, "a 25 ms budget with 1 ms per reading does not finish the scan");
        long examined = d.stats().keyHits + d.stats().keyMisses;
        assertTrue(examined > 0 && examined < a.size() + b.size());
        d.configure(false, 0, 10, 100, 1, 25);
        assertEquals(0, d.running());
        assertEquals(0, d.currentTimeMs());
        d.cron(new OffHeapKeyTable<?>[] {a, b}, 10);
        assertEquals(examined, d.stats().keyHits + d.stats().keyMisses, "nothing runs while disabled");
    }
}
