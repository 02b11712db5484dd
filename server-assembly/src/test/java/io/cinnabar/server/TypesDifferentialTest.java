package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long seeded random command sequences over hashes, sets, sorted sets, lists and bitmaps, sent to the embedded server and to a real
 * redis-server 7.0.15 ({@link TypeFuzz} documents how replies and encodings are compared). Each family runs with
 * small thresholds (so that values cross listpack/intset/hashtable/skiplist limits constantly, through CONFIG SET)
 * and with the built-in defaults, in RESP2 and RESP3 (every family except bitmaps has a RESP3 run at the defaults).
 */
@Differential(server = CinnabarUnderTest.class)
class TypesDifferentialTest {
    interface Step {
        void run(TypeFuzz f, int longLen) throws Exception;
    }

    static void fuzz(DifferentialServers servers, long seed, int steps, boolean small, int resp, Step step)
            throws Exception {
        try (Pair pair = servers.open(resp)) {
            TypeFuzz f = new TypeFuzz(pair, seed);
            f.setup();
            String[][] cfg = small
                ? new String[][] {{"hash-max-listpack-entries", "8"}, {"hash-max-listpack-value", "16"},
                    {"set-max-intset-entries", "20"}, {"set-max-listpack-entries", "10"},
                    {"set-max-listpack-value", "16"}, {"zset-max-listpack-entries", "8"},
                    {"zset-max-listpack-value", "16"},
                    {"list-max-listpack-size", "4"}}
                : new String[][] {{"hash-max-listpack-entries", "512"}, {"hash-max-listpack-value", "64"},
                    {"set-max-intset-entries", "512"}, {"set-max-listpack-entries", "128"},
                    {"set-max-listpack-value", "64"}, {"zset-max-listpack-entries", "128"},
                    {"zset-max-listpack-value", "64"},
                    {"list-max-listpack-size", "-2"}};
            for (String[] kv : cfg) {
                f.config(kv[0], kv[1]);
            }
            int longLen = small ? 16 : 64;
            while (f.steps < steps && f.clean()) {
                step.run(f, longLen);
            }
            pair.assertSame();
            assertTrue(f.steps >= steps);
        }
    }

    @ParameterizedTest(name = "hashes seed={0} small={1} resp={2}")
    @CsvSource({"1,true,2", "2,false,2", "3,true,3", "4,false,3"})
    void hashes(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 3000, small, resp, TypeFuzz::hashStep);
    }

    @ParameterizedTest(name = "sets seed={0} small={1} resp={2}")
    @CsvSource({"11,true,2", "12,false,2", "13,true,3", "14,false,2", "15,false,3"})
    void sets(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 3000, small, resp, TypeFuzz::setStep);
    }

    @ParameterizedTest(name = "sorted sets seed={0} small={1} resp={2}")
    @CsvSource({"21,true,2", "22,false,2", "23,true,3", "24,false,3"})
    void sortedSets(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 3000, small, resp, TypeFuzz::zsetStep);
    }

    @ParameterizedTest(name = "lists seed={0} small={1} resp={2}")
    @CsvSource({"31,true,2", "32,false,2", "33,true,3", "34,false,2", "35,false,3"})
    void lists(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 3000, small, resp, TypeFuzz::listStep);
    }

    @ParameterizedTest(name = "bitmaps seed={0} resp={2}")
    @CsvSource({"41,false,2", "42,false,3"})
    void bitmaps(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 3000, small, resp, TypeFuzz::bitStep);
    }

    /**
     * DUMP on the real server, RESTORE on ours (7.0 writes RDB 10 payloads, which 7.2 reads; the other way is not
     * possible since 7.0 refuses RDB 11 payloads), then DUMP and RESTORE on ours: same contents, 7.2 encodings.
     */
    @Test
    void dumpAndRestore(Pair pair) throws Exception {
        RespClient real = pair.redis();
        RespClient ours = pair.ours();
        String[][] setup = {
            {"RPUSH", "l", "a", "1", "b", "x".repeat(100)}, {"SADD", "si", "1", "2", "-7"},
            {"SADD", "sl", "a", "b", "3"}, {"ZADD", "z", "1.5", "a", "-2", "b", "3", "c"},
            {"HSET", "h", "f", "v", "n", "12"}};
        String[] keys = {"l", "si", "sl", "z", "h"};
        for (String[] cmd : setup) {
            real.call(cmd);
        }
        for (String key : keys) {
            String p = ((String) TypeFuzz.parse(real.call("DUMP", key))).substring(1);
            assertEquals("+OK\r\n", ours.call("RESTORE", key, "0", p), key);
            String q = ((String) TypeFuzz.parse(ours.call("DUMP", key))).substring(1);
            assertEquals("+OK\r\n", ours.call("RESTORE", key + "2", "0", q), key);
        }
        for (String[] r : new String[][] {{"LRANGE", "?", "0", "-1"}, {"SMEMBERS", "?"}, {"SMEMBERS", "?"},
                {"ZRANGE", "?", "0", "-1", "WITHSCORES"}, {"HGETALL", "?"}}) {
            int i = r[0].equals("LRANGE") ? 0 : r[0].equals("ZRANGE") ? 3 : r[0].equals("HGETALL") ? 4 : -1;
            for (String key : i >= 0 ? new String[] {keys[i]} : new String[] {"si", "sl"}) {
                String[] cmd = r.clone();
                cmd[1] = key;
                String want = TypeFuzz.str(TypeFuzz.sorted(TypeFuzz.parse(real.call(cmd)), 1));
                assertEquals(want, TypeFuzz.str(TypeFuzz.sorted(TypeFuzz.parse(ours.call(cmd)), 1)), key);
                cmd[1] = key + "2";
                assertEquals(want, TypeFuzz.str(TypeFuzz.sorted(TypeFuzz.parse(ours.call(cmd)), 1)), key + "2");
            }
        }
        for (String k : new String[] {"l", "l2", "sl", "sl2", "z", "z2", "h", "h2"}) {
            assertEquals("$8\r\nlistpack\r\n", ours.call("OBJECT", "ENCODING", k), k);
        }
        assertEquals("$6\r\nintset\r\n", ours.call("OBJECT", "ENCODING", "si"));
        assertEquals("$6\r\nintset\r\n", ours.call("OBJECT", "ENCODING", "si2"));
    }
}
