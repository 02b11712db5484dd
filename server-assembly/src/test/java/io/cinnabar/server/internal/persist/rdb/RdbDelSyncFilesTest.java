package io.cinnabar.server.internal.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rdb-del-sync-files} as Redis's removeRDBUsedToSyncReplicas and the replica's unlink after loading: only a
 * file made for replicas, only with the setting on and no persistence configured (no save points, AOF off), only
 * once no replica needs it; a user's BGSAVE file is never deleted.
 */
class RdbDelSyncFilesTest {
    private Assembly assembly;
    private Server server;
    private RdbPersistence rdb;
    private Path dir;

    @BeforeEach
    void assemble() throws Exception {
        dir = Files.createTempDirectory("rdb-del-sync");
        Config c = TestConfigs.noSave();
        c.putRaw("dir", dir.toString());
        c.putRaw("rdb-del-sync-files", "yes");
        assembly = Assembly.create(c, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
        rdb = (RdbPersistence) server.persistence;
        Client client = Client.detached(server);
        server.execute(client, new byte[][] {b("SET"), b("k"), b("v")});
    }

    @AfterEach
    void close() {
        assembly.loop().shutdown();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void finishSave() throws InterruptedException {
        for (int i = 0; i < 2000 && rdb.bgsaveInProgress(); i++) {
            rdb.beforeSleep();
            rdb.cron(System.currentTimeMillis());
            Thread.sleep(1);
        }
        assertFalse(rdb.bgsaveInProgress());
    }

    private Path file() {
        return dir.resolve("dump.rdb");
    }

    @Test
    void theFileMadeForReplicasGoesOnceNoReplicaNeedsIt() throws Exception {
        rdb.startBackgroundForReplication();
        finishSave();
        assertTrue(Files.exists(file()));
        assertFalse(rdb.removeRdbUsedToSyncReplicas(true), "a replica still waits for it");
        assertTrue(Files.exists(file()));
        assertTrue(rdb.removeRdbUsedToSyncReplicas(false));
        assertFalse(Files.exists(file()));
    }

    @Test
    void aUsersFileStays() throws Exception {
        rdb.startBackground();
        finishSave();
        assertFalse(rdb.removeRdbUsedToSyncReplicas(false));
        assertTrue(Files.exists(file()));
    }

    @Test
    void onlyWithoutPersistenceAndWithTheSettingOn() throws Exception {
        server.config.putRaw("save", "3600 1");
        rdb.startBackgroundForReplication();
        finishSave();
        assertFalse(rdb.removeRdbUsedToSyncReplicas(false), "save points: the file is the user's snapshot too");
        assertFalse(rdb.deleteSyncFileAfterLoad());
        server.config.putRaw("save", "");
        server.config.putRaw("rdb-del-sync-files", "no");
        assertFalse(rdb.removeRdbUsedToSyncReplicas(false));
        assertFalse(rdb.deleteSyncFileAfterLoad());
        assertTrue(Files.exists(file()));
        server.config.putRaw("rdb-del-sync-files", "yes");
        assertTrue(rdb.deleteSyncFileAfterLoad(), "a replica without persistence drops the file it loaded");
        assertFalse(Files.exists(file()));
    }
}
