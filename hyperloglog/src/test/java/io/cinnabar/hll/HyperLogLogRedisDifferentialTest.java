package io.cinnabar.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HyperLogLog} against a real redis-server 7.0.15 doing the same PFADD / PFCOUNT / PFMERGE: after every
 * step the string Redis holds (GET) equals ours byte for byte, sparse opcodes, dense registers and cache included,
 * and every reply equals what the API returned. Corrupted and crafted strings: Redis's INVALIDOBJ and WRONGTYPE
 * answers line up with {@link HllFormatException} (registers / header) and with {@link HyperLogLog#validate}.
 */
class HyperLogLogRedisDifferentialTest {
    private static RealRedis redis;
    private static Resp client;

    @BeforeAll
    static void start() throws IOException {
        redis = RealRedis.start();
        client = new Resp(redis.connect());
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

    private static byte[] element(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> b(Integer.toString(rnd.nextInt(100_000)));
            case 1 -> b("e" + rnd.nextInt(20_000));
            case 2 -> {
                byte[] e = new byte[rnd.nextInt(24)];
                rnd.nextBytes(e);
                yield e;
            }
            default -> b(Long.toHexString(rnd.nextLong()));
        };
    }

    private final Map<String, HyperLogLog> ours = new HashMap<>();
    private final Map<String, Integer> seen = new TreeMap<>();
    private long limit = HyperLogLog.DEFAULT_SPARSE_MAX_BYTES;

    private void sameBytes(String key) throws IOException {
        Object got = client.call("GET", key);
        HyperLogLog h = ours.get(key);
        if (h == null) {
            assertEquals(null, got, key);
            return;
        }
        assertArrayEquals((byte[]) got, h.toByteArray(), key);
        seen.merge(h.isDense() ? "dense" : "sparse", 1, Integer::sum);
    }

    private HyperLogLog hll(String key) {
        HyperLogLog h = ours.get(key);
        return h == null ? null : h.sparseMaxBytes(limit);
    }

    /**
     * Seeded random PFADD (single elements and batches that cross into dense), PFCOUNT of one and several keys,
     * PFMERGE into new and existing keys, and CONFIG SET hll-sparse-max-bytes between them.
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1, 2, 3})
    void randomSequencesGiveRedisBytes(long seed) throws IOException {
        Random rnd = new Random(seed);
        String[] keys = {"h0", "h1", "h2"};
        client.call("FLUSHALL");
        limit = 3000;
        client.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        for (int step = 0; step < 400; step++) {
            int op = rnd.nextInt(100);
            String k = keys[rnd.nextInt(keys.length)];
            if (op < 50) {
                int n = rnd.nextInt(12) == 0 ? 20 + rnd.nextInt(rnd.nextInt(6) == 0 ? 1500 : 150) : rnd.nextInt(4);
                pfadd(rnd, k, n);
            } else if (op < 55) {
                client.call("DEL", k);
                ours.remove(k);
            } else if (op < 65) {
                HyperLogLog h = hll(k);
                assertEquals(client.call("PFCOUNT", k), h == null ? 0L : h.count(), k);
            } else if (op < 75) {
                byte[] registers = new byte[HyperLogLog.REGISTERS];
                for (String key : keys) {
                    if (ours.containsKey(key)) {
                        ours.get(key).unionInto(registers);
                    }
                }
                assertEquals(client.call("PFCOUNT", keys[0], keys[1], keys[2]), HyperLogLog.estimateUnion(registers));
            } else if (op < 90) {
                String src = keys[rnd.nextInt(keys.length)];
                String dest = rnd.nextInt(4) == 0 ? "fresh" : k;
                assertEquals("OK", client.call("PFMERGE", dest, src));
                pfmerge(dest, src);
                sameBytes(dest);
                client.call("DEL", "fresh");
                ours.remove("fresh");
            } else {
                limit = new long[] {0, 20, 60, 300, 3000, 12000}[rnd.nextInt(6)];
                client.call("CONFIG", "SET", "hll-sparse-max-bytes", Long.toString(limit));
            }
            for (String key : keys) {
                sameBytes(key);
            }
        }
        assertTrue(seen.getOrDefault("dense", 0) > 50 && seen.getOrDefault("sparse", 0) > 50, seen::toString);
    }

    private void pfadd(Random rnd, String k, int n) throws IOException {
        Object[] cmd = new Object[2 + n];
        cmd[0] = "PFADD";
        cmd[1] = k;
        boolean changed = false;
        HyperLogLog h = hll(k);
        if (h == null) {
            h = new HyperLogLog().sparseMaxBytes(limit);
            ours.put(k, h);
            h.invalidateCache(); // PFADD marks a key it creates stale, even without elements
            changed = true;
        }
        for (int i = 0; i < n; i++) {
            byte[] e = element(rnd);
            cmd[2 + i] = e;
            changed |= h.add(e);
        }
        assertEquals(client.call(cmd), changed ? 1L : 0L);
    }

    /** PFMERGE dest src as the API spells it: union of both, dense if either is. */
    private void pfmerge(String dest, String src) {
        HyperLogLog s = ours.get(src);
        HyperLogLog d = hll(dest);
        if (d == null) {
            d = new HyperLogLog().sparseMaxBytes(limit);
            ours.put(dest, d);
        }
        if (s == null) {
            d.mergeRegisters(new byte[HyperLogLog.REGISTERS]); // PFMERGE still marks the cache stale
        } else {
            d.merge(s);
        }
    }

    // ------------------------------------------------------------------ corrupted and crafted strings

    private static byte[] mutate(Random rnd, byte[] v) {
        byte[] b = v.clone();
        switch (rnd.nextInt(7)) {
            case 0 -> b[16 + rnd.nextInt(b.length - 16)] = (byte) rnd.nextInt(256);
            case 1 -> b[16 + rnd.nextInt(b.length - 16)] ^= (byte) (1 << rnd.nextInt(8));
            case 2 -> b = Arrays.copyOf(b, Math.max(16, b.length - 1 - rnd.nextInt(4)));
            case 3 -> {
                b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(3));
                for (int i = v.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            case 4 -> b[4] = (byte) rnd.nextInt(3);
            case 5 -> b[rnd.nextInt(4)] ^= 0x20;
            default -> b[16 + rnd.nextInt(b.length - 16)] = (byte) (0x40 | rnd.nextInt(64)); // an XZERO
        }
        if (b.length >= HyperLogLog.HEADER_SIZE) {
            b[HyperLogLog.CARDINALITY_OFFSET + 7] |= (byte) HyperLogLog.CACHE_STALE_BIT; // make PFCOUNT walk it
        }
        return b;
    }

    /**
     * 600 mutated strings: PFCOUNT's answer (count, INVALIDOBJ or WRONGTYPE) is predicted by validate(deep) and
     * equals count(); a PFADD that meets corruption keeps the same partial edits as Redis's.
     */
    @Test
    void corruptedStringsAreJudgedAsRedisJudgesThem() throws IOException {
        Random rnd = new Random(11);
        client.call("FLUSHALL");
        client.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        List<byte[]> samples = new ArrayList<>();
        for (int n : new int[] {1, 5, 40, 200, 3000}) {
            HyperLogLog h = new HyperLogLog();
            for (int i = 0; i < n; i++) {
                h.add(element(rnd));
            }
            samples.add(h.toByteArray());
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < 600; round++) {
            byte[] bad = mutate(rnd, samples.get(rnd.nextInt(samples.size())));
            client.call("SET", "c", bad);
            Object reply = client.call("PFCOUNT", "c");
            String expected;
            try {
                HyperLogLog.validate(bad, true);
                expected = Long.toString(HyperLogLog.copyOf(bad, 0, bad.length).count());
            } catch (HllFormatException e) {
                expected = e.isHeaderProblem() ? "-WRONGTYPE Key is not a valid HyperLogLog string value."
                    : "-INVALIDOBJ Corrupted HLL object detected";
            }
            assertEquals(expected, reply.toString(), "round " + round);
            outcomes.merge(expected.startsWith("-") ? expected.substring(0, 8) : "count", 1, Integer::sum);
            if (!expected.startsWith("-W")) {
                partialPfadd(rnd, bad);
            }
        }
        assertTrue(outcomes.getOrDefault("-INVALID", 0) > 50 && outcomes.getOrDefault("-WRONGTY", 0) > 50
            && outcomes.getOrDefault("count", 0) > 50, outcomes::toString);
    }

    /** PFADD of a few elements to the string: same reply, same bytes afterwards (also when it failed midway). */
    private void partialPfadd(Random rnd, byte[] bad) throws IOException {
        client.call("SET", "c", bad);
        HyperLogLog h = HyperLogLog.copyOf(bad, 0, bad.length);
        int n = 1 + rnd.nextInt(5);
        Object[] cmd = new Object[2 + n];
        cmd[0] = "PFADD";
        cmd[1] = "c";
        String expected = "0";
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            cmd[2 + i] = element(rnd);
        }
        try {
            for (int i = 0; i < n; i++) {
                changed |= h.add((byte[]) cmd[2 + i]);
            }
            expected = changed ? "1" : "0";
        } catch (HllFormatException e) {
            expected = "-INVALIDOBJ Corrupted HLL object detected";
        }
        assertEquals(expected, client.call(cmd).toString());
        assertArrayEquals((byte[]) client.call("GET", "c"), h.toByteArray());
    }

    /** Testkit's parsed replies, with errors coming back as "-..." strings. */
    private static final class Resp extends RespObjectClient {
        Resp(Socket socket) throws IOException {
            super(socket);
        }

        @Override
        protected Object error(String line) {
            return "-" + line;
        }
    }
}
