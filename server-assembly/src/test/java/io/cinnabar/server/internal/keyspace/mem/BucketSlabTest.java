package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
 * Bucket chunks cut from slabs prepared ahead of a growth ({@link Buckets.Pool#prepare}): the table against a
 * {@code HashMap} model while slabs of several sizes are cut, pooled and dropped; a growth taking no new chunk when
 * its slab is there; a slab delivered late; the bytes of slabs counted while any slice lives and returned after;
 * and the default slab size placed outside the young generation by this JVM's collector.
 */
class BucketSlabTest {
    private static final int CHUNK = Buckets.CHUNK_BUCKETS;

    private static byte[] k(String p, int i) {
        return (p + i).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Random adds, overwrites, deletes and rehash steps on a table whose pool cuts chunks from slabs of
     * {@code slabChunks} chunks: every key maps to its model value, a full walk visits each key once, and after
     * clear() no bucket byte is counted.
     */
    @Property(tries = 12)
    void slabCutTablesMatchAHashMap(@ForAll @IntRange(min = 2, max = 12) int slabChunks,
            @ForAll @IntRange(min = 40_000, max = 150_000) int ops, @ForAll @IntRange(min = 0, max = 40) int deletePct,
            @ForAll long seed) {
        Buckets.Pool pool = new Buckets.Pool((long) slabChunks * CHUNK, Runnable::run);
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem, pool);
        Map<Integer, Integer> model = new HashMap<>();
        Random r = new Random(seed);
        int keys = ops / 2 + 1;
        for (int op = 0; op < ops; op++) {
            int key = r.nextInt(keys);
            byte[] kb = k("k", key);
            if (r.nextInt(100) < deletePct) {
                assertEquals(model.remove(key) != null, t.delete(kb, 0, kb.length), "delete k" + key);
            } else {
                int v = r.nextInt(1_000_000);
                t.putInt(kb, 0, kb.length, v);
                model.put(key, v);
            }
            if (op % 97 == 0) {
                t.rehash(r.nextInt(50));
            }
        }
        assertEquals(model.size(), t.size());
        for (Map.Entry<Integer, Integer> en : model.entrySet()) {
            byte[] kb = k("k", en.getKey());
            long e = t.find(kb);
            assertTrue(e != 0, "k" + en.getKey());
            assertEquals((long) en.getValue(), t.intValue(e), "k" + en.getKey());
        }
        Map<String, Integer> seen = new HashMap<>();
        t.forEach(e -> seen.merge(new String(t.keyBytes(e), StandardCharsets.US_ASCII), 1, Integer::sum));
        assertEquals(model.size(), seen.size());
        seen.forEach((key, n) -> assertEquals(1, n, key));
        assertTrue(t.bucketBytes() >= 8L * t.buckets());
        t.clear();
        assertEquals(0, t.bucketBytes(), "every slab and chunk returned");
        assertEquals(0, mem.allocatedBytes());
    }

    /**
     * A table of 16 chunks at load 3/4 prepares a slab (smallest slab 24 chunks: the 8-chunk table's growth, 8 new
     * chunks, is too small for one); its doubling then cuts every new chunk from it.
     */
    @Test
    void theSlabThreadAsksForTheLowestPriority() {
        new Buckets.Pool(); // starts the JVM's slab thread (once)
        Thread slab = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("cinnabar-bucket-slab")).findFirst().orElseThrow();
        // nice 19 under the launcher's -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 (as root)
        assertEquals(Thread.MIN_PRIORITY, slab.getPriority());
        assertTrue(slab.isDaemon());
    }

    @Test
    void aGrowthCutsItsNewChunksFromThePreparedSlab() {
        Buckets.Pool pool = new Buckets.Pool(24L * CHUNK, Runnable::run);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator(), pool);
        int n = 16 * CHUNK;
        fill(t, 0, n * 3 / 4 - 1);
        settle(t);
        assertEquals(n, t.buckets());
        assertEquals(0, t.bucketSlabs(), "nothing prepared under load 3/4");
        long reservations = t.bucketChunkReservations();
        long bytes = t.bucketBytes();
        fill(t, n * 3 / 4 - 1, n);
        assertEquals(n, t.buckets());
        assertEquals(bytes, t.bucketBytes(), "prepared, not adopted: not counted yet");
        byte[] one = k("k", n);
        t.putInt(one, 0, one.length, n); // load 1: the table doubles
        assertTrue(t.rehashing());
        while (t.rehash(1)) {
            // bucket by bucket, as operations and the cron move it
        }
        assertEquals(2 * n, t.buckets());
        assertEquals(1, t.bucketSlabs());
        assertEquals(reservations, t.bucketChunkReservations(), "no chunk allocated one by one");
        assertEquals(32L * Buckets.CHUNK_BYTES, t.bucketBytes() - t.pooledBucketBytes());
        for (int i = 0; i <= n; i++) {
            assertTrue(t.find(k("k", i)) != 0, "k" + i);
        }
        for (int i = 0; i <= n; i++) { // deleting every key shrinks the table: the slab is freed whole
            byte[] key = k("k", i);
            assertTrue(t.delete(key, 0, key.length));
        }
        settle(t);
        assertTrue(t.buckets() < CHUNK, "shrunk to " + t.buckets());
        assertTrue(t.bucketBytes() <= (long) Buckets.Pool.MAX_POOLED * Buckets.CHUNK_BYTES + 8L * CHUNK,
                "only chunk-sized arrays stay pooled: " + t.bucketBytes());
    }

    /** A slab the background thread has not delivered when the growth starts: chunks come one by one until it has. */
    @Test
    void aSlabDeliveredLateIsAdoptedByTheNextChunk() {
        List<Runnable> queued = new ArrayList<>();
        Buckets.Pool pool = new Buckets.Pool(24L * CHUNK, queued::add);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator(), pool);
        int n = 16 * CHUNK;
        fill(t, 0, n + 1);
        assertTrue(t.rehashing());
        assertEquals(1, queued.size(), "one slab asked, once");
        for (int i = 0; i < 4 * CHUNK; i++) {
            t.rehash(1);
        }
        assertEquals(0, t.bucketSlabs());
        long before = t.bucketChunkReservations();
        queued.remove(0).run(); // the background thread delivers
        settle(t);
        assertEquals(1, t.bucketSlabs());
        assertEquals(before, t.bucketChunkReservations(), "the rest of the growth cut from the slab");
        assertEquals(32L * Buckets.CHUNK_BYTES, t.bucketBytes() - t.pooledBucketBytes());
        assertTrue(t.pooledBucketBytes() > 0, "the slab's uncut rest waits for the next growth");
        for (int i = 0; i <= n; i++) {
            assertTrue(t.find(k("k", i)) != 0, "k" + i);
        }
        t.clear();
        assertEquals(0, t.bucketBytes());
    }

    /** A refused growth asks for no slab; a background that refuses the task leaves the growths to chunks. */
    @Test
    void noSlabForARefusedGrowthAndNoneAfterAFailure() {
        List<Runnable> queued = new ArrayList<>();
        OffHeapKeyTable<Object> u = new OffHeapKeyTable<>(new SlabAllocator(),
                new Buckets.Pool(8L * CHUNK, queued::add));
        u.setExpandPolicy((more, load) -> false);
        fill(u, 0, 16 * CHUNK - 1);
        assertTrue(queued.isEmpty(), "the policy refuses: no slab prepared");

        int[] asked = {0};
        Buckets.Pool refusing = new Buckets.Pool(8L * CHUNK, r -> {
            asked[0]++;
            throw new java.util.concurrent.RejectedExecutionException("test");
        });
        OffHeapKeyTable<Object> w = new OffHeapKeyTable<>(new SlabAllocator(), refusing);
        int n = 16 * CHUNK;
        fill(w, 0, n + 1); // the refusal does not reach the writer
        settle(w);
        assertEquals(2 * n, w.buckets());
        assertEquals(0, w.bucketSlabs());
        fill(w, n + 1, 2 * n + 1);
        assertEquals(1, asked[0], "asked once, then never again");
        for (int i = 0; i <= 2 * n; i++) {
            assertTrue(w.find(k("k", i)) != 0, "k" + i);
        }
    }

    /**
     * The default slab size is one this JVM's collector allocates outside the young generation: allocating it
     * grows the old generation's usage by at least its size.
     */
    @Test
    void theDefaultSlabIsBornOld() {
        long slab = Buckets.Pool.defaultSlabMin();
        assumeTrue(slab > 0, "this JVM's young generation is too big for slabs");
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getName().contains("Old")) {
                old = p;
            }
        }
        assumeTrue(old != null, "no old-generation pool to read");
        // a collection between the two readings (other tests allocate in this JVM) can free old regions and hide
        // the slab: only a reading pair with no collection in between counts
        for (int attempt = 0; attempt < 20; attempt++) {
            long gcs = collections();
            long before = old.getUsage().getUsed();
            long[] s = new long[(int) slab];
            long after = old.getUsage().getUsed();
            if (collections() != gcs) {
                continue;
            }
            assertTrue(after - before >= 8 * slab, "old generation grew by " + (after - before) + ", slab " + 8 * slab);
            assertEquals(0, s[s.length - 1]);
            return;
        }
        throw new AssertionError("a collection ran during each of 20 allocations of the slab");
    }

    private static long collections() {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    private static void fill(OffHeapKeyTable<Object> t, int from, int to) {
        for (int i = from; i < to; i++) {
            byte[] key = k("k", i);
            t.putInt(key, 0, key.length, i);
        }
    }

    private static void settle(OffHeapKeyTable<Object> t) {
        while (t.rehash(1000)) {
            // done
        }
    }
}
