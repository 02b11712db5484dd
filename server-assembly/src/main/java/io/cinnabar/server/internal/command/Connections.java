package io.cinnabar.server.internal.command;

import io.cinnabar.server.internal.config.ConfigException;
import java.util.List;

/**
 * What the command layer asks of the network layer (implemented by {@code net.EventLoop}, wired by
 * {@code Assembly}): flushing a client's replies, re-reading its input after it was unblocked, closing it,
 * per-client cron work, pauses and the listeners. It lets {@link Server}, the blocking code and the admin
 * commands reach the event loop without depending on the package above them.
 * <p><b>Note:</b> Implementations are not threadsafe: everything runs on the event-loop thread.
 */
public interface Connections {
    /** Schedules a write of c's pending replies. */
    void wantWrite(Client c);

    /**
     * Closes the listening sockets (a shutdown succeeded: as Redis exits there, no new connection is accepted while
     * the server finishes, e.g. a script that was busy unwinding).
     */
    void stopListening();

    /**
     * c received data it did not ask for (a Pub/Sub message, an invalidation): schedules the write and closes c
     * asynchronously once its output buffer is over the limits of its class (Redis's closeClientOnOutputBufferLimitReached).
     */
    void pushed(Client c);

    /** Closes c asynchronously once its pending output is over the limits of its class. */
    void checkLimits(Client c);

    /** Processes the commands already buffered in c's query buffer (after c was unblocked). */
    void processInput(Client c);

    /** Closes c once the current command and its reply are done. */
    void closeAsync(Client c);

    /** Frees c now (client eviction): c must not be running a command. */
    void closeNow(Client c);

    /** Timeouts and buffer resizing of the clients, from the server cron. */
    void clientsCron(long nowMs);

    /** Runs the clients queued while the server was paused. */
    void resumePaused();

    /**
     * Serves the other clients once while a long command runs (Redis's processEventsWhileBlocked, called from a
     * script's hook): accepts, reads and runs what arrived (the pipeline answers BUSY to most of it) and writes
     * the replies, without reading from {@code running}, the client whose command is running.
     */
    void processEventsWhileBlocked(Client running);

    /**
     * Switches c's socket to blocking I/O (on) and back (off), for a Lua debugging session that talks to its
     * client from inside the running script (Redis's connBlock/connNonBlock); false if that is not possible.
     */
    boolean blockingIo(Client c, boolean on);

    /** The TCP port listened on, 0 for none. */
    int port();

    /** Names of the listeners, for INFO. */
    List<String> listenerNames();

    /** Re-reads the request limits (proto-max-bulk-len) after CONFIG SET. */
    void updateLimits();

    /**
     * Re-binds the TCP listeners after CONFIG SET port or bind changed option {@code name} from {@code old}; when
     * the new address cannot be bound, the listeners of the old value are restored and the error is thrown
     * (Redis's changeListenPort / changeBindAddr).
     */
    void rebind(String name, String old) throws ConfigException;
}
