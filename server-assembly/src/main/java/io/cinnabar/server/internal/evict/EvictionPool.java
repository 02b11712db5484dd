package io.cinnabar.server.internal.evict;

import java.util.Arrays;

/**
 * Redis's eviction pool ({@code evict.c}, EVPOOL_SIZE 16): the best eviction candidates seen so far across the
 * samples of every database, sorted by ascending score (idle time in ms for LRU, 255 - counter for LFU,
 * {@code Long.MAX_VALUE - expire} for volatile-ttl), so the best candidate is the rightmost one. Each slot keeps a
 * copy of the key (in a reused 255-byte buffer, as Redis's cached sds; a longer key gets its own array) and its
 * database: the key may be gone or changed when its turn comes, and is then looked up again.
 * <pre>
 *   slot  0 ........................................ 15
 *         worst candidate                best candidate   (empty slots have len -1, on the right)
 * </pre>
 * Insertion (Redis's evictionPoolPopulate): a score lower than every held one is dropped when the pool is full;
 * otherwise it goes to its sorted place, shifting right into a free slot, or shifting the worst one out on the
 * left. O(16) per candidate, no allocation for keys up to 255 bytes.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class EvictionPool {
    /** EVPOOL_SIZE. */
    public static final int SIZE = 16;
    /** EVPOOL_CACHED_SDS_SIZE. */
    static final int CACHED = 255;

    private final long[] score = new long[SIZE];
    private final int[] db = new int[SIZE];
    private final int[] len = new int[SIZE];
    private byte[][] key = new byte[SIZE][];

    public EvictionPool() {
        for (int i = 0; i < SIZE; i++) {
            key[i] = new byte[CACHED];
            len[i] = -1;
        }
    }

    /** Whether slot i holds a candidate. */
    public boolean used(int i) {
        return len[i] >= 0;
    }

    public long score(int i) {
        return score[i];
    }

    public int db(int i) {
        return db[i];
    }

    public byte[] key(int i) {
        return key[i];
    }

    public int keyLength(int i) {
        return len[i];
    }

    /** Empties slot i (its key buffer is kept). */
    public void clear(int i) {
        len[i] = -1;
        score[i] = 0;
    }

    /** Offers a candidate; returns whether it entered the pool. */
    public boolean offer(int dbId, byte[] k, int off, int klen, long s) {
        int i = 0;
        while (i < SIZE && used(i) && score[i] < s) {
            i++;
        }
        if (i == 0 && used(SIZE - 1)) {
            return false; // worse than everything held, and no room
        }
        if (i < SIZE && !used(i)) {
            // an empty slot: nothing to move
        } else if (!used(SIZE - 1)) {
            rotateRight(i); // room on the right: shift [i, SIZE-1) one to the right
        } else {
            i--; // full: drop the worst (slot 0), shift [1, i] one to the left
            rotateLeft(i);
        }
        store(i, dbId, k, off, klen, s);
        return true;
    }

    /** Moves slots [i, SIZE-2] to [i+1, SIZE-1]; the buffer of the last (empty) slot comes to i. */
    private void rotateRight(int i) {
        byte[] spare = key[SIZE - 1];
        for (int j = SIZE - 1; j > i; j--) {
            move(j - 1, j);
        }
        key[i] = spare;
    }

    /** Moves slots [1, i] to [0, i-1]; the buffer of slot 0 (dropped) comes to i. */
    private void rotateLeft(int i) {
        byte[] spare = key[0];
        for (int j = 0; j < i; j++) {
            move(j + 1, j);
        }
        key[i] = spare;
    }

    private void move(int from, int to) {
        score[to] = score[from];
        db[to] = db[from];
        len[to] = len[from];
        key[to] = key[from];
    }

    private void store(int i, int dbId, byte[] k, int off, int klen, long s) {
        if (klen > CACHED || key[i] == null) {
            key[i] = Arrays.copyOfRange(k, off, off + klen);
        } else {
            if (key[i].length < CACHED) {
                key[i] = new byte[CACHED]; // the slot held a long key's own array: back to a cached buffer
            }
            System.arraycopy(k, off, key[i], 0, klen);
        }
        len[i] = klen;
        db[i] = dbId;
        score[i] = s;
    }
}
