package io.cinnabar.server.internal.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one copy of the file-durability steps that the RDB and AOF writers share.
 * <p><b>Note:</b> Stateless; safe from any thread (the RDB writer thread and the event loop both call it).
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * fsync of a directory, so that a rename or a file creation in it survives a power loss (Redis's fsyncFileDir).
     * Best effort: some file systems do not let a directory be opened or synced; the rename is done either way.
     */
    public static void fsyncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened for fsync: nothing more can be done
        }
    }
}
