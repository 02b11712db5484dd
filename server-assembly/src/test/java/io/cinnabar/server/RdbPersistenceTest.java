package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RDB persistence of the embedded server: SAVE/BGSAVE/LASTSAVE and their errors, DEBUG RELOAD keeping DEBUG DIGEST,
 * the load at startup (expired keys skipped, log lines), corrupt and truncated files refusing to start, a read-only
 * directory failing BGSAVE into MISCONF, FLUSHALL's save, SHUTDOWN SAVE; redis-check-rdb accepts what we write.
 */
class RdbPersistenceTest {
    @TempDir
    Path dir;

    private CinnabarServer start(PrintStream log, String... opts) {
        CinnabarServer.Builder b = CinnabarServer.builder().port(0).config("dir", dir.toString())
            .config("enable-debug-command", "yes");
        for (int i = 0; i + 1 < opts.length; i += 2) {
            b.config(opts[i], opts[i + 1]);
        }
        if (log != null) {
            b.log(log);
        }
        return b.start();
    }

    /** Every type in each of its encodings, keys with and without expire. */
    static void populate(RespClient c) throws IOException {
        c.call("SET", "s:int", "12345");
        c.call("SET", "s:emb", "hello");
        c.call("SET", "s:raw", "x".repeat(100));
        c.call("SET", "s:exp", "v", "PX", "100000000");
        c.call("RPUSH", "l:lp", "a", "b", "1", "2");
        List<String> many = new ArrayList<>(List.of("RPUSH", "l:ql"));
        for (int i = 0; i < 400; i++) {
            many.add("element-" + i + "-".repeat(i % 30));
        }
        c.call(many.toArray(new String[0]));
        c.call("SADD", "set:int", "1", "2", "3", "-7");
        c.call("SADD", "set:lp", "a", "b", "c");
        List<String> big = new ArrayList<>(List.of("SADD", "set:ht"));
        for (int i = 0; i < 300; i++) {
            big.add("m" + i);
        }
        c.call(big.toArray(new String[0]));
        c.call("ZADD", "z:lp", "1", "a", "2.5", "b", "-3", "c");
        List<String> zs = new ArrayList<>(List.of("ZADD", "z:sl"));
        for (int i = 0; i < 200; i++) {
            zs.add(Integer.toString(i * 3));
            zs.add("member" + i);
        }
        c.call(zs.toArray(new String[0]));
        c.call("HSET", "h:lp", "f1", "v1", "f2", "2");
        List<String> hs = new ArrayList<>(List.of("HSET", "h:ht"));
        for (int i = 0; i < 600; i++) {
            hs.add("field" + i);
            hs.add("value" + i);
        }
        c.call(hs.toArray(new String[0]));
        c.call("EXPIRE", "h:ht", "100000");
        for (int i = 1; i <= 120; i++) {
            c.call("XADD", "st", i + "-1", "f", "v" + i, "g", Integer.toString(i));
        }
        c.call("XGROUP", "CREATE", "st", "grp", "0");
        c.call("XREADGROUP", "GROUP", "grp", "alice", "COUNT", "5", "STREAMS", "st", ">");
        c.call("XDEL", "st", "3-1");
        c.call("SELECT", "3");
        c.call("SET", "in-db-3", "yes");
        c.call("SELECT", "0");
    }

    private static String field(RespClient c, String section, String name) throws IOException {
        for (String line : c.call("INFO", section).split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in INFO " + section);
    }

    private static void awaitBgsave(RespClient c) throws Exception {
        for (int i = 0; i < 1000 && field(c, "persistence", "rdb_bgsave_in_progress").equals("1"); i++) {
            Thread.sleep(20);
        }
        assertEquals("0", field(c, "persistence", "rdb_bgsave_in_progress"));
    }

    private static void checkRdb(Path file) throws Exception {
        Path bin = RealRedis.binary("redis-check-rdb");
        Assumptions.assumeTrue(bin != null, "redis-check-rdb not installed");
        Process p = new ProcessBuilder(bin.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("RDB looks OK"), out);
    }

    @Test
    void saveWritesAFileRedisChecksAndLoadsBackWithTheSameDigest() throws Exception {
        String digest;
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            populate(c);
            digest = c.call("DEBUG", "DIGEST");
            assertNotEquals("+0000000000000000000000000000000000000000\r\n", digest);
            long before = Long.parseLong(c.call("LASTSAVE").substring(1).trim());
            assertEquals("+OK\r\n", c.call("SAVE"));
            assertTrue(Long.parseLong(c.call("LASTSAVE").substring(1).trim()) >= before);
            assertEquals("0", field(c, "persistence", "rdb_changes_since_last_save"));
            assertEquals("1", field(c, "persistence", "rdb_saves"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
                c.call("DEBUG", "RELOAD", "FOO"));
            // NOFLUSH without MERGE: a key present twice is an error; with MERGE the file's value wins
            c.call("SET", "s:emb", "changed");
            assertTrue(c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH").startsWith("-ERR"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE")); // back to the file's dataset
            // RDB 10 for Redis 7.0 peers: redis-check-rdb 7.0 reads it, and it loads back to the same digest
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "cinnabar-rdb-version", "10"));
            assertEquals("+OK\r\n", c.call("SAVE"));
            checkRdb(dir.resolve("dump.rdb"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = start(new PrintStream(log, true)); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            c.call("SELECT", "3");
            assertEquals("$3\r\nyes\r\n", c.call("GET", "in-db-3"));
            assertNotEquals("0", field(c, "persistence", "rdb_last_load_keys_loaded"));
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Loading RDB produced by version 7.2"), text);
        assertTrue(text.contains("Done loading RDB, keys loaded: 15, keys expired: 0."), text);
        assertTrue(text.matches("(?s).*DB loaded from disk: \\d+\\.\\d{3} seconds.*"), text);
    }

    @Test
    void keysExpiredInTheFileAreSkippedAtLoad() throws Exception {
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            c.call("SET", "gone", "v", "PX", "300");
            c.call("SET", "kept", "v");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        Thread.sleep(400);
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            assertEquals(":1\r\n", c.call("DBSIZE"));
            assertEquals("1", field(c, "persistence", "rdb_last_load_keys_expired"));
            assertEquals("1", field(c, "persistence", "rdb_last_load_keys_loaded"));
        }
    }

