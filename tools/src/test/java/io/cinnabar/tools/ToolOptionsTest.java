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

    @Test
    void truncatedFileNamesTheOffset(@TempDir Path tmp) throws Exception {
        byte[] b = Files.readAllBytes(Path.of(F));
        Path t = tmp.resolve("t.rdb");
        Files.write(t, java.util.Arrays.copyOf(b, 20000));
        ToolRunner c = ToolRunner.run("rdb", "check", t.toString());
        assertEquals(1, c.rc());
        assertTrue(c.err().contains("remaining bytes at offset 19170"), c.err());
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
