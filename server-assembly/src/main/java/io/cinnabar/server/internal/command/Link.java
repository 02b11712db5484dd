package io.cinnabar.server.internal.command;

import java.nio.ByteBuffer;

/**
 * A connection the server holds as a peer rather than as a client of its own: a replica's link to its master,
 * a sentinel's links to the servers it watches, the cluster bus. Made by {@link Outbound}; every method and
 * every {@link Handler} callback runs on the event-loop thread.
 * <p><b>Note:</b> Implementations are not threadsafe.
 */
public interface Link {
    /** What a link tells its owner. */
    interface Handler {
        /** An outgoing connection completed (not called for an accepted one, which is connected from the start). */
        default void connected(Link link) {
        }

        /**
         * Bytes arrived: they are {@code in}'s remaining bytes. The handler consumes what it can by advancing the
         * position; unconsumed bytes are presented again, ahead of the next data. The buffer is the link's own
         * and valid only during the call.
         */
        void received(Link link, ByteBuffer in);

        /**
         * The connection failed or ended from the other side or by an I/O error, with a one-line reason; not
         * called after {@link Link#close()}.
         */
        void closed(Link link, String reason);
    }

    /** Queues bytes for the peer; they are written before the loop sleeps, or as the socket takes them. */
    void write(byte[] b, int off, int len);

    default void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Bytes queued and not yet taken by the socket. */
    long pendingBytes();

    /** Closes the connection now, dropping unwritten output; {@link Handler#closed} is not called. */
    void close();

    /** Open: connecting or connected, and not closed. */
    boolean isOpen();

    /** The TCP connection is established. */
    boolean isConnected();

    /** "ip:port" of the peer (as CLIENT LIST shows addresses); the target given to connect until connected. */
    String remoteAddress();

    /** "ip:port" of this side, empty until connected. */
    String localAddress();

    /** Stops (false) or resumes (true) reading: a handler that cannot take more now applies backpressure. */
    void reading(boolean on);

    /** Replaces the handler (a link that changes role, such as a handshake that becomes a data stream). */
    void handler(Handler h);

    /** The owner's object for this link. */
    Object attachment();

    void attach(Object o);
}