    @Test
    void bgsaveRunsWhileClientsWriteAndRefusesASecondOne() throws Exception {
        try (CinnabarServer s = start(null, "rdb-key-save-delay", "2000", "cinnabar-rdb-version", "10");
             RespClient c = new RespClient(s.port())) {
            c.call("DEBUG", "POPULATE", "1000");
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            assertEquals("1", field(c, "persistence", "rdb_bgsave_in_progress"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE", "SCHEDULE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("SAVE"));
            assertEquals("-ERR syntax error\r\n", c.call("BGSAVE", "FOO"));
            // writes do not wait for the save
            for (int i = 0; i < 200; i++) {
                assertEquals("+OK\r\n", c.call("SET", "key:" + i, "new"));
            }
            assertEquals("1", field(c, "persistence", "rdb_bgsave_in_progress"));
            String total = field(c, "persistence", "current_save_keys_total");
            assertEquals("1000", total);
            c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            awaitBgsave(c);
            assertEquals("ok", field(c, "persistence", "rdb_last_bgsave_status"));
            assertEquals("200", field(c, "persistence", "rdb_changes_since_last_save"));
        }
        checkRdb(dir.resolve("dump.rdb"));
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            assertEquals(":1000\r\n", c.call("DBSIZE"));
            assertEquals("$7\r\nvalue:5\r\n", c.call("GET", "key:5")); // the value of the moment BGSAVE started
        }
    }

    @Test
    void corruptOrTruncatedFileStopsTheStart() throws Exception {
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            populate(c);
            c.call("SAVE");
        }
        byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
        Files.write(dir.resolve("dump.rdb"), java.util.Arrays.copyOf(good, good.length / 2));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(new PrintStream(log, true)));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Terminating server after rdb file reading failure."));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x5a;
        Files.write(dir.resolve("dump.rdb"), flipped);
        assertThrows(IllegalStateException.class, () -> start(null));
        Files.write(dir.resolve("dump.rdb"), "REDIS0011garbage".getBytes(StandardCharsets.US_ASCII));
        assertThrows(IllegalStateException.class, () -> start(null));
    }

    @Test
    void readOnlyDirectoryFailsBgsaveIntoMisconf() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        try (CinnabarServer s = start(null, "dir", ro.toString(), "save", "3600 1");
             RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            boolean removed = false;
            if (Files.isWritable(ro)) { // root ignores permissions: the directory disappears instead
                Files.delete(ro);
                removed = true;
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertEquals("err", field(c, "persistence", "rdb_last_bgsave_status"));
            String misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                + "to disk. Commands that may modify the data set are disabled, because this instance is configured to "
                + "report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please "
                + "check the Redis logs for details about the RDB error.\r\n";
            assertEquals(misconf, c.call("SET", "k", "v2"));
            assertEquals(misconf, c.call("PING"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            assertEquals("-ERR\r\n", c.call("SAVE"));
            c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no");
            assertEquals("+OK\r\n", c.call("SET", "k", "v2"));
            c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes");
            if (removed) {
                Files.createDirectory(ro);
            }
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertEquals("ok", field(c, "persistence", "rdb_last_bgsave_status"));
            assertEquals("+OK\r\n", c.call("SET", "k", "v3"));
        } finally {
            if (Files.exists(ro)) {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void flushallSavesWhenSavePointsExistAndShutdownSaves() throws Exception {
        try (CinnabarServer s = start(null, "save", "3600 1"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            assertFalse(Files.exists(dir.resolve("dump.rdb")));
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertTrue(Files.exists(dir.resolve("dump.rdb")));
            // Redis 7: the save inside FLUSHALL resets the counter; no extra dirty++ (propagation is forced instead)
            assertEquals("0", field(c, "persistence", "rdb_changes_since_last_save"));
            c.call("SET", "after", "flush");
            c.sendRaw(RespClient.encode("SHUTDOWN", "NOSAVE"));
            assertTrue(c.closedByServer());
        }
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            assertEquals(":0\r\n", c.call("DBSIZE")); // the FLUSHALL save; NOSAVE did not save "after"
            c.call("SET", "k2", "v2");
            c.sendRaw(RespClient.encode("SHUTDOWN", "SAVE"));
            assertTrue(c.closedByServer());
        }
        try (CinnabarServer s = start(null); RespClient c = new RespClient(s.port())) {
            assertEquals("$2\r\nv2\r\n", c.call("GET", "k2"));
        }
    }

    @Test
    void savePointsTriggerABackgroundSave() throws Exception {
        try (CinnabarServer s = start(null, "save", "1 3"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "1");
            Thread.sleep(300);
            assertFalse(Files.exists(dir.resolve("dump.rdb")));
            c.call("SET", "c", "1");
            for (int i = 0; i < 400 && !Files.exists(dir.resolve("dump.rdb")); i++) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(dir.resolve("dump.rdb")));
            awaitBgsave(c);
            assertEquals("0", field(c, "persistence", "rdb_changes_since_last_save"));
        }
    }
}
