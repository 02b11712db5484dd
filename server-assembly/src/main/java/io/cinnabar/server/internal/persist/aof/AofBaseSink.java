package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.server.internal.persist.SnapshotSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The temporary base file of an AOF rewrite ({@code temp-rewriteaof-bg-<pid>.aof} in {@code dir}): the snapshot's
 * bytes are written as they come, {@link #finish} fsyncs and closes the file (the rewrite's done handler renames it
 * into the AOF directory and persists the manifest), {@link #abort} deletes it.
 * <p><b>Note:</b> This class is not threadsafe: only the snapshot's writer thread calls it.
 */
final class AofBaseSink implements SnapshotSink {
    private final Path file;
    private final FileChannel ch;

    /** The file is created (truncated) at once: an error opening it is reported before the rewrite starts. */
    AofBaseSink(Path file) throws IOException {
        this.file = file;
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    }

    Path file() {
        return file;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    @Override
    public void finish() throws IOException {
        try {
            ch.force(true);
            ch.close();
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
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort, as Redis's bg_unlink of the temp file
        }
    }
}
