package io.cinnabar.server.internal.persist.aof;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;

/**
 * BGREWRITEAOF and WAITAOF (the local part).
 * <p><b>Note:</b> This class is not threadsafe (commands run on the event loop).
 */
public final class AofCommands {
    private AofCommands() {
    }

    public static void register(CommandTable t, AppendOnlyFile aof) {
        t.impl("bgrewriteaof", c -> bgrewriteaof(c, aof));
        t.impl("waitaof", c -> waitaof(c, aof));
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

    /**
     * WAITAOF numlocal numreplicas timeout: Redis 7.2's checks and reply {@code [numlocal, numreplicas]}. The AOF
     * of the commands before WAITAOF is written and fsynced (with any policy) before the reply, which is what
     * numlocal 1 asks for, so the local part never has to block. Without replication the replica count is 0 and
     * the reply comes at once (Redis, with no replica connected, would wait for the timeout first).
     */
    static void waitaof(Client c, AppendOnlyFile aof) {
        if (!c.argLong(1)) {
            return;
        }
        long numlocal = c.ctx.tmp[0];
        if (!c.argLong(2)) {
            return;
        }
        long numreplicas = c.ctx.tmp[0];
        if (!c.argLongOr(3, "ERR timeout is not an integer or out of range")) {
            return;
        }
        long timeout = c.ctx.tmp[0];
        if (numlocal < 0 || numreplicas < 0) {
            c.error("ERR value is out of range, must be positive");
            return;
        }
        if (timeout < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        if (numlocal != 0 && !aof.enabled()) {
            c.error("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
            return;
        }
        long local = 0;
        if (aof.enabled()) {
            aof.flush(true);
            aof.syncNow();
            local = 1;
        }
        c.array(2);
        c.integer(local);
        c.integer(0);
    }
}
