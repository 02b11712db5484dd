package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AOF rewrite through the fork-less snapshot, against redis-server 7.0.15, for both kinds of base
 * ({@code aof-use-rdb-preamble yes}: {@code *.base.rdb}; {@code no}: {@code *.base.aof} written as commands):
 * <ul>
 * <li>our multi-part directory (base written by BGREWRITEAOF while clients keep writing, plus the incremental file
 *     those writes went to) is loaded by redis-server with {@code DEBUG DIGEST} and every value equal;</li>
 * <li>redis-server's directory of the same kind is loaded by ours with {@code DEBUG DIGEST} equal;</li>
 * <li>{@code DEBUG LOADAOF} of our own directory gives back the digest of the dataset before it.</li>
 * </ul>
 * The rewrite is stretched with {@code rdb-key-save-delay} so that writes (changes, deletes, new keys, expiries)
 * land while the snapshot walks: copy-before-write and the new incremental file must together hold exactly the
 * final dataset.
 */
class AofRewriteInteropTest {
    private static final int KEYS = 1500;

    private static CinnabarServer ours(Path dir, String preamble, ByteArrayOutputStream log) {
        return CinnabarServer.builder().port(0).config("save", "").config("appendonly", "yes")
            .config("dir", dir.toString()).config("enable-debug-command", "yes")
            .config("aof-use-rdb-preamble", preamble).config("cinnabar-rdb-version", "10")
            .config("auto-aof-rewrite-percentage", "0")
            .log(new PrintStream(log, true, StandardCharsets.UTF_8)).start();
    }

