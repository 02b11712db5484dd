package io.cinnabar.server.internal.keyspace;

/**
 * Told of what happens to the keys of a database: the seam through which higher layers (blocked clients today;
 * WATCH, client tracking, keyspace notifications and the snapshot's copy-before-write later) react to a key
 * changing, without the keyspace knowing them by name. Registered with {@link Db#addListener}. The key bytes
 * passed to a callback are valid only during the call (copy what you keep).
 * <p>
 * Callbacks run synchronously on the event-loop thread, inside the operation that caused them; a listener must
 * not modify the keyspace from a callback (it records what it needs and acts later, as the blocking code does
 * with its ready keys). Every method has an empty default, so a listener implements only what it needs.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface KeyspaceListener {
    /** A key was added to db (a new key, also the destination of RENAME/MOVE/COPY/RESTORE). */
    default void keyAdded(Db db, byte[] key, int off, int len) {
    }

    /** A key's value was changed in place or replaced (Redis's signalModifiedKey). */
    default void keyModified(Db db, byte[] key, int off, int len) {
    }

    /** A key was deleted by a command (DEL, UNLINK, a value emptied by a pop, the source of RENAME/MOVE). */
    default void keyDeleted(Db db, byte[] key, int off, int len) {
    }

    /** A key was removed because its expire time passed (lazily on access or by the active cycle). */
    default void keyExpired(Db db, byte[] key, int off, int len) {
    }

    /**
     * A key was evicted by the maxmemory policy (after {@link #keyDeleted}): replicas and the AOF delete it too,
     * with UNLINK when lazy (lazyfree-lazy-eviction) and DEL otherwise, as Redis's propagateDeletion does.
     */
    default void keyEvicted(Db db, byte[] key, int off, int len, boolean lazy) {
    }

    /** Every key of db is about to be removed (FLUSHDB, FLUSHALL): its keys are still there (WATCH). */
    default void flushing(Db db) {
    }

    /** The contents of a and b are about to be exchanged (SWAPDB): both still hold their keys (WATCH). */
    default void swapping(Db a, Db b) {
    }

    /** Every key of db was removed (FLUSHDB, FLUSHALL). */
    default void flushed(Db db) {
    }

    /** The contents of two databases were exchanged (SWAPDB). */
    default void swapped(Db a, Db b) {
    }
}
