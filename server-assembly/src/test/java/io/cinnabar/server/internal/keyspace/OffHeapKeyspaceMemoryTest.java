package io.cinnabar.server.internal.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.keyspace.mem.SlabAllocator;
import io.cinnabar.server.internal.keyspace.mem.SizeClasses;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The keyspace on its off-heap tables, through the API the commands use: creating and deleting keys returns the
 * allocator's bytes (leak test, 1.5 M keys in two rounds; bench/offheap-leak.sh does 10 M against a running
 * server), freed space is reused, and the active defragmentation cycle lowers the fragmentation a delete-heavy
 * pattern leaves, without changing any value.
 */
class OffHeapKeyspaceMemoryTest {
    private static final long FAR = 4_000_000_000_000L;

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Values of every string form: int, embstr of several size classes, a few heap raw strings. */
    private static byte[] value(int i) {
        return switch (i % 4) {
            case 0 -> Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            case 1 -> ("v" + i).getBytes(StandardCharsets.US_ASCII);
            case 2 -> ("value-" + i + "-0123456789abcdef").getBytes(StandardCharsets.US_ASCII);
            default -> (i % 1000 == 3 ? "r".repeat(60) + i : "medium-" + i).getBytes(StandardCharsets.US_ASCII);
        };
    }

    private static void fill(Keyspace ks, Db db, int n) {
        long[] tmp = new long[1];
        for (int i = 0; i < n; i++) {
            byte[] v = value(i);
            Entry e = ks.add(db, key(i));
            e.setString(v, 0, v.length, tmp);
            if (i % 5 == 0) {
                ks.setExpire(db, e, FAR + i);
            }
            if (ks.viewsOutstanding() >= 4096) {
                ks.releaseViews();
            }
        }
        ks.releaseViews();
    }

    private static void deleteAll(Keyspace ks, Db db, int n) {
        for (int i = 0; i < n; i++) {
            byte[] k = key(i);
            Entry e = db.find(k);
            assertNotNull(e);
            ks.delete(db, e);
            if (ks.viewsOutstanding() >= 4096) {
                ks.releaseViews();
            }
        }
        ks.releaseViews();
    }

    @Test
    void creatingAndDeletingKeysReturnsTheMemoryAndReusesIt() {
        int n = 750_000;
        Keyspace ks = new Keyspace(1);
        Db db = ks.dbs[0];
        SlabAllocator mem = db.allocator();
        long baseline = ks.usedDatasetBytes();
        assertEquals(0, mem.allocatedBytes());

        fill(ks, db, n);
        assertEquals(n, db.size());
        assertEquals(n / 5, db.expiresCount());
        long full = mem.allocatedBytes();
        long footprint = mem.footprintBytes();
        assertTrue(full >= n * 24L, "every key holds an off-heap entry: " + full);
        assertEquals(ks.walkDatasetBytes(), ks.usedDatasetBytes());

        deleteAll(ks, db, n);
        assertEquals(0, db.size());
        assertEquals(0, db.expiresCount());
        assertEquals(0, mem.allocatedBytes(), "every allocation freed");
        assertEquals(0, mem.liveAllocations());
        assertEquals(baseline, ks.usedDatasetBytes(), "used_memory's dataset back to its baseline");
        // what stays: at most one current slab per size class and the pool of 16 empty slabs
        long kept = (long) (SizeClasses.count() + 16) * mem.slabSize();
        assertTrue(mem.footprintBytes() <= kept, "held after deleting everything: " + mem.footprintBytes());

        fill(ks, db, n); // the second round reuses the freed slabs: no growth past the first round's footprint
        assertEquals(full, mem.allocatedBytes());
        assertTrue(mem.footprintBytes() <= footprint, mem.footprintBytes() + " > " + footprint);
        deleteAll(ks, db, n);
        assertEquals(0, mem.allocatedBytes());
    }

    @Test
    void equalLengthOverwritesStayInPlace() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.dbs[0];
        fill(ks, db, 10_000);
        SlabAllocator mem = db.allocator();
        byte[] v = "value-0000-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        long allocated = -1;
        for (int round = 0; round < 3; round++) {
            for (int i = 2; i < 10_000; i += 4) { // embstr values; the first round may change their size class
                Entry e = db.find(key(i));
                long h = e.h;
                e.setStringNoInt(v, 0, v.length);
                assertArrayEquals(v, e.stringBytes());
                if (round > 0) {
                    assertEquals(h, e.h, "an overwrite of equal length stays in its allocation");
                }
            }
            ks.releaseViews();
            if (round > 0) {
                assertTrue(allocated == -1 || allocated == mem.allocatedBytes());
                allocated = mem.allocatedBytes();
            }
        }
    }

    @Test
    void activeDefragLowersFragmentationAfterDeletes() {
        int n = 200_000;
        Keyspace ks = new Keyspace(1);
        Db db = ks.dbs[0];
        fill(ks, db, n);
        Random r = new Random(12);
        boolean[] kept = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) {
                kept[i] = true;
                continue;
            }
            ks.delete(db, db.find(key(i)));
            if (ks.viewsOutstanding() >= 4096) {
                ks.releaseViews();
            }
        }
        ks.releaseViews();
        SlabAllocator mem = db.allocator();
        double before = mem.fragmentationRatio();
        assertTrue(before > 2.0, "a delete-heavy pattern fragments the slabs: " + before);

        ks.defragCron(10); // off by default: nothing moves
        assertEquals(0, ks.defragStats().hits);
        ks.configureDefrag(true, 0, 10, 100, 1, 99);
        for (int i = 0; i < 1000 && (ks.defragStats().hits == 0 || ks.defragRunning() != 0); i++) {
            ks.defragCron(10);
        }
        double after = mem.fragmentationRatio();
        assertTrue(ks.defragStats().hits > 0, "allocations moved");
        assertTrue(ks.defragStats().keyHits > 0 && ks.defragStats().keyMisses > 0);
        assertTrue(after < before * 0.75, "fragmentation " + before + " -> " + after);

        for (int i = 0; i < n; i++) { // every kept key still holds its value and expire
            Entry e = db.find(key(i));
            assertEquals(kept[i], e != null, "key " + i);
            if (e != null) {
                assertArrayEquals(value(i), e.stringBytes(), "key " + i);
                assertEquals(i % 5 == 0 ? FAR + i : -1, db.expireOf(e), "key " + i);
            }
            if (ks.viewsOutstanding() >= 4096) {
                ks.releaseViews();
            }
        }
        ks.releaseViews();
        assertEquals(ks.walkDatasetBytes(), ks.usedDatasetBytes());
    }
}
