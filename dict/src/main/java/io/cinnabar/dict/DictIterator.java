package io.cinnabar.dict;

import java.util.ConcurrentModificationException;

/**
 * Walks every entry of a {@link Dict}: the old table from the rehash index on, then the new table while
 * rehashing (Redis: {@code dictIterator}). Obtain one with {@link Dict#safeIterator()} or
 * {@link Dict#iterator()}; {@link #next()} returns {@code null} at the end; always {@link #close()} it.
 *
 * <p>A <em>safe</em> iterator pauses the dict's rehashing from the first {@code next()} until {@code close()},
 * so entries never move while it walks and the caller may modify the dict (the next entry of the current chain
 * is remembered before an entry is returned, so deleting that entry is fine). An <em>unsafe</em> iterator takes
 * a fingerprint of the tables at the first {@code next()} and {@code close()} throws
 * {@link ConcurrentModificationException} if it changed.
 *
 * <p>Cost: O(buckets + entries) for a full walk; each {@code next()} skips empty buckets.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 *
 * @param <V> the value type
 */
public final class DictIterator<V> implements AutoCloseable {
    private final Dict<V> dict;
    private final boolean safe;
    private boolean started;
    private boolean closed;
    private int table;
    private int index = -1;
    private DictEntry<V> nextEntry;
    private long fingerprint;

    DictIterator(Dict<V> dict, boolean safe) {
        this.dict = dict;
        this.safe = safe;
    }

    /** The next entry, or {@code null} when all have been returned. */
    public DictEntry<V> next() {
        if (closed) {
            throw new IllegalStateException("iterator closed");
        }
        if (!started) {
            start();
        }
        while (nextEntry == null) {
            if (!advanceBucket()) {
                return null;
            }
        }
        DictEntry<V> e = nextEntry;
        nextEntry = e.next;
        return e;
    }

    private void start() {
        started = true;
        if (safe) {
            dict.pauseRehashing();
        } else {
            fingerprint = dict.fingerprint();
        }
        if (dict.isRehashing()) {
            index = dict.rehashIndex() - 1;
        }
    }

    private boolean advanceBucket() {
        index++;
        DictEntry<V>[] t = dict.table(table);
        if (index >= t.length) {
            if (table == 0 && dict.isRehashing()) {
                table = 1;
                index = 0;
                t = dict.table(1);
            }
            if (index >= t.length) {
                index = t.length;
                return false;
            }
        }
        nextEntry = t[index];
        return true;
    }

    /**
     * Ends the walk: a safe iterator resumes rehashing; an unsafe one checks the fingerprint.
     *
     * @throws ConcurrentModificationException if an unsafe iterator's dict changed while it walked
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        if (safe) {
            dict.resumeRehashing();
        } else if (fingerprint != dict.fingerprint()) {
            throw new ConcurrentModificationException("dict modified during an unsafe iteration");
        }
    }
}
