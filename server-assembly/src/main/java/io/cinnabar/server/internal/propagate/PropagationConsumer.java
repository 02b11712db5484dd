package io.cinnabar.server.internal.propagate;

import io.cinnabar.server.internal.command.Client;

/**
 * Receives the effects of commands in execution order: the AOF writer, replicas and MONITOR-like observers
 * register one with {@link Propagator#addConsumer}.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface PropagationConsumer {
    /**
     * One command as it must be replayed: {@code argv} is owned by the propagation layer (copied out of the query
     * buffer, never reused), shared read-only by every consumer; {@code db} is the database it applies to.
     */
    void propagate(int db, byte[][] argv);

    /**
     * Whether this consumer also receives the entries meant for replicas only ({@link
     * io.cinnabar.server.internal.command.PropagationHook#forceReplication}): true for replication, false for the AOF.
     */
    default boolean receivesReplicationOnly() {
        return false;
    }

    /**
     * The current command of {@code c}, propagating alone and as received ({@code c.argc} arguments, slices of
     * {@code c.argBuf} valid only during this call), for a consumer that encodes without an owned copy. Returns
     * false when the consumer wants {@link #propagate} with an owned copy instead (the default).
     */
    default boolean propagateCurrent(int db, Client c) {
        return false;
    }
}
