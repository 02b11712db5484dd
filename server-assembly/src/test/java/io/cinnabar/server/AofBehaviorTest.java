package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The AOF's files and failures on the embedded server: a pre-7 single file upgraded into a directory, a truncated
 * last file with and without {@code aof-load-truncated}, a corrupt manifest and a corrupt file stopping startup with
 * Redis's messages, a write error (the incremental file is {@code /dev/full}) reported as
 * {@code aof_last_write_status:err} and writes refused with MISCONF, CONFIG SET appendonly, BGREWRITEAOF and
 * DEBUG LOADAOF, WAITAOF.
 */
class AofBehaviorTest {
    private static final String SET_A = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
    private static final String SET_B = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";

    private static CinnabarServer start(Path dir, ByteArrayOutputStream log, String... extra) {
        CinnabarServer.Builder b = CinnabarServer.builder().port(0).config("save", "").config("appendonly", "yes")
            .config("dir", dir.toString()).config("enable-debug-command", "yes")
            .log(new PrintStream(log, true, StandardCharsets.UTF_8));
        for (int i = 0; i < extra.length; i += 2) {
            b.config(extra[i], extra[i + 1]);
        }
        return b.start();
    }

    private static void manifest(Path dir, String text) throws Exception {
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), text);
    }

    @Test
    void startupLoadsTheAofWhenOnElseTheRdb() throws Exception {
        // Redis's loadDataFromDisk: appendonly yes loads only the AOF (an RDB beside it is ignored), no the RDB
        Path dir = Files.createTempDirectory("aof-or-rdb");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = start(dir, log, "appendonly", "no"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "rdb");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        try (CinnabarServer s = start(dir, log); RespClient c = new RespClient(s.port())) {
            assertEquals("$-1\r\n", c.call("GET", "k"), "no AOF yet: starts empty, the RDB is not loaded");
            c.call("SET", "k", "aof");
        }
        try (CinnabarServer s = start(dir, log, "appendonly", "no"); RespClient c = new RespClient(s.port())) {
            assertEquals("$3\r\nrdb\r\n", c.call("GET", "k"));
        }
        try (CinnabarServer s = start(dir, log); RespClient c = new RespClient(s.port())) {
            assertEquals("$3\r\naof\r\n", c.call("GET", "k"));
        }
    }

    @Test
    void oldSingleFileIsMovedIntoADirectory() throws Exception {
        Path dir = Files.createTempDirectory("aof-upgrade");
        Files.writeString(dir.resolve("appendonly.aof"), SET_A);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = start(dir, log); RespClient c = new RespClient(s.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
        }
        assertFalse(Files.exists(dir.resolve("appendonly.aof")));
        assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
            Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest")));
        String l = log.toString(StandardCharsets.UTF_8);
        assertTrue(l.contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory "
            + "(appendonlydir)."), l);
        assertTrue(l.contains("Creating AOF incr file appendonly.aof.1.incr.aof on server start"), l);
    }

    @Test
    void truncatedLastFile() throws Exception {
        Path dir = Files.createTempDirectory("aof-trunc");
        manifest(dir, "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
        Files.writeString(incr, SET_A + SET_B.substring(0, 20));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertThrows(IllegalStateException.class, () -> start(dir, log, "aof-load-truncated", "no").close());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Unexpected end of file reading the append only file "
            + "appendonly.aof.1.incr.aof. You can: 1) Make a backup"), log.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        try (CinnabarServer s = start(dir, log2); RespClient c = new RespClient(s.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            assertEquals("$-1\r\n", c.call("GET", "b"));
        }
        String l = log2.toString(StandardCharsets.UTF_8);
        assertTrue(l.contains("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset " + SET_A.length() + " !!!"), l);
        assertTrue(l.contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"), l);
    }

    @Test
    void corruptManifestOrFileStopsStartup() throws Exception {
        Path dir = Files.createTempDirectory("aof-bad");
        manifest(dir, "file appendonly.aof.1.incr.aof seq 1 type x\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertThrows(IllegalStateException.class, () -> start(dir, log).close());
        String l = log.toString(StandardCharsets.UTF_8);
        assertTrue(l.contains("*** FATAL AOF MANIFEST FILE ERROR ***"), l);
        assertTrue(l.contains(">>> 'file appendonly.aof.1.incr.aof seq 1 type x'"), l);
        assertTrue(l.contains("Unknown AOF file type"), l);

        manifest(dir, "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"), SET_A + "garbage\r\n" + SET_B);
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        assertThrows(IllegalStateException.class, () -> start(dir, log2).close());
        assertTrue(log2.toString(StandardCharsets.UTF_8).contains("Bad file format reading the append only file "
            + "appendonly.aof.1.incr.aof: make a backup of your AOF file"), log2.toString(StandardCharsets.UTF_8));

        manifest(dir, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        ByteArrayOutputStream log3 = new ByteArrayOutputStream();
        assertThrows(IllegalStateException.class, () -> start(dir, log3).close());
        assertTrue(log3.toString(StandardCharsets.UTF_8).contains("Unable to obtain the AOF file "
            + "appendonly.aof.1.base.aof length. stat: No such file or directory"), log3.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writeErrorRefusesWrites() throws Exception {
        Path dir = Files.createTempDirectory("aof-full");
        manifest(dir, "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.createSymbolicLink(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"), Path.of("/dev/full"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = start(dir, log); RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("SET", "a", "1")); // everysec: acknowledged, the write fails after
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_last_write_status:err"), info);
            assertEquals("-MISCONF Errors writing to the AOF file: No space left on device\r\n", c.call("SET", "b", "2"));
            assertEquals("-MISCONF Errors writing to the AOF file: No space left on device\r\n", c.call("PING"));
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("Error writing to the AOF file: No space left on device"));
        }
    }

    @Test
    void switchedOnAtRuntimeRewrittenAndReloaded() throws Exception {
        Path dir = Files.createTempDirectory("aof-runtime");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CinnabarServer s = start(dir, log, "appendonly", "no"); RespClient c = new RespClient(s.port())) {
            assertEquals("-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n",
                c.call("WAITAOF", "1", "0", "0"));
            c.call("RPUSH", "l", "a", "b");
            c.call("SET", "t", "v", "EX", "1000");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            assertTrue(c.call("INFO", "persistence").contains("aof_enabled:1"));
            c.call("SADD", "s", "x");
            assertEquals("*2\r\n:1\r\n:0\r\n", c.call("WAITAOF", "1", "0", "0"));
            for (int i = 0; i < 500 && c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1"); i++) {
                Thread.sleep(10); // the first base is written by a background rewrite
            }
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            c.call("HSET", "h", "f", "v"); // during the rewrite (its snapshot walks between commands) or after it
            for (int i = 0; i < 500 && c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1"); i++) {
                Thread.sleep(10);
            }
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", c.call("LRANGE", "l", "0", "-1"));
            assertEquals("*1\r\n$1\r\nx\r\n", c.call("SMEMBERS", "s"));
            assertEquals("$1\r\nv\r\n", c.call("HGET", "h", "f"));
            long ttl = Long.parseLong(c.call("TTL", "t").substring(1).trim());
            assertTrue(ttl > 990 && ttl <= 1000, "TTL kept through the rewrite and the reload: " + ttl);
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_rewrites:2"), info);
            assertTrue(info.contains("aof_last_bgrewrite_status:ok"), info);
        }
        // after the second rewrite: base 2 (an RDB preamble, aof-use-rdb-preamble's default) and incr 2; the history
        // files are deleted
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest")));
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            assertEquals(3, files.count());
        }
    }
}
