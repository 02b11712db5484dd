package io.cinnabar.server.internal.keyspace.mem;

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
        this.pool = pool;
    }

    /** The handle at bucket i (0 when empty). */
    long get(int i) {
        long[] c = chunks[i >>> shift];
        return c == null ? 0 : c[i & inMask];
    }

    /**
     * Stores handle v at bucket i, allocating its chunk first if needed.
     */
    void set(int i, long v) {
        long[] c = chunks[i >>> shift];
        if (c == null) {
            if (v == 0) {
                return;
            }
            c = chunks[i >>> shift] = pool.take(1 << shift);
        }
        c[i & inMask] = v;
    }

    /** Reserves the chunk of bucket i now (so a later {@link #set} of it cannot fail). */
    void reserve(int i) {
        if (chunks[i >>> shift] == null) {
            chunks[i >>> shift] = pool.take(1 << shift);
        }
    }

    /** Whether bucket i is the last of its chunk. */
    boolean lastOfChunk(int i) {
        return ((i + 1) & inMask) == 0;
    }

    /** Hands the chunk of bucket i back to the pool; every bucket of it must be empty. */
    void releaseChunkOf(int i) {
        long[] c = chunks[i >>> shift];
        if (c != null) {
            chunks[i >>> shift] = null;
            pool.give(c);
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
     * empty full-size chunks for reuse, and counts the bytes held. A chunk dropped is garbage for the collector.
     */
    static final class Pool {
        static final int MAX_POOLED = 16;
        private final long[][] pooled = new long[MAX_POOLED][];
        private int count;
        private long bytes;
        private long reserved;

        long[] take(int buckets) {
            if (buckets == CHUNK_BUCKETS && count > 0) {
                long[] c = pooled[--count];
                pooled[count] = null;
                return c;
            }
            long[] c = new long[buckets];
            bytes += 8L * c.length;
            reserved++;
            return c;
        }

        /** Takes back an all-zero chunk. */
        void give(long[] c) {
            if (c.length == CHUNK_BUCKETS && count < MAX_POOLED) {
                pooled[count++] = c;
            } else {
                bytes -= 8L * c.length;
            }
        }

        void drop(long[] c) {
            bytes -= 8L * c.length;
        }

        /** Drops the pooled chunks. */
        void clear() {
            while (count > 0) {
                bytes -= 8L * pooled[--count].length;
                pooled[count] = null;
            }
        }

        /** Bytes of the pooled (empty) chunks. */
        long pooledBytes() {
            return (long) count * CHUNK_BYTES;
        }

        /** Bytes of every chunk held: the tables' and the pooled ones. */
        long bytes() {
            return bytes;
        }

        /** Chunks allocated so far (not taken from the pool). */
        long reservations() {
            return reserved;
        }
    }
}
