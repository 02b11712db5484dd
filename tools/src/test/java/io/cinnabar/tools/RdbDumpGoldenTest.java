package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cinnabar.testkit.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: {@code rdb dump --format json --bytes base64} of every fixture RDB yields exactly the keys, types,
 * values and expiries of the .json beside it, through the tool's Java entry point.
 *
 * <p>Encodings: the .json holds what OBJECT ENCODING said on the server that wrote the file. For files written by
 * Redis 7.0/7.2 (RDB 10, 11) the on-disk encoding determines it and is compared: sets, sorted sets and hashes by
 * name; lists "quicklist2" against listpack or quicklist (7.2 loads small lists as listpack); strings "int" on
 * disk imply "int" on the server, embstr/raw on the server imply raw or lzf on disk (a 64-bit integer such as
 * -9223372036854775808 is "int" in memory but raw in the file, whose int encoding holds 32 bits). Older files'
 * .json were recorded from a server that had converted the values (ziplist to listpack, ...), so only the type
 * is compared there.
 */
class RdbDumpGoldenTest {
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    static Stream<Path> files() {
        return Stream.concat(Fixtures.list("rdb", ".rdb").stream(), Fixtures.list("redis-assets", ".rdb").stream())
            .filter(p -> !p.getFileName().toString().equals("corrupt_ziplist.rdb"));
    }

