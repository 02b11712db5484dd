package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * repl-diskless-load swapdb and on-empty-db on a Cinnabar replica, from a real Redis 7.0 master and from a Cinnabar
 * master: the RDB is parsed from the socket (no file in the replica's dir), the old data serves (async loading) or
 * answers -LOADING until the swap, and a transfer cut mid-way leaves the old data as it was.
 */
class DisklessLoadTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    /** A master on a free port, real or Cinnabar, streaming diskless with no delay and the smallest backlog. */
    private int master(boolean real) throws Exception {
        if (real) {
            return nodes.redis("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                "--repl-backlog-size", "16384").port();
        }
        return nodes.cinnabar("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
            "repl-backlog-size", "16384");
    }

    private void noRdbFiles(int port) throws Exception {
        try (Stream<java.nio.file.Path> files = Files.list(nodes.dir(port))) {
            assertEquals(java.util.List.of(), files.map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".rdb")).toList(), "no RDB file was written by the diskless load");
        }
    }

    /**
     * A full resync of the same history (the backlog no longer covers the replica): async loading serves the old
     * data; a cut transfer keeps it; the next complete transfer swaps the master's data in.
     */
    private void asyncSwapdb(boolean realMaster) throws Exception {
        int master = master(realMaster);
        Nodes.call(master, "DEBUG", "POPULATE", "3000", "old", "20");
        int replica = nodes.cinnabarReplicaOf(master, "repl-diskless-load", "swapdb");
        Nodes.assertSameData(master, replica);
        assertTrue(nodes.log(replica).contains("receiving streamed RDB from master with EOF to parser"));
        noRdbFiles(replica);
        String old = Nodes.digest(replica);

        // the next transfer is slow (1 ms a key) and the backlog cannot continue the replica
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "1000");
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        String big = "x".repeat(40_000);
        Nodes.call(master, "SET", "big1", big);
        Nodes.call(master, "SET", "big2", big);
        Nodes.awaitInfo(replica, "async_loading", "1");
        assertEquals("0", Nodes.info(replica, "loading"));
        assertTrue(Nodes.call(replica, "GET", "old:7").startsWith("$20\r\nvalue:7"), "the old data serves reads");
        assertEquals(old, Nodes.digest(replica));
        // cut the transfer mid-way: the old data stays
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        nodes.awaitLog(replica, "Discarding the half-loaded data");
        assertEquals(old, Nodes.digest(replica), "the old data is intact after a cut transfer");
        // a complete transfer swaps the new data in
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
        Nodes.assertSameData(master, replica);
        assertEquals(Nodes.call(master, "GET", "big2"), Nodes.call(replica, "GET", "big2"));
        assertEquals("0", Nodes.info(replica, "async_loading"));
        noRdbFiles(replica);
    }

    @Test
    void asyncSwapdbFromRedisMaster() throws Exception {
        asyncSwapdb(true);
    }

    @Test
    void asyncSwapdbFromCinnabarMaster() throws Exception {
        asyncSwapdb(false);
    }

    /**
     * A replica with data of another history (a former master) loading with swapdb: -LOADING meanwhile, the old data
     * back after a cut, the master's after a complete transfer.
     */
    @Test
    void swapdbOfAnotherHistoryAnswersLoadingAndKeepsOldDataWhenCut() throws Exception {
        int master = master(true);
        Nodes.call(master, "DEBUG", "POPULATE", "3000", "m", "20");
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "1000");
        int replica = nodes.cinnabar("repl-diskless-load", "swapdb");
        Nodes.call(replica, "DEBUG", "POPULATE", "500", "mine", "10");
        String mine = Nodes.digest(replica);
        assertEquals("+OK\r\n", Nodes.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(master)));
        Nodes.awaitInfo(replica, "loading", "1");
        assertEquals("-LOADING Redis is loading the dataset in memory\r\n", Nodes.call(replica, "GET", "mine:1"));
        assertTrue(Nodes.call(replica, "PING").startsWith("-LOADING"), "PING has no loading flag, as in Redis");
        assertTrue(Nodes.call(replica, "INFO", "persistence").startsWith("$"), "INFO has it");
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        nodes.awaitLog(replica, "Discarding the half-loaded data");
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
        // DEBUG has the loading flag: it sees the data even while the replica loads again
        assertEquals(mine, Nodes.digest(replica), "the old data is intact after a cut transfer");
        Nodes.assertSameData(master, replica);
        assertEquals(":3000\r\n", Nodes.call(replica, "DBSIZE"));
        noRdbFiles(replica);
    }

    /** on-empty-db: an empty replica parses from the socket, one holding data goes through the disk. */
    @Test
    void onEmptyDbUsesTheSocketOnlyWhenEmpty() throws Exception {
        int master = master(false);
        Nodes.call(master, "DEBUG", "POPULATE", "1000", "k", "10");
        int empty = nodes.cinnabarReplicaOf(master, "repl-diskless-load", "on-empty-db");
        Nodes.assertSameData(master, empty);
        assertTrue(nodes.log(empty).contains("with EOF to parser"), nodes.log(empty));
        noRdbFiles(empty);

        int full = nodes.cinnabar("repl-diskless-load", "on-empty-db");
        Nodes.call(full, "SET", "local", "1");
        assertEquals("+OK\r\n", Nodes.call(full, "REPLICAOF", "127.0.0.1", Integer.toString(master)));
        Nodes.awaitSynced(master, full);
        Nodes.assertSameData(master, full);
        assertTrue(nodes.log(full).contains("with EOF to disk"), nodes.log(full));
        assertFalse(nodes.log(full).contains("to parser"));
    }

    /**
     * During async loading the commands Redis flags no-async-loading (REPLICAOF, SAVE, BGSAVE, ...) and CONFIG SET of
     * appendonly, dir and repl-diskless-load answer -LOADING (before any other CONFIG SET error); reads are served
     * (Redis 7.0.15's processCommand and configSetCommand; its own test "Blocked commands and configs during
     * async-loading" asks the same).
     */
    @Test
    void asyncLoadingRefusesWhatRedisRefuses() throws Exception {
        int master = master(false);
        Nodes.call(master, "DEBUG", "POPULATE", "2000", "old", "20");
        int replica = nodes.cinnabarReplicaOf(master, "repl-diskless-load", "swapdb");
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "5000"); // 10 s: cut below
        String big = "x".repeat(40_000);
        try (io.cinnabar.testkit.RespClient c = nodes.client(master)) {
            // in one transaction: the replica cannot reconnect before the backlog is overrun (full resync, same ID)
            c.call("MULTI");
            c.call("CLIENT", "KILL", "TYPE", "replica");
            c.call("SET", "big1", big);
            c.call("SET", "big2", big);
            c.call("EXEC");
        }
        Nodes.awaitInfo(replica, "async_loading", "1");
        String loading = "-LOADING Redis is loading the dataset in memory\r\n";
        assertEquals(loading, Nodes.call(replica, "REPLICAOF", "NO", "ONE"));
        assertEquals(loading, Nodes.call(replica, "SAVE"));
        assertEquals(loading, Nodes.call(replica, "CONFIG", "SET", "appendonly", "no"));
        assertEquals(loading, Nodes.call(replica, "CONFIG", "SET", "dir", "/tmp"));
        assertEquals(loading, Nodes.call(replica, "CONFIG", "SET", "nosuchoption", "1", "repl-diskless-load", "disabled"));
        assertEquals("+OK\r\n", Nodes.call(replica, "CONFIG", "SET", "maxmemory-clients", "0"));
        try (io.cinnabar.testkit.RespClient c = nodes.client(replica)) {
            c.call("MULTI");
            assertEquals(loading, c.call("BGSAVE"));
            assertTrue(c.call("EXEC").startsWith("-EXECABORT"));
        }
        assertEquals("$20\r\nvalue:7", Nodes.call(replica, "GET", "old:7").substring(0, 12)); // reads serve
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        Nodes.assertSameData(master, replica);
        assertEquals("+OK\r\n", Nodes.call(replica, "REPLICAOF", "NO", "ONE"));
    }
}