    /** Every type, several databases, TTLs, a function library and a stream group with a pending entry. */
    private static void fill(RespClient c) throws IOException {
        for (int i = 0; i < KEYS; i++) {
            switch (i % 6) {
                case 0 -> c.call("SET", "k" + i, "v" + i);
                case 1 -> c.call("RPUSH", "k" + i, "a", "b", "c" + i);
                case 2 -> c.call("SADD", "k" + i, "x", "y", Integer.toString(i));
                case 3 -> c.call("ZADD", "k" + i, "1.5", "a", Integer.toString(i), "b");
                case 4 -> c.call("HSET", "k" + i, "f", "v", "g", Integer.toString(i));
                default -> c.call("SET", "k" + i, Integer.toString(i * 1000));
            }
            if (i % 50 == 0) {
                c.call("PEXPIRE", "k" + i, "900000");
            }
        }
        for (int i = 0; i < 200; i++) {
            c.call("RPUSH", "biglist", "element-" + i); // a quicklist (more than 128 entries)
            c.call("SADD", "bigset", "member-" + i); // a hashtable set
            c.call("ZADD", "bigz", Integer.toString(i), "m" + i); // a skiplist
        }
        c.call("XADD", "st", "1-1", "f", "v");
        c.call("XADD", "st", "2-1", "g", "w");
        c.call("XGROUP", "CREATE", "st", "grp", "0");
        c.call("XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "st", ">");
        c.call("SELECT", "5");
        c.call("SET", "in5", "five");
        c.call("HSET", "h5", "a", "1");
        c.call("SELECT", "0");
    }

    /** Writes that land while the rewrite walks: changes, deletes, appends, new keys, expiries, another db. */
    private static void writeDuring(RespClient c, int round) throws IOException {
        int base = round * 37;
        for (int i = 0; i < 60; i++) {
            int k = (base + i * 23) % KEYS;
            switch (i % 5) {
                case 0 -> c.call("DEL", "k" + k);
                case 1 -> c.call("SET", "k" + k, "changed-" + round);
                case 2 -> c.call("RPUSH", "biglist", "late-" + round + "-" + i);
                case 3 -> c.call("SET", "new-" + round + "-" + i, "n");
                default -> c.call("PEXPIRE", "k" + k, "800000");
            }
        }
        c.call("SELECT", "5");
        c.call("HINCRBY", "h5", "a", "1");
        c.call("SELECT", "0");
    }

    private static String digest(RespClient c) throws IOException {
        String d = c.call("DEBUG", "DIGEST");
        assertTrue(d.startsWith("+") && !d.startsWith("+0000000000"), d);
        return d;
    }

    private static void awaitRewrite(RespClient c) throws Exception {
        for (int i = 0; i < 600; i++) {
            String info = c.call("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                assertTrue(info.contains("aof_last_bgrewrite_status:ok"), info);
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the rewrite did not finish");
    }

    private static List<String> baseFiles(Path dir) throws IOException {
        try (var s = Files.list(dir.resolve("appendonlydir"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".base.")).toList();
        }
    }

    private static Path copyForRedis(Path dir) throws IOException {
        Path copy = Files.createTempDirectory("cinnabar-aofrw-copy");
        Files.createDirectories(copy.resolve("appendonlydir"));
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve("appendonlydir").resolve(p.getFileName()));
            }
        }
        return copy;
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no"})
    void redisLoadsOurRewrittenAof(String preamble) throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-aofrw");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String digest;
        Map<String, String> data;
        try (CinnabarServer s = ours(dir, preamble, log); RespClient c = new RespClient(s.port())) {
            c.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
            fill(c);
            c.call("CONFIG", "SET", "rdb-key-save-delay", "300"); // ~0.5 s walk for ~1900 keys
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            assertEquals("-ERR Background append only file rewriting already in progress\r\n",
                c.call("BGREWRITEAOF"));
            int round = 0;
            while (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1")) {
                writeDuring(c, round++);
            }
            assertTrue(round > 1, "writes landed during the rewrite: " + round);
            c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            awaitRewrite(c);
            writeDuring(c, 999); // and after it, into the new incremental file
            digest = digest(c);
            data = AofCrossLoadTest.dataset(s.port());
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, digest(c), "DEBUG LOADAOF gives back the same dataset");
        }
        String logText = log.toString(StandardCharsets.UTF_8);
        assertTrue(logText.contains("Background AOF rewrite finished successfully"), logText);
        List<String> bases = baseFiles(dir);
        assertEquals(1, bases.size(), bases.toString());
        assertTrue(bases.get(0).endsWith(preamble.equals("yes") ? ".base.rdb" : ".base.aof"), bases.toString());
        try (var files = Files.list(dir)) { // the rewrite's temporary base (named after its child's pid) is gone
            List<String> temps = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("temp-")).toList();
            assertTrue(temps.isEmpty(), temps.toString());
        }
        Path copy = copyForRedis(dir);
        try (RealRedis real = RealRedis.start("--appendonly", "yes", "--dir", copy.toString(),
                "--enable-debug-command", "yes");
             RespClient c = new RespClient(real.port())) {
            assertEquals(digest, digest(c), "redis-server loads our directory");
            assertEquals(data, AofCrossLoadTest.dataset(real.port()));
            assertEquals("*1\r\n", c.call("FUNCTION", "LIST").substring(0, 4));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no"})
    void oursLoadsRedisRewrittenAof(String preamble) throws Exception {
        String digest;
        Path dir;
        try (RealRedis real = RealRedis.start("--appendonly", "yes", "--aof-use-rdb-preamble", preamble,
                "--enable-debug-command", "yes");
             RespClient c = new RespClient(real.port())) {
            c.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
            fill(c);
            c.call("BGREWRITEAOF");
            awaitRewrite(c);
            writeDuring(c, 1);
            digest = digest(c);
            dir = real.dir();
        }
        List<String> bases = baseFiles(dir);
        assertTrue(bases.get(0).endsWith(preamble.equals("yes") ? ".base.rdb" : ".base.aof"), bases.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = ours(dir, preamble, log); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, digest(c), log.toString(StandardCharsets.UTF_8));
            assertEquals("*1\r\n", c.call("FUNCTION", "LIST").substring(0, 4));
        }
    }
}
