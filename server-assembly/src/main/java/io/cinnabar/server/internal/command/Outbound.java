package io.cinnabar.server.internal.command;

import java.io.IOException;
import java.util.function.Function;

/**
 * The event loop's services for the parts of the server that act as peers rather than serve clients:
 * outgoing connections, extra listening ports, tasks handed over from other threads, and turning a link into a
 * client whose input is executed as commands (a replica's master link after the initial sync). Implemented by
 * {@code net.EventLoop}, wired by {@code Assembly}.
 * <p><b>Note:</b> Only {@link #execute} may be called from another thread; everything else, and every callback,
 * runs on the event-loop thread.
 */
public interface Outbound {
    /**
     * Starts a non-blocking TCP connection to host:port; the handler hears {@code connected} or {@code closed}.
     * Never throws: a name that does not resolve or a refused connection arrives as {@code closed} (at the next
     * turn of the loop, not during this call).
     */
    Link connect(String host, int port, Link.Handler handler);

    /**
     * Listens on an extra TCP port (the cluster bus on port+10000); each accepted connection becomes a link
     * whose handler {@code accept} gives. The returned handle stops listening when closed.
     */
    AutoCloseable listen(String bindHost, int port, Function<Link, Link.Handler> accept) throws IOException;

    /** Runs task on the event-loop thread at its next turn; safe from any thread. */
    void execute(Runnable task);

    /**
     * Makes link a regular client of this server: bytes the handler left unconsumed and everything that arrives
     * later are parsed and executed as commands (with the caller's settings on the returned client, such as
     * suppressed replies for a master); pending output is kept. The link must not be used afterwards.
     */
    Client adopt(Link link);
}