    @ParameterizedTest
    @MethodSource("files")
    void dumpMatchesGolden(Path rdb) throws Exception {
        ToolRunner r = ToolRunner.run("rdb", "dump", rdb.toString(), "--format", "json", "--bytes", "base64");
        assertEquals(0, r.rc(), r.err());
        JsonNode expected = JSON.readTree(Files.readString(rdb.resolveSibling(rdb.getFileName().toString()
            .replace("-uncompressed.rdb", ".json").replace(".rdb", ".json"))));
        int version = Integer.parseInt(new String(Files.readAllBytes(rdb), 5, 4, java.nio.charset.StandardCharsets.US_ASCII));
        Map<String, JsonNode> got = new TreeMap<>();
        List<String> functions = new ArrayList<>();
        for (String line : r.text().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.has("function")) {
                functions.add(n.get("function").asText());
            } else if (n.has("key")) {
                got.put(n.get("db").asInt() + "/" + n.get("key").asText(), n);
            }
        }
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> dbs = expected.get("dbs").fields(); dbs.hasNext(); ) {
            Map.Entry<String, JsonNode> db = dbs.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = db.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> e = keys.next();
                String id = db.getKey() + "/" + e.getKey();
                JsonNode ours = got.get(id);
                assertTrue(ours != null, "missing key " + id);
                compareKey(id, e.getValue(), ours, version);
                count++;
            }
        }
        assertEquals(count, got.size(), "extra keys in dump");
        checkFunctions(expected, functions);
    }

    private static void checkFunctions(JsonNode expected, List<String> functions) {
        JsonNode f = expected.get("function_dump_b64");
        if (f == null) {
            return;
        }
        String payload = new String(Base64.getDecoder().decode(f.asText()), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (payload.length() <= 10) {
            assertEquals(List.of(), functions);
            return;
        }
        assertEquals(1, functions.size());
        String code = new String(Base64.getDecoder().decode(functions.get(0)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(code.startsWith("#!lua name=mylib"), code);
        assertTrue(payload.contains(code) || payload.contains("mylib"), "function code matches FUNCTION DUMP");
    }

    static void compareKey(String id, JsonNode exp, JsonNode ours, int version) {
        String type = exp.get("type").asText();
        assertEquals(type, ours.get("type").asText(), id);
        assertEquals(exp.get("expire_at_ms").asLong(), ours.get("expire_at_ms").asLong(), id + " expiry");
        JsonNode ev = exp.get("value");
        JsonNode ov = ours.get("value");
        switch (type) {
            case "string", "list", "hash" -> assertEquals(ev, ov, id);
            case "set" -> assertEquals(sorted(ev), sorted(ov), id);
            case "zset" -> compareZset(id, ev, ov);
            case "stream" -> compareStream(id, ev, ov, version);
            default -> throw new AssertionError("unexpected type " + type);
        }
        if (version >= 10) {
            compareEncoding(id, type, exp.get("encoding").asText(), ours.get("encoding").asText());
        }
    }

    static void compareEncoding(String id, String type, String server, String disk) {
        String why = id + ": server " + server + ", file " + disk;
        switch (type) {
            case "string" -> {
                if (disk.equals("int")) {
                    assertEquals("int", server, why);
                }
                if (!server.equals("int")) {
                    assertTrue(disk.equals("raw") || disk.equals("lzf"), why);
                }
            }
            case "list" -> assertTrue(disk.equals("quicklist2") && (server.equals("listpack") || server.equals("quicklist")), why);
            case "stream" -> assertEquals("stream", disk, why);
            default -> assertEquals(server, disk.equals("ziplist") ? "listpack" : disk, why); // ziplists load as listpacks
        }
    }

    static List<String> sorted(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(n -> l.add(n.asText()));
        l.sort(null);
        return l;
    }

    static void compareZset(String id, JsonNode ev, JsonNode ov) {
        assertEquals(ev.size(), ov.size(), id);
        for (int i = 0; i < ev.size(); i++) {
            assertEquals(ev.get(i).get(0).asText(), ov.get(i).get(0).asText(), id + " member " + i);
            double e = ev.get(i).get(1).asDouble();
            JsonNode o = ov.get(i).get(1);
            double d = o.isTextual() ? (o.asText().equals("inf") ? Double.POSITIVE_INFINITY
                : o.asText().equals("-inf") ? Double.NEGATIVE_INFINITY : Double.NaN) : o.asDouble();
            assertEquals(e, d, 0.0, id + " score " + i);
        }
    }

    static void compareStream(String id, JsonNode ev, JsonNode ov, int version) {
        assertEquals(ev.get("entries"), ov.get("entries"), id + " entries");
        JsonNode info = ev.get("info");
        assertEquals(info.get("last-generated-id").asText(), ov.get("last_id").asText(), id);
        assertEquals(info.get("length").asLong(), ov.get("length").asLong(), id);
        if (version >= 10) {
            assertEquals(info.get("entries-added").asLong(), ov.get("entries_added").asLong(), id);
            assertEquals(info.get("max-deleted-entry-id").asText(), ov.get("max_deleted_id").asText(), id);
            assertEquals(info.get("recorded-first-entry-id").asText(), ov.get("first_id").asText(), id);
        }
        JsonNode eg = ev.get("groups");
        JsonNode og = ov.get("groups");
        assertEquals(eg.size(), og.size(), id + " groups");
        for (int i = 0; i < eg.size(); i++) {
            JsonNode e = eg.get(i);
            JsonNode o = og.get(i);
            assertEquals(e.get("name").asText(), new String(Base64.getDecoder().decode(o.get("name").asText())), id);
            assertEquals(e.get("last-delivered-id").asText(), o.get("last_delivered_id").asText(), id);
            List<String> consumers = new ArrayList<>();
            o.get("consumers").forEach(c -> consumers.add(new String(Base64.getDecoder().decode(c.asText()))));
            List<String> expectedConsumers = new ArrayList<>();
            e.get("consumers").forEach(c -> expectedConsumers.add(c.asText()));
            assertEquals(expectedConsumers, consumers, id);
            assertEquals(e.get("pending").size(), o.get("pending").size(), id);
            for (int p = 0; p < e.get("pending").size(); p++) {
                JsonNode ep = e.get("pending").get(p);
                JsonNode op = o.get("pending").get(p);
                assertEquals(ep.get(0).asText(), op.get(0).asText(), id);
                assertEquals(ep.get(1).asText(), new String(Base64.getDecoder().decode(op.get(1).asText())), id);
                assertEquals(ep.get(2).asLong(), op.get(2).asLong(), id);
            }
            if (version >= 10 && !e.get("entries-read").isNull()) {
                assertEquals(e.get("entries-read").asLong(), o.get("entries_read").asLong(), id);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void corruptZiplistIsRejectedWithOffset() {
        ToolRunner r = ToolRunner.run("rdb", "dump", Fixtures.fixture("redis-assets/corrupt_ziplist.rdb").toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("at offset "), r.err());
    }

    @org.junit.jupiter.api.Test
    void emptyKeysAreSkippedByDumpAndRejectedByCheck() {
        Path f = Fixtures.fixture("redis-assets/corrupt_empty_keys.rdb");
        ToolRunner dump = ToolRunner.run("rdb", "dump", f.toString(), "--bytes", "base64");
        assertEquals(0, dump.rc(), dump.err());
        assertEquals(1, dump.text().split("\n").length, "only the aux line: " + dump.text());
        ToolRunner check = ToolRunner.run("rdb", "check", f.toString());
        assertNotEquals(0, check.rc());
        assertTrue(check.err().contains("empty"), check.err());
    }
}
