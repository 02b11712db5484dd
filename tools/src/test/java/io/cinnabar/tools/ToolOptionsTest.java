package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filters, byte escaping, stats, check output and usage errors of the tool. */
class ToolOptionsTest {
    static final String F = Fixtures.fixture("rdb/redis-7.2-all-types.rdb").toString();

    @Test
    void filters() {
        String out = ToolRunner.run("rdb", "dump", F, "--type", "zset").text();
        assertEquals(2, out.lines().filter(l -> l.startsWith("{\"db\"")).count(), out);
        out = ToolRunner.run("rdb", "dump", F, "--db", "3").text();
        assertTrue(out.lines().filter(l -> l.startsWith("{\"db\"")).allMatch(l -> l.startsWith("{\"db\":3")), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("{\"db\"")).count());
        out = ToolRunner.run("rdb", "dump", F, "--key", "^ttl:").text();
        assertEquals(2, out.lines().filter(l -> l.contains("\"expire_at_ms\":41024448")).count(), out);
    }

    @Test
    void escapedBytes() {
        String out = ToolRunner.run("rdb", "dump", F, "--key", "^str:binary$").text();
        String line = out.lines().filter(l -> l.startsWith("{\"db\"")).findFirst().orElseThrow();
        assertTrue(line.contains("\\\\x"), line);
        String fn = out.lines().filter(l -> l.startsWith("{\"function\"")).findFirst().orElseThrow();
        assertTrue(fn.contains("#!lua name=mylib\\\\x0aredis.register_function"), fn);
    }

    @Test
    void statsAndCheck() {
        ToolRunner s = ToolRunner.run("rdb", "stats", F, "--top", "3");
        assertEquals(0, s.rc(), s.err());
        assertTrue(s.text().contains("keys: 30") && s.text().contains("db0 set intset") && s.text().contains("hash:big"), s.text());
        ToolRunner c = ToolRunner.run("rdb", "check", F);
        assertEquals(0, c.rc());
        assertTrue(c.text().contains("RDB version 11: OK") && c.text().contains("verified"), c.text());
    }

    /** --progress forces the bar (normally only on a terminal for files of 32 MB and more); it ends erased. */
    @Test
    void statsProgressBar() {
        ToolRunner s = ToolRunner.run("rdb", "stats", F, "--progress");
        assertEquals(0, s.rc(), s.err());
        assertTrue(s.text().contains("keys: 30"), s.text());
        ToolRunner quiet = ToolRunner.run("rdb", "stats", F, "--no-progress");
        assertEquals("", quiet.err());
        String line = new Progress(null, 1000).line(250, 1_000_000_000L);
        assertEquals("[########......................]  25.0%      0.0 MB/s  3 s left", line);
    }

    @Test
    void truncatedFileNamesTheOffset(@TempDir Path tmp) throws Exception {
        byte[] b = Files.readAllBytes(Path.of(F));
        Path t = tmp.resolve("t.rdb");
        Files.write(t, java.util.Arrays.copyOf(b, 20000));
        ToolRunner c = ToolRunner.run("rdb", "check", t.toString());
        assertEquals(1, c.rc());
        assertTrue(c.err().contains("remaining bytes at offset 19170"), c.err());
    }

    /** A Redis 7.4 file (RDB 12) with a hash whose field "b" expires: json shows it, resp sets it with HPEXPIREAT. */
    @Test
    void hashFieldExpiry(@TempDir Path tmp) throws Exception {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.write("REDIS0012".getBytes());
        o.write(new byte[] {(byte) 0xfe, 0, 24, 1, 'h'});
        long min = 4102444800000L;
        for (int i = 0; i < 8; i++) {
            o.write((int) (min >>> (8 * i)));
        }
        o.write(new byte[] {2, 0, 1, 'a', 1, '1', 1, 1, 'b', 1, '2', (byte) 0xff});
        o.write(new byte[8]); // checksum disabled
        Path f = tmp.resolve("h.rdb");
        Files.write(f, o.toByteArray());
        ToolRunner j = ToolRunner.run("rdb", "dump", f.toString());
        assertEquals(0, j.rc(), j.err());
        assertTrue(j.text().contains("\"value\":{\"a\":\"1\",\"b\":\"2\"},\"field_expire_at_ms\":{\"b\":4102444800000}"), j.text());
        ToolRunner r = ToolRunner.run("rdb", "dump", f.toString(), "--format", "resp");
        assertTrue(r.text().contains("HPEXPIREAT\r\n$1\r\nh\r\n$13\r\n4102444800000\r\n$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\nb"), r.text());
        assertEquals(1, ToolRunner.run("rdb", "convert", f.toString(), tmp.resolve("x.rdb").toString(), "--rdb-version", "11").rc());
    }

    @Test
    void usage() {
        assertEquals(2, ToolRunner.run("rdb").rc());
        assertEquals(2, ToolRunner.run("rdb", "frobnicate", F).rc());
        assertEquals(2, ToolRunner.run("rdb", "dump", F, "--format", "xml").rc());
        assertEquals(2, ToolRunner.run("rdb", "convert", F, "/tmp/x.rdb").rc());
        assertEquals(1, ToolRunner.run("rdb", "check", "/nonexistent.rdb").rc());
    }

    @Test
    void convertToVersion11ReadsBack(@TempDir Path tmp) {
        Path out = tmp.resolve("o.rdb");
        assertEquals(0, ToolRunner.run("rdb", "convert", F, out.toString(), "--rdb-version", "11").rc());
        String a = ToolRunner.run("rdb", "dump", F, "--bytes", "base64").text();
        String b = ToolRunner.run("rdb", "dump", out.toString(), "--bytes", "base64").text();
        // same keys and values; encodings differ where plain encodings were written
        assertEquals(strip(a), strip(b));
    }

    private static java.util.List<String> strip(String dump) {
        return dump.lines().filter(l -> l.startsWith("{\"db\"")).map(l -> l.replaceAll("\"encoding\":\"[^\"]*\",", ""))
            .map(l -> l.contains("\"type\":\"set\"") || l.contains("\"type\":\"hash\"") ? l.substring(0, l.indexOf("\"value\"")) : l)
            .sorted().toList();
    }
}
