package io.cinnabar.server.internal.keyspace.mem;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.IdentityHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One bucket table of {@link OffHeapKeyTable}: a power of two of 8-byte entry handles (0 = empty bucket) held in
 * chunks of at most {@value #CHUNK_BUCKETS} buckets ({@code long[8192]}, 64 KiB), each allocated on the first write
 * of an entry into it. A table of n buckets is a directory of {@code n / 8192} chunk references until then: starting
 * the 16 Mi-bucket table of a growing keyspace costs a 16 KiB array, not a 128 MiB {@code long[]} allocated and
 * zeroed at once (one event-loop stall of tens of milliseconds, and the old table left to the old generation).
 * Reading a bucket of a chunk never written returns 0. Tables under 8192 buckets are one chunk of their own size.
 * <pre>
 *   bucket i  -&gt;  chunks[i &gt;&gt;&gt; 13][i &amp; 8191]        (for tables of 8192 buckets or more)
 * </pre>
 * Full-size chunks come from, and go back to, the table's {@link Pool}: the incremental rehash returns each chunk of
 * the old table once its last bucket has moved (it is all zeros then), and the new table takes it, so a growth
 * allocates only the difference and leaves no garbage. Every chunk held is counted in {@link Pool#bytes()} (INFO's
 * used_memory, as Redis counts its dict tables). The chunks are heap arrays of primitives (the collector copies
 * each once when it is promoted and never traces it): direct-buffer chunks measured about 30% slower lookups and
 * 80% slower rehashing (thread CPU time, 1 M keys), a bounds-checked buffer access and its scope check per bucket.
 * <p>
 * <b>Slabs</b>: a chunk is a slice {@code [base, base + 8192)} of its array, which is either a chunk-sized array of
 * its own or a slab: one big array cut into slices. A growth of a big table needs as many new chunks as the old
 * table has (the rest are the old table's, reused); born in the young generation, that many chunks (64 MiB for 8 Mi
 * buckets) would be copied by the next young collection in one long pause. So when a table nears its growth, the
 * pool has a background thread allocate one slab bigger than the young generation can hold ({@link Pool#prepare}):
 * the collector allocates it in the old generation at once (a humongous/large object under G1 and ZGC), the
 * background thread pays its zeroing, and the growth cuts its chunks from it. A slab's bytes are counted when the
 * growth adopts it and returned when its last slice is dropped.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Buckets {
    static final int CHUNK_SHIFT = 13;
    static final int CHUNK_BUCKETS = 1 << CHUNK_SHIFT;
    static final int CHUNK_BYTES = CHUNK_BUCKETS * 8;

    final int length;
    final int mask;
    private final int shift;
    private final int inMask;
    private final long[][] chunks;
    /** Where each chunk starts in its array (0 for a chunk-sized array, a multiple of 8192 in a slab). */
    private final int[] bases;
    private final Pool pool;

    /** A table of n buckets (a power of two), all empty; reserves nothing yet. */
    Buckets(int n, Pool pool) {
        if (n <= 0 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("bucket count must be a power of two: " + n);
        }
        this.length = n;
        this.mask = n - 1;
        this.shift = Math.min(CHUNK_SHIFT, Integer.numberOfTrailingZeros(n));
        this.inMask = (1 << shift) - 1;
        this.chunks = new long[n >>> shift][];
        this.bases = new int[n >>> shift];
        this.pool = pool;
    }

    /** The handle at bucket i (0 when empty). */
    long get(int i) {
        int j = i >>> shift;
        long[] c = chunks[j];
        return c == null ? 0 : c[bases[j] + (i & inMask)];
    }

    /**
     * Stores handle v at bucket i, allocating its chunk first if needed.
     */
    void set(int i, long v) {
        int j = i >>> shift;
        long[] c = chunks[j];
        if (c == null) {
            if (v == 0) {
                return;
            }
            pool.take(this, j, 1 << shift);
            c = chunks[j];
        }
        c[bases[j] + (i & inMask)] = v;
    }

    /** Reserves the chunk of bucket i now (so a later {@link #set} of it cannot fail). */
    void reserve(int i) {
        if (chunks[i >>> shift] == null) {
            pool.take(this, i >>> shift, 1 << shift);
        }
    }

    /** Makes c[base, base + buckets per chunk) chunk j (called by the pool). */
    void install(int j, long[] c, int base) {
        chunks[j] = c;
        bases[j] = base;
    }

    /** Whether bucket i is the last of its chunk. */
    boolean lastOfChunk(int i) {
        return ((i + 1) & inMask) == 0;
    }

    /** Hands the chunk of bucket i back to the pool; every bucket of it must be empty. */
    void releaseChunkOf(int i) {
        int j = i >>> shift;
        long[] c = chunks[j];
        if (c != null) {
            chunks[j] = null;
            pool.give(c, bases[j]);
        }
    }

    /** Drops every chunk (their buckets may hold handles: they are not pooled). */
    void dropAll() {
        for (int j = 0; j < chunks.length; j++) {
            if (chunks[j] != null) {
                pool.drop(chunks[j]);
                chunks[j] = null;
            }
        }
    }

    /** Whether the chunk holding bucket i was ever written (a walk may skip an unreserved chunk whole). */
    boolean chunkReserved(int i) {
        return chunks[i >>> shift] != null;
    }

    /** Buckets per chunk. */
    int chunkBuckets() {
        return 1 << shift;
    }

    /**
     * The chunks of every table of one {@link OffHeapKeyTable}: allocates them, keeps up to {@value #MAX_POOLED}
     * empty full-size chunks for reuse, cuts chunks from slabs prepared ahead of a big growth, and counts the bytes
     * held. A chunk dropped is garbage for the collector (a slab, once every slice of it is dropped).
     * <p>
     * {@link #prepare} is the only method that involves another thread: the background allocation of a slab,
     * published through a volatile field and adopted by the owner's thread.
     */
    static final class Pool {
        static final int MAX_POOLED = 16;
        /** Slabs never exceed this many buckets (a Java array's length, whole chunks). */
        static final int MAX_SLAB = Integer.MAX_VALUE - CHUNK_BUCKETS + 1 & -CHUNK_BUCKETS;
        private static final long[] FAILED = new long[0];

        private final long[][] pooled = new long[MAX_POOLED][];
        private final int[] pooledBase = new int[MAX_POOLED];
        private int count;
        private long bytes;
        private long reserved;

        /** The smallest slab worth preparing, in buckets (0: never prepare one). */
        private final long slabMin;
        private final Executor background;
        /** The slab chunks are being cut from, and its next uncut bucket. */
        private long[] slab;
        private int slabNext;
        /** Per slab adopted: slices not dropped yet (cut or not); the slab's bytes are freed at 0. */
        private final IdentityHashMap<long[], int[]> slabLive = new IdentityHashMap<>();
        /** A slab asked of the background thread and not adopted yet. */
        private boolean requested;
        /** The background thread's answer: the slab, {@link #FAILED}, or null while it works. */
        private volatile long[] prepared;
        private long slabs;
        /** Set when the background refused a task: no more slabs are asked. */
        private boolean slabsOff;
        /**
         * The background task, made with the pool and reused (one slab is asked at a time): a lambda at the call
         * site was linked (its class spun and loaded) by the first growth's request, on the event loop, a SET of
         * 2-4 ms in the slow log of bench/latency-threads.sh's part at load 3/4 of the 8 Mi-bucket table (session 12).
         */
        private final SlabJob job = new SlabJob();

        /** Allocates a slab of {@code buckets} buckets on the background thread and publishes it. */
        private final class SlabJob implements Runnable {
            /** Written by the owner before execute(), which publishes it to the background thread. */
            int buckets;

            @Override
            public void run() {
                long[] s;
                try {
                    s = new long[buckets];
                } catch (OutOfMemoryError e) {
                    s = FAILED; // the growth takes chunks one by one instead
                }
                prepared = s;
            }
        }

        /** A pool that prepares slabs larger than this JVM's young generation (see {@link #defaultSlabMin()}). */
        Pool() {
            this(defaultSlabMin(), Background.EXECUTOR);
        }

        /**
         * @param slabMin    the smallest slab (buckets) a growth prepares; 0 never prepares one
         * @param background where a slab is allocated ({@code Runnable::run} allocates it at once, in tests)
         */
        Pool(long slabMin, Executor background) {
            this.slabMin = slabMin;
            this.background = background;
        }

        /** Makes a chunk of the given size chunk j of table b: pooled, cut from a slab, or new. */
        void take(Buckets b, int j, int buckets) {
            if (buckets == CHUNK_BUCKETS) {
                if (count > 0) {
                    long[] c = pooled[--count];
                    pooled[count] = null;
                    b.install(j, c, pooledBase[count]);
                    return;
                }
                if (slab == null) {
                    adopt();
                }
                if (slab != null) {
                    b.install(j, slab, slabNext);
                    slabNext += CHUNK_BUCKETS;
                    if (slabNext == slab.length) {
                        slab = null;
                    }
                    return;
                }
            }
            long[] c = new long[buckets];
            bytes += 8L * c.length;
            reserved++;
            b.install(j, c, 0);
        }

        /** Takes back an all-zero chunk. */
        void give(long[] c, int base) {
            if (c.length >= CHUNK_BUCKETS && count < MAX_POOLED) {
                pooled[count] = c;
                pooledBase[count++] = base;
            } else {
                drop(c);
            }
        }

        /** Forgets a chunk (its array, or the slab it is cut from). */
        void drop(long[] c) {
            if (c.length <= CHUNK_BUCKETS) {
                bytes -= 8L * c.length;
            } else {
                dropSlices(c, 1);
            }
        }

        private void dropSlices(long[] s, int n) {
            int[] live = slabLive.get(s);
            if ((live[0] -= n) == 0) {
                slabLive.remove(s);
                bytes -= 8L * s.length;
            }
        }

        /** Drops the pooled chunks and the uncut rest of the current slab. */
        void clear() {
            while (count > 0) {
                long[] c = pooled[--count];
                pooled[count] = null;
                drop(c);
            }
            if (slab != null) {
                dropSlices(slab, (slab.length - slabNext) / CHUNK_BUCKETS);
                slab = null;
            }
            if (requested && prepared != null) {
                prepared = null;
                requested = false;
            }
        }

        /**
         * After a shrink: drops the pooled slices and the current slab's uncut rest, so that a slab whose chunks
         * the smaller table no longer uses is freed whole (chunk-sized arrays stay pooled).
         */
        void trim() {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                long[] c = pooled[i];
                pooled[i] = null;
                if (c.length > CHUNK_BUCKETS) {
                    dropSlices(c, 1);
                } else {
                    pooled[kept] = c;
                    pooledBase[kept++] = pooledBase[i];
                }
            }
            count = kept;
            if (slab != null) {
                dropSlices(slab, (slab.length - slabNext) / CHUNK_BUCKETS);
                slab = null;
            }
        }

        /**
         * Called as a table of {@code buckets} buckets nears its growth: when the growth would need enough new
         * chunks for their young-generation copy to matter (half the smallest slab), asks the background thread for
         * a slab that covers them, unless one is asked already or the policy would refuse the growth. Never blocks.
         */
        void prepare(int buckets, ExpandPolicy policy, double load) {
            if (slabMin == 0 || requested || slabsOff) {
                return;
            }
            long have = (long) count * CHUNK_BUCKETS + (slab == null ? 0 : slab.length - slabNext);
            long need = buckets - have; // a doubling takes as many new chunks as the table has, minus the spares
            if (need * 2 < slabMin || !policy.allowed(16L * buckets, load)) {
                return;
            }
            long len = Math.max(need, slabMin);
            int n = (int) Math.min(MAX_SLAB, (len + CHUNK_BUCKETS - 1) & -CHUNK_BUCKETS);
            requested = true;
            prepared = null;
            try {
                job.buckets = n;
                background.execute(job);
            } catch (RuntimeException e) { // a refused task: this pool's growths take chunks one by one
                prepared = FAILED;
                slabsOff = true;
            }
        }

        /** Makes a prepared slab the current one, if the background thread has delivered it. */
        private void adopt() {
            long[] s = prepared;
            if (!requested || s == null) {
                return;
            }
            requested = false;
            prepared = null;
            if (s != FAILED) {
                slab = s;
                slabNext = 0;
                slabLive.put(s, new int[] {s.length / CHUNK_BUCKETS});
                bytes += 8L * s.length;
                slabs++;
            }
        }

        /** Bytes of the pooled (empty) chunks and of the current slab's uncut rest. */
        long pooledBytes() {
            return (long) count * CHUNK_BYTES + (slab == null ? 0 : 8L * (slab.length - slabNext));
        }

        /** Bytes of every chunk held: the tables' and the pooled ones, slabs whole. */
        long bytes() {
            return bytes;
        }

        /** Chunks allocated so far (not taken from the pool or a slab). */
        long reservations() {
            return reserved;
        }

        /** Slabs adopted so far. */
        long slabs() {
            return slabs;
        }

        /**
         * The smallest slab, in buckets, the collector is sure to place outside the young generation: more than the
         * whole young generation under the Parallel and Serial collectors (64 MiB under the launcher's
         * {@code -Xmn64m}, which no sizing of eden can hold); 32 MiB where the heap is regions (G1 and ZGC place an
         * array that size apart and never copy it). 0 (no slabs) when the young generation exceeds 256 MiB: a
         * growth then rarely fills it.
         */
        static long defaultSlabMin() {
            long young = 0;
            boolean eden = false;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                String name = p.getName();
                if (p.getType() == MemoryType.HEAP && (name.contains("Eden") || name.contains("Survivor"))) {
                    long max = p.getUsage().getMax();
                    if (max > 0) { // the young generation: eden and two survivor spaces (one pool for both)
                        young += name.contains("Eden") ? max : 2 * max;
                        eden |= name.contains("Eden");
                    }
                }
            }
            long bytes = eden ? young + CHUNK_BYTES : 32L << 20;
            return bytes > 256L << 20 ? 0 : (bytes / 8 + CHUNK_BUCKETS - 1) & -CHUNK_BUCKETS;
        }
    }

    /**
     * The thread that allocates prepared slabs: one per JVM, started with the first pool (a server's start) and
     * parked between slabs. Not started on demand: starting a thread from the event loop at a growth took 2-8 ms of
     * the SET that asked for the slab (a JVM thread's creation under load, seen in a stack sampler of the set
     * benchmark), one of the set phase's p99.9 stalls.
     */
    private static final class Background {
        static final Executor EXECUTOR = executor();

        private static Executor executor() {
            ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "cinnabar-bucket-slab");
                        t.setDaemon(true);
                        t.setPriority(Thread.MIN_PRIORITY);
                        return t;
                    });
            e.prestartCoreThread();
            return e;
        }
    }
}
