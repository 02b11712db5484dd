package io.cinnabar.server.internal.command;

/**
 * What the pipeline and the event loop ask of persistence (implemented by persist.rdb, wired by Assembly): background
 * work between polls, the cron's save points, the MISCONF refusal of writes after a failed save, the shutdown
 * save, FLUSHALL's save, and the load at startup.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface PersistenceHook {
    /**
     * Once per event-loop iteration: runs a slice of background work and returns the longest the loop may sleep
     * before the next iteration, in ms: 0 while work can continue at once, a little while it is held back,
     * Long.MAX_VALUE when there is none.
     */
    long beforeSleep();

    /** Part of the cron: save points, finished background saves. */
    void cron(long nowMs);

    /** The MISCONF error a write command (and PING) gets now, or null (Redis's writeCommandsDeniedByDiskError). */
    String writeError();

    /**
     * Redis's finishShutdown, first step: stops a running background RDB save, then the other snapshots (the AOF
     * rewrite). False when the shutdown must not happen: the AOF waits for its first rewrite and {@code force} is
     * off (logged).
     */
    boolean stopForShutdown(boolean force);

    /**
     * Redis's finishShutdown, final save: saves when save points exist or {@code save}, unless {@code nosave}.
     * False when the save failed and {@code force} is off: the server must keep running.
     */
    boolean saveForShutdown(boolean save, boolean nosave, boolean force);

    /** After FLUSHALL emptied the keyspace: stop a background RDB save, save when save points exist, reset dirty. */
    void flushedAll();

    /** Loads the dataset at startup; throws IllegalStateException (message logged already) when the file is bad. */
    void loadAtStartup();
}
