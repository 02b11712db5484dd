package io.cinnabar.server.internal.persist;

/**
 * Something other than BGSAVE that runs a {@link Snapshot} in the background (the AOF rewrite): the RDB side
 * ({@code persist.rdb.RdbPersistence}, which the event loop asks for background work) steps it between polls and
 * makes it give the keyspace's one snapshot slot up when a synchronous save (SAVE, DEBUG RELOAD, FLUSHALL, the
 * shutdown save) needs it, as Redis's SAVE does not wait for an AOF rewrite child.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface SnapshotOwner {
    /**
     * One slice of the running snapshot's walk (and its completion); returns the longest the event loop may sleep,
     * in ms, as {@code PersistenceHook.beforeSleep}: 0 to come back at once, Long.MAX_VALUE when nothing runs.
     */
    long step();

    /** A synchronous save needs the snapshot slot: stop the running snapshot and schedule it again. */
    void yieldForSave();

    /**
     * The server shuts down: stop the running snapshot for good (its temporary files are removed). False, with the
     * snapshot left running, when stopping it would lose the dataset (the AOF waits for its first rewrite) and
     * {@code force} is off.
     */
    boolean stopForShutdown(boolean force);
}
