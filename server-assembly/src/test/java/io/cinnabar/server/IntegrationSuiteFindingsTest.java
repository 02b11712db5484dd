package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.Crc64;
import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Redis's integration tcl files (integration/logging, corrupt-dump, rdb, aof) found different, checked against
 * real Redis 7.0.15: the crash report of DEBUG SEGFAULT, DEBUG ASSERT and SIGABRT (separate JVMs, their logs read
 * back), the log lines of an RDB file with a wrong CRC at startup, DEBUG SET-SKIP-CHECKSUM-VALIDATION with RESTORE,
 * the "integrity check failed" log line of a RESTORE refused for a corrupt listpack, and DEBUG AOF-FLUSH-SLEEP.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class IntegrationSuiteFindingsTest {
    private static final String CHECKSUM_ERR = "-ERR DUMP payload version or checksum are wrong\r\n";

    private static byte[] bulk(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        int e = reply.indexOf("\r\n");
        return reply.substring(e + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** body followed by its CRC64, little-endian (a DUMP payload with a valid checksum). */
    private static byte[] sealed(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 8);
        long crc = Crc64.of(body, 0, body.length);
        for (int i = 0; i < 8; i++) {
            p[body.length + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    @Test
    void restoreWithChecksumValidationSkipped(Pair p) throws Exception {
        p.same("FLUSHALL");
        p.same("HSET", "h", "a", "1", "b", "2");
        byte[] dump = bulk(p.redis().call("DUMP", "h"));
        dump[dump.length - 1] ^= 0x5a; // the CRC no longer matches
        String bad = str(dump);
        assertEquals(CHECKSUM_ERR, p.same("RESTORE", "k", "0", bad));
        assertEquals("+OK\r\n", p.same("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"));
        assertEquals("+OK\r\n", p.same("RESTORE", "k", "0", bad));
        p.same("HGETALL", "k");
        // the version is still checked
        byte[] newer = dump.clone();
        newer[newer.length - 10] = (byte) 0xff;
        assertEquals(CHECKSUM_ERR, p.same("RESTORE", "k2", "0", str(newer)));
        assertEquals("+OK\r\n", p.same("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"));
        assertEquals(CHECKSUM_ERR, p.same("RESTORE", "k", "0", bad, "REPLACE"));
        p.assertSame();
    }

    @Test
    void aofFlushSleepDelaysTheWriteOfTheAofBuffer(Pair p) throws Exception {
        assertEquals("+OK\r\n", p.same("DEBUG", "AOF-FLUSH-SLEEP", "0"));
        p.assertSame();
        try (Child ours = Child.start("--enable-debug-command", "yes", "--appendonly", "yes", "--appendfsync", "always");
             RespClient c = new RespClient(ours.port)) {
            assertEquals("+OK\r\n", c.call("DEBUG", "AOF-FLUSH-SLEEP", "300000"));
            long t0 = System.nanoTime();
            assertEquals("+OK\r\n", c.call("SET", "slow", "1"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 290, "appendfsync always: the reply waits for the sleeping flush, took " + ms + " ms");
            assertEquals("+OK\r\n", c.call("DEBUG", "AOF-FLUSH-SLEEP", "0"));
            assertEquals(":1\r\n", c.call("EXISTS", "slow"));
        }
    }

    /**
     * A hash listpack whose total-bytes header is wrong (payload re-sealed with a valid CRC): both servers refuse
     * it with "Bad data format" and log Redis's reason at verbose level.
     */
    @Test
    void corruptListpackRestoreLogsTheIntegrityCheck(Pair p) throws Exception {
        p.same("FLUSHALL");
        p.same("HSET", "h", "a", "1", "b", "2");
        byte[] dump = bulk(p.redis().call("DUMP", "h"));
        assertEquals(16, dump[0], "a hash listpack"); // RDB_TYPE_HASH_LISTPACK
        byte[] body = Arrays.copyOf(dump, dump.length - 8);
        body[2] ^= 0x10; // dump[1] is the blob's 6-bit length, the listpack's total bytes start at [2]
        String corrupt = str(sealed(body));
        for (String sanitize : new String[] {"yes", "no"}) {
            try (Child ours = Child.start("--loglevel", "verbose", "--sanitize-dump-payload", sanitize);
                 RealRedis real = RealRedis.start("--loglevel", "verbose", "--sanitize-dump-payload", sanitize);
                 RespClient r = new RespClient(real.port()); RespClient o = new RespClient(ours.port)) {
                String expected = r.call("RESTORE", "k", "0", corrupt);
                assertEquals("-ERR Bad data format\r\n", expected);
                assertEquals(expected, o.call("RESTORE", "k", "0", corrupt));
                assertEquals("+PONG\r\n", o.call("PING"));
                assertTrue(Files.readString(real.dir().resolve("redis.log"))
                    .contains("Hash listpack integrity check failed."));
                assertTrue(ours.log().contains("Hash listpack integrity check failed."), ours.log());
            }
        }
    }

    /** A DUMP payload of RDB version 10 (Redis 7.0's): type byte, value bytes, version, CRC64. */
    private static String payload(int type, byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(type);
        for (byte[] part : parts) {
            b.writeBytes(part);
        }
        b.write(10);
        b.write(0);
        return str(sealed(b.toByteArray()));
    }

    /** An RDB string of fewer than 64 bytes: its 6-bit length, then the bytes. */
    private static byte[] s(String v) {
        byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) b.length;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    private static byte[] blob(byte[] bytes) {
        byte[] out = new byte[bytes.length + 1];
        out[0] = (byte) bytes.length;
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        return out;
    }

    /**
     * Values with a duplicate hash field, set member or zset member are refused with "Bad data format" (Redis:
     * "Duplicate ... detected", or the listpack's integrity check with sanitize-dump-payload yes); the server
     * keeps no half-built key and answers after it.
     */
    @Test
    void duplicateElementsAreRefused(Pair p) throws Exception {
        p.same("FLUSHALL");
        p.same("CONFIG", "SET", "sanitize-dump-payload", "yes");
        byte[] two = {2};
        byte[] score = new byte[8]; // binary double 0.0
        String hash = payload(4, two, s("f"), s("1"), s("f"), s("2")); // RDB_TYPE_HASH, 2 pairs, the same field
        String set = payload(2, two, s("a"), s("a")); // RDB_TYPE_SET
        String zset = payload(5, two, s("m"), score, s("m"), score); // RDB_TYPE_ZSET_2
        byte[] nan = {0, 0, 0, 0, 0, 0, (byte) 0xf8, 0x7f}; // a quiet NaN, little-endian
        String nanZset = payload(5, two, s("m"), score, s("n"), nan); // "Zset with NAN score detected"
        String hashLp = payload(16, blob(io.cinnabar.listpack.Listpack.of(
            "f".getBytes(StandardCharsets.US_ASCII), "1".getBytes(StandardCharsets.US_ASCII),
            "f".getBytes(StandardCharsets.US_ASCII), "2".getBytes(StandardCharsets.US_ASCII)).toByteArray()));
        String setLp = payload(20, blob(io.cinnabar.listpack.Listpack.of(
            "a".getBytes(StandardCharsets.US_ASCII), "a".getBytes(StandardCharsets.US_ASCII)).toByteArray()));
        for (String bad : new String[] {hash, set, zset, nanZset, hashLp}) {
            assertEquals("-ERR Bad data format\r\n", p.same("RESTORE", "k", "0", bad));
            assertEquals(":0\r\n", p.same("EXISTS", "k"));
        }
        // RDB_TYPE_SET_LISTPACK is 7.2's: Redis 7.0 does not know the type, ours refuses the duplicate
        assertEquals("-ERR Bad data format\r\n", p.ours().call("RESTORE", "k", "0", setLp));
        // without sanitize-dump-payload Redis takes a listpack hash with duplicates (and fails later); we refuse it
        p.both("CONFIG", "SET", "sanitize-dump-payload", "no");
        assertEquals("-ERR Bad data format\r\n", p.ours().call("RESTORE", "k", "0", hashLp));
        assertEquals("+PONG\r\n", p.ours().call("PING"));
        p.both("CONFIG", "SET", "sanitize-dump-payload", "yes");
        p.assertSame();
    }

    private static String manifest(Path dir) throws IOException {
        return Files.readString(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"));
    }

    private static void rewrite(RespClient c) throws Exception {
        c.call("BGREWRITEAOF");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1")
                || c.call("INFO", "persistence").contains("aof_rewrite_scheduled:1")) {
            assertTrue(System.nanoTime() < deadline, "the rewrite did not finish");
            Thread.sleep(20);
        }
    }

    /**
     * aof-disable-auto-gc yes keeps the history files of two rewrites in the manifest (type h); setting it back
     * to no deletes them at once. The manifests are compared with Redis's, line for line.
     */
    @Test
    void aofDisableAutoGcKeepsTheHistoryUntilSwitchedOff() throws Exception {
        try (Child ours = Child.start("--appendonly", "yes");
             RealRedis real = RealRedis.start("--appendonly", "yes");
             RespClient r = new RespClient(real.port()); RespClient o = new RespClient(ours.port)) {
            for (RespClient c : new RespClient[] {r, o}) {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "aof-disable-auto-gc", "yes"));
                c.call("SET", "k", "1");
                rewrite(c);
                c.call("SET", "k", "2");
                rewrite(c);
            }
            String kept = manifest(real.dir());
            assertTrue(kept.contains("type h"), kept);
            assertEquals(kept, manifest(ours.dir));
            for (RespClient c : new RespClient[] {r, o}) {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "aof-disable-auto-gc", "no"));
            }
            String after = manifest(real.dir());
            assertTrue(!after.contains("type h"), after);
            assertEquals(after, manifest(ours.dir));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(ours.dir.resolve("appendonlydir").resolve("appendonly.aof.1.incr.aof"))) {
                assertTrue(System.nanoTime() < deadline, "history file still there");
                Thread.sleep(20);
            }
        }
    }

    @Test
    void rdbWithAWrongChecksumIsRefusedWithRedisLogLines() throws Exception {
        Path file;
        String redisLines;
        try (RealRedis real = RealRedis.start()) {
            try (RespClient r = new RespClient(real.port())) {
                r.call("SET", "k", "v");
                r.call("RPUSH", "l", "a", "b");
                assertEquals("+OK\r\n", r.call("SAVE"));
            }
            file = Files.createTempFile("crc", ".rdb");
            byte[] rdb = Files.readAllBytes(real.dir().resolve("dump.rdb"));
            byte[] stamp = "foobar00".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(stamp, 0, rdb, rdb.length - 8, 8);
            Files.write(file, rdb);
        }
        try (Child redis = Child.redis(file)) {
            assertEquals(1, redis.exit(), redis.log());
            redisLines = redis.log();
        }
        try (Child ours = Child.startOn(file)) {
            assertTrue(ours.exit() != 0, ours.log());
            String log = ours.log();
            Matcher m = Pattern.compile("Wrong RDB checksum expected: \\(([0-9a-f]+)\\) but got \\(([0-9a-f]+)\\)"
                + "\\. Aborting now\\.").matcher(redisLines);
            assertTrue(m.find(), redisLines);
            assertTrue(log.contains(m.group()), log);
            assertTrue(log.contains("-> RDB CRC error"), log);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void debugSegfaultWritesTheCrashReport() throws Exception {
        String redis;
        try (Child real = Child.redis(null, "--enable-debug-command", "yes")) {
            real.send("DEBUG", "SEGFAULT");
            assertTrue(real.exit() != 0);
            redis = real.log();
        }
        assertTrue(redis.contains("crashed by signal: 11, si_code: 2"), redis);
        try (Child ours = Child.start("--enable-debug-command", "yes")) {
            ours.send("DEBUG", "SEGFAULT");
            assertEquals(134, ours.exit(), ours.log()); // SIGABRT: a JVM cannot die by SIGSEGV
            String log = ours.log();
            assertTrue(log.contains("=== REDIS BUG REPORT START: Cut & paste starting from here ==="), log);
            assertTrue(log.contains("crashed by signal: 11, si_code: 2"), log);
            assertTrue(log.contains("------ STACK TRACE ------"), log);
            assertTrue(log.contains("io.cinnabar.server.internal.admin.Debug.debug"), log);
            assertTrue(log.contains("=== REDIS BUG REPORT END. Make sure to include from START to END. ==="), log);
        }
    }

    @Test
    void sigabrtWritesTheCrashReport() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (Child c = ours ? Child.start() : Child.redis(null)) {
                new ProcessBuilder("kill", "-ABRT", Long.toString(c.process.pid())).start().waitFor();
                assertEquals(134, c.exit(), c.log());
                assertTrue(c.log().contains("crashed by signal: 6, si_code: 0"), c.log());
            }
        }
    }

    @Test
    void debugAssertWithUseExitOnPanicExitsWithOne() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            String[] args = {"--enable-debug-command", "yes", "--use-exit-on-panic", "yes"};
            try (Child c = ours ? Child.start(args) : Child.redis(null, args)) {
                c.send("DEBUG", "ASSERT");
                assertEquals(1, c.exit(), c.log());
                assertTrue(c.log().contains("=== ASSERTION FAILED ==="), c.log());
                assertTrue(c.log().contains("'1 == 2' is not true"), c.log());
            }
        }
    }

    /** A server in its own process (our Launcher in a JVM, or redis-server) logging to a file in a temp dir. */
    static final class Child implements AutoCloseable {
        final Process process;
        final Path dir;
        final int port;

        private Child(Process process, Path dir, int port) {
            this.process = process;
            this.dir = dir;
            this.port = port;
        }

        static Child start(String... extra) throws Exception {
            return launch(true, null, extra);
        }

        static Child startOn(Path rdb) throws Exception {
            return launch(true, rdb);
        }

        static Child redis(Path rdb, String... extra) throws Exception {
            return launch(false, rdb, extra);
        }

        private static Child launch(boolean ours, Path rdb, String... extra) throws Exception {
            Path dir = Files.createTempDirectory("intsuite");
            if (rdb != null) {
                Files.copy(rdb, dir.resolve("dump.rdb"));
            }
            int port = RealRedis.freePort();
            List<String> cmd = new ArrayList<>();
            if (ours) {
                String java = ProcessHandle.current().info().command().orElse("java");
                cmd.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "io.cinnabar.server.Launcher"));
            } else {
                cmd.add(RealRedis.binary("redis-server").toString());
            }
            cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                "no", "--dir", dir.toString(), "--logfile", dir.resolve("server.log").toString()));
            cmd.addAll(List.of(extra));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            Child c = new Child(p, dir, port);
            if (rdb == null) {
                c.awaitPong();
            }
            return c;
        }

        private void awaitPong() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited: " + log());
                }
                try (RespClient c = new RespClient(port)) {
                    if (c.call("PING").equals("+PONG\r\n")) {
                        return;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(50);
            }
            throw new AssertionError("server did not start: " + log());
        }

        /** Sends a command that ends the server; no reply is expected. */
        void send(String... cmd) throws IOException {
            try (RespClient c = new RespClient(port)) {
                c.sendRaw(RespClient.encode(cmd));
                try {
                    c.read();
                } catch (IOException e) {
                    // the connection closes with the process
                }
            }
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server did not exit");
            return process.exitValue();
        }

        String log() {
            try {
                Path f = dir.resolve("server.log");
                String s = Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
                return s + Files.readString(dir.resolve("stdout.log"), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
