package io.cinnabar.server.internal.command;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Output a client reads from a buffer it shares with other readers instead of its own reply buffer: a replica's
 * place in the replication buffer (Redis 7's ref_repl_buf_node). The event loop writes it after the client's own
 * replies; CLIENT LIST, the output buffer limits and client memory count its share.
 * <p><b>Note:</b> Implementations are not threadsafe: the event-loop thread owns them.
 */
public interface SharedOutput {
    /** Bytes ready to be written now (0 while the output is held back, such as during a replica's full sync). */
    long pending();

    /** Whether the shared output is what the client receives now (a replica after its RDB: its replies are done). */
    boolean streaming();

    /** This client's share of the shared buffer as Redis counts it (CLIENT LIST omem, output buffer limits). */
    long memory();

    /** Blocks of the shared buffer this client still references (CLIENT LIST oll). */
    long blocks();

    /** Writes what the channel takes of {@link #pending()}; returns the bytes written. */
    long write(WritableByteChannel ch) throws IOException;
}
