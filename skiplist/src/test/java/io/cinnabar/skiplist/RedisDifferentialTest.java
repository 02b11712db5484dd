package io.cinnabar.skiplist;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Range parsing and range results against a real redis-server: the same specs must be rejected by both, and the
 * accepted ones must select the same members in the same order.
 */
class RedisDifferentialTest {
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

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends a command; returns the members of an array reply (or an integer or status as one), null for an error. */
    private static List<String> call(byte[]... args) throws IOException {
        Object reply;
        try {
            reply = client.call((Object[]) args);
        } catch (RespObjectClient.ErrorReply e) {
            return null;
        }
        if (!(reply instanceof List<?> l)) {
            return List.of(reply.toString());
        }
        List<String> items = new ArrayList<>();
        for (Object item : l) {
            items.add(new String((byte[]) item, StandardCharsets.ISO_8859_1));
        }
        return items;
    }

    private static final String[] SCORE_SPECS = {
        "1", "(1", "-inf", "+inf", "inf", "-INF", "Infinity", "(-inf", "(+inf", "1.5", "(1.5", "", "(", " 2", "2 ",
        "0x10", "(0x1p1", "1e1", "1e", "nan", "(nan", "abc", "((1", "-0", "(0", "+3", "--3", ".5", "5.", "1e400",
        "-1e400", "3d", "0x", "infinit", "\t4",
    };

    private static final String[] LEX_SPECS = {
        "-", "+", "[a", "(a", "[b", "(bb", "[", "(", "a", "", "+a", "-a", "[\u00ff", "(c", "[zz",
    };

    @Test
    void scoreRangesAgreeWithRedis() throws IOException {
        ZSkipList z = new ZSkipList(11);
        call(b("DEL"), b("z"));
        double[] scores = {Double.NEGATIVE_INFINITY, -3, -0.5, 0, 1, 1.5, 2, 2, 3, 4, 10, 16, Double.POSITIVE_INFINITY};
        for (int i = 0; i < scores.length; i++) {
            String score = Double.isInfinite(scores[i]) ? (scores[i] > 0 ? "+inf" : "-inf") : Double.toString(scores[i]);
            call(b("ZADD"), b("z"), b(score), b("m" + i));
            z.insert(scores[i], b("m" + i));
        }
        int compared = 0;
        for (String min : SCORE_SPECS) {
            for (String max : SCORE_SPECS) {
                List<String> expected = call(b("ZRANGEBYSCORE"), b("z"), b(min), b(max));
                ScoreRange range = ScoreRange.parse(b(min), b(max));
                if (expected == null) {
                    assertEquals(null, range, "Redis rejects [" + min + "] [" + max + "]");
                    continue;
                }
                assertEquals(expected, ours(z, range, false), "[" + min + "] [" + max + "]");
                List<String> rev = call(b("ZREVRANGEBYSCORE"), b("z"), b(max), b(min), b("LIMIT"), b("1"), b("3"));
                List<String> got = new ArrayList<>();
                z.rangeByScore(range, true, 1, 3, n -> got.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
                assertEquals(rev, got, "REV [" + min + "] [" + max + "]");
                compared++;
            }
        }
        assertEquals(true, compared > 200, "compared " + compared);
    }

    private static List<String> ours(ZSkipList z, ScoreRange range, boolean reverse) {
        List<String> got = new ArrayList<>();
        z.rangeByScore(range, reverse, 0, -1, n -> got.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
        return got;
    }

    @Test
    void lexRangesAgreeWithRedis() throws IOException {
        ZSkipList z = new ZSkipList(12);
        call(b("DEL"), b("lex"));
        String[] members = {"", "a", "aa", "b", "bb", "bba", "c", "\u00fe", "\u00ff", "\u00ff\u00ff", "z"};
        for (String m : members) {
            call(b("ZADD"), b("lex"), b("0"), b(m));
            z.insert(0, b(m));
        }
        for (String min : LEX_SPECS) {
            for (String max : LEX_SPECS) {
                List<String> expected = call(b("ZRANGEBYLEX"), b("lex"), b(min), b(max));
                LexRange range = LexRange.parse(b(min), b(max));
                if (expected == null) {
                    assertEquals(null, range, "Redis rejects [" + min + "] [" + max + "]");
                    continue;
                }
                List<String> got = new ArrayList<>();
                z.rangeByLex(range, false, 0, -1, n -> got.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
                assertEquals(expected, got, "[" + min + "] [" + max + "]");
                assertEquals(List.of(Integer.toString(expected.size())), call(b("ZLEXCOUNT"), b("lex"), b(min), b(max)));
                assertEquals(expected.size(), z.count(range));
            }
        }
    }

    @Test
    void ranksAgreeWithRedisAfterRandomUpdates() throws IOException {
        ZSkipList z = new ZSkipList(13);
        java.util.Map<String, Double> scores = new java.util.HashMap<>();
        call(b("DEL"), b("r"));
        Random r = new Random(42);
        for (int i = 0; i < 400; i++) {
            String m = "m" + r.nextInt(150);
            double s = r.nextInt(40) / 4.0;
            Double cur = scores.get(m);
            if (cur == null) {
                z.insert(s, b(m));
            } else if (r.nextInt(4) == 0) {
                z.delete(cur, b(m));
                call(b("ZREM"), b("r"), b(m));
                scores.remove(m);
                continue;
            } else {
                z.updateScore(cur, b(m), s);
            }
            scores.put(m, s);
            call(b("ZADD"), b("r"), b(Double.toString(s)), b(m));
        }
        List<String> expected = call(b("ZRANGE"), b("r"), b("0"), b("-1"));
        List<String> got = new ArrayList<>();
        z.rangeByRank(0, Long.MAX_VALUE, false, n -> got.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
        assertEquals(expected, got);
        for (String m : scores.keySet()) {
            assertEquals(call(b("ZRANK"), b("r"), b(m)), List.of(Long.toString(z.rank(scores.get(m), b(m)))));
        }
    }
}
