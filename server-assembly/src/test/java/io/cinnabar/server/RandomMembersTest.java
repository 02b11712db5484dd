package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SRANDMEMBER, SPOP, HRANDFIELD and ZRANDMEMBER with counts, whose replies are random and so cannot be compared
 * with Redis's: the reply sizes, distinctness and membership Redis guarantees, for every encoding and for both
 * strategies (a count above a third of the size, and the sampling one below it), plus a loose uniformity check.
 */
class RandomMembersTest {
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        c = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    @BeforeEach
    void flush() throws Exception {
        c.call("FLUSHALL");
    }

    /** The bulk strings of a flat array reply. */
    static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("$")) {
                out.add(lines[++i]);
            }
        }
        return out;
    }

    static void fillSet(String key, int n, String prefix) throws Exception {
        for (int i = 0; i < n; i++) {
            c.call("SADD", key, prefix + i);
        }
    }

    @Test
    void srandmemberCountsForEveryEncoding() throws Exception {
        fillSet("ht", 1000, "m");
        fillSet("lp", 50, "m");
        fillSet("is", 50, "");
        assertEquals("$9\r\nhashtable\r\n", c.call("OBJECT", "ENCODING", "ht"));
        assertEquals("$6\r\nintset\r\n", c.call("OBJECT", "ENCODING", "is"));
        for (String key : new String[] {"ht", "lp", "is"}) {
            int size = key.equals("ht") ? 1000 : 50;
            String prefix = key.equals("is") ? "" : "m";
            for (int count : new int[] {1, 5, size / 3, size / 3 + 1, size - 1, size, size + 10}) {
                List<String> got = bulks(c.call("SRANDMEMBER", key, Integer.toString(count)));
                assertEquals(Math.min(count, size), got.size(), key + " " + count);
                assertEquals(got.size(), new HashSet<>(got).size(), "distinct " + key + " " + count);
                for (String m : got) {
                    assertTrue(m.startsWith(prefix) && Integer.parseInt(m.substring(prefix.length())) < size, m);
                }
            }
            List<String> rep = bulks(c.call("SRANDMEMBER", key, "-3000"));
            assertEquals(3000, rep.size());
            for (String m : rep) {
                assertTrue(m.startsWith(prefix) && Integer.parseInt(m.substring(prefix.length())) < size, m);
            }
            assertTrue(new HashSet<>(rep).size() > size / 2, "repetitions cover most of the set: " + key);
        }
    }

    @Test
    void negativeCountsAreRoughlyUniformOnAHashtable() throws Exception {
        fillSet("ht", 200, "m");
        Map<String, Integer> hits = new HashMap<>();
        for (int round = 0; round < 10; round++) {
            for (String m : bulks(c.call("SRANDMEMBER", "ht", "-10000"))) {
                hits.merge(m, 1, Integer::sum);
            }
        }
        assertEquals(200, hits.size());
        // 100000 draws over 200 members: 500 expected each; Redis's fair random key is only roughly uniform (a
        // sample of consecutive buckets, one picked: a member alone in a sparse stretch is drawn less; 150 was seen)
        for (Map.Entry<String, Integer> e : hits.entrySet()) {
            assertTrue(e.getValue() > 100 && e.getValue() < 1500, e.toString());
        }
    }

    @Test
    void spopCountRemovesWhatItReturns() throws Exception {
        for (int count : new int[] {1, 10, 300, 900}) {
            c.call("DEL", "ht");
            fillSet("ht", 1000, "m");
            List<String> got = bulks(c.call("SPOP", "ht", Integer.toString(count)));
            assertEquals(count, got.size());
            assertEquals(count, new HashSet<>(got).size());
            assertEquals(":" + (1000 - count) + "\r\n", c.call("SCARD", "ht"));
            for (String m : got) {
                assertEquals(":0\r\n", c.call("SISMEMBER", "ht", m));
            }
        }
    }

    @Test
    void hrandfieldAndZrandmemberReturnTheirOwnValuesAndScores() throws Exception {
        for (int i = 0; i < 1000; i++) {
            c.call("HSET", "h", "f" + i, "v" + i);
            c.call("ZADD", "z", Integer.toString(i), "m" + i);
        }
        assertEquals("$9\r\nhashtable\r\n", c.call("OBJECT", "ENCODING", "h"));
        assertEquals("$8\r\nskiplist\r\n", c.call("OBJECT", "ENCODING", "z"));
        for (int count : new int[] {7, 333, 334, 1000, -50}) {
            List<String> h = bulks(c.call("HRANDFIELD", "h", Integer.toString(count), "WITHVALUES"));
            assertEquals(2 * Math.abs(count), h.size());
            Set<String> fields = new HashSet<>();
            for (int i = 0; i < h.size(); i += 2) {
                assertEquals("v" + h.get(i).substring(1), h.get(i + 1));
                fields.add(h.get(i));
            }
            if (count > 0) {
                assertEquals(count, fields.size());
            }
            List<String> z = bulks(c.call("ZRANDMEMBER", "z", Integer.toString(count), "WITHSCORES"));
            assertEquals(2 * Math.abs(count), z.size());
            Set<String> members = new HashSet<>();
            for (int i = 0; i < z.size(); i += 2) {
                assertEquals(z.get(i).substring(1), z.get(i + 1));
                members.add(z.get(i));
            }
            if (count > 0) {
                assertEquals(count, members.size());
            }
        }
        c.call("HELLO", "3");
        String r3 = c.call("ZRANDMEMBER", "z", "3", "WITHSCORES");
        assertTrue(r3.startsWith("*3\r\n*2\r\n$"), r3);
        c.call("HELLO", "2");
    }
}
