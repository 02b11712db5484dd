package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.testkit.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code aof dump} of the multi-part AOF fixtures equals their .json; {@code aof check [--fix]} on damaged copies. */
class AofToolTest {
    static Stream<Path> dirs() {
        return Stream.of("aof/redis-7.0-appendonlydir", "aof/redis-7.2-appendonlydir").map(Fixtures::fixture);
    }

    @ParameterizedTest
    @MethodSource("dirs")
    void dumpMatchesGolden(Path dir) throws Exception {
        ToolRunner r = ToolRunner.run("aof", "dump", dir.toString(), "--format", "json", "--bytes", "base64");
        assertEquals(0, r.rc(), r.err());
        JsonNode expected = RdbDumpGoldenTest.JSON.readTree(Files.readString(dir.resolveSibling(dir.getFileName() + ".json")));
        Map<String, JsonNode> got = new TreeMap<>();
        int functions = 0;
        for (String line : r.text().split("\n")) {
            JsonNode n = RdbDumpGoldenTest.JSON.readTree(line);
            if (n.has("key")) {
                got.put(n.get("db").asInt() + "/" + n.get("key").asText(), n);
            } else if (n.has("function")) {
                functions++;
            }
        }
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> dbs = expected.get("dbs").fields(); dbs.hasNext(); ) {
            Map.Entry<String, JsonNode> db = dbs.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = db.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> e = keys.next();
                String id = db.getKey() + "/" + e.getKey();
                assertTrue(got.containsKey(id), "missing " + id);
                RdbDumpGoldenTest.compareKey(id, e.getValue(), got.get(id), 0);
                count++;
            }
        }
        assertEquals(count, got.size());
        assertEquals(1, functions);
    }

    private static Path copy(Path dir, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
                to.resolve(p.getFileName()).toFile().setWritable(true);
            }
        }
        return to;
    }

    @Test
    void truncatedTailIsReportedAndFixed(@TempDir Path tmp) throws Exception {
        Path dir = copy(Fixtures.fixture("aof/redis-7.2-appendonlydir"), tmp.resolve("d"));
        Path incr = dir.resolve("appendonly.aof.2.incr.aof");
        byte[] b = Files.readAllBytes(incr);
        Files.write(incr, java.util.Arrays.copyOf(b, b.length - 5));
        ToolRunner check = ToolRunner.run("aof", "check", dir.toString());
        assertEquals(1, check.rc(), check.text() + check.err());
        assertTrue(check.text().contains("truncated"), check.text());
        long lastSet = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).lastIndexOf("*3\r\n$3\r\nSET");
        assertTrue(check.text().contains("ends at offset " + lastSet), check.text());
        ToolRunner fix = ToolRunner.run("aof", "check", dir.toString(), "--fix");
        assertEquals(0, fix.rc(), fix.err());
        assertEquals(lastSet, Files.size(incr));
        assertEquals(0, ToolRunner.run("aof", "check", dir.toString()).rc());
    }

    @Test
    void corruptMiddleIsAnError(@TempDir Path tmp) throws Exception {
        Path dir = copy(Fixtures.fixture("aof/redis-7.2-appendonlydir"), tmp.resolve("d"));
        Path incr = dir.resolve("appendonly.aof.2.incr.aof");
        byte[] b = Files.readAllBytes(incr);
        int at = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("*3\r\n$5\r\nLPUSH");
        b[at] = 'X';
        Files.write(incr, b);
        ToolRunner check = ToolRunner.run("aof", "check", dir.toString(), "--fix");
        assertEquals(1, check.rc());
        assertTrue(check.err().contains("at offset " + (at + 1)), check.err());
        assertEquals(b.length, Files.size(incr), "a corrupt middle is not 'fixed'");
    }

    @Test
    void rdbPreambleAsset() {
        ToolRunner r = ToolRunner.run("aof", "dump", Fixtures.fixture("redis-assets/rdb-preamble.aof").toString(), "--bytes", "base64");
        assertEquals(0, r.rc(), r.err());
        for (String k : new String[] {"k1", "k2", "k3"}) {
            assertTrue(r.text().contains("\"key\":\"" + Base64.getEncoder().encodeToString(k.getBytes()) + "\""), r.text());
        }
    }
}
