package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;

/**
 * BGREWRITEAOF (WAITAOF is replication's: it fsyncs through {@link AppendOnlyFile#syncFedNow()} and counts replicas).
 * <p><b>Note:</b> This class is not threadsafe (commands run on the event loop).
 */
public final class AofCommands {
    private AofCommands() {
    }

    public static void register(CommandTable t, AppendOnlyFile aof) {
        t.impl("bgrewriteaof", c -> bgrewriteaof(c, aof));
    }

    /**
     * Redis's bgrewriteaofCommand: an error while a rewrite runs; scheduled for the cron while another snapshot
     * (BGSAVE) runs or inside EXEC; otherwise started (its snapshot walks in the background).
     */
    static void bgrewriteaof(Client c, AppendOnlyFile aof) {
        if (aof.rewriteInProgress()) {
            c.error("ERR Background append only file rewriting already in progress");
        } else if (c.server.keyspace.snapshotRunning() || c.denyBlocking && !c.isDetached()) {
            aof.rewriteScheduled = true;
            aof.consecutiveFailures = 0;
            c.simple("Background append only file rewriting scheduled");
        } else if (aof.rewriteBackground()) {
            c.simple("Background append only file rewriting started");
        } else {
            c.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
    }
}
