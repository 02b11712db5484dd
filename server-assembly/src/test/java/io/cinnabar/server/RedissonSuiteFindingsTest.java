package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What running Redisson's own test suite against the server found different from redis-server (server README,
 * "Redisson's test suite"). MONITOR was the tool for comparing the two: its timestamps must not go backwards, as
 * Redis's, which reads the wall clock once per line to the microsecond.
 */
@Differential(server = CinnabarUnderTest.class)
class RedissonSuiteFindingsTest {

    /**
     * A script's calls follow each other within microseconds, so many MONITOR lines share a millisecond: the
     * microseconds must still grow. They went backwards on ours (4 steps in 150 lines of such scripts) when the
     * milliseconds came from one clock and the microseconds from System.nanoTime().
     */
    @Test
    void monitorTimestampsNeverGoBackwards(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2);
             RespClient redisMonitor = new RespClient(servers.redisPort());
             RespClient ourMonitor = new RespClient(servers.oursPort())) {
            assertEquals("+OK\r\n", redisMonitor.call("MONITOR"));
            assertEquals("+OK\r\n", ourMonitor.call("MONITOR"));
            String script = "redis.call('set', KEYS[1], '1') redis.call('get', KEYS[1]) redis.call('exists', KEYS[1])"
                    + " redis.call('incr', KEYS[2]) return redis.call('get', KEYS[2])";
            for (int i = 0; i < 300; i++) {
                p.same("EVAL", script, "2", "mk", "counter");
            }
            p.same("PING", "done");
            List<String> redis = timestamps(redisMonitor);
            List<String> ours = timestamps(ourMonitor);
            assertEquals(redis.size(), ours.size());
            assertNondecreasing("redis-server", redis);
            assertNondecreasing("ours", ours);
            p.assertSame();
        }
    }

    /** The timestamp ("seconds.microseconds") of each MONITOR line up to the final PING. */
    private static List<String> timestamps(RespClient monitor) throws IOException {
        List<String> out = new ArrayList<>();
        String line;
        do {
            line = monitor.read();
            out.add(line.substring(1, line.indexOf(' ')));
        } while (!line.contains("\"done\""));
        return out;
    }

    private static void assertNondecreasing(String server, List<String> stamps) {
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < stamps.size(); i++) {
            String t = stamps.get(i);
            int dot = t.indexOf('.');
            assertEquals(6, t.length() - dot - 1, server + ": six digits of microseconds in " + t);
            long micros = Long.parseLong(t.substring(0, dot)) * 1_000_000 + Long.parseLong(t.substring(dot + 1));
            assertTrue(micros >= previous, server + ": line " + i + " at " + t + " before the line ahead of it");
            previous = micros;
        }
    }
}
