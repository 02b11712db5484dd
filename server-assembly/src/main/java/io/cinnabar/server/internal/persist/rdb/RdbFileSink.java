package io.cinnabar.server.internal.persist.rdb;

import io.cinnabar.server.internal.persist.DurableFiles;
import io.cinnabar.server.internal.persist.TempFileSink;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a snapshot stream to {@code temp-<pid>.rdb} in the target's directory, then (once fsynced) renames it over
 * the target atomically (Redis's rdbSave: a crash leaves either the old file or the new one, never half of one) and
 * fsyncs the directory so the rename itself is durable. Abort deletes the temp file ({@link TempFileSink}).
 * <p><b>Note:</b> This class is not threadsafe: only the snapshot's writer thread calls it.
 */
public final class RdbFileSink extends TempFileSink {
    private final Path target;

    public RdbFileSink(Path target, long pid) throws IOException {
        super(target.resolveSibling("temp-" + pid + ".rdb"));
        this.target = target;
    }

    @Override
    protected void install() throws IOException {
        try {
            Files.move(temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        DurableFiles.fsyncDir(target.toAbsolutePath().getParent());
    }
}
