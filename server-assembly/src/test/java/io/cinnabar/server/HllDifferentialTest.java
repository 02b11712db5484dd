package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HyperLogLog commands on the embedded server against a real redis-server 7.0.15: every reply is compared as raw
 * RESP bytes, and after every step the GET bytes and OBJECT ENCODING of every HLL key, so the representation
 * (sparse opcodes, dense registers, cached cardinality and its stale bit) must be identical, not just the counts.
 */
@Differential(server = CinnabarUnderTest.class)
class HllDifferentialTest {
    Pair pair;
    RespClient real;
    RespClient ours;
    /** What the runs went through, so that a test cannot pass without reaching its cases. */
    final Map<String, Integer> seen = new java.util.TreeMap<>();

    void saw(String what) {
        seen.merge(what, 1, Integer::sum);
    }

    @BeforeEach
    void connect(Pair pair) throws Exception {
        this.pair = pair; // flushed; closed, and the option set back, after the test
        real = pair.redis();
        ours = pair.ours();
        pair.config("hll-sparse-max-bytes", "3000");
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Sends cmd to both servers, asserts the same reply bytes, returns it. */
    String both(String... cmd) throws IOException {
        String r = pair.same(cmd);
        pair.assertSame();
        if (r.startsWith("-INVALIDOBJ")) {
            saw("invalidobj");
        } else if (r.startsWith("-WRONGTYPE Key is not a valid")) {
            saw("not-hll");
        } else if (r.startsWith("$") && r.contains("\r\nHYLL") && r.length() > 20) {
            saw(r.charAt(r.indexOf("HYLL") + 4) == 0 ? "dense" : "sparse");
        }
        return r;
    }

    /** The command for failure messages: bytes outside printable ASCII as \\xNN, long ones cut. */
    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 400; i++) {
            char ch = s.charAt(i);
            if (ch >= 32 && ch < 127) {
                b.append(ch);
            } else {
                b.append(String.format("\\x%02x", (int) ch));
            }
        }
        return b.length() >= 400 ? b + "...(" + s.length() + " chars)" : b.toString();
    }

    /** GET and OBJECT ENCODING of each key agree. */
    void sameValues(String... keys) throws IOException {
        for (String k : keys) {
            both("GET", k);
            both("OBJECT", "ENCODING", k);
        }
    }

    // ------------------------------------------------------------------ fixtures written by real Redis

    /**
     * The HLLs of the RDB fixtures (Redis 2.8 to 7.2, one sparse and one dense each), stored with SET on both
     * servers: PFCOUNT agrees, and so do the bytes afterwards (the refreshed cache), PFDEBUG and further PFADDs. The
     * 7.2 DUMP payloads are also RESTOREd into ours (7.0 cannot read them) and must give the same bytes.
     */
    @Test
    void fixtureHllsCountAsInRedis() throws Exception {
        int seen = 0;
        for (Path json : Fixtures.list("rdb", "-all-types.json")) {
            JsonNode dbs = jsonAllowingNan(json).get("dbs");
            Iterator<Map.Entry<String, JsonNode>> dbIt = dbs.fields();
            while (dbIt.hasNext()) {
                Iterator<Map.Entry<String, JsonNode>> it = dbIt.next().getValue().fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> k = it.next();
                    JsonNode v = k.getValue().get("value");
                    if (!v.isTextual() || !v.asText().startsWith("SFlMTA")) {
                        continue;
                    }
                    String key = latin1(Fixtures.b64(com.fasterxml.jackson.databind.node.TextNode.valueOf(k.getKey())));
                    String value = latin1(Fixtures.b64(v));
                    checkFixture(json.getFileName() + ":" + key, value);
                    seen++;
                }
            }
        }
        assertTrue(seen >= 14, "HLL keys found in the fixtures: " + seen);
        Map<String, byte[]> payloads = Fixtures.dumpPayloads(Fixtures.fixture("rdb/redis-7.2-all-types-dump-payloads.json"));
        JsonNode db0 = jsonAllowingNan(Fixtures.fixture("rdb/redis-7.2-all-types.json")).get("dbs").get("0");
        for (String key : List.of("hll:sparse", "hll:dense")) {
            String b64key = java.util.Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.ISO_8859_1));
            String value = latin1(Fixtures.b64(db0.get(b64key).get("value")));
            assertEquals("+OK\r\n", ours.call("RESTORE", "r", "0", latin1(payloads.get(key)), "REPLACE"));
            assertEquals("$" + value.length() + "\r\n" + value + "\r\n", ours.call("GET", "r"));
            real.call("SET", "r", value);
            both("PFCOUNT", "r");
            sameValues("r");
        }
    }

    private static JsonNode jsonAllowingNan(Path p) throws IOException {
        return com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
            .readTree(p.toFile());
    }

    private void checkFixture(String name, String value) throws IOException {
        both("SET", "f", value);
        both("SET", "g", value);
        String count = both("PFCOUNT", "f");
        assertTrue(count.startsWith(":") && Long.parseLong(count.substring(1).trim()) > 0, name + " " + count);
        sameValues("f");
        both("PFDEBUG", "ENCODING", "f");
        both("PFDEBUG", "DECODE", "f");
        both("PFCOUNT", "f", "g", "missing");
        both("PFMERGE", "m", "f", "g");
        both("PFCOUNT", "m");
        for (int i = 0; i < 50; i++) {
            both("PFADD", "f", "extra" + i, "more" + (i * 7));
        }
        both("PFCOUNT", "f");
        both("PFDEBUG", "GETREG", "g");
        sameValues("f", "g", "m");
        both("DEL", "f", "g", "m");
    }

    // ------------------------------------------------------------------ random sequences

    private static final String[] KEYS = {"h0", "h1", "h2", "h3", "h4"};

    String element(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> Integer.toString(rnd.nextInt(100_000));
            case 1 -> "e" + rnd.nextInt(20_000);
            case 2 -> {
                byte[] b = new byte[rnd.nextInt(24)];
                rnd.nextBytes(b);
                yield latin1(b);
            }
            case 3 -> "long-element-".repeat(1 + rnd.nextInt(4)) + rnd.nextLong();
            default -> Long.toHexString(rnd.nextLong());
        };
    }

    private String[] pfadd(Random rnd, String key, int n) {
        String[] cmd = new String[2 + n];
        cmd[0] = "PFADD";
        cmd[1] = key;
        for (int i = 0; i < n; i++) {
            cmd[2 + i] = element(rnd);
        }
        return cmd;
    }

    private String key(Random rnd) {
        return KEYS[rnd.nextInt(KEYS.length)];
    }

    private String[] keys(Random rnd, String first, int n) {
        String[] cmd = new String[n + 1];
        cmd[0] = first;
        for (int i = 1; i <= n; i++) {
            cmd[i] = rnd.nextInt(10) == 0 ? "nokey" : key(rnd);
        }
        return cmd;
    }

    /**
     * Seeded random PFADD (single elements, small batches, and batches of hundreds that cross into dense), PFCOUNT
     * of one and several keys, PFMERGE of sparse and dense sources into new and existing keys, PFDEBUG, CONFIG SET
     * hll-sparse-max-bytes, copies through SET (embstr values), DEL, and keys of the wrong type.
     */
    @ParameterizedTest(name = "seed={0}")
    @CsvSource({"1", "2", "3", "4"})
    void randomSequences(long seed) throws Exception {
        Random rnd = new Random(seed);
        int steps = 700;
        for (int step = 0; step < steps; step++) {
            int op = rnd.nextInt(100);
            String k = key(rnd);
            if (op < 35) {
                both(pfadd(rnd, k, rnd.nextInt(4)));
            } else if (op < 45) {
                both(pfadd(rnd, k, 20 + rnd.nextInt(rnd.nextInt(8) == 0 ? 1500 : 150)));
            } else if (op < 60) {
                both("PFCOUNT", k);
            } else if (op < 67) {
                both(keys(rnd, "PFCOUNT", 2 + rnd.nextInt(3)));
            } else if (op < 75) {
                String[] cmd = keys(rnd, "PFMERGE", 1 + rnd.nextInt(4));
                if (rnd.nextInt(4) == 0) {
                    cmd[1] = "fresh" + rnd.nextInt(3);
                }
                both(cmd);
                sameValues(cmd[1]);
            } else if (op < 80) {
                String sub = new String[] {"ENCODING", "DECODE", "GETREG", "TODENSE", "encoding", "nosuch"}[rnd.nextInt(6)];
                both("PFDEBUG", sub, rnd.nextInt(10) == 0 ? "nokey" : k);
            } else if (op < 84) {
                String v = new String[] {"0", "20", "60", "200", "1000", "3000", "12000"}[rnd.nextInt(7)];
                both("CONFIG", "SET", "hll-sparse-max-bytes", v);
            } else if (op < 89) {
                String src = key(rnd);
                String got = real.call("GET", src);
                if (got.startsWith("$") && !got.startsWith("$-1")) {
                    String value = got.substring(got.indexOf("\r\n") + 2, got.length() - 2);
                    both("SET", k, value);
                }
            } else if (op < 92) {
                both("DEL", k);
            } else if (op < 94) {
                both("SET", k, rnd.nextBoolean() ? "not an hll at all, just text" : "12345");
            } else if (op < 95) {
                both("DEL", k);
                both("HSET", k, "f", "v");
            } else {
                both("PFADD", k);
            }
            sameValues(KEYS);
        }
        assertTrue(seen.getOrDefault("dense", 0) > 50 && seen.getOrDefault("sparse", 0) > 50, seen::toString);
        String[] all = new String[KEYS.length + 1];
        all[0] = "PFCOUNT";
        System.arraycopy(KEYS, 0, all, 1, KEYS.length);
        both(all);
    }

    // ------------------------------------------------------------------ corrupted and crafted values

    /** Builds a few valid HLLs on the real server and returns their bytes: sparse small, sparse large, dense. */
    private List<byte[]> samples(Random rnd) throws IOException {
        List<byte[]> out = new ArrayList<>();
        int[] sizes = {0, 1, 3, 10, 60, 300, 3000};
        for (int n : sizes) {
            real.call("DEL", "s");
            real.call(pfadd(rnd, "s", 0));
            for (int i = 0; i < n; i++) {
                real.call("PFADD", "s", element(rnd));
            }
            if (rnd.nextBoolean()) {
                real.call("PFCOUNT", "s");
            }
            String got = real.call("GET", "s");
            out.add(got.substring(got.indexOf("\r\n") + 2, got.length() - 2).getBytes(StandardCharsets.ISO_8859_1));
        }
        real.call("DEL", "s");
        return out;
    }

    private static byte[] mutate(Random rnd, byte[] v) {
        byte[] b = v.clone();
        if (b.length <= 16) {
            return Arrays.copyOf(b, b.length + 1 + rnd.nextInt(3));
        }
        switch (rnd.nextInt(9)) {
            case 0 -> b[16 + rnd.nextInt(b.length - 16)] = (byte) rnd.nextInt(256);
            case 1 -> {
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    b[16 + rnd.nextInt(b.length - 16)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> b = Arrays.copyOf(b, b.length - 1 - rnd.nextInt(4));
            case 3 -> {
                b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(3));
                for (int i = v.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            case 4 -> b[4] = (byte) rnd.nextInt(4);
            case 5 -> b[rnd.nextInt(4)] ^= 0x20;
            case 6 -> b[8 + rnd.nextInt(8)] = (byte) rnd.nextInt(256); // cached cardinality, maybe made valid
            case 7 -> b = Arrays.copyOf(b, rnd.nextInt(18));
            default -> {
                int at = 16 + rnd.nextInt(b.length - 16);
                b[at] = (byte) (0x40 | rnd.nextInt(64)); // an XZERO, whose second byte is whatever follows
            }
        }
        return b;
    }

    /**
     * Mutated HLL strings (bytes changed, truncated, extended, wrong encoding byte or magic, forged cache): every
     * command gives the same reply as Redis, WRONGTYPE and INVALIDOBJ included, and the values stay identical.
     */
    @ParameterizedTest(name = "seed={0}")
    @CsvSource({"101", "102", "103"})
    void corruptedValues(long seed) throws Exception {
        Random rnd = new Random(seed);
        List<byte[]> samples = samples(rnd);
        for (int round = 0; round < 400; round++) {
            byte[] bad = mutate(rnd, samples.get(rnd.nextInt(samples.size())));
            if (rnd.nextInt(4) == 0) {
                bad = mutate(rnd, bad);
            }
            String v = latin1(bad);
            both("SET", "c", v);
            both("SET", "ok", latin1(samples.get(rnd.nextInt(samples.size()))));
            switch (rnd.nextInt(7)) {
                case 0 -> both("PFCOUNT", "c");
                case 1 -> both(pfadd(rnd, "c", 1 + rnd.nextInt(30)));
                case 2 -> both("PFCOUNT", "ok", "c");
                case 3 -> both("PFMERGE", "ok", "c");
                case 4 -> both("PFMERGE", "c", "ok");
                case 5 -> both("PFDEBUG", new String[] {"GETREG", "DECODE", "TODENSE", "ENCODING"}[rnd.nextInt(4)], "c");
                default -> {
                    both(pfadd(rnd, "c", 1 + rnd.nextInt(3)));
                    both(pfadd(rnd, "c", 1 + rnd.nextInt(3)));
                    both("PFCOUNT", "c");
                }
            }
            sameValues("c", "ok");
        }
        both("DEL", "c");
        both("HSET", "c", "f", "v");
        both("PFADD", "c", "a");
        both("PFCOUNT", "c");
        both("PFCOUNT", "ok", "c");
        both("PFMERGE", "c", "ok");
        both("PFDEBUG", "ENCODING", "c");
        both("SET", "c", "1234567");
        both("PFADD", "c", "a");
        both("PFDEBUG", "GETREG", "nokey");
        assertTrue(seen.getOrDefault("invalidobj", 0) > 20 && seen.getOrDefault("not-hll", 0) > 20, seen::toString);
    }

    /** Dense strings with crafted register values, up to 63 (above what hashing can produce), and forged caches. */
    @Test
    void craftedDenseRegisters() throws Exception {
        Random rnd = new Random(5);
        int[][] ranges = {{51, 51}, {63, 63}, {50, 51}, {40, 63}, {0, 63}, {1, 3}, {45, 52}, {0, 0}};
        for (int[] r : ranges) {
            for (int variant = 0; variant < 3; variant++) {
                byte[] d = new byte[12304];
                System.arraycopy("HYLL".getBytes(StandardCharsets.ISO_8859_1), 0, d, 0, 4);
                d[15] = (byte) 0x80;
                for (int i = 0; i < 16384; i++) {
                    int val = r[0] + rnd.nextInt(r[1] - r[0] + 1);
                    if (variant == 1 && rnd.nextInt(100) != 0) {
                        val = r[0];
                    }
                    setRegister(d, i, val);
                }
                both("SET", "d", latin1(d));
                both("PFCOUNT", "d");
                both("PFCOUNT", "d", "nokey");
                both("PFCOUNT", "d");
                both("PFMERGE", "m", "d");
                both("PFCOUNT", "m");
                sameValues("d", "m");
                both("DEL", "m");
            }
        }
        byte[] forged = new byte[12304];
        System.arraycopy("HYLL".getBytes(StandardCharsets.ISO_8859_1), 0, forged, 0, 4);
        forged[8] = 0x39;
        forged[9] = 0x30; // 12345, valid
        both("SET", "d", latin1(forged));
        assertEquals(":12345\r\n", both("PFCOUNT", "d"));
    }

    private static void setRegister(byte[] d, int reg, int val) {
        int bit = reg * 6;
        int i = 16 + bit / 8;
        int fb = bit & 7;
        d[i] = (byte) (d[i] & ~(63 << fb) | val << fb);
        if (fb > 2) {
            d[i + 1] = (byte) (d[i + 1] & ~(63 >> (8 - fb)) | val >> (8 - fb));
        }
    }

    private static long dirty(RespClient c) throws IOException {
        String info = c.call("INFO", "persistence");
        int i = info.indexOf("rdb_changes_since_last_save:");
        return Long.parseLong(info.substring(i + 28, info.indexOf('\r', i)));
    }

    /**
     * The change counter (rdb_changes_since_last_save, what replication and saves key on) moves as in Redis: PFADD
     * counts each changed register (plus one for a new key), a PFCOUNT that refreshes the cache counts one, a cached
     * PFCOUNT none, PFMERGE one, PFDEBUG one per sparse-to-dense conversion.
     */
    @Test
    void changeCounterMovesAsInRedis() throws Exception {
        Random rnd = new Random(9);
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"PFADD", "a"});
        cmds.add(new String[] {"PFADD", "a", "x", "y", "z"});
        cmds.add(new String[] {"PFADD", "a", "x", "y", "z"});
        cmds.add(pfadd(rnd, "b", 300));
        cmds.add(new String[] {"PFCOUNT", "a"});
        cmds.add(new String[] {"PFCOUNT", "a"});
        cmds.add(new String[] {"PFCOUNT", "a", "b"});
        cmds.add(new String[] {"PFMERGE", "c", "a", "b"});
        cmds.add(new String[] {"PFDEBUG", "ENCODING", "c"});
        cmds.add(new String[] {"PFDEBUG", "TODENSE", "c"});
        cmds.add(new String[] {"PFDEBUG", "TODENSE", "c"});
        cmds.add(new String[] {"PFDEBUG", "GETREG", "a"});
        cmds.add(pfadd(rnd, "a", 3000));
        cmds.add(new String[] {"PFCOUNT", "c"});
        for (String[] cmd : cmds) {
            long r0 = dirty(real);
            long o0 = dirty(ours);
            both(cmd);
            assertEquals(dirty(real) - r0, dirty(ours) - o0, () -> abbreviate(String.join(" ", cmd)));
        }
    }

    @Test
    void selfTestAndArity() throws Exception {
        assertEquals("+OK\r\n", ours.call("PFSELFTEST"));
        both("PFSELFTEST", "x");
        both("PFADD");
        both("PFCOUNT");
        both("PFMERGE");
        both("PFDEBUG", "GETREG");
        both("PFDEBUG", "GETREG", "k", "x");
        both("PFADD", "k", "a", "b", "c");
        both("PFDEBUG", "what\r\never", "k");
        sameValues("k");
    }
}
