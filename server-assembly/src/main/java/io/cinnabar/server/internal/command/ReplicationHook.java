package io.cinnabar.server.internal.command;

/**
 * What the pipeline, the event loop, INFO and CLIENT ask of replication (implemented by
 * {@code replication.Replication}, wired by {@code Assembly}): the per-iteration work (full-sync transfers, WAIT
 * deadlines), the cron (pings, timeouts, the master link), the refusal of commands a replica or a master without
 * enough good replicas must not run, and the bookkeeping of a client that goes away.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface ReplicationHook {
    /** Once per event-loop iteration, before replies are written: returns the longest the loop may sleep, in ms. */
    long beforeSleep();

    /**
     * FLUSHALL ran (Redis's flushAllDataAndResetRDB, which kills the RDB child whatever it serves): a full resync's
     * snapshot stops and the replicas it was for are dropped (they resync).
     */
    default void flushedAll() {
    }

    /** Part of the server cron. */
    void cron(long nowMs);

    /**
     * The error c gets instead of running a command with these flags (NOREPLICAS, READONLY, MASTERDOWN, as Redis's
     * processCommand checks them), or null. The flags are the command's, or for a script with a shebang those its
     * flags give it ({@link ScriptingInfo#commandFlags}).
     */
    String deny(Client c, int cmdFlags);

    /** A client is being freed (a replica, the master link, a client blocked in WAIT). */
    void clientFreed(Client c);

    /** Whether this server follows a master (REPLICAOF host port): no active expiry, logical expiry on reads. */
    boolean isReplica();

    /** The INFO replication section, with its header. */
    void info(StringBuilder b);

    /**
     * Bytes of the master's stream were consumed from the master client's query buffer (all or part of the next
     * command); called before the command runs.
     */
    void masterBytes(Client master, byte[] b, int off, int len);

    /** The master client's command ran: its bytes advance the replication offset and go to chained replicas. */
    void masterCommandDone(Client master);

    /**
     * The replication ID an RDB file written now records (aux field repl-id), or null when it records none (a
     * master without a backlog); with {@link #rdbReplOffset} and {@link #rdbReplStreamDb}.
     */
    String rdbReplId();

    long rdbReplOffset();

    /**
     * Appends a command to the replication stream outside any client command (a restarting master's DEL for each
     * key that expired while it was down, after {@link #loadedReplInfo}); nothing on a replica or without a backlog.
     */
    void feed(int db, byte[][] argv);

    /**
     * Appends a command to the replication stream in the database the stream is in, with no SELECT (DEBUG REPLICATE,
     * Redis's replicationFeedSlaves with server.slaveseldb); nothing on a replica or without a backlog.
     */
    default void feedAsIs(byte[][] argv) {
        feed(-1, argv);
    }

    int rdbReplStreamDb();

    /** The RDB loaded at startup recorded a replication ID and offset (PSYNC2 after a restart). */
    void loadedReplInfo(String id, long offset, int streamDb);

    /** Forgets the secondary replication ID (DEBUG CHANGE-REPL-ID). */
    void clearSecondaryId();

    /** sync_full, sync_partial_ok and sync_partial_err of INFO stats. */
    long[] syncStats();

    /** INFO mem_replication_backlog: the replication buffer up to repl-backlog-size (all of it without replicas). */
    long backlogMemory();

    /** INFO mem_clients_slaves: the replication buffer beyond repl-backlog-size while replicas are attached. */
    long replicaBuffersMemory();

    /**
     * INFO mem_total_replication_buffers: Redis 7's one replication buffer shared by the backlog and every replica
     * (each of its blocks counted once, whatever the number of readers); counted in used_memory.
     */
    long totalReplicationBuffers();

    /** The replication buffer's part that eviction does not count (Redis's freeMemoryGetNotCountedMemory). */
    long notCountedForEvict();

    /**
     * A replica's diskless load in progress (INFO persistence): 0 none, 1 loading (commands without the loading flag
     * get -LOADING), 2 async loading (the old data serves clients until the swap).
     */
    default int loadingState() {
        return 0;
    }

    /**
     * SHUTDOWN's wait for replicas (Redis's isReadyToShutdown): true when no replica is attached or every replica
     * acknowledged the whole replication stream.
     */
    default boolean replicasInSync() {
        return true;
    }

    /** SHUTDOWN started waiting: asks the replicas for an acknowledgement now (REPLCONF GETACK *). */
    default void requestAcks() {
    }

    /** The shutdown goes ahead after a wait: logs each lagging replica and how many are in sync, as Redis does. */
    default void logShutdownSync() {
    }

    /**
     * CLIENT UNBLOCK of a client blocked in WAIT or WAITAOF (Redis 7.2's blockedClientMayTimeout covers both): it gets
     * its timeout reply now (the acknowledgements so far), or with error the {@code -UNBLOCKED} error. False when
     * target is not blocked there.
     */
    default boolean unblockByRequest(Client target, boolean error) {
        return false;
    }

    /** Clients blocked in WAIT or WAITAOF: INFO blocked_clients counts them with the clients blocked on keys. */
    default int blockedClients() {
        return 0;
    }

    /** Clients blocked in WAIT or WAITAOF with a timeout: INFO clients_in_timeout_table counts them. */
    default int blockedWithDeadline() {
        return 0;
    }

    /**
     * Memory of a replica's diskless load in progress (the twin keyspace the master's RDB is parsed into): INFO
     * used_memory counts it as Redis counts its temporary databases.
     */
    default long loadingMemory() {
        return 0;
    }

    /** An option changed (its primary name): min-replicas-* and the backlog size apply at once, as in Redis. */
    default void configChanged(String primary) {
    }

    /**
     * The last bytes (up to 256) of the replication backlog as Redis's sdscatrepr quotes them, or null without a
     * backlog (Redis's showLatestBacklog, logged when the master's stream makes this replica answer an error).
     */
    default String latestBacklog() {
        return null;
    }

    /** CONFIG RESETSTAT: sync_full, sync_partial_ok and sync_partial_err start again from 0. */
    default void resetStats() {
    }
}
