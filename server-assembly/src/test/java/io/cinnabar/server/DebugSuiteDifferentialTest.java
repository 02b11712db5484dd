package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Redis's own tcl suite (unit/other, type/set, introspection, multi, functions, scripting) reached once its
 * aborts were fixed, checked against redis-server 7.0.15: DEBUG HTSTATS / HTSTATS-KEY (Redis 7.2's text; 7.0 has
 * no {@code full} argument and always prints the chain statistics, which are compared in shape, and the table sizes
 * and element counts, which are compared in value), DEBUG RELOAD NOFLUSH MERGE with a function library present.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes",
    "enable-protected-configs", "yes"})
class DebugSuiteDifferentialTest {
    private static final Pattern SIZE = Pattern.compile("table size: (\\d+)");
    private static final Pattern ELEMENTS = Pattern.compile("number of elements: (\\d+)");

    @Test
    void htstatsErrorsAndEmptyTables(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("DEBUG", "HTSTATS", "x");
            p.same("DEBUG", "HTSTATS", "16");
            p.same("DEBUG", "HTSTATS", "-1");
            p.same("DEBUG", "HTSTATS", "9");
            p.same("DEBUG", "HTSTATS-KEY", "nokey");
            p.same("SET", "str", "v");
            p.same("DEBUG", "HTSTATS-KEY", "str");
            p.same("HSET", "smallhash", "f", "v");
            p.same("DEBUG", "HTSTATS-KEY", "smallhash");
            p.same("ZADD", "smallzset", "1", "a");
            p.same("DEBUG", "HTSTATS-KEY", "smallzset");
            p.same("SADD", "intset", "1", "2");
            p.same("DEBUG", "HTSTATS-KEY", "intset");
            p.same("RPUSH", "list", "a");
            p.same("DEBUG", "HTSTATS-KEY", "list");
            p.assertSame();
        }
    }

    @Test
    void htstatsOfTheKeyTableAndItsExpires(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("SELECT", "3");
            p.same("DEBUG", "POPULATE", "1000");
            for (int i = 0; i < 100; i++) {
                p.same("EXPIRE", "key:" + i, "1000");
            }
            // the cron's active rehashing finishes the last resize on both; then the sizes are the same
            String[] r = settled(p, "DEBUG", "HTSTATS", "3");
            String redis = Replies.bulk(r[0]);
            String ours = Replies.bulk(r[1]);
            String oursFull = Replies.bulk(p.ours().call("DEBUG", "HTSTATS", "3", "full"));
            // keys: the same table size and count as Redis (1024 buckets, 1000 keys)
            assertEquals(first(SIZE, section(redis, 0)), first(SIZE, section(ours, 0)), ours);
            assertEquals("1000", first(ELEMENTS, section(ours, 0)));
            assertEquals(first(ELEMENTS, section(redis, 1)), first(ELEMENTS, section(ours, 1)), ours);
            // 7.2 prints the chain statistics only with FULL; 7.0 always: the same lines in the same order
            assertEquals(shape(redis), shape(oursFull), oursFull);
            assertFalse(ours.contains("max chain length"), ours);
            assertTrue(oursFull.startsWith("[Dictionary HT]\nHash table 0 stats (main hash table):\n table size: "
                + first(SIZE, ours) + "\n number of elements: 1000\n"), oursFull);
            consistent(section(oursFull, 0));
            consistent(section(oursFull, 1));
            p.assertSame();
        }
    }

    @Test
    void htstatsKeyOfSetHashAndZsetTables(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            for (int i = 0; i < 700; i++) { // one member at a time: the tables grow as Redis's do
                p.same("SADD", "set", "m:" + i);
                p.same("HSET", "hash", "f:" + i, "v");
                p.same("ZADD", "zset", String.valueOf(i), "m:" + i);
            }
            String[][] reads = {{"SISMEMBER", "set", "m:1"}, {"HGET", "hash", "f:1"}, {"ZSCORE", "zset", "m:1"}};
            for (String[] read : reads) {
                String key = read[1];
                String[] r = settledKey(p, key, read);
                String redis = Replies.bulk(r[0]);
                String ours = Replies.bulk(r[1]);
                p.compare(List.of("DEBUG", "HTSTATS-KEY", key, "(sizes)"), sizes(redis), sizes(ours));
                String full = Replies.bulk(p.ours().call("DEBUG", "HTSTATS-KEY", key, "FULL"));
                p.compare(List.of("DEBUG", "HTSTATS-KEY", key, "FULL", "(shape)"), shape(redis), shape(full));
                consistent(full);
                assertEquals("Hash table 0 stats (main hash table):\n table size: 1024\n number of elements: 700\n",
                    ours);
            }
            // deletes shrink the set's table (1024 to 128 buckets at 102 members left), as Redis's SREM does
            List<String> srem = new ArrayList<>(List.of("SREM", "set"));
            for (int i = 0; i < 680; i++) {
                srem.add("m:" + i);
            }
            p.same(srem.toArray(String[]::new));
            String[] r = settledKey(p, "set", new String[] {"SISMEMBER", "set", "m:699"});
            p.compare(List.of("DEBUG", "HTSTATS-KEY", "set", "(after SREM)"), sizes(Replies.bulk(r[0])),
                sizes(Replies.bulk(r[1])));
            assertTrue(Replies.bulk(r[1]).contains("table size: 128\n number of elements: 20\n"), r[1]);
            p.assertSame();
        }
    }

    /** Runs a read of the key (each lookup moves a bucket) until neither server rehashes its table. */
    private static String[] settledKey(Pair p, String key, String[] read) throws Exception {
        String[] r = p.both("DEBUG", "HTSTATS-KEY", key);
        for (int i = 0; i < 3000 && (r[0].contains("rehashing target") || r[1].contains("rehashing target")); i++) {
            p.both(read);
            r = p.both("DEBUG", "HTSTATS-KEY", key);
        }
        return r;
    }

    @Test
    void configSetPercentAboveOneHundredFailsFirstAndRollsBack(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("CONFIG", "SET", "maxmemory", "10000002");
            p.same("CONFIG", "SET", "maxmemory", "10000001", "maxmemory-clients", "200%", "client-query-buffer-limit",
                "invalid");
            p.same("CONFIG", "GET", "maxmemory");
            p.same("CONFIG", "GET", "maxmemory-clients");
            p.same("CONFIG", "SET", "maxmemory-clients", "100%");
            p.same("CONFIG", "GET", "maxmemory-clients");
            p.same("CONFIG", "SET", "maxmemory-clients", "101%");
            p.same("CONFIG", "SET", "maxmemory-clients", "0", "maxmemory", "0");
            p.assertSame();
        }
    }

    @Test
    void configSetOfABusyPortRollsBackAndKeepsListening(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2); ServerSocket busy = new ServerSocket()) {
            busy.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            String port = String.valueOf(busy.getLocalPort());
            p.same("CONFIG", "SET", "maxmemory", "10000001", "port", port, "client-query-buffer-limit", "10m");
            p.same("CONFIG", "GET", "maxmemory");
            p.same("CONFIG", "GET", "client-query-buffer-limit");
            // the old port still accepts connections
            try (RespClient r = new RespClient(servers.redisPort()); RespClient o = new RespClient(servers.oursPort())) {
                assertEquals("+PONG\r\n", r.call("PING"));
                assertEquals("+PONG\r\n", o.call("PING"));
            }
            p.assertSame();
        }
    }

    @Test
    void debugReloadNoflushMergeReplacesALoadedLibrary(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.oursConfig("dir", Files.createTempDirectory("debugsuite").toString()); // the RDB goes there
            p.same("FLUSHALL");
            p.same("FUNCTION", "FLUSH");
            p.same("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('f1', function() return 'one' end)");
            p.same("DEBUG", "RELOAD");
            // the library is loaded already: the load fails, nothing changes; 7.2 adds ", check server logs." (b)
            String[] failed = p.both("DEBUG", "RELOAD", "NOFLUSH");
            assertEquals("-ERR Error trying to load the RDB dump\r\n", failed[0]);
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n", failed[1]);
            p.same("FUNCTION", "LIST");
            p.same("DEBUG", "RELOAD", "NOFLUSH", "MERGE");
            p.same("FUNCTION", "LIST");
            p.same("FCALL", "f1", "0");
            p.same("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('f2', function() return 'two' end)");
            p.same("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"); // the file has lib1 only: lib2 stays
            p.same("FCALL", "f1", "0");
            p.same("FCALL", "f2", "0");
            p.same("FUNCTION", "FLUSH");
            p.assertSame();
        }
    }

    @Test
    void configRewriteForceAllWritesEveryOptionAndTheFileLoadsBack() throws Exception {
        Path dir = Files.createTempDirectory("forceall");
        Path redisDir = Files.createTempDirectory("forceall-redis");
        String conf = "bind 127.0.0.1\nenable-debug-command yes\nsave \"\"\nmaxmemory-clients 5%\n";
        int port = freePort();
        Files.writeString(dir.resolve("r.conf"), "port " + port + "\n" + conf);
        int redisPort = freePort();
        Files.writeString(redisDir.resolve("r.conf"), "port " + redisPort + "\n" + conf + "dir " + redisDir + "\n");
        Process ours = launch(dir, "r.conf");
        Process redis = new ProcessBuilder("redis-server", redisDir.resolve("r.conf").toString())
            .redirectOutput(redisDir.resolve("out.log").toFile()).redirectErrorStream(true).start();
        try {
            Map<String, String> before;
            try (RespClient c = connect(port); RespClient r = connect(redisPort)) {
                before = configAll(c);
                assertEquals("+OK\r\n", c.call("DEBUG", "CONFIG-REWRITE-FORCE-ALL"));
                assertEquals("+OK\r\n", r.call("DEBUG", "CONFIG-REWRITE-FORCE-ALL"));
                try {
                    c.call("SHUTDOWN", "NOSAVE");
                } catch (IOException expected) {
                    // the server closes the connection without a reply
                }
            }
            assertTrue(ours.waitFor(30, TimeUnit.SECONDS));
            String file = Files.readString(dir.resolve("r.conf"), StandardCharsets.ISO_8859_1);
            TreeSet<String> written = directives(file);
            // defaults are written too (a plain CONFIG REWRITE leaves them out)
            assertTrue(file.contains("\nhash-max-listpack-entries 512\n"), file);
            assertTrue(file.contains("\nsave \"\"\n"), file);
            assertTrue(file.contains("\nmaxmemory-clients 5%\n"), file);
            // every option Redis writes that we have is written by us too
            TreeSet<String> missing = new TreeSet<>();
            for (String d : directives(Files.readString(redisDir.resolve("r.conf"), StandardCharsets.ISO_8859_1))) {
                if (before.containsKey(d) && !written.contains(d)) {
                    missing.add(d);
                }
            }
            assertEquals(new TreeSet<String>(), missing, file);
            // the file starts the server again with every option as it was
            ours = launch(dir, "r.conf");
            try (RespClient c = connect(port)) {
                assertEquals(before, configAll(c));
            }
        } finally {
            ours.destroyForcibly();
            redis.destroyForcibly();
            ours.waitFor(10, TimeUnit.SECONDS);
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static TreeSet<String> directives(String file) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : file.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.trim().split("\\s+")[0].toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    private static Map<String, String> configAll(RespClient c) throws IOException {
        List<String> kv = Replies.elements(c.call("CONFIG", "GET", "*"));
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            m.put(Replies.bulk(kv.get(i)), Replies.bulk(kv.get(i + 1)));
        }
        return new java.util.TreeMap<>(m);
    }

    private static Process launch(Path dir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
            "io.cinnabar.server.Launcher"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile())
            .redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile()).start();
    }

    private static RespClient connect(int port) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return new RespClient(port);
            } catch (IOException e) {
                if (i > 300) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void publishReachesReplicasAloneOrInsideTheTransaction(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.config("repl-diskless-sync", "yes");
            p.config("repl-diskless-sync-delay", "0");
            p.config("repl-ping-replica-period", "3600");
            try (java.net.Socket redis = ServerSuiteDifferentialTest.sync(servers.redisPort());
                    java.net.Socket ours = ServerSuiteDifferentialTest.sync(servers.oursPort())) {
                p.same("MULTI");
                p.same("PUBLISH", "bla", "bla");
                p.same("EXEC");
                p.same("MULTI");
                p.same("SET", "x", "1");
                p.same("PUBLISH", "ch", "msg");
                p.same("EXEC");
                p.same("PUBLISH", "alone", "m");
                p.same("EVAL", "redis.call('publish', 'fromscript', 'm') return 1", "0");
                p.same("DEL", "x");
                List<String> expected = ServerSuiteDifferentialTest.commands(redis, 9);
                assertEquals(List.of("select 0", "publish bla bla", "multi", "set x 1", "publish ch msg", "exec",
                    "publish alone m", "publish fromscript m", "del x"), expected);
                assertEquals(expected, ServerSuiteDifferentialTest.commands(ours, 9));
            }
            p.assertSame();
        }
    }

    @Test
    void bgrewriteaofAndAppendonlyInsideMultiAreScheduledAndStartAfterwards(DifferentialServers servers)
            throws Exception {
        try (Pair p = servers.open(2)) {
            p.oursConfig("dir", Files.createTempDirectory("debugsuite").toString()); // the AOF goes there
            long[] forks = forks(p);
            p.same("MULTI");
            p.same("SET", "foo", "bar");
            p.same("BGREWRITEAOF");
            p.same("EXEC"); // OK, "Background append only file rewriting scheduled"
            long[] after = waitForks(p, forks);
            assertTrue(after[0] > forks[0] && after[1] > forks[1], java.util.Arrays.toString(after));
            waitNoRewrite(p);
            p.same("MULTI");
            p.same("SET", "foo", "bar");
            p.same("CONFIG", "SET", "appendonly", "yes");
            p.same("EXEC");
            long[] again = waitForks(p, after);
            assertTrue(again[0] > after[0] && again[1] > after[1], java.util.Arrays.toString(again));
            waitNoRewrite(p);
            p.same("CONFIG", "SET", "appendonly", "no");
            p.assertSame();
        }
    }

    @Test
    void functionFlushAndRestoreWithTooManyArguments(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FUNCTION", "FLUSH", "bad_arg");
            p.same("FUNCTION", "FLUSH", "sync", "extra_arg");
            p.same("FUNCTION", "FLUSH", "ASYNC", "x", "y");
            p.same("FUNCTION", "RESTORE", "arg1", "args2", "arg3");
            p.same("FUNCTION", "RESTORE", "arg1", "badpolicy");
            p.assertSame();
        }
    }

    /** INFO total_forks of {redis, ours}. */
    private static long[] forks(Pair p) throws IOException {
        String[] r = p.both("INFO", "stats");
        return new long[] {infoLong(r[0], "total_forks"), infoLong(r[1], "total_forks")};
    }

    private static long[] waitForks(Pair p, long[] before) throws Exception {
        long[] now = forks(p);
        for (int i = 0; i < 100 && (now[0] <= before[0] || now[1] <= before[1]); i++) {
            Thread.sleep(50);
            now = forks(p);
        }
        return now;
    }

    private static void waitNoRewrite(Pair p) throws Exception {
        for (int i = 0; i < 200; i++) {
            String[] r = p.both("INFO", "persistence");
            if (infoLong(r[0], "aof_rewrite_in_progress") == 0 && infoLong(r[0], "aof_rewrite_scheduled") == 0
                    && infoLong(r[1], "aof_rewrite_in_progress") == 0 && infoLong(r[1], "aof_rewrite_scheduled") == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("AOF rewrite did not end");
    }

    private static long infoLong(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\d+)").matcher(Replies.bulk(info));
        assertTrue(m.find(), field);
        return Long.parseLong(m.group(1));
    }

    /** Repeats cmd until neither server is rehashing (the cron's active rehashing), at most about 5 s. */
    private static String[] settled(Pair p, String... cmd) throws Exception {
        String[] r = p.both(cmd);
        for (int i = 0; i < 100 && (r[0].contains("rehashing target") || r[1].contains("rehashing target")); i++) {
            Thread.sleep(50);
            r = p.both(cmd);
        }
        return r;
    }

    /** The text of the n-th "[... HT]" section of DEBUG HTSTATS (0 keys, 1 expires). */
    private static String section(String text, int n) {
        int start = text.indexOf(n == 0 ? "[Dictionary HT]" : "[Expires HT]");
        int end = n == 0 ? text.indexOf("[Expires HT]") : text.length();
        return text.substring(start, end);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "(none)";
    }

    /** Table headers, table sizes and the total element count: what does not depend on the hash seed. */
    private static String sizes(String text) {
        StringBuilder sb = new StringBuilder();
        long elements = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("Hash table") || line.startsWith(" table size")) {
                sb.append(line).append('\n');
            }
            Matcher m = ELEMENTS.matcher(line);
            if (m.find()) {
                elements += Long.parseLong(m.group(1));
            }
        }
        return sb.append("elements ").append(elements).toString();
    }

    /** The lines without their numbers, the chain-length histogram left out (it depends on the hash seed). */
    private static String shape(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("   ")) {
                sb.append(line.replaceAll("[0-9.]+", "#")).append('\n');
            }
        }
        return sb.toString();
    }

    /** Checks one table's full statistics against themselves: the histogram covers every bucket and element. */
    private static void consistent(String text) {
        String[] tables = text.split("(?=Hash table )");
        for (String t : tables) {
            if (!t.startsWith("Hash table ") || t.contains("No stats available")) {
                continue;
            }
            long size = Long.parseLong(first(SIZE, t));
            long elements = Long.parseLong(first(ELEMENTS, t));
            long slots = Long.parseLong(first(Pattern.compile("different slots: (\\d+)"), t));
            long max = Long.parseLong(first(Pattern.compile("max chain length: (\\d+)"), t));
            Matcher m = Pattern.compile("\n   (\\d+): (\\d+) \\(([0-9.]+)%\\)").matcher(t);
            long buckets = 0;
            long empty = 0;
            long counted = 0;
            long longest = 0;
            while (m.find()) {
                long len = Long.parseLong(m.group(1));
                long n = Long.parseLong(m.group(2));
                buckets += n;
                empty += len == 0 ? n : 0;
                counted += len * n;
                longest = Math.max(longest, len);
                assertTrue(Math.abs(Double.parseDouble(m.group(3)) - n * 100.0 / size) <= 0.006, t);
            }
            assertEquals(size, buckets, t);
            assertEquals(elements, counted, t);
            assertEquals(max, longest, t);
            assertEquals(size - empty, slots, t);
            double avg = Double.parseDouble(first(Pattern.compile("avg chain length \\(computed\\): ([0-9.]+)"), t));
            assertTrue(Math.abs(avg - (double) elements / slots) <= 0.006, t);
        }
    }
}
