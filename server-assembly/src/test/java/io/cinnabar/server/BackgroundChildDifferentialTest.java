package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The child process of a background job, against redis-server 7.0.15: Redis forks one for BGSAVE, BGREWRITEAOF and
 * a full resync, and operators (and Redis's own tests: unit/shutdown, unit/oom-score-adj, unit/other, unit/aofrw,
 * integration/aof-multi-part, integration/replication through {@code pgrep -P <server pid>}) see and kill it.
 * Cinnabar's jobs are fork-less snapshots with a stand-in child ({@code persist.BackgroundChild}); each step below
 * runs the same on both servers, each a child process of this JVM: one child while the job runs, named in the log
 * and in the temporary file's name, the background-child {@code oom_score_adj}, and a {@code kill -9} of it stops the
 * job ("terminated by signal 9", the status turns to err, the temporary file is removed, a diskless transfer's
 * replica is dropped); a job that ends leaves no child. Before, Cinnabar had no child: the tcl files above aborted at {@code get_child_pid}.
 */
class BackgroundChildDifferentialTest {
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aBackgroundJobHasAChildThatAKillStops() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
        try (RealRedis redis = RealRedis.start();
             RespClient rc = new RespClient(redis.port())) {
            scenario(rc, redis.port(), redis.dir(), redis.dir().resolve("redis.log"));
        }
        try (ChildServer ours = ChildServer.start("bgchild", List.of("-Xmx256m"));
             RespClient oc = new RespClient(ours.port())) {
            scenario(oc, ours.port(), ours.dir(), ours.dir().resolve("stdout.log"));
        }
    }

    /**
     * unit/other "Don't rehash if redis has child process" and integration/replication "diskless replication read
     * pipe cleanup": while a child exists the key table does not grow at load 1 (Redis's DICT_RESIZE_AVOID: only
     * past load 5), and grows once the child is gone; FLUSHALL kills a full resync's child (Redis's
     * flushAllDataAndResetRDB kills any RDB child), so the replica is dropped and resyncs.
     */
    @Test
    void aChildHoldsBackResizesAndFlushallKillsAFullResync() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
             RespClient rc = new RespClient(redis.port())) {
            resizeAndFlush(rc, redis.port(), redis.dir().resolve("redis.log"));
        }
        try (ChildServer ours = ChildServer.start("bgchild", List.of("-Xmx256m"), "--enable-debug-command", "yes");
             RespClient oc = new RespClient(ours.port())) {
            resizeAndFlush(oc, ours.port(), ours.dir().resolve("stdout.log"));
        }
    }

    /**
     * The collections' dicts follow the same policy (Redis's dict_can_resize is global): a hashtable set emptied to
     * 5 of 100 members during a BGSAVE keeps its 128 buckets, and shrinks at the first removal after the child is
     * gone (unit/type/set "SRANDMEMBER with a dict containing long chain" builds its long chain that way).
     */
    @Test
    void aChildHoldsBackACollectionsShrink() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes", "--set-max-intset-entries", "0");
             RespClient rc = new RespClient(redis.port())) {
            setShrink(rc);
        }
        try (ChildServer ours = ChildServer.start("bgchild", List.of("-Xmx256m"), "--enable-debug-command", "yes",
                "--set-max-intset-entries", "0", "--set-max-listpack-entries", "0");
             RespClient oc = new RespClient(ours.port())) {
            setShrink(oc);
        }
    }

    private static void setShrink(RespClient c) throws Exception {
        long server = Long.parseLong(field(c.call("INFO", "server"), "process_id"));
        for (int i = 0; i < 100; i++) {
            c.call("SADD", "myset", "m:" + i);
        }
        assertEquals("$9\r\nhashtable\r\n", c.call("OBJECT", "ENCODING", "myset"));
        for (int i = 0; i < 1000 && c.call("DEBUG", "HTSTATS-KEY", "myset").contains("rehashing target"); i++) {
            c.call("SRANDMEMBER", "myset", "10"); // each does a rehash step, as in the tcl test
        }
        String full = c.call("DEBUG", "HTSTATS-KEY", "myset");
        assertTrue(full.contains("table size: 128") && !full.contains("rehashing target"), full);
        c.call("CONFIG", "SET", "rdb-key-save-delay", "1000000");
        c.call("BGSAVE");
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:1")));
        for (int i = 0; i < 95; i++) {
            c.call("SREM", "myset", "m:" + i);
        }
        String during = c.call("DEBUG", "HTSTATS-KEY", "myset");
        assertTrue(during.contains("table size: 128") && !during.contains("rehashing target"), during);
        ProcessHandle.of(onlyChild(server)).orElseThrow().destroyForcibly();
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
        Thread.sleep(200); // Redis applies the resize policy in serverCron
        c.call("SREM", "myset", "m:95");
        String after = c.call("DEBUG", "HTSTATS-KEY", "myset");
        assertTrue(after.contains("rehashing target") || !after.contains("table size: 128"), after);
        c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
    }

    private static void resizeAndFlush(RespClient c, int port, Path log) throws Exception {
        long server = Long.parseLong(field(c.call("INFO", "server"), "process_id"));
        c.call("SELECT", "9");
        for (int i = 0; i < 4096; i++) {
            c.call("SET", "key:" + i, "v");
        }
        String before = c.call("DEBUG", "HTSTATS", "9");
        assertTrue(before.contains("table size: 4096"), before);
        c.call("CONFIG", "SET", "rdb-key-save-delay", "1000000");
        c.call("BGSAVE");
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:1")));
        c.call("MSET", "k1", "v1", "k2", "v2");
        String stats = c.call("DEBUG", "HTSTATS", "9");
        assertFalse(stats.contains("table size: 8192"), stats);
        ProcessHandle.of(onlyChild(server)).orElseThrow().destroyForcibly();
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
        Thread.sleep(200); // Redis applies the resize policy in serverCron
        c.call("SET", "k3", "v3");
        stats = c.call("DEBUG", "HTSTATS", "9");
        assertTrue(stats.contains("table size: 8192"), stats);

        c.call("CONFIG", "SET", "rdb-key-save-delay", "100000");
        c.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        c.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
        try (RespClient replica = new RespClient(port)) {
            replica.call("REPLCONF", "listening-port", "1");
            replica.call("REPLCONF", "capa", "eof", "capa", "psync2");
            assertTrue(replica.call("PSYNC", "?", "-1").startsWith("+FULLRESYNC "));
            onlyChild(server);
            String status = field(info(c, "persistence"), "rdb_last_bgsave_status"); // err: the kill -9 above
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
            assertTrue(await(() -> contains(log, "Background transfer terminated by signal 10")), "log: " + read(log));
            assertTrue(await(() -> info(c, "replication").contains("connected_slaves:0")), info(c, "replication"));
            assertTrue(await(() -> children(server).isEmpty()), "children: " + children(server));
            assertEquals(status, field(info(c, "persistence"), "rdb_last_bgsave_status")); // SIGUSR1: no change
        }
    }

    private static void scenario(RespClient c, int port, Path dir, Path log) throws Exception {
        long server = Long.parseLong(field(c.call("INFO", "server"), "process_id"));
        for (int i = 0; i < 20; i++) {
            c.call("SET", "k" + i, "v" + i);
        }
        c.call("CONFIG", "SET", "rdb-key-save-delay", "100000"); // 0.1 s a key: 2 s unless stopped

        // BGSAVE: a child named in the log and the temp file; kill -9 fails the save and removes the file
        assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
        long child = onlyChild(server);
        assertTrue(await(() -> contains(log, "Background saving started by pid " + child)), "log: " + read(log));
        Path tempRdb = dir.resolve("temp-" + child + ".rdb");
        assertTrue(await(() -> Files.exists(tempRdb)), "no " + tempRdb);
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
        String p = info(c, "persistence");
        assertTrue(p.contains("rdb_last_bgsave_status:err"), p);
        assertTrue(await(() -> contains(log, "Background saving terminated by signal 9")), "log: " + read(log));
        assertTrue(await(() -> !Files.exists(tempRdb)), "left " + tempRdb);
        assertTrue(await(() -> children(server).isEmpty()), "children: " + children(server));

        // BGREWRITEAOF (AOF off): the same for the rewrite's child and its temporary base
        assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
        long aofChild = onlyChild(server);
        assertTrue(await(() -> contains(log, "Background append only file rewriting started by pid " + aofChild)),
            "log: " + read(log));
        Path tempAof = dir.resolve("temp-rewriteaof-" + aofChild + ".aof"); // -bg- once the child finished it
        assertTrue(await(() -> Files.exists(tempAof)), "no " + tempAof);
        ProcessHandle.of(aofChild).orElseThrow().destroyForcibly();
        assertTrue(await(() -> info(c, "persistence").contains("aof_rewrite_in_progress:0")));
        p = info(c, "persistence");
        assertTrue(p.contains("aof_last_bgrewrite_status:err"), p);
        assertTrue(await(() -> contains(log, "Background AOF rewrite terminated by signal 9")), "log: " + read(log));
        assertTrue(await(() -> !Files.exists(tempAof)), "left " + tempAof);
        assertTrue(await(() -> children(server).isEmpty()), "children: " + children(server));

        // a full resync's diskless transfer: its child dies, the transfer stops and its replica is dropped
        c.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        c.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
        try (RespClient replica = new RespClient(port)) {
            assertEquals("+OK\r\n", replica.call("REPLCONF", "listening-port", "1"));
            assertEquals("+OK\r\n", replica.call("REPLCONF", "capa", "eof", "capa", "psync2")); // a socket target
            assertTrue(replica.call("PSYNC", "?", "-1").startsWith("+FULLRESYNC "));
            long syncChild = onlyChild(server);
            assertTrue(await(() -> contains(log, "Background RDB transfer started by pid " + syncChild)),
                "log: " + read(log));
            assertTrue(info(c, "persistence").contains("rdb_bgsave_in_progress:1"));
            ProcessHandle.of(syncChild).orElseThrow().destroyForcibly();
            assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
            assertTrue(await(() -> contains(log, "Background transfer terminated by signal 9")), "log: " + read(log));
            assertTrue(await(() -> info(c, "replication").contains("connected_slaves:0")), info(c, "replication"));
            assertTrue(await(() -> children(server).isEmpty()), "children: " + children(server));
        }

        // the background-child class of oom-score-adj-values, relative to the score the server started with
        int base = Integer.parseInt(Files.readString(Path.of("/proc/" + server + "/oom_score_adj")).trim());
        c.call("CONFIG", "SET", "oom-score-adj-values", "0 0 37");
        c.call("CONFIG", "SET", "oom-score-adj", "yes");
        c.call("BGSAVE");
        long oomChild = onlyChild(server);
        Path adj = Path.of("/proc/" + oomChild + "/oom_score_adj");
        assertTrue(await(() -> read(adj).trim().equals(String.valueOf(base + 37))), "child's score " + read(adj));
        c.call("CONFIG", "SET", "oom-score-adj", "no");

        // a save that ends by itself leaves no child, and its status is ok
        c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
        assertTrue(await(() -> info(c, "persistence").contains("rdb_bgsave_in_progress:0")));
        p = info(c, "persistence");
        assertTrue(p.contains("rdb_last_bgsave_status:ok"), p);
        assertTrue(await(() -> children(server).isEmpty()), "children: " + children(server));
        assertFalse(Files.exists(dir.resolve("temp-" + oomChild + ".rdb")));
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    /** The one child of the server while a job runs (waits for it: Redis's fork is not instant either). */
    private static long onlyChild(long server) throws Exception {
        assertTrue(await(() -> children(server).size() == 1), "children: " + children(server));
        return children(server).get(0);
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid).orElseThrow().children().map(ProcessHandle::pid).toList();
    }

    private static String info(RespClient c, String section) {
        try {
            return c.call("INFO", section);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\S+)\r?$").matcher(info);
        assertTrue(m.find(), name + " missing in " + info);
        return m.group(1);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean contains(Path f, String text) {
        return read(f).contains(text);
    }

    private static boolean await(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NS;
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }
}
