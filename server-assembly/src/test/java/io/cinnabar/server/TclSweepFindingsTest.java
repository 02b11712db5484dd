package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the session 8 sweep of Redis 7.0.15's tcl unit files found (server README, "Redis test suite (tcl)"), each
 * checked against a real redis-server 7.0.15 given the same configuration and the same commands.
 */
@Differential(server = CinnabarUnderTest.class)
class TclSweepFindingsTest {
    private static final String UNKNOWN_FLUSHDB = "-ERR unknown command 'FLUSHDB', with args beginning with: \r\n";

    /**
     * introspection.tcl "CONFIG REWRITE handles rename-command properly": the directive was unknown, so a server
     * given it did not start. The new name runs the command (from clients, MULTI and scripts), the old one and a
     * command renamed to "" are unknown; COMMAND INFO knows it by the new name and shows its own; ACL rules keep
     * the original name.
     */
    @Test
    void renameCommandRenamesOrRemovesACommand() throws Exception {
        try (RealRedis real = RealRedis.start("--rename-command", "flushdb", "badger", "--rename-command", "KEYS", "");
             CinnabarServer ours = CinnabarServer.builder().port(0).config("rename-command", "flushdb", "badger")
                 .config("rename-command", "KEYS", "").start()) {
            List<String> r = renameTranscript(real.port());
            List<String> o = renameTranscript(ours.port());
            assertEquals(UNKNOWN_FLUSHDB, r.get(0), "real redis-server");
            assertEquals("+OK\r\n", r.get(1), "real redis-server");
            assertEquals(r, o);
        }
    }

