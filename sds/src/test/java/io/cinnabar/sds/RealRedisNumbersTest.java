package io.cinnabar.sds;

import io.cinnabar.testkit.RealRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential tests against the real redis-server (7.0.15 from the distribution): what INCR, INCRBYFLOAT and
 * ZADD accept, and how INCRBYFLOAT and ZSCORE print. INCRBYFLOAT is identical in 7.0 and 7.2; ZSCORE prints
 * {@code %.17g} in 7.0 ({@link Numbers#d2string70}), which is what is compared here (7.2's form is pinned by
 * golden values in {@link NumbersTest}). Fails, never skips, when redis-server is missing.
 */
class RealRedisNumbersTest {
    private static RealRedis redis;
    private Resp resp;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(RealRedis.available(), "redis-server must be installed (apt-get install -y redis-server)");
        // skiplist-encoded sorted sets: ZSCORE then shows the parsed double itself (a 7.0.15 listpack stores -0 as 0)
        redis = RealRedis.start("--zset-max-listpack-entries", "0");
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void connect() throws IOException {
        resp = new Resp(redis.connect());
    }

    @AfterEach
    void disconnect() throws IOException {
        resp.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Integer-ish strings: edge cases plus random strings over an alphabet that makes near misses likely. */
    static List<String> integerCandidates() {
        Set<String> c = new LinkedHashSet<>(List.of("0", "-0", "00", "01", "-01", "+1", " 1", "1 ", "", "-", "1a",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "99999999999999999999", "-99999999999999999999", "123456789012345678901",
            "1.0", "1e3", "0x10", "1\u0000", "\u00001", "--1", "10", "-10", "9999", "10000", "-1", "4294967296"));
        Random r = new Random(7);
        String alphabet = "0123456789000-- +.e";
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(23);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            c.add(sb.toString());
        }
        for (int i = 0; i < 500; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            c.add(Long.toString(v));
        }
        return new ArrayList<>(c);
    }

    @Test
    void incrAcceptsExactlyWhatString2llAccepts() throws IOException {
        List<String> cands = integerCandidates();
        for (String s : cands) {
            resp.send("SET", "k", b(s));
            resp.send("OBJECT", "ENCODING", "k");
            resp.send("INCR", "k");
        }
        int accepted = 0;
        for (String s : cands) {
            byte[] v = b(s);
            assertEquals("OK", resp.read().simple());
            String encoding = resp.read().text();
            String expectedEncoding = Numbers.isIntEncodable(v, 0, v.length) ? "int" : v.length <= 44 ? "embstr" : "raw";
            assertEquals(expectedEncoding, encoding, "OBJECT ENCODING of '" + s + "'");
            Resp.Reply incr = resp.read();
            if (Numbers.isLong(v)) {
                long n = Numbers.parseLong(v);
                if (n == Long.MAX_VALUE) {
                    assertEquals("ERR increment or decrement would overflow", incr.error(), s);
                } else {
                    assertEquals(n + 1, incr.integer(), "INCR of '" + s + "'");
                    accepted++;
                }
            } else {
                assertEquals("ERR value is not an integer or out of range", incr.error(), "INCR of '" + s + "'");
            }
        }
        assertTrue(accepted > 500, "accepted " + accepted);
    }

    /** Float-ish strings: edge cases, Java-printed doubles, random digit soup, hex floats. */
    static List<String> floatCandidates() {
        Set<String> c = new LinkedHashSet<>(List.of("0", "-0", "1", "-1", "0.1", "0.2", "10.50", "5.0e3", "2.0e2",
            "inf", "-inf", "+inf", "INF", "Infinity", "-infinity", "infin", "nan", "NaN", "-nan", "", " 1", "1 ",
            "1e", "1e+", ".", ".5", "5.", "+.5e-1", "1e400", "-1e400", "1e-400", "1e4932", "1e4933", "1e-4950",
            "1e-4951", "1e-4952", "1e-5000", "0e99999", "0x10", "0x1p-2", "0X1.8P1", "0x", "0x1p", "0x.8",
            "0x1p16383", "0x1p16384", "0x1p-16445", "0x1p-16446", "1\u0000", "1,5", "3.0000000000000000001",
            "0.000003814697265625", "0.000011444091796875", "1.00000762939453125", "123456789012345678901234567890",
            "9007199254740993", "18446744073709551616", "-9223372036854775808", "4.9e-324", "2e-324",
            "1.7976931348623159e308", "1.18973149535723176502e+4932", "1.18973149535723176508e+4932"));
        Random r = new Random(11);
        for (int i = 0; i < 400; i++) {
            c.add(Double.toString(Double.longBitsToDouble(r.nextLong())));
            c.add(Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20)));
            c.add(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
        String alphabet = "0123456789.e-+0x";
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            c.add(sb.toString());
        }
        for (int i = 0; i < 100; i++) {
            c.add("0x" + Long.toHexString(r.nextLong() >>> r.nextInt(64)) + "p" + (r.nextInt(200) - 100));
        }
        return new ArrayList<>(c);
    }

    @Test
    void incrbyfloatMatchesLongDoubleArithmetic() throws IOException {
        List<String> cands = floatCandidates();
        Random r = new Random(3);
        List<String[]> pairs = new ArrayList<>();
        for (String s : cands) {
            pairs.add(new String[] {null, s});
            pairs.add(new String[] {cands.get(r.nextInt(cands.size())), s});
        }
        pairs.add(new String[] {"0.1", "0.2"});
        pairs.add(new String[] {"10.50", "0.1"});
        pairs.add(new String[] {"5.0e3", "2.0e2"});
        pairs.add(new String[] {"1", "-1"});
        pairs.add(new String[] {"inf", "1"});
        pairs.add(new String[] {"1.18973149535723176502e+4932", "1.18973149535723176502e+4932"});
        for (String[] p : pairs) {
            if (p[0] == null) {
                resp.send("DEL", "f");
            } else {
                resp.send("SET", "f", b(p[0]));
            }
            resp.send("INCRBYFLOAT", "f", b(p[1]));
        }
        int numeric = 0;
        for (String[] p : pairs) {
            resp.read();
            Resp.Reply reply = resp.read();
            String expected = expectIncrbyfloat(p[0], p[1]);
            assertEquals(expected, reply.error() != null ? "ERROR:" + reply.error() : reply.text(),
                "INCRBYFLOAT " + p[0] + " by " + p[1]);
            if (reply.bulk() != null) {
                numeric++;
            }
        }
        assertTrue(numeric > 600, "numeric results " + numeric);
    }

    static String expectIncrbyfloat(String current, String incr) {
        LongDouble value = current == null ? LongDouble.ZERO : LongDouble.parse(b(current));
        LongDouble by = LongDouble.parse(b(incr));
        if (value == null || by == null) {
            return "ERROR:ERR value is not a valid float";
        }
        LongDouble sum = value.add(by);
        if (sum.isNaN() || sum.isInfinite()) {
            return "ERROR:ERR increment would produce NaN or Infinity";
        }
        return sum.toHumanString();
    }

    @Test
    void zaddParsesAndZscorePrintsAsRedis70() throws IOException {
        List<String> cands = floatCandidates();
        for (String s : cands) {
            resp.send("DEL", "z");
            resp.send("ZADD", "z", b(s), "m");
            resp.send("ZSCORE", "z", "m");
        }
        int accepted = 0;
        for (String s : cands) {
            resp.read();
            Resp.Reply added = resp.read();
            Resp.Reply score = resp.read();
            double d = Numbers.parseDouble(b(s));
            if (Double.isNaN(d)) {
                assertEquals("ERR value is not a valid float", added.error(), "ZADD '" + s + "'");
            } else {
                assertEquals(1L, added.integer(), "ZADD '" + s + "'");
                assertEquals(Numbers.d2string70(d), score.text(), "ZSCORE after ZADD '" + s + "'");
                accepted++;
            }
        }
        assertTrue(accepted > 800, "accepted " + accepted);
    }

    @Test
    void zincrbyAddsDoubles() throws IOException {
        Random r = new Random(5);
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pairs.add(new double[] {r.nextDouble() * 100 - 50, r.nextDouble() * Math.pow(10, r.nextInt(10) - 5)});
        }
        pairs.add(new double[] {0.1, 0.2});
        for (double[] p : pairs) {
            resp.send("DEL", "zi");
            resp.send("ZADD", "zi", Numbers.d2string(p[0]), "m");
            resp.send("ZINCRBY", "zi", Numbers.d2string(p[1]), "m");
        }
        for (double[] p : pairs) {
            resp.read();
            resp.read();
            assertEquals(Numbers.d2string70(p[0] + p[1]), resp.read().text(), p[0] + " + " + p[1]);
        }
        resp.send("DEL", "zi");
        resp.send("ZADD", "zi", "inf", "m");
        resp.send("ZINCRBY", "zi", "-inf", "m");
        resp.read();
        resp.read();
        assertEquals("ERR resulting score is not a number (NaN)", resp.read().error());
    }

    /**
     * Observed on 7.0.15 and recorded for the server: a listpack-encoded sorted set stores a -0 score as the
     * integer 0, so ZSCORE answers 0; a skiplist-encoded one keeps -0.
     */
    @Test
    void negativeZeroScoreDependsOnEncodingIn70() throws IOException {
        try (RealRedis small = RealRedis.start(); Resp r = new Resp(small.connect())) {
            assertEquals(1L, r.call("ZADD", "z", "-0", "m").integer());
            assertEquals("listpack", r.call("OBJECT", "ENCODING", "z").text());
            assertEquals("0", r.call("ZSCORE", "z", "m").text());
        }
        assertEquals(1L, resp.call("ZADD", "zz", "-0", "m").integer());
        assertEquals("skiplist", resp.call("OBJECT", "ENCODING", "zz").text());
        assertEquals("-0", resp.call("ZSCORE", "zz", "m").text());
    }
}
