package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The bucket tables in off-heap chunks ({@link Buckets}): SCAN and cursor-sliced snapshot walks across growths and
 * shrinks of tables of many 8192-bucket chunks, full walks in the middle of a rehash, the memory of the chunks
 * counted, reused from the old table by the new one, and returned on shrink and clear; and the growth refused by an
 * {@link ExpandPolicy} up to load 1.618.
 */
class BucketChunkProperties {
    private static byte[] k(String p, int i) {
        return (p + i).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Tables of several chunks grow (adds) or shrink (deletes) between SCAN calls, with rehash steps of any size:
     * every key present for the whole scan is returned, and afterwards every key is found and a full walk visits
     * each once.
     */
    @Property(tries = 15)
    void scanAcrossChunkBoundaries(@ForAll @IntRange(min = 8_000, max = 40_000) int initial,
            @ForAll @IntRange(min = 0, max = 40_000) int added, @ForAll @IntRange(min = 0, max = 100) int deletePct,
            @ForAll @IntRange(min = 0, max = 300) int rehashPerCall) {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        for (int i = 0; i < initial; i++) {
            byte[] key = k("s", i);
            t.putInt(key, 0, key.length, i);
        }
        int toDelete = initial * deletePct / 100;
        Set<Integer> returned = new HashSet<>();
        long cursor = 0;
        int nextAdd = 0;
        int nextDelete = 0;
        int calls = 0;
        do {
            cursor = t.scan(cursor, e -> {
                String s = new String(t.keyBytes(e), StandardCharsets.US_ASCII);
                if (s.startsWith("s")) {
                    returned.add(Integer.parseInt(s.substring(1)));
                }
            });
            for (int j = 0; j < 30 && nextAdd < added; j++, nextAdd++) {
                byte[] key = k("a", nextAdd);
                t.putString(key, 0, key.length, key, 0, key.length, false);
            }
            for (int j = 0; j < 30 && nextDelete < toDelete; j++, nextDelete++) {
                byte[] key = k("s", nextDelete);
                assertTrue(t.delete(key, 0, key.length));
            }
            t.rehash(rehashPerCall);
            assertTrue(++calls < 10_000_000, "scan does not end");
        } while (cursor != 0);
        for (int i = toDelete; i < initial; i++) {
            assertTrue(returned.contains(i), "missed s" + i);
        }
        checkPresent(t, nextDelete, initial, nextAdd);
    }

    /** Every key s[from, to) and a[0, added) is found, and a full walk (rehashing or not) visits each once. */
    private static void checkPresent(OffHeapKeyTable<Object> t, int from, int to, int added) {
        for (int i = from; i < to; i++) {
            byte[] key = k("s", i);
            assertTrue(t.find(key) != 0, "s" + i);
        }
        for (int i = 0; i < added; i++) {
            byte[] key = k("a", i);
            assertTrue(t.find(key) != 0, "a" + i);
        }
        Map<String, Integer> seen = new HashMap<>();
        t.forEach(e -> seen.merge(new String(t.keyBytes(e), StandardCharsets.US_ASCII), 1, Integer::sum));
        assertEquals(t.size(), seen.size());
        assertEquals(to - from + added, t.size());
        seen.forEach((key, n) -> assertEquals(1, n, key));
    }

    /**
     * A snapshot walks the table in cursor slices (BGSAVE) while writes add keys (growing it through several chunks),
     * overwrite and delete others, and the cron rehashes: every key that exists from the start to the end of the
     * walk is visited; a SAVE-style full walk in the middle of a rehash visits every key exactly once.
     */
    @Property(tries = 12)
    void snapshotWalkWhileRehashing(@ForAll @IntRange(min = 9_000, max = 30_000) int initial,
            @ForAll @IntRange(min = 16, max = 256) int slice, @ForAll @IntRange(min = 0, max = 200) int cronSteps) {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        for (int i = 0; i < initial; i++) {
            byte[] key = k("s", i);
            t.putInt(key, 0, key.length, i);
        }
        Set<String> visited = new HashSet<>();
        long cursor = 0;
        int round = 0;
        int added = 0;
        boolean midRehashWalked = false;
        do {
            for (int j = 0; j < slice; j++) {
                cursor = t.scan(cursor, e -> visited.add(new String(t.keyBytes(e), StandardCharsets.US_ASCII)));
                if (cursor == 0) {
                    break;
                }
            }
            for (int j = 0; j < 50; j++) { // writes between slices: new keys (the table doubles), overwrites
                byte[] key = k("a", added);
                if (added < 2 * initial) {
                    t.putInt(key, 0, key.length, added++);
                }
                byte[] old = k("s", (round * 50 + j) % initial);
                t.putString(old, 0, old.length, key, 0, key.length, (j & 1) == 0);
            }
            t.rehash(cronSteps);
            round++;
            if (!midRehashWalked && t.rehashing()) { // a SAVE now: one full walk mid-rehash
                checkPresent(t, 0, initial, added);
                midRehashWalked = true;
            }
        } while (cursor != 0);
        for (int i = 0; i < initial; i++) {
            assertTrue(visited.contains("s" + i), "snapshot missed s" + i);
        }
        checkPresent(t, 0, initial, added);
    }

    @Test
    void chunksAreCountedReusedAndReturned() {
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        int n = 1 << 17; // 16 chunks of 8192 buckets at load 1
        for (int i = 0; i < n; i++) {
            byte[] key = k("k", i);
            t.putInt(key, 0, key.length, i);
        }
        while (t.rehash(1000)) {
            // settle
        }
        assertEquals(n, t.buckets());
        assertEquals(16L * Buckets.CHUNK_BYTES, t.bucketBytes() - pooledBytes(t));
        long before = t.bucketChunkReservations();
        byte[] one = k("k", n);
        t.putInt(one, 0, one.length, n); // load 1 reached: the table doubles to 32 chunks
        assertTrue(t.rehashing());
        while (t.rehash(1)) {
            // the way the operations and the cron move it: bucket by bucket
        }
        assertEquals(2 * n, t.buckets());
        long reserved = t.bucketChunkReservations() - before;
        assertTrue(reserved <= 17, "the new table reuses the old one's chunks: " + reserved + " new chunks");
        assertEquals(32L * Buckets.CHUNK_BYTES, t.bucketBytes() - pooledBytes(t));
        assertTrue(pooledBytes(t) <= (long) Buckets.Pool.MAX_POOLED * Buckets.CHUNK_BYTES);

        for (int i = 0; i <= n; i++) { // delete everything: the table shrinks back, its chunks are returned
            byte[] key = k("k", i);
            assertTrue(t.delete(key, 0, key.length));
            t.rehash(1);
        }
        while (t.rehash(100)) {
            // settle
        }
        assertFalse(t.rehashing());
        assertTrue(t.buckets() <= 64, "shrunk to " + t.buckets());
        assertTrue(t.bucketBytes() <= (long) Buckets.Pool.MAX_POOLED * Buckets.CHUNK_BYTES + 512,
                "returned, except the pool: " + t.bucketBytes());
        long used = t.overheadBytes();
        assertTrue(used >= t.bucketBytes());

        for (int i = 0; i < 50_000; i++) {
            byte[] key = k("k", i);
            t.putInt(key, 0, key.length, i);
        }
        assertTrue(t.bucketBytes() >= 8L * 32_768, "a table of 50000 keys holds its buckets");
        t.clear(); // every chunk dropped, the pool's too
        assertEquals(0, t.bucketBytes());
        assertEquals(0, mem.allocatedBytes());
    }

    /** The chunks held in the pool: bytes held beyond the chunks the current tables have reserved. */
    private static long pooledBytes(OffHeapKeyTable<Object> t) {
        return t.pooledBucketBytes();
    }

    @Test
    void expandPolicyRefusesGrowthUpToLoad1618() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        for (int i = 0; i < 16; i++) {
            byte[] key = k("k", i);
            t.putInt(key, 0, key.length, i);
        }
        while (t.rehash(100)) {
            // settle at 16 buckets
        }
        assertEquals(16, t.buckets());
        List<long[]> asked = new ArrayList<>();
        t.setExpandPolicy((more, load) -> {
            asked.add(new long[] {more, (long) (load * 1000)});
            return false;
        });
        for (int i = 16; i < 26; i++) { // load up to 26/16 = 1.625 only after the 26th key is in
            byte[] key = k("k", i);
            t.putInt(key, 0, key.length, i);
            assertFalse(t.rehashing(), "refused at " + i);
        }
        assertEquals(16, t.buckets());
        assertEquals(10, asked.size());
        assertEquals(8L * 32, asked.get(0)[0], "asks for the new table's bytes");
        assertEquals(1000, asked.get(0)[1]);
        byte[] key = k("k", 26);
        t.putInt(key, 0, key.length, 26); // 26/16 > 1.618: grows whatever the policy says
        assertTrue(t.rehashing());
        assertEquals(10, asked.size());
        for (int i = 0; i <= 26; i++) {
            byte[] q = k("k", i);
            assertTrue(t.find(q) != 0);
        }

        OffHeapKeyTable<Object> u = new OffHeapKeyTable<>(new SlabAllocator());
        u.setExpandPolicy((more, load) -> true);
        for (int i = 0; i < 5; i++) {
            byte[] q = k("k", i);
            u.putInt(q, 0, q.length, i);
        }
        assertEquals(4 + 8, u.buckets(), "allowed: grows at load 1");
    }
}
