package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a full resync's snapshot is for the rest of the server, as Redis's RDB child of startBgsaveForReplication:
 * a disk-based one is a background save (rdb_saves, the save status, rdb_changes_since_last_save), any one shows as
 * rdb_bgsave_in_progress and refuses SAVE/BGSAVE; a replica about to load its master's data stops its own background
 * save and its AOF, and rewrites the AOF from the loaded data. Real Redis 7.0.15 masters are the oracle where the
 * same steps run on both.
 */
class SyncSnapshotTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private static final List<String> FIELDS = List.of("rdb_saves", "rdb_changes_since_last_save",
        "rdb_last_bgsave_status", "rdb_bgsave_in_progress");

    private static String fields(int port) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String f : FIELDS) {
            b.append(f).append('=').append(Nodes.info(port, f)).append(' ');
        }
        return b.toString();
    }

    /** The same steps on a master, real or Cinnabar: what INFO persistence and SAVE/BGSAVE say at each. */
    private String masterSteps(int master, boolean real) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            Nodes.call(master, "SET", "k" + i, "v");
        }
        out.append("start: ").append(fields(master)).append('\n');
        // a slow disk-based sync: 20 ms a key, so that it is still running when SAVE and BGSAVE come
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "20000");
        RealRedis replica = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        Nodes.awaitInfo(master, "rdb_bgsave_in_progress", "1");
        out.append("during: ").append(fields(master)).append('\n');
        out.append("SAVE ").append(Nodes.call(master, "SAVE"));
        out.append("BGSAVE ").append(Nodes.call(master, "BGSAVE"));
        out.append("BGSAVE SCHEDULE ").append(Nodes.call(master, "BGSAVE", "SCHEDULE"));
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
        Nodes.awaitSynced(master, replica.port());
        Nodes.awaitInfo(master, "rdb_bgsave_in_progress", "0");
        out.append("after disk sync: ").append(fields(master)).append('\n');
        // a diskless sync is no background save; SAVE counts, DEBUG RELOAD and FLUSHALL's save do not
        Nodes.call(master, "CONFIG", "SET", "repl-diskless-sync", "yes");
        Nodes.call(master, "SET", "x", "1");
        Nodes.call(master, "DEBUG", "CHANGE-REPL-ID"); // the replica cannot continue: a full resync
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        Nodes.awaitInfo(master, "sync_full", "2");
        Nodes.awaitSynced(master, replica.port());
        out.append("after diskless sync: ").append(Nodes.info(master, "rdb_saves")).append('\n');
        out.append("SAVE ").append(Nodes.call(master, "SAVE"));
        out.append("DEBUG RELOAD ").append(Nodes.call(master, "DEBUG", "RELOAD"));
        out.append("end: ").append(fields(master)).append('\n');
        return out.toString();
    }

    @Test
    void diskSyncIsABackgroundSaveAsInRedis() throws Exception {
        String redis = masterSteps(nodes.redis("--repl-diskless-sync", "no", "--repl-diskless-sync-delay", "0").port(),
            true);
        String cinnabar = masterSteps(nodes.cinnabar("repl-diskless-sync", "no", "repl-diskless-sync-delay", "0"),
            false);
        assertEquals(redis, cinnabar);
        assertTrue(redis.contains("after disk sync: rdb_saves=1 rdb_changes_since_last_save=0"), redis);
    }

    /** A replica loading its master's RDB stops the background save it was running (Redis's killRDBChild). */
    private void replicaStopsItsSaveAtTheLoad(String load) throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        Nodes.call(master, "DEBUG", "POPULATE", "200", "m");
        int replica = nodes.cinnabar("repl-diskless-load", load);
        Nodes.call(replica, "DEBUG", "POPULATE", "100", "old");
        Nodes.call(replica, "CONFIG", "SET", "rdb-key-save-delay", "100000"); // 10 s for the 100 keys
        assertEquals("+Background saving started\r\n", Nodes.call(replica, "BGSAVE"));
        assertEquals("1", Nodes.info(replica, "rdb_bgsave_in_progress"));
        Nodes.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(master));
        Nodes.awaitSynced(master, replica);
        assertEquals("0", Nodes.info(replica, "rdb_bgsave_in_progress"), "the save of the old data was stopped");
        assertEquals(":200\r\n", Nodes.call(replica, "DBSIZE"));
        if (load.equals("disabled")) {
            assertTrue(nodes.log(replica).contains("Replica is about to load the RDB file received from the master, "
                + "but there is a pending RDB child running."));
            // the file is the master's: nothing wrote the old data over it
            Nodes.call(replica, "CONFIG", "SET", "rdb-key-save-delay", "0");
            assertEquals("+OK\r\n", Nodes.call(replica, "DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(Nodes.digest(master), Nodes.digest(replica));
        }
    }

    @Test
    void replicaStopsItsSaveBeforeADiskLoad() throws Exception {
        replicaStopsItsSaveAtTheLoad("disabled");
    }

    @Test
    void replicaStopsItsSaveBeforeASwapdbLoad() throws Exception {
        replicaStopsItsSaveAtTheLoad("swapdb");
    }

    /** A replica with appendonly yes rewrites its AOF from the data it loaded (Redis's restartAOFAfterSYNC). */
    @Test
    void replicaAofHoldsTheLoadedData() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        Nodes.call(master, "DEBUG", "POPULATE", "300", "m");
        int replica = nodes.cinnabar("appendonly", "yes");
        Nodes.call(replica, "SET", "old", "1");
        Nodes.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(master));
        Nodes.awaitSynced(master, replica);
        Nodes.awaitInfo(replica, "aof_enabled", "1");
        Nodes.awaitInfo(replica, "aof_rewrite_in_progress", "0");
        assertTrue(nodes.log(replica).contains("Background append only file rewriting started"), nodes.log(replica));
        Nodes.call(master, "SET", "after", "1");
        Nodes.awaitSynced(master, replica);
        assertEquals("+OK\r\n", Nodes.call(replica, "DEBUG", "LOADAOF"));
        assertEquals(":301\r\n", Nodes.call(replica, "DBSIZE"));
        assertEquals(Nodes.digest(master), Nodes.digest(replica));
    }

    /** CLIENT UNBLOCK ends a WAIT as its timeout would (the count) or with -UNBLOCKED; INFO counts WAIT clients. */
    private String unblockWait(int master) throws Exception {
        StringBuilder out = new StringBuilder();
        try (RespClient forever = new RespClient(master); RespClient timed = new RespClient(master)) {
            String id = forever.call("CLIENT", "ID").substring(1).trim();
            forever.call("SET", "k", "v");
            forever.sendRaw(RespClient.encode("WAIT", "1", "0"));
            timed.sendRaw(RespClient.encode("WAIT", "1", "100000"));
            Nodes.awaitInfo(master, "blocked_clients", "2");
            out.append("timeout table ").append(Nodes.info(master, "clients_in_timeout_table")).append('\n');
            out.append("unblock ").append(Nodes.call(master, "CLIENT", "UNBLOCK", id));
            out.append("reply ").append(forever.read());
            forever.sendRaw(RespClient.encode("WAIT", "1", "0"));
            Nodes.awaitInfo(master, "blocked_clients", "2");
            out.append("unblock error ").append(Nodes.call(master, "CLIENT", "UNBLOCK", id, "ERROR"));
            out.append("reply ").append(forever.read());
            out.append("ping ").append(forever.call("PING"));
            out.append("not blocked ").append(Nodes.call(master, "CLIENT", "UNBLOCK", id));
        }
        return out.toString();
    }

    @Test
    void clientUnblockEndsWaitAsInRedis() throws Exception {
        String redis = unblockWait(nodes.redis().port());
        String cinnabar = unblockWait(nodes.cinnabar());
        assertEquals(redis, cinnabar);
        assertTrue(redis.contains("unblock :1\r\nreply :0\r\n"), redis);
    }

    /** WAITAOF (7.2, not in the 7.0 oracle): the timeout reply is [local fsync, replicas]. */
    @Test
    void clientUnblockEndsWaitaof() throws Exception {
        int master = nodes.cinnabar("appendonly", "yes");
        try (RespClient c = new RespClient(master)) {
            String id = c.call("CLIENT", "ID").substring(1).trim();
            c.call("SET", "k", "v");
            c.sendRaw(RespClient.encode("WAITAOF", "1", "1", "0"));
            Nodes.awaitInfo(master, "blocked_clients", "1");
            assertEquals(":1\r\n", Nodes.call(master, "CLIENT", "UNBLOCK", id, "TIMEOUT"));
            assertEquals("*2\r\n:1\r\n:0\r\n", c.read());
            c.sendRaw(RespClient.encode("WAITAOF", "0", "1", "0"));
            Nodes.awaitInfo(master, "blocked_clients", "1");
            assertEquals(":1\r\n", Nodes.call(master, "CLIENT", "UNBLOCK", id, "ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", c.read());
            assertEquals("0", Nodes.info(master, "blocked_clients"));
        }
    }

    /** A diskless swapdb load in progress counts the twin keyspace it fills in used_memory. */
    @Test
    void swapdbLoadCountsInUsedMemory() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0");
        Nodes.call(master, "DEBUG", "POPULATE", "1000", "big", "10000"); // 10 MB
        int replica = nodes.cinnabar("repl-diskless-load", "swapdb");
        long before = Long.parseLong(Nodes.info(replica, "used_memory"));
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "2000"); // 2 ms a key: 2 s
        Nodes.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(master));
        long deadline = System.currentTimeMillis() + 10_000;
        long grown = 0;
        while (grown < 2_000_000 && System.currentTimeMillis() < deadline) {
            if ("1".equals(Nodes.info(replica, "loading"))) {
                grown = Math.max(grown, Long.parseLong(Nodes.info(replica, "used_memory")) - before);
            }
            Thread.sleep(20);
        }
        assertTrue(grown >= 2_000_000, "used_memory grew by " + grown + " during the load");
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
        Nodes.awaitSynced(master, replica);
        assertEquals(":1000\r\n", Nodes.call(replica, "DBSIZE"));
    }
}
