package io.cinnabar.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.RealRedis;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command logs, annotations, RDB preambles, truncation, and AOFs written by a real Redis 7.0. */
class AofReaderTest {
    static final class Recorder implements AofReader.Visitor {
        final List<String> commands = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final List<String> annotations = new ArrayList<>();
        long truncatedAt = -1;

        @Override
        public void command(List<byte[]> args, long offset) {
            commands.add(String.join(" ", args.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList()));
        }

        @Override
        public void annotation(String text, long offset) {
            annotations.add(text);
        }

        @Override
        public void beginKey(RdbKey key) {
            keys.add(new String(key.key(), StandardCharsets.ISO_8859_1));
        }

        @Override
        public void truncated(Path file, long lastValidOffset, long size) {
            truncatedAt = lastValidOffset;
        }
    }

    static byte[] log() {
        return log(null);
    }

    /** The test log; {@code ends} (if given) receives the offset after each record. */
    static byte[] log(List<Integer> ends) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AofWriter w = new AofWriter(b);
        w.timestamp(1700000000);
        mark(ends, b);
        w.command("SELECT", "0");
        mark(ends, b);
        w.command("SET", "k", "v\r\nwith crlf");
        mark(ends, b);
        w.command("RPUSH", "l", "a", "b");
        mark(ends, b);
        w.flush();
        return b.toByteArray();
    }

    private static void mark(List<Integer> ends, ByteArrayOutputStream b) {
        if (ends != null) {
            ends.add(b.size());
        }
    }

    @Test
    void writesAndReadsCommandsAndAnnotations(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("a.aof");
        Files.write(f, log());
        assertTrue(new String(Files.readAllBytes(f), StandardCharsets.US_ASCII).startsWith("#TS:1700000000\r\n*2\r\n$6\r\nSELECT"));
        Recorder r = new Recorder();
        AofReader.read(f, r);
        assertEquals(List.of("TS:1700000000"), r.annotations);
        assertEquals(List.of("SELECT 0", "SET k v\r\nwith crlf", "RPUSH l a b"), r.commands);
        assertEquals(-1, r.truncatedAt);
    }

    @Property(tries = 200)
    boolean everyTruncationIsATailAtTheLastCompleteCommand(@ForAll @IntRange(min = 0, max = 200) int cut) throws Exception {
        List<Integer> ends = new ArrayList<>();
        byte[] full = log(ends);
        int len = cut % (full.length + 1);
        Path f = Files.createTempFile("trunc", ".aof");
        try {
            Files.write(f, java.util.Arrays.copyOf(full, len));
            AofReader.CheckResult c = AofReader.check(f);
            long expectedValid = 0;
            for (int e : ends) {
                if (e <= len) {
                    expectedValid = e;
                }
            }
            boolean atBoundary = len == 0 || ends.contains(len);
            return atBoundary ? c.ok() : !c.ok() && c.lastValidOffset() == expectedValid;
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void corruptMiddleThrows(@TempDir Path tmp) throws Exception {
        byte[] b = log();
        b[20] = '?';
        Path f = tmp.resolve("a.aof");
        Files.write(f, b);
        AofException e = assertThrows(AofException.class, () -> AofReader.read(f, new Recorder()));
        assertFalse(e.truncated());
    }

    @Test
    void rdbPreamble() throws Exception {
        Recorder r = new Recorder();
        AofReader.read(Fixtures.fixture("redis-assets/rdb-preamble.aof"), r);
        assertEquals(List.of("k2", "k1"), r.keys);
        assertEquals(List.of("SELECT 0", "set k3 v3"), r.commands);
    }

    @Test
    void fixtureDirectories() throws Exception {
        for (String d : new String[] {"aof/redis-7.0-appendonlydir", "aof/redis-7.2-appendonlydir"}) {
            Recorder r = new Recorder();
            AofReader.read(Fixtures.fixture(d), r);
            assertEquals(30, r.keys.size());
            assertEquals("SELECT 0", r.commands.get(0));
            assertEquals(7, r.commands.size());
        }
    }

    private static void send(OutputStream out, InputStream in, String... args) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new AofWriter(b).command(args);
        out.write(b.toByteArray());
        out.flush();
        int c;
        while ((c = in.read()) != '\n' && c >= 0) {
            // one-line replies only
        }
    }

    /** A real Redis 7.0 with a file name that needs quoting: its manifest parses and formats back byte for byte. */
    @Test
    void realRedisMultiPartAof(@TempDir Path tmp) throws Exception {
        try (RealRedis redis = RealRedis.start("--appendonly", "yes", "--appendfilename", "my aof.aof",
                "--appenddirname", "aofdir", "--aof-timestamp-enabled", "yes");
             Socket s = redis.connect()) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            send(out, in, "SET", "a", "1");
            send(out, in, "BGREWRITEAOF");
            Thread.sleep(1500);
            send(out, in, "RPUSH", "list", "x", "y");
            send(out, in, "INCR", "a");
            Path dir = redis.dir().resolve("aofdir");
            Path manifestFile = AofReader.manifestOf(dir);
            String text = Files.readString(manifestFile);
            assertTrue(text.contains("\"my aof.aof"), text);
            assertEquals(text, AofReader.manifest(manifestFile).format());
            Recorder r = new Recorder();
            for (int i = 0; i < 50 && !r.commands.contains("INCR a"); i++) {
                Thread.sleep(100); // appendfsync everysec: the write may trail the reply
                r = new Recorder();
                AofReader.read(dir, r);
            }
            assertEquals(List.of("a"), r.keys);
            assertTrue(r.commands.contains("RPUSH list x y") && r.commands.contains("INCR a"), r.commands.toString());
            assertFalse(r.annotations.isEmpty());
        }
    }
}
