package io.cinnabar.listpack;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Differential tests against a real Redis (the 7.0.15 oracle; fails, not skips, when redis-server is missing):
 * random lists and hashes are built and edited in Redis with RPUSH/LPUSH/LINSERT/LSET/LREM/LTRIM and
 * HSET/HDEL, and with the matching Listpack operations here; the listpack inside Redis's DUMP must equal ours
 * byte for byte.
 */
class ListpackRedisDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static RealRedis redis;
    private static RespObjectClient client;

    @BeforeAll
    static void start() throws IOException {
        redis = RealRedis.start();
        client = new RespObjectClient(redis.connect());
    }

    @AfterAll
    static void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static byte[] randomElement(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return Long.toString(r.nextLong()).getBytes(StandardCharsets.US_ASCII);
            case 1:
                return Long.toString(r.nextInt(20000) - 10000).getBytes(StandardCharsets.US_ASCII);
            case 2: {
                String[] edges = {"0", "-0", "00", "01", "+5", " 7", "127", "128", "-4096", "-4097", "32768",
                    "8388608", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                    "1.5", "", "-", "1e5"};
                return edges[r.nextInt(edges.length)].getBytes(StandardCharsets.US_ASCII);
            }
            case 3: {
                byte[] b = new byte[r.nextInt(70)];
                r.nextBytes(b);
                return b;
            }
            case 4:
                return Long.toString(r.nextInt(4)).getBytes(StandardCharsets.US_ASCII); // duplicates for LREM/LINSERT
            default: {
                int len = r.nextInt(4) == 0 ? 60 + r.nextInt(10) : r.nextInt(12);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    sb.append((char) ('a' + r.nextInt(3)));
                }
                return sb.toString().getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    /** The single listpack of a DUMP payload (quicklist with one packed node, or a listpack hash). */
    static byte[] listpackOfDump(byte[] payload) {
        List<RdbPayloads.Node> nodes = RdbPayloads.nodes(payload);
        assertEquals(1, nodes.size(), "one listpack node expected, type " + RdbPayloads.type(payload));
        return nodes.get(0).bytes();
    }

    @Test
    void listsEditedInRedisAndHereHaveTheSameBytes() throws IOException {
        for (int seed = 0; seed < 150; seed++) {
            Random r = new Random(seed);
            String key = "list:" + seed;
            Listpack lp = new Listpack();
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                byte[] e = randomElement(r);
                if (r.nextBoolean()) {
                    client.call("RPUSH", key, e);
                    lp.append(e);
                } else {
                    client.call("LPUSH", key, e);
                    lp.prepend(e);
                }
            }
            for (int step = 0; step < 10; step++) {
                editList(r, key, lp);
            }
            Object dump = client.call("DUMP", key);
            if (lp.count() == 0) {
                assertEquals(null, dump, "seed " + seed);
                continue;
            }
            byte[] theirs = listpackOfDump((byte[]) dump);
            assertEquals(HEX.formatHex(theirs), HEX.formatHex(lp.toByteArray()), "seed " + seed);
        }
    }

    /** One random list edit, applied to Redis and to the listpack with the operations Redis itself uses. */
    private static void editList(Random r, String key, Listpack lp) throws IOException {
        int n = lp.count();
        if (n == 0) {
            byte[] e = randomElement(r);
            client.call("RPUSH", key, e);
            lp.append(e);
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> { // LINSERT BEFORE|AFTER pivot: first match from the head
                byte[] pivot = lp.getBytes(lp.seek(r.nextInt(n)));
                byte[] e = randomElement(r);
                boolean after = r.nextBoolean();
                client.call("LINSERT", key, after ? "AFTER" : "BEFORE", pivot, e);
                int p = lp.find(pivot, 0);
                if (after) {
                    lp.insertAfter(p, e, 0, e.length);
                } else {
                    lp.insertBefore(p, e, 0, e.length);
                }
            }
            case 1 -> { // LSET with a negative or positive index
                int index = r.nextInt(2 * n) - n;
                byte[] e = randomElement(r);
                client.call("LSET", key, index, e);
                lp.replace(lp.seek(index), e, 0, e.length);
            }
            case 2 -> { // LREM 0 value: every occurrence
                byte[] value = lp.getBytes(lp.seek(r.nextInt(n)));
                client.call("LREM", key, 0, value);
                for (int p = lp.find(value, 0); p >= 0; p = lp.find(p, value, 0, value.length, 0)) {
                    p = lp.delete(p);
                    if (p < 0) {
                        break;
                    }
                }
            }
            default -> { // LTRIM start stop, as ltrimCommand turns it into two range deletions
                int start = r.nextInt(n);
                int stop = start + r.nextInt(n - start);
                client.call("LTRIM", key, start, stop);
                lp.deleteRange(stop + 1, n - stop - 1);
                lp.deleteRange(0, start);
            }
        }
    }

    @Test
    void hashesEditedInRedisAndHereHaveTheSameBytes() throws IOException {
        client.call("CONFIG", "SET", "hash-max-listpack-value", "1024"); // keep random 70-byte values in listpacks
        for (int seed = 0; seed < 150; seed++) {
            Random r = new Random(1000 + seed);
            String key = "hash:" + seed;
            Listpack lp = new Listpack();
            int ops = 1 + r.nextInt(50);
            for (int i = 0; i < ops; i++) {
                byte[] field = r.nextInt(3) == 0 ? Long.toString(r.nextInt(30)).getBytes(StandardCharsets.US_ASCII)
                    : randomElement(r);
                if (r.nextInt(5) == 0) {
                    client.call("HDEL", key, field);
                    int p = lp.first() < 0 ? -1 : lp.find(field, 1);
                    if (p >= 0) {
                        lp.deleteRangeAt(p, 2);
                    }
                    continue;
                }
                byte[] value = randomElement(r);
                client.call("HSET", key, field, value);
                int p = lp.first() < 0 ? -1 : lp.find(field, 1);
                if (p >= 0) {
                    int v = lp.next(p);
                    lp.replace(v, value, 0, value.length);
                } else {
                    lp.batchAppend(List.of(field, value));
                }
            }
            Object dump = client.call("DUMP", key);
            if (lp.count() == 0) {
                assertEquals(null, dump, "seed " + seed);
                continue;
            }
            byte[] payload = (byte[]) dump;
            assertEquals(RdbPayloads.HASH_LISTPACK, RdbPayloads.type(payload), "seed " + seed);
            assertEquals(HEX.formatHex(listpackOfDump(payload)), HEX.formatHex(lp.toByteArray()), "seed " + seed);
        }
    }

    @Test
    void redisReadsWhatWeWrite() throws IOException {
        // RESTORE verifies the payload with deep sanitization: our bytes must pass Redis's own validator
        client.call("CONFIG", "SET", "sanitize-dump-payload", "yes");
        for (int seed = 0; seed < 50; seed++) {
            Random r = new Random(5000 + seed);
            List<byte[]> elements = new ArrayList<>();
            for (int i = 0, n = 1 + r.nextInt(60); i < n; i++) {
                elements.add(randomElement(r));
            }
            String key = "copy:" + seed;
            client.call("DEL", key);
            for (byte[] e : elements) {
                client.call("RPUSH", key, e);
            }
            byte[] payload = (byte[]) client.call("DUMP", key);
            byte[] ours = Listpack.encode(elements);
            assertArrayEquals(ours, listpackOfDump(payload));
            client.call("RESTORE", key + ":restored", 0, payload);
            @SuppressWarnings("unchecked")
            List<Object> back = (List<Object>) client.call("LRANGE", key + ":restored", 0, -1);
            assertEquals(elements.size(), back.size());
            for (int i = 0; i < back.size(); i++) {
                assertArrayEquals(elements.get(i), (byte[]) back.get(i), Arrays.toString(elements.get(i)));
            }
        }
    }
}
