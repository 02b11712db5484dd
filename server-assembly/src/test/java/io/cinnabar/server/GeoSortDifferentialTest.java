package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random GEO and SORT sequences ({@link GeoSortFuzz}) sent to the embedded server and to a real
 * redis-server 7.0.15, in RESP2 and RESP3, with small sorted-set thresholds (geo sets cross listpack/skiplist
 * all the time) and with the defaults. Fails, not skips, when redis-server is missing.
 */
@Differential(server = CinnabarUnderTest.class)
class GeoSortDifferentialTest {
    interface Step {
        void run(GeoSortFuzz g) throws Exception;
    }

    static void fuzz(DifferentialServers servers, long seed, int steps, boolean small, int resp, Step step)
            throws Exception {
        try (Pair pair = servers.open(resp)) {
            TypeFuzz f = new TypeFuzz(pair, seed);
            f.setup();
            f.both("HSET", "h", "f", "v");
            f.config("zset-max-listpack-entries", small ? "6" : "128");
            f.config("zset-max-listpack-value", small ? "12" : "64");
            f.config("list-max-listpack-size", small ? "4" : "-2");
            GeoSortFuzz g = new GeoSortFuzz(f, small);
            while (f.steps < steps && f.clean()) {
                step.run(g);
            }
            pair.assertSame();
            assertTrue(f.steps >= steps);
        }
    }

    @ParameterizedTest(name = "geo seed={0} small={1} resp={2}")
    @CsvSource({"101,true,2", "102,false,2", "103,true,3", "104,false,3", "105,false,2"})
    void geo(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 4000, small, resp, GeoSortFuzz::geoStep);
    }

    @ParameterizedTest(name = "sort seed={0} small={1} resp={2}")
    @CsvSource({"201,true,2", "202,false,2", "203,true,3", "204,false,2"})
    void sort(long seed, boolean small, int resp, DifferentialServers servers) throws Exception {
        fuzz(servers, seed, 4000, small, resp, GeoSortFuzz::sortStep);
    }
}
