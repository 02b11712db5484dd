package io.cinnabar.server.internal.command;

/**
 * The end of a command's execution as the propagation layer sees it (implemented by {@code propagate.Propagator},
 * wired by {@code Assembly}): {@link Server#call} reports every executed command here, and commands use it to
 * rewrite what they propagate or to add entries. Owned by the command layer so that the pipeline does not depend
 * on the layer above it.
 * <p>
 * Cost: when nothing consumes propagation ({@link #active()} false) every method returns at once and nothing is
 * allocated; a command checks {@code active()} before building a rewritten argument vector.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface PropagationHook {
    /** Whether anything consumes propagated commands (otherwise commands need not build rewrites). */
    boolean active();

    /** Called by {@link Server#call} before a command runs (calls nest: EXEC runs its queue through call). */
    void beginCall();

    /** The current command propagates nothing of itself (what it {@link #alsoPropagate}s still goes). */
    void prevent(Client c);

    /**
     * Called once per command after it ran in c's database (also for one left blocked, with dirtied false);
     * {@code dirtied}: the command changed the dataset (the dirty counter moved), so it propagates unless it
     * rewrote itself. When the outermost call ends, what it propagated leaves as one unit.
     */
    void afterCall(Client c, boolean dirtied);

    /**
     * The current command propagates to replicas even though it changed nothing, and not to the AOF (Redis's
     * forceCommandPropagation(c, PROPAGATE_REPL): PUBLISH and SPUBLISH outside cluster mode).
     */
    default void forceReplication(Client c) {
    }

    /** Propagate argv (owned by the hook from now on) instead of the command as executed. */
    void rewrite(Client c, byte[][] argv);

    /**
     * Propagate argv (owned by the hook from now on) in addition to the command (Redis's alsoPropagate), before
     * it, in c's current database.
     */
    void alsoPropagate(Client c, byte[][] argv);

    /**
     * Opens an execution unit (EXEC): what the commands of the unit propagate is held back until
     * {@link #endUnit}, then sent as one block (wrapped in MULTI/EXEC when it is more than one entry, as Redis
     * 7.2's propagatePendingCommands does).
     */
    void beginUnit();

    /**
     * Closes the unit opened by {@link #beginUnit} and sends what it held back; units nest (a script inside EXEC),
     * the outermost one sends.
     */
    void endUnit();

    /**
     * A key the server deleted by itself, outside what a command did (a cluster node's keys of a lost slot, Redis's
     * propagateDeletion): replicas and the AOF delete it too, as {@code DEL key} ({@code UNLINK} when lazy), in
     * database dbIndex; during a call it joins the call's entries, otherwise it leaves alone at once.
     */
    void propagateDeletion(int dbIndex, byte[] key, boolean lazy);

    /**
     * While on, the commands that run propagate nothing (a script's {@code redis.set_repl(redis.REPL_NONE)}); keys
     * deleted by expiry still propagate.
     */
    void suppress(boolean on);

    /** Propagation targets: the AOF, replicas, both. */
    int TO_AOF = 1;
    int TO_REPLICAS = 2;
    int TO_ALL = TO_AOF | TO_REPLICAS;

    /**
     * Where the commands that run from now on propagate ({@link #TO_AOF}, {@link #TO_REPLICAS} or {@link #TO_ALL}:
     * a script's {@code redis.set_repl}); a script resets it to {@link #TO_ALL} when it ends.
     */
    void targets(int to);

    /**
     * Drops what the running outermost call (a script) has queued so far: the server shut down inside it, and Redis
     * exits there without propagating any of it.
     */
    void discardPending();
}
