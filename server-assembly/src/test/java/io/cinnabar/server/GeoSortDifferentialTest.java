package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random GEO and SORT sequences ({@link GeoSortFuzz}) sent to the embedded server and to a real
 * redis-server 7.0.15, in RESP2 and RESP3, with small sorted-set thresholds (geo sets cross listpack/skiplist
 * all the time) and with the defaults. Fails, not skips, when redis-server is missing.
 */
class GeoSortDifferentialTest {
    static RealRedis redis;
    static CinnabarServer server;

    @BeforeAll
    static void start() throws Exception {
        redis = RealRedis.start();
        server = CinnabarServer.builder().port(0).config("save", "").start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    interface Step {
        void run(GeoSortFuzz g) throws Exception;
    }

    static void fuzz(long seed, int steps, boolean small, int resp, Step step) throws Exception {
        try (RespClient real = new RespClient(redis.port()); RespClient ours = new RespClient(server.port())) {
            TypeFuzz f = new TypeFuzz(real, ours, seed);
            if (resp == 3) {
                f.both("HELLO", "3");
            }
            f.setup();
            f.both("HSET", "h", "f", "v");
            f.config("zset-max-listpack-entries", small ? "6" : "128");
            f.config("zset-max-listpack-value", small ? "12" : "64");
            f.config("list-max-listpack-size", small ? "4" : "-2");
            GeoSortFuzz g = new GeoSortFuzz(f, small);
            while (f.steps < steps && f.diffs.isEmpty()) {
                step.run(g);
            }
            assertEquals("", String.join("\n", f.diffs));
            assertTrue(f.steps >= steps);
        }
    }

    @ParameterizedTest(name = "geo seed={0} small={1} resp={2}")
    @CsvSource({"101,true,2", "102,false,2", "103,true,3", "104,false,3", "105,false,2"})
    void geo(long seed, boolean small, int resp) throws Exception {
        fuzz(seed, 4000, small, resp, GeoSortFuzz::geoStep);
    }

    @ParameterizedTest(name = "sort seed={0} small={1} resp={2}")
    @CsvSource({"201,true,2", "202,false,2", "203,true,3", "204,false,2"})
    void sort(long seed, boolean small, int resp) throws Exception {
        fuzz(seed, 4000, small, resp, GeoSortFuzz::sortStep);
    }
}
