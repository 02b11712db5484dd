package io.cinnabar.server.internal.persist;

import java.io.IOException;

/**
 * Where the bytes of a {@link Snapshot} go: an RDB file (BGSAVE, SAVE), the base file of an AOF rewrite (RDB
 * preamble), or a replica's socket (full resync). The snapshot's writer thread calls these methods, in order: any
 * number of {@link #write}s, then exactly one of {@link #finish} (the stream is complete) or {@link #abort} (the
 * snapshot failed or was cancelled; nothing written may be used).
 * <p><b>Note:</b> Implementations are called from the snapshot's writer thread only, never concurrently.
 */
public interface SnapshotSink {
    /** Takes the next bytes of the stream; b is reused after the call returns. */
    void write(byte[] b, int off, int len) throws IOException;

    /** The stream is complete: make it durable and visible (fsync, rename, flush the socket). */
    void finish() throws IOException;

    /** The stream will not be completed: drop what was written (delete the temp file, close the socket). */
    void abort();
}
