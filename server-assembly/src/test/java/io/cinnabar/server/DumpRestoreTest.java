package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DUMP payloads of strings equal Redis 7.2's (the fixture payloads), and RESTORE accepts payloads from Redis
 * 7.2 (fixtures) and from a live Redis 7.0 (version 10), with the same encodings afterwards.
 */
class DumpRestoreTest {
    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bulkBytes(String reply) {
        int e = reply.indexOf("\r\n");
        return reply.substring(e + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void stringPayloadsMatchRedis72() throws Exception {
        // the dataset has Infinity scores: read it with non-numeric numbers allowed
        JsonNode dataset = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
            .readTree(Fixtures.fixture("rdb/redis-7.2-all-types.json").toFile());
        Map<String, byte[]> payloads = Fixtures.dumpPayloads(Fixtures.fixture("rdb/redis-7.2-all-types-dump-payloads.json"));
        int checked = 0;
        int aggregates = 0;
        int streams = 0;
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            JsonNode db0 = dataset.get("dbs").get("0");
            Iterator<Map.Entry<String, JsonNode>> it = db0.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> k = it.next();
                JsonNode v = k.getValue();
                String key = latin1(Fixtures.b64(com.fasterxml.jackson.databind.node.TextNode.valueOf(k.getKey())));
                byte[] payload = payloads.get(key);
                if (payload == null) {
                    continue;
                }
                String type = v.get("type").asText();
                if (List.of("list", "set", "zset", "hash").contains(type)) {
                    assertEquals("+OK\r\n", c.call("RESTORE", key, "0", latin1(payload), "REPLACE"), key);
                    assertEquals("$" + v.get("encoding").asText().length() + "\r\n" + v.get("encoding").asText()
                        + "\r\n", c.call("OBJECT", "ENCODING", key), key);
                    assertEquals(expectedContents(type, v.get("value")), contents(c, type, key), key);
                    aggregates++;
                    continue;
                }
                if (type.equals("stream")) {
                    // adopted as it is: DUMP gives Redis 7.2's bytes back
                    assertEquals("+OK\r\n", c.call("RESTORE", key, "0", latin1(payload), "REPLACE"), key);
                    assertEquals("+stream\r\n", c.call("TYPE", key), key);
                    assertEquals(latin1(payload), latin1(bulkBytes(c.call("DUMP", key))), key);
                    streams++;
                    continue;
                }
                if (!type.equals("string")) {
                    assertTrue(c.call("RESTORE", "x", "0", latin1(payload), "REPLACE")
                        .startsWith("-ERR RESTORE of RDB type "), key);
                    continue;
                }
                assertEquals("+OK\r\n", c.call("RESTORE", key, "0", latin1(payload), "REPLACE"), key);
                assertEquals("$" + v.get("encoding").asText().length() + "\r\n" + v.get("encoding").asText() + "\r\n",
                    c.call("OBJECT", "ENCODING", key), key);
                byte[] value = Fixtures.b64(v.get("value"));
                assertEquals(latin1(value), latin1(bulkBytes(c.call("GET", key))), key);
                assertEquals(latin1(payload), latin1(bulkBytes(c.call("DUMP", key))), key);
                checked++;
            }
        }
        assertTrue(checked >= 3, "string keys checked: " + checked);
        assertTrue(aggregates >= 10, "list/set/zset/hash keys checked: " + aggregates);
        assertTrue(streams >= 2, "stream keys checked: " + streams);
    }

    /** The fixture's value of a list/set/zset/hash as sorted "element" or "field=value" / "member=score" lines. */
    private static List<String> expectedContents(String type, JsonNode value) {
        List<String> out = new ArrayList<>();
        if (type.equals("hash")) {
            value.fields().forEachRemaining(f -> out.add(latin1(Fixtures.b64(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()))) + "=" + latin1(Fixtures.b64(f.getValue()))));
        } else if (type.equals("zset")) {
            value.forEach(p -> out.add(latin1(Fixtures.b64(p.get(0))) + "=" + p.get(1).asDouble()));
        } else {
            value.forEach(e -> out.add(latin1(Fixtures.b64(e))));
        }
        if (!type.equals("list")) {
            java.util.Collections.sort(out);
        }
        return out;
    }

    private static double score(String s) {
        return s.equals("inf") ? Double.POSITIVE_INFINITY : s.equals("-inf") ? Double.NEGATIVE_INFINITY
            : Double.parseDouble(s);
    }

    private static List<String> contents(RespClient c, String type, String key) throws Exception {
        String[] cmd = switch (type) {
            case "hash" -> new String[] {"HGETALL", key};
            case "zset" -> new String[] {"ZRANGE", key, "0", "-1", "WITHSCORES"};
            case "set" -> new String[] {"SMEMBERS", key};
            default -> new String[] {"LRANGE", key, "0", "-1"};
        };
        List<?> items = (List<?>) TypeFuzz.parse(c.call(cmd));
        List<String> out = new ArrayList<>();
        boolean pairs = type.equals("hash") || type.equals("zset");
        for (int i = 1; i < items.size(); i += pairs ? 2 : 1) {
            String a = ((String) items.get(i)).substring(1);
            if (!pairs) {
                out.add(a);
            } else {
                String b = ((String) items.get(i + 1)).substring(1);
                out.add(a + "=" + (type.equals("zset") ? Double.toString(score(b)) : b));
            }
        }
        if (!type.equals("list")) {
            java.util.Collections.sort(out);
        }
        return out;
    }

    @Test
    void restoresPayloadsOfRedis70() throws Exception {
        try (RealRedis redis = RealRedis.start(); RespClient r = new RespClient(redis.port());
             CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            String[] values = {"12345", "-7", "hello", "x".repeat(100), "abc".repeat(30), "", "9223372036854775807"};
            for (int i = 0; i < values.length; i++) {
                r.call("SET", "k" + i, values[i]);
                String payload = latin1(bulkBytes(r.call("DUMP", "k" + i)));
                assertEquals("+OK\r\n", c.call("RESTORE", "k" + i, "100000", payload));
                assertEquals(r.call("GET", "k" + i), c.call("GET", "k" + i));
                assertEquals(r.call("OBJECT", "ENCODING", "k" + i), c.call("OBJECT", "ENCODING", "k" + i));
                assertTrue(Long.parseLong(c.call("PTTL", "k" + i).substring(1).trim()) > 90_000);
                // and Redis takes ours back (7.0 refuses version 11 payloads: compare the value bytes instead)
            }
            String ours = latin1(bulkBytes(c.call("DUMP", "k2")));
            assertEquals("-BUSYKEY Target key name already exists.\r\n", c.call("RESTORE", "k2", "0", ours));
            assertEquals("-ERR DUMP payload version or checksum are wrong\r\n", c.call("RESTORE", "z", "0", "garbage!!!!!"));
            assertEquals("-ERR Invalid TTL value, must be >= 0\r\n", c.call("RESTORE", "z", "-1", ours));
            assertEquals("+OK\r\n", c.call("RESTORE", "z", "1", ours, "ABSTTL"));
            assertEquals(":0\r\n", c.call("EXISTS", "z"));
            assertEquals("$-1\r\n", c.call("DUMP", "nokey"));
        }
    }
}
