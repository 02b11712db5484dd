package io.cinnabar.server.internal.keyspace.mem;

import java.util.Objects;

/**
 * The dense array of the handles of the entries that have an expire (Redis's expires dict, here an array the active
 * expiry cycle samples by index), held in chunks of {@value #CHUNK} longs ({@code long[8192]}, 64 KiB) so that it
 * grows and shrinks one chunk at a time: appending the 5,000,001st volatile key allocates 64 KiB, not a 64 MiB copy
 * of the whole array (one event-loop stall of tens of milliseconds, and the old array left to the old generation).
 * Under {@value #CHUNK} entries it is one array grown by doubling (an empty database holds 16 slots, not 64 KiB).
 * <pre>
 *   slot i  -&gt;  chunks[i &gt;&gt;&gt; 13][i &amp; 8191]
 * </pre>
 * Removal moves the last handle into the freed index ({@link OffHeapKeyTable} keeps each entry's index in the entry).
 * A chunk left empty by removals is released once the one after it is empty too (one spare chunk: a key added and
 * removed at a chunk boundary does not allocate every time); the directory shrinks when it is mostly unused, and the
 * array is back to 16 slots when the last handle is removed.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class VolatileArray {
    static final int SHIFT = 13;
    static final int CHUNK = 1 << SHIFT;
    static final int MASK = CHUNK - 1;
    private static final int MIN = 16;

    private long[][] chunks = {new long[MIN]};
    /** Chunks allocated (the first may be smaller than {@value #CHUNK} while the array is small). */
    private int nchunks = 1;
    private int count;
    /** Full-size chunks allocated so far (for tests: churn at a chunk boundary allocates nothing). */
    private long chunkAllocations;

    int size() {
        return count;
    }

    /** Slots allocated (used or not). */
    long capacity() {
        return nchunks == 1 ? chunks[0].length : (long) nchunks * CHUNK;
    }

    /** Heap bytes of the chunks (and the directory). */
    long bytes() {
        return 8L * capacity() + 4L * chunks.length;
    }

    long get(int i) {
        Objects.checkIndex(i, count);
        return chunks[i >>> SHIFT][i & MASK];
    }

    void set(int i, long handle) {
        Objects.checkIndex(i, count);
        chunks[i >>> SHIFT][i & MASK] = handle;
    }

    /** Makes sure {@link #add} of one more handle allocates nothing (so it cannot fail after the caller's work). */
    void reserveOne() {
        if (count == Integer.MAX_VALUE - 1) {
            throw new IllegalStateException("too many keys with an expire");
        }
        if (count < capacity()) {
            return;
        }
        if (nchunks == 1 && chunks[0].length < CHUNK) { // small: one array grown by doubling
            chunks[0] = java.util.Arrays.copyOf(chunks[0], chunks[0].length * 2);
            return;
        }
        if (nchunks == chunks.length) {
            chunks = java.util.Arrays.copyOf(chunks, chunks.length * 2);
        }
        chunks[nchunks++] = new long[CHUNK];
        chunkAllocations++;
    }

    /** Appends a handle; returns its index. */
    int add(long handle) {
        reserveOne();
        int i = count++;
        chunks[i >>> SHIFT][i & MASK] = handle;
        return i;
    }

    /**
     * Removes the handle at index i by moving the last one there; returns the handle moved into i (the caller
     * updates that entry's index), or 0 when i was the last.
     */
    long removeAt(int i) {
        Objects.checkIndex(i, count);
        int lastIdx = --count;
        long last = chunks[lastIdx >>> SHIFT][lastIdx & MASK];
        chunks[lastIdx >>> SHIFT][lastIdx & MASK] = 0;
        long moved = 0;
        if (i != lastIdx) {
            chunks[i >>> SHIFT][i & MASK] = last;
            moved = last;
        }
        shrink();
        return moved;
    }

    /** Releases chunks past the one that holds the next free slot and one spare. */
    private void shrink() {
        if (count == 0) {
            clear(); // the last expire removed: back to a small array
        } else if (nchunks > 1) {
            int keep = Math.max(1, (count >>> SHIFT) + 2); // the chunk of slot `count`, and one spare after it
            while (nchunks > keep) {
                chunks[--nchunks] = null;
            }
            if (chunks.length > 16 && nchunks * 4 < chunks.length) {
                chunks = java.util.Arrays.copyOf(chunks, chunks.length / 2);
            }
        } else if (chunks[0].length > 64 && count * 4 < chunks[0].length) {
            chunks[0] = java.util.Arrays.copyOf(chunks[0], chunks[0].length / 2);
        }
    }

    long chunkAllocations() {
        return chunkAllocations;
    }

    /** Chunks held (1 while the array is small). */
    int chunks() {
        return nchunks;
    }

    /** Drops every handle (back to the 16 slots of a new array). */
    void clear() {
        chunks = new long[][] {new long[MIN]};
        nchunks = 1;
        count = 0;
    }
}
