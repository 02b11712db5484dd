package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Full resyncs on the master side: a replica arriving during a disk BGSAVE for replication shares it; RDB-only
 * clients (redis-cli --rdb, --functions-rdb) get the RDB and are let go; rdb-del-sync-files deletes the files a
 * full resync wrote (master) or loaded (replica) when no persistence is configured.
 */
class FullSyncTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    @Test
    void secondReplicaAttachesToTheRunningDiskSync() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "no", "rdb-key-save-delay", "1000", "save", "");
        Nodes.call(master, "DEBUG", "POPULATE", "2000", "k", "10");
        RealRedis first = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        nodes.awaitLog(master, "Starting BGSAVE for SYNC with target: disk");
        Nodes.call(master, "SET", "during", "1"); // buffered for the first replica, copied for the second
        int second = nodes.cinnabar("replicaof", "127.0.0.1 " + master);
        nodes.awaitLog(master, "Waiting for end of BGSAVE for SYNC");
        Nodes.call(master, "SET", "after", "2");
        Nodes.awaitSynced(master, first.port());
        Nodes.awaitSynced(master, second);
        Nodes.assertSameData(master, first.port());
        Nodes.assertSameData(master, second);
        String log = nodes.log(master);
        assertEquals(1, count(log, "Starting BGSAVE for SYNC"), "one snapshot served both replicas:\n" + log);
        assertEquals("2", Nodes.info(master, "sync_full"));
    }

    @Test
    void redisCliRdbAndFunctionsRdb() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        Nodes.call(master, "FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f', function() return 1 end)");
        Nodes.call(master, "DEBUG", "POPULATE", "300", "k", "8");
        Nodes.call(master, "HSET", "h", "a", "1");
        Path out = Files.createTempDirectory("cinnabar-rdbonly");
        try {
            Path full = out.resolve("full.rdb");
            Path funcs = out.resolve("functions.rdb");
            assertEquals(0, run("redis-cli", "-p", Integer.toString(master), "--rdb", full.toString()));
            assertEquals(0, run("redis-cli", "-p", Integer.toString(master), "--functions-rdb", funcs.toString()));
            assertEquals(0, run("redis-check-rdb", full.toString()));
            assertEquals(0, run("redis-check-rdb", funcs.toString()));
            // the master let them go and made no backlog (no replication ID change) for them
            Nodes.awaitInfo(master, "connected_slaves", "0");
            assertEquals("0", Nodes.info(master, "repl_backlog_active"));
            // our loader: the full file is the master's data, the functions file holds the library and no key
            int a = nodes.cinnabar("dir", out.toString(), "dbfilename", "full.rdb");
            assertEquals(Nodes.digest(master), Nodes.digest(a));
            assertTrue(Nodes.call(a, "FUNCTION", "LIST").contains("mylib"));
            int b = nodes.cinnabar("dir", out.toString(), "dbfilename", "functions.rdb");
            assertEquals(":0\r\n", Nodes.call(b, "DBSIZE"));
            assertTrue(Nodes.call(b, "FUNCTION", "LIST").contains("mylib"));
            assertEquals(":1\r\n", Nodes.call(b, "FCALL", "f", "0"));
            // real Redis loads the functions file too
            RealRedis r = nodes.redis("--dir", out.toString(), "--dbfilename", "functions.rdb");
            assertEquals(":0\r\n", Nodes.call(r.port(), "DBSIZE"));
            assertTrue(Nodes.call(r.port(), "FUNCTION", "LIST").contains("mylib"));
        } finally {
            try (var files = Files.walk(out)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish");
        }
        return p.exitValue();
    }

    @Test
    void rdbDelSyncFilesOnMasterAndReplica() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "no", "save", "", "rdb-del-sync-files", "yes");
        int keeping = nodes.cinnabar("repl-diskless-sync", "no", "save", "", "rdb-del-sync-files", "no");
        Nodes.call(master, "SET", "a", "1");
        Nodes.call(keeping, "SET", "a", "1");
        int replica = nodes.cinnabarReplicaOf(master, "save", "", "rdb-del-sync-files", "yes");
        int replicaKeeping = nodes.cinnabarReplicaOf(keeping, "save", "", "rdb-del-sync-files", "no");
        Nodes.assertSameData(master, replica);
        Path masterFile = nodes.dir(master).resolve("dump.rdb");
        long deadline = System.currentTimeMillis() + 5_000;
        while (Files.exists(masterFile) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(masterFile), "the master deleted the file it wrote for the replica");
        assertTrue(nodes.log(master).contains("Removing the RDB file used to feed replicas in a persistence-less "
            + "instance"));
        assertFalse(Files.exists(nodes.dir(replica).resolve("dump.rdb")), "the replica deleted the file it loaded");
        assertTrue(nodes.log(replica).contains("Removing the RDB file obtained from the master."));
        // rdb-del-sync-files no: both files stay
        Nodes.assertSameData(keeping, replicaKeeping);
        Thread.sleep(1100); // a replication cron
        assertTrue(Files.exists(nodes.dir(keeping).resolve("dump.rdb")));
        assertTrue(Files.exists(nodes.dir(replicaKeeping).resolve("dump.rdb")));
    }
}
