package io.cinnabar.server.internal.persist.rdb;

import io.cinnabar.server.internal.persist.DurableFiles;
import io.cinnabar.server.internal.persist.SnapshotSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a snapshot stream to {@code temp-<pid>.rdb} in the target's directory, then fsyncs it and renames it over
 * the target atomically (Redis's rdbSave: a crash leaves either the old file or the new one, never half of one),
 * and fsyncs the directory so the rename itself is durable. Abort deletes the temp file.
 * <p><b>Note:</b> This class is not threadsafe: only the snapshot's writer thread calls it.
 */
public final class RdbFileSink implements SnapshotSink {
    private final Path target;
    private final Path temp;
    private FileChannel ch;
    private long written;

    /** The temp file is created at once: an error opening it is reported before the snapshot starts. */
    public RdbFileSink(Path target, long pid) throws IOException {
        this.target = target;
        this.temp = target.resolveSibling("temp-" + pid + ".rdb");
        this.ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    }

    public Path temp() {
        return temp;
    }

    public long written() {
        return written;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
        written += len;
    }

    @Override
    public void finish() throws IOException {
        try {
            ch.force(true);
            ch.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            DurableFiles.fsyncDir(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            abort();
            throw e;
        }
    }


    @Override
    public void abort() {
        try {
            ch.close();
        } catch (IOException e) {
            // closing a file we are about to delete
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the temp file stays, as Redis's would after a failed unlink
        }
    }
}
