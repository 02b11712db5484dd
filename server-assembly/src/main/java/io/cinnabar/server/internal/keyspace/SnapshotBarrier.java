package io.cinnabar.server.internal.keyspace;

/**
 * The copy-before-write seam of a fork-less snapshot (ARCHITECTURE: "Snapshots without fork"). While a snapshot
 * runs ({@link Keyspace#beginSnapshot}), the keyspace calls its barrier BEFORE anything changes or removes a key
 * that was present when the snapshot started and that the saver has not written yet: a lookup for writing, a
 * delete, an expiry (lazy or active), an expire set or removed, a flush, a swap. The barrier writes the old value
 * (and marks the entry saved with {@link Keyspace#markSaved}) so the snapshot holds the dataset of its start.
 * <p>
 * Callbacks run on the event-loop thread inside the operation; they must not modify the keyspace.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface SnapshotBarrier {
    /** e, a key of db not yet saved, is about to change or go away: save its current value now. */
    void beforeChange(Db db, Entry e);

    /** Every key of db is about to be removed (FLUSHDB, FLUSHALL); its unsaved keys are still there. */
    void beforeFlush(Db db);

    /** The contents of a and b are about to be exchanged (SWAPDB). */
    void beforeSwap(Db a, Db b);

    /**
     * The memory of the keys written before a change so far (their MEMORY USAGE): the counterpart of a forked child's
     * copy-on-write, the data the writes during the save would have duplicated (INFO current_cow_size).
     */
    default long cowBytes() {
        return 0;
    }

    /** Keys written so far (INFO current_save_keys_processed). */
    default long keysProcessed() {
        return 0;
    }

    /** Keys present when the snapshot started (INFO current_save_keys_total). */
    default long keysAtStart() {
        return 0;
    }
}
