package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MEMORY USAGE against a real redis-server 7.0.15, one case per type and encoding, with the tolerance the README
 * states: <b>exact</b> where the structure is deterministic (strings of every encoding, listpacks, intsets,
 * quicklists with a count fill, hashtables of equal-sized members, streams with groups and PELs), <b>within 10%</b>
 * where Redis's own number depends on chance (skiplist node levels, sampling order of a hashtable of mixed sizes,
 * the bucket count of a set that 7.2 grows through a listpack and 7.0 does not).
 * Where 7.2 differs from the 7.0 oracle the expected value is derived from Redis's figure and the difference is
 * named: a small list is a 7.2 listpack (7.0's quicklist + one quicklistNode, 80 bytes, fewer); a stream consumer
 * is 8 bytes larger in 7.2 ({@code active_time}).
 */
@Differential(server = CinnabarUnderTest.class)
class MemoryUsageDifferentialTest {
    RespClient real;
    RespClient ours;

    @BeforeEach
    void connect(Pair pair) throws Exception {
        real = pair.redis();
        ours = pair.ours();
        both("FLUSHALL");
    }

    private void both(String... cmd) throws Exception {
        String a = real.call(cmd);
        String b = ours.call(cmd);
        assertEquals(a.charAt(0) == '-', b.charAt(0) == '-', String.join(" ", cmd) + ": " + a + " / " + b);
    }

    private static long integer(String reply) {
        assertTrue(reply.startsWith(":"), reply);
        return Long.parseLong(reply.substring(1, reply.length() - 2));
    }

    private long[] usage(String key, String... extra) throws Exception {
        String[] cmd = new String[3 + extra.length];
        cmd[0] = "MEMORY";
        cmd[1] = "USAGE";
        cmd[2] = key;
        System.arraycopy(extra, 0, cmd, 3, extra.length);
        return new long[] {integer(real.call(cmd)), integer(ours.call(cmd))};
    }

    private void exact(String key, String... extra) throws Exception {
        long[] u = usage(key, extra);
        assertEquals(u[0], u[1], "MEMORY USAGE " + key);
    }

    private void within10(String key, String... extra) throws Exception {
        long[] u = usage(key, extra);
        assertTrue(Math.abs(u[0] - u[1]) * 10 <= u[0], "MEMORY USAGE " + key + ": redis " + u[0] + " ours " + u[1]);
    }

    private static String repeat(char ch, int n) {
        return String.valueOf(ch).repeat(n);
    }

    @Test
    void strings() throws Exception {
        int[] lengths = {0, 1, 5, 20, 31, 32, 43, 44, 45, 60, 100, 252, 253, 256, 300, 1000, 5000, 16384, 40000};
        for (int n : lengths) {
            both("SET", "s" + n, repeat('v', n));
            exact("s" + n);
        }
        for (String v : new String[] {"0", "1", "9999", "10000", "-5", "123456789012", "9223372036854775807"}) {
            both("SET", "i" + v, v);
            exact("i" + v);
        }
        both("SET", "a", "x");
        exact("a");
        for (int i = 0; i < 12; i++) {
            both("APPEND", "a", repeat('y', 7 * i + 1));
            exact("a");
        }
        both("SET", "longkey" + repeat('k', 40), "v");
        exact("longkey" + repeat('k', 40));
        both("INCRBY", "counter", "100");
        exact("counter");
        both("SETRANGE", "sr", "100", "z");
        exact("sr");
    }

    @Test
    void hashes() throws Exception {
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) {
            both("HSET", "small", "f" + r.nextInt(1000), repeat('v', r.nextInt(60)));
            exact("small");
        }
        // Every field and value is 9 bytes (an sds in jemalloc's 16-byte class). With "field0".."field9" (8-byte
        // class) the default 5 samples and SAMPLES 1 were not deterministic on either side: each server walks its
        // table in the order of its random per-process SipHash seed, and a sample that hits one of the ten short
        // pairs lowers the estimate by 700 * 16 / 5 = 2240 bytes (real redis-server gives 47496 or 45256 from one
        // start to the next for the same commands). Redis's figure does not depend on timing: the hash's table has
        // 1024 buckets with its rehash finished (a lookup and an add per HSET each move a bucket after the growth at
        // field 513): 20 fresh starts all gave 47496 for the default, SAMPLES 0 and SAMPLES 1.
        for (int i = 1000; i < 1700; i++) {
            both("HSET", "big", "field" + i, "value" + i);
        }
        exact("big");
        exact("big", "SAMPLES", "0");
        exact("big", "SAMPLES", "1");
        for (int i = 0; i < 300; i++) {
            both("HSET", "mixed", "f" + i, repeat('m', r.nextInt(100)));
        }
        both("HSET", "mixed", "long", repeat('x', 100));
        // with the default 5 samples each server averages 5 pairs taken in its own (hash-seeded) table order, so
        // mixed sizes give two different estimates by design; sampling everything gives the same number
        exact("mixed", "SAMPLES", "0");
        for (int i = 1000; i < 1600; i++) {
            both("HDEL", "big", "field" + i);
        }
        exact("big", "SAMPLES", "0");
    }

    @Test
    void sets() throws Exception {
        for (int i = 0; i < 300; i++) {
            both("SADD", "ints", Integer.toString(i * 7 - 1000));
            exact("ints");
        }
        both("SADD", "ints", "100000");
        both("SADD", "ints", "10000000000");
        exact("ints");
        for (int i = 0; i < 600; i++) {
            both("SADD", "bigints", Integer.toString(i));
        }
        exact("bigints", "SAMPLES", "0");
        exact("bigints");
        for (int i = 0; i < 600; i++) {
            both("SADD", "strs", "member:" + i);
        }
        // 7.0 grows this set as a hashtable from its first member, 7.2 first as a listpack: bucket counts may differ
        within10("strs");
        within10("strs", "SAMPLES", "0");
    }

    @Test
    void smallSetIsA72Listpack() throws Exception {
        ours.call("SADD", "s", "a", "b", "c");
        assertEquals("$8\r\nlistpack\r\n", ours.call("OBJECT", "ENCODING", "s"));
        // key sds 8 + dictEntry 24 + robj 16 + listpack of 13 bytes in a 16-byte class
        assertEquals(64, integer(ours.call("MEMORY", "USAGE", "s")));
    }

    @Test
    void sortedSets() throws Exception {
        Random r = new Random(2);
        for (int i = 0; i < 100; i++) {
            both("ZADD", "small", Integer.toString(r.nextInt(1000) - 500), "m" + r.nextInt(500));
            exact("small");
        }
        for (int i = 0; i < 1000; i++) {
            both("ZADD", "big", Integer.toString(i), "member" + i);
        }
        within10("big", "SAMPLES", "0");
        // 5 sampled node levels per server: the default estimate varies by design; 25% bounds it (the element part
        // would need its sampled nodes two levels apart on average to pass that)
        long[] u = usage("big");
        assertTrue(Math.abs(u[0] - u[1]) * 4 <= u[0], "redis " + u[0] + " ours " + u[1]);
        both("ZADD", "long", "1", repeat('z', 100));
        within10("long");
    }

    @Test
    void lists() throws Exception {
        both("RPUSH", "small", "a", "b", "c");
        long[] u = usage("small");
        assertEquals(u[0] - 80, u[1], "7.2 listpack = 7.0 quicklist - quicklist - quicklistNode");
        for (int i = 0; i < 50; i++) {
            both("RPUSH", "small", repeat('e', i));
        }
        u = usage("small");
        assertEquals(u[0] - 80, u[1]);
        both("CONFIG", "SET", "list-max-listpack-size", "100");
        for (int i = 0; i < 1000; i++) {
            both("RPUSH", "big", "element" + i);
        }
        exact("big");
        exact("big", "SAMPLES", "0");
        both("CONFIG", "SET", "list-compress-depth", "1");
        for (int i = 0; i < 1000; i++) {
            both("LPUSH", "packed", "element-element-element-element" + (i % 10));
        }
        exact("packed", "SAMPLES", "0");
        both("CONFIG", "SET", "list-max-listpack-size", "-2");
        both("CONFIG", "SET", "list-compress-depth", "0");
        for (int i = 0; i < 3000; i++) {
            both("RPUSH", "bytes", "x" + i);
        }
        // 7.2 converts the listpack when its bytes plus the new elements' raw lengths pass 8192, so the adopted first
        // node may end a few bytes past 8192, in jemalloc's 10240 class; 7.0 counts the entry overhead and stays in
        // 8192. The one allowed difference is that class step.
        u = usage("bytes", "SAMPLES", "0");
        assertTrue(u[1] == u[0] || u[1] == u[0] + 2048, "redis " + u[0] + " ours " + u[1]);
        u = usage("bytes");
        assertTrue(u[1] == u[0] || u[1] == u[0] + 2048, "redis " + u[0] + " ours " + u[1]);
    }

    @Test
    void streams() throws Exception {
        both("XADD", "x", "1-1", "a", "b");
        exact("x");
        for (int i = 2; i < 1000; i++) {
            both("XADD", "x", i + "-1", "field", "value" + i, "other", Integer.toString(i));
        }
        exact("x");
        exact("x", "SAMPLES", "0");
        exact("x", "SAMPLES", "1");
        both("XDEL", "x", "5-1", "6-1", "500-1");
        exact("x");
        both("XTRIM", "x", "MAXLEN", "700");
        exact("x");
        both("XGROUP", "CREATE", "x", "g1", "0");
        both("XGROUP", "CREATE", "x", "g2", "$");
        exact("x");
        both("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "50", "STREAMS", "x", ">");
        both("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "7", "STREAMS", "x", ">");
        both("XACK", "x", "g1", "400-1", "401-1");
        long[] u = usage("x");
        assertEquals(u[0] + 2 * 8, u[1], "two consumers, 8 bytes more each in 7.2");
        both("XADD", "y", "MAXLEN", "0", "*", "a", "b");
        exact("y");
        both("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM");
        exact("e");
        both("CONFIG", "SET", "stream-node-max-bytes", "100");
        for (int i = 1; i < 200; i++) {
            both("XADD", "small-nodes", i + "-0", "f", "v");
        }
        exact("small-nodes");
    }

    @Test
    void missingKeyAndErrors() throws Exception {
        assertEquals(real.call("MEMORY", "USAGE", "nokey"), ours.call("MEMORY", "USAGE", "nokey"));
        both("SET", "k", "v");
        for (String[] cmd : new String[][] {
            {"MEMORY", "USAGE", "k", "SAMPLES", "-1"},
            {"MEMORY", "USAGE", "k", "SAMPLES", "x"},
            {"MEMORY", "USAGE", "k", "SAMPLES"},
            {"MEMORY", "USAGE", "k", "FOO"},
            {"MEMORY", "USAGE"},
            {"MEMORY", "STATS", "x"},
            {"MEMORY", "FOO"},
            {"MEMORY", "HELP"},
            {"MEMORY", "PURGE"}}) {
            assertEquals(real.call(cmd), ours.call(cmd), String.join(" ", cmd));
        }
    }

    @Test
    void statsHaveRedisFields() throws Exception {
        both("SET", "k", "v");
        String a = real.call("MEMORY", "STATS");
        String b = ours.call("MEMORY", "STATS");
        assertEquals(names(a), names(b));
        assertTrue(ours.call("MEMORY", "DOCTOR").contains("Sam"));
        assertTrue(ours.call("MEMORY", "MALLOC-STATS").contains("heap.used: "));
    }

    /** The field names of a MEMORY STATS reply, in order (values dropped). */
    private static String names(String reply) {
        StringBuilder sb = new StringBuilder();
        String[] lines = reply.split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("$") && i + 1 < lines.length && lines[i + 1].matches("[a-z][-a-z.0-9]*")) {
                sb.append(lines[i + 1]).append(' ');
            }
        }
        return sb.toString();
    }
}
