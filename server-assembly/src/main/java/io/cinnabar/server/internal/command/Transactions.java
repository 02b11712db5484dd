package io.cinnabar.server.internal.command;

/**
 * What the pipeline, CLIENT LIST, INFO and the event loop ask of the transaction code (implemented by
 * {@code multi.Transactions}, wired by {@code Assembly}): queuing a command between MULTI and EXEC, flagging a
 * transaction whose command was refused while queuing, forgetting a closed client, and the counters of CLIENT
 * LIST and INFO. Owned by the command layer so that the pipeline does not depend on the layer above it.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface Transactions {
    /** What {@link Client#tx} holds while a client is in MULTI or watches keys: the transaction code's record. */
    interface State {
    }

    /** Queues c's current command (checked for arity) for its EXEC and replies +QUEUED. */
    void queue(Client c, Command cmd);

    /** A command was refused while c is in MULTI (unknown, wrong arity, not allowed): EXEC will answer EXECABORT. */
    void flagError(Client c);

    /**
     * EXEC refused before it runs (OOM): discards c's transaction and answers
     * {@code EXECABORT Transaction discarded because of: <error>} (Redis's execCommandAbort).
     */
    void abort(Client c, String error);

    /**
     * Loads each command c queued into c's arguments (as EXEC runs them) and tests it, stopping at the first false;
     * c's own arguments (EXEC's) are restored. True when every queued command passed (or none is queued). The
     * argument buffers of the queued commands stay valid until the transaction ends.
     */
    boolean eachQueued(Client c, java.util.function.Predicate<Command> test);

    /** Ends c's transaction and watches without a reply (EXEC refused by a cluster redirection). */
    void discardQueued(Client c);

    /** Ends c's transaction and watches (connection closed, RESET). */
    void clientFreed(Client c);

    /** Commands queued by c, or -1 when c is not in MULTI (CLIENT LIST multi=). */
    int queued(Client c);

    /** Bytes of the commands c queued in MULTI, a pointer per argument included (CLIENT LIST multi-mem). */
    long queuedArgvBytes(Client c);

    /**
     * What c's transaction adds to its memory (Redis's multiStateMemOverhead): the queued arguments, the queue's
     * slots and its watched keys.
     */
    long memoryOverhead(Client c);

    /** Keys c watches (CLIENT LIST watch=). */
    int watchedKeys(Client c);

    /** Whether a key c watches was modified (CLIENT LIST flag d). */
    boolean dirty(Client c);

    /** Clients watching at least one key (INFO watching_clients). */
    int watchingClients();

    /** Distinct keys watched, per database (INFO total_watched_keys). */
    int totalWatchedKeys();
}
