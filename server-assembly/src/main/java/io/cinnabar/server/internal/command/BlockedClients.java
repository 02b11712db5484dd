package io.cinnabar.server.internal.command;

/**
 * What the command layer, the network layer and INFO ask of the blocking code (implemented by
 * {@code blocking.BlockingKeys}, wired by {@code Assembly}): serving clients whose keys became ready after each
 * command, the deadlines the event loop sleeps until, and the counters of INFO clients.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface BlockedClients {
    /** What {@link Client#blocked} holds while a client is blocked: the blocking code's record of it. */
    interface Ticket {
        /** The first key a client blocked on keys waits on (in cluster mode all its keys share a slot), else null. */
        default byte[] firstKey() {
            return null;
        }

        /** The command that blocked. */
        default Command command() {
            return null;
        }
    }

    /** The clients blocked on keys, oldest block first (a copy: the caller may unblock them). */
    default java.util.List<Client> blockedOnKeys() {
        return java.util.List.of();
    }

    /** Serves the clients blocked on keys that became ready during the last command. */
    void handleReady();

    /** Whether c's command is being re-executed because a key it waits on became ready. */
    boolean reprocessing(Client c);

    /** Times out the blocked clients whose deadline passed (before the event loop sleeps). */
    void beforeSleep();

    /** The earliest deadline of a blocked client in unix ms, or Long.MAX_VALUE. */
    long nextTimeoutMs();

    /** Forgets a client that is being freed. */
    void clientFreed(Client c);

    /** CLIENT UNBLOCK: false when target is not blocked. */
    boolean unblockByRequest(Client target, boolean error);

    /**
     * Ends target's blocking with the error (without the leading '-'), as Redis's disconnectAllBlockedClients does
     * when a master becomes a replica; false when target is not blocked on keys.
     */
    boolean unblockWithError(Client target, String error);

    /** Clients blocked on keys (INFO blocked_clients). */
    int blockedClients();

    /** Keys at least one client is blocked on (INFO total_blocking_keys). */
    int blockingKeys();

    /** Blocked clients with a deadline (INFO clients_in_timeout_table). */
    int clientsWithDeadline();
}
