package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The array of keys with an expire in 64 KiB chunks ({@link VolatileArray}): against a list model with Redis-like
 * swap-removal across many chunk boundaries, its memory bounded by what it holds, churn at a chunk boundary
 * allocating nothing; and, through {@link OffHeapKeyTable}, expires set, changed, removed, deleted and moved by
 * defragmentation over tens of thousands of keys, checked against a {@link HashMap} model after each round.
 */
class VolatileArrayProperties {
    /** Random appends and swap-removals (growing to a size, then shrinking): the same contents as the model. */
    @Property(tries = 25)
    void agreesWithAListModel(@ForAll @IntRange(min = 0, max = 60_000) int peak,
            @ForAll @IntRange(min = 0, max = 100) int removeFirstPct, @ForAll long seed) {
        Random r = new Random(seed);
        VolatileArray a = new VolatileArray();
        List<Long> model = new ArrayList<>();
        long next = 1;
        int steps = 0;
        while (model.size() < peak) { // mostly adds, some removals, up to the peak
            if (!model.isEmpty() && r.nextInt(100) < removeFirstPct / 3) {
                remove(a, model, r.nextInt(model.size()));
            } else {
                long h = next++;
                assertEquals(model.size(), a.add(h));
                model.add(h);
            }
            if (++steps % 997 == 0) {
                check(a, model);
            }
        }
        check(a, model);
        while (!model.isEmpty()) { // down to nothing
            remove(a, model, r.nextInt(model.size()));
            if (model.size() % 1009 == 0) {
                check(a, model);
            }
        }
        check(a, model);
        assertTrue(a.capacity() <= VolatileArray.CHUNK, "an empty array keeps at most one chunk: " + a.capacity());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(0));
    }

    private static void remove(VolatileArray a, List<Long> model, int i) {
        long last = model.get(model.size() - 1);
        long moved = a.removeAt(i);
        if (i == model.size() - 1) {
            assertEquals(0, moved);
            model.remove(i);
        } else {
            assertEquals(last, moved);
            model.set(i, last);
            model.remove(model.size() - 1);
        }
    }

    private static void check(VolatileArray a, List<Long> model) {
        assertEquals(model.size(), a.size());
        for (int i = 0; i < model.size(); i++) {
            assertEquals(model.get(i), a.get(i), "slot " + i);
        }
        assertTrue(a.capacity() >= a.size());
        if (a.chunks() > 1) { // the chunks of the handles, the one of the next slot, and one spare at most
            assertTrue(a.chunks() <= a.size() / VolatileArray.CHUNK + 2, a.chunks() + " chunks for " + a.size());
        }
        assertTrue(a.bytes() >= 8L * a.capacity());
    }

    /** Adding and removing one key at a chunk boundary, again and again, allocates no chunk after the first. */
    @Test
    void churnAtAChunkBoundaryAllocatesNothing() {
        VolatileArray a = new VolatileArray();
        for (int i = 0; i < 2 * VolatileArray.CHUNK; i++) {
            a.add(i + 1);
        }
        a.add(-1);
        a.removeAt(a.size() - 1);
        long before = a.chunkAllocations();
        for (int i = 0; i < 10_000; i++) {
            a.add(-1);
            assertEquals(0, a.removeAt(a.size() - 1));
            a.add(-2);
            assertEquals(-2, a.removeAt(0)); // the last moves into index 0
            a.set(0, 1);
        }
        assertEquals(before, a.chunkAllocations());
        assertEquals(2 * VolatileArray.CHUNK, a.size());
        // growth allocates one chunk at a time: never a copy of the whole array
        for (int i = 0; i < 3 * VolatileArray.CHUNK; i++) {
            a.add(7);
        }
        assertEquals(5, a.chunks());
    }

    /**
     * Tens of thousands of keys in an {@link OffHeapKeyTable}: expires added, changed, removed, keys deleted and
     * entries relocated by defrag, in rounds; after each, the volatile entries are exactly the model's keys with an
     * expire, each once, with its time.
     */
    @Property(tries = 8)
    void tableExpiresAgreeWithAModel(@ForAll @IntRange(min = 9_000, max = 40_000) int keys, @ForAll long seed) {
        Random r = new Random(seed);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        Map<String, Long> model = new HashMap<>(); // key -> expire (-1: none)
        for (int i = 0; i < keys; i++) {
            byte[] k = key(i);
            t.putInt(k, 0, k.length, i);
            model.put("k" + i, -1L);
        }
        for (int round = 0; round < 4; round++) {
            int ops = keys;
            for (int j = 0; j < ops; j++) {
                int i = r.nextInt(keys);
                byte[] k = key(i);
                String ks = "k" + i;
                long e = t.find(k);
                int op = r.nextInt(10);
                if (e == 0) {
                    t.putInt(k, 0, k.length, i);
                    model.put(ks, -1L);
                } else if (op < 5) {
                    long when = 1_000_000L + r.nextInt(1_000_000);
                    t.setExpire(e, when);
                    model.put(ks, when);
                } else if (op < 7) {
                    t.removeExpire(e);
                    model.put(ks, -1L);
                } else if (op < 9) {
                    t.delete(e);
                    model.remove(ks);
                } else {
                    t.putString(k, 0, k.length, k, 0, k.length, false); // a value change keeps the expire
                }
            }
            long cursor = 0;
            do {
                cursor = t.defrag(cursor);
            } while (cursor != 0);
            Map<String, Long> seen = new HashMap<>();
            for (int i = 0; i < t.volatileCount(); i++) {
                long e = t.volatileEntry(i);
                assertTrue(t.hasExpire(e));
                String ks = new String(t.keyBytes(e), StandardCharsets.US_ASCII);
                assertEquals(null, seen.put(ks, t.expireAt(e)), "listed twice: " + ks);
            }
            Map<String, Long> expected = new HashMap<>();
            model.forEach((k, v) -> {
                if (v != -1) {
                    expected.put(k, v);
                }
            });
            assertEquals(expected, seen);
            assertEquals(model.size(), t.size());
        }
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.US_ASCII);
    }
}