    private static List<String> renameTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            t.add(c.call("FLUSHDB"));
            t.add(c.call("badger"));
            t.add(c.call("KEYS", "*"));
            t.add(c.call("COMMAND", "INFO", "flushdb", "keys"));
            t.add(c.call("COMMAND", "INFO", "BADGER").substring(0, "*1\r\n*10\r\n$7\r\nflushdb\r\n".length()));
            String list = c.call("COMMAND", "LIST");
            t.add(list.contains("$7\r\nflushdb\r\n") + " " + list.contains("\r\nbadger\r\n")
                + " " + list.contains("$4\r\nkeys\r\n"));
            t.add(c.call("MULTI") + c.call("BADGER") + c.call("FLUSHDB") + c.call("EXEC"));
            t.add(c.call("MULTI") + c.call("BADGER") + c.call("EXEC"));
            t.add(c.call("EVAL", "return redis.call('badger')", "0"));
            t.add(c.call("EVAL", "return redis.pcall('flushdb')['err']", "0").startsWith("$")
                + " " + c.call("EVAL", "return redis.pcall('keys', '*')['err']", "0").startsWith("$"));
            t.add(c.call("ACL", "SETUSER", "u", "on", "nopass", "+@all", "-flushdb"));
            t.add(c.call("AUTH", "u", "x"));
            String denied = c.call("BADGER");
            t.add(denied.startsWith("-NOPERM") + " " + denied.contains("'flushdb'"));
        }
        return t;
    }

    /**
     * The same test's second half: CONFIG REWRITE keeps the file's rename-command lines, so the server restarted
     * from the rewritten file still knows the command by its new name only.
     */
    @Test
    void configRewriteKeepsRenameCommand() throws Exception {
        assertEquals(List.of(UNKNOWN_FLUSHDB, "+OK\r\n"), rewriteAndRestart(false));
        assertEquals(List.of(UNKNOWN_FLUSHDB, "+OK\r\n"), rewriteAndRestart(true));
    }

    private static List<String> rewriteAndRestart(boolean ours) throws Exception {
        Path dir = Files.createTempDirectory("tclsweep");
        try {
            int port = RealRedis.freePort();
            Path conf = dir.resolve("redis.conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsave \"\"\nappendonly no\ndir " + dir
                + "\nrename-command flushdb badger\nmaxmemory-policy allkeys-lru\n", StandardCharsets.ISO_8859_1);
            try (Proc p = Proc.start(ours, conf, port, dir)) {
                try (RespClient c = new RespClient(port)) {
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
                    assertEquals("+OK\r\n", c.call("CONFIG", "REWRITE"));
                }
            }
            String text = Files.readString(conf, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("rename-command flushdb badger"), text);
            assertTrue(text.contains("maxmemory-policy allkeys-lfu"), text);
            try (Proc p = Proc.start(ours, conf, port, dir); RespClient c = new RespClient(port)) {
                return List.of(c.call("FLUSHDB"), c.call("BADGER"));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A server process started from a config file: our Launcher in a JVM, or redis-server. */
    private record Proc(Process process) implements AutoCloseable {
        static Proc start(boolean ours, Path conf, int port, Path dir) throws Exception {
            List<String> cmd = new ArrayList<>();
            if (ours) {
                cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), "io.cinnabar.server.Launcher"));
            } else {
                cmd.add(RealRedis.binary("redis-server").toString());
            }
            cmd.add(conf.toString());
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                assertTrue(p.isAlive(), () -> "server exited: " + log(dir));
                try (RespClient c = new RespClient(port)) {
                    if (c.call("PING").equals("+PONG\r\n")) {
                        return new Proc(p);
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(50);
            }
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("server did not start: " + log(dir));
        }

        private static String log(Path dir) {
            try {
                return Files.readString(dir.resolve("stdout.log"), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * maxmemory.tcl "client tracking don't cause eviction feedback loop": evicting a key sends an invalidation
     * message to every client tracking it, which grows their output buffers; the eviction loop counted that growth
     * against what it had freed, so it went on evicting for its own messages and emptied the database. Redis counts
     * only what the delete freed. Ten RESP3 tracking clients cache 300 keys with 1000-byte names, then maxmemory is
     * set 40 000 bytes below used_memory: a few dozen keys go, not all of them.
     */
    @Test
    void trackingInvalidationsDoNotFeedEviction(DifferentialServers servers) throws Exception {
        long[] real = evictUnderTracking(servers.redisPort());
        long[] ours = evictUnderTracking(servers.oursPort());
        for (long[] r : List.of(real, ours)) {
            String which = r == real ? "real redis-server" : "ours";
            assertTrue(r[0] >= 200 && r[0] <= 300, which + " dbsize " + r[0]);
            assertTrue(r[1] >= 10 && r[1] <= 50, which + " evicted_keys " + r[1]);
        }
    }

    /** Returns {dbsize, evicted_keys} after the limit is set. */
    private static long[] evictUnderTracking(int port) throws Exception {
        List<RespClient> trackers = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            c.call("FLUSHALL");
            c.call("CONFIG", "RESETSTAT");
            c.call("CONFIG", "SET", "latency-tracking", "no");
            c.call("CONFIG", "SET", "maxmemory", "0");
            c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            c.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "100");
            for (int j = 0; j < 10; j++) {
                RespClient t = new RespClient(port);
                trackers.add(t);
                t.call("HELLO", "3");
                assertEquals("+OK\r\n", t.call("CLIENT", "TRACKING", "on"));
            }
            for (int j = 0; j < 300; j++) {
                String key = j + "x".repeat(1000);
                c.call("SET", key, "x");
                for (RespClient t : trackers) {
                    assertEquals("$1\r\nx\r\n", t.call("GET", key));
                }
            }
            // the cron trims the clients' query buffers: wait until used_memory holds still, so that INFO and
            // CONFIG SET below see the same figure (the tcl test waits 1.1 s for the same reason)
            long used = EvictionDifferentialTest.info(c, "used_memory");
            for (int i = 0; i < 100; i++) {
                Thread.sleep(100);
                long now = EvictionDifferentialTest.info(c, "used_memory");
                if (now == used) {
                    break;
                }
                used = now;
            }
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory", Long.toString(used - 40_000)));
            long evicted = EvictionDifferentialTest.info(c, "evicted_keys");
            String dbsize = c.call("DBSIZE");
            assertFalse(dbsize.isEmpty());
            c.call("CONFIG", "SET", "maxmemory", "0");
            c.call("FLUSHALL");
            return new long[] {Long.parseLong(dbsize.substring(1, dbsize.length() - 2)), evicted};
        } finally {
            for (RespClient t : trackers) {
                t.close();
            }
        }
    }
}
