package io.cinnabar.server.internal.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot stream written to a temporary file, the one copy of the steps the RDB save and the AOF rewrite's base
 * share: the file is created (truncated) at once, so that an error opening it is reported before the snapshot
 * starts; bytes are written as they come; {@link #finish} fsyncs and closes it, then {@link #install}s it (an RDB
 * save renames it over its target, see {@code persist.rdb.RdbFileSink}; an AOF base is moved into the AOF
 * directory by the rewrite's done handler, so the base step does nothing); {@link #abort} (or a failed finish)
 * closes and deletes it, as Redis unlinks its temp files.
 * <p><b>Note:</b> This class is not threadsafe: only the snapshot's writer thread calls it.
 */
public class TempFileSink implements SnapshotSink {
    private final Path temp;
    private final FileChannel ch;
    private long written;

    public TempFileSink(Path temp) throws IOException {
        this.temp = temp;
        this.ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The temporary file. */
    public final Path temp() {
        return temp;
    }

    /** Bytes written so far. */
    public final long written() {
        return written;
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
        written += len;
    }

    @Override
    public final void finish() throws IOException {
        try {
            ch.force(true);
            ch.close();
            install();
        } catch (IOException e) {
            abort();
            throw e;
        }
    }

    /** Called once the temp file is fsynced and closed; a failure deletes it and fails the snapshot. */
    protected void install() throws IOException {
    }

    @Override
    public final void abort() {
        try {
            ch.close();
        } catch (IOException e) {
            // closing a file we are about to delete
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // best effort: the temp file stays, as Redis's would after a failed unlink
        }
    }
}
