package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.KnownDifference;
import io.cinnabar.testkit.Normalizer;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Resp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * testkit's differential extension can fail: a reply that differs is reported with the command and both replies;
 * a known difference is accepted only where it applies; options set through a pair are set back; RESP3 pairs speak
 * RESP3; the two servers are distinct processes that start clean.
 */
@Differential(server = CinnabarUnderTest.class, config = {"hz", "11"})
class DifferentialExtensionTest {
    @Test
    void aDifferenceFailsWithTheCommandAndBothReplies(Pair pair) throws Exception {
        pair.same("SET", "k", "v");
        pair.same("INFO", "server"); // redis_version, run_id, tcp_port, process_id differ
        assertFalse(pair.clean());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, pair::assertSame);
        assertTrue(e.getMessage().contains("1 of 2 replies differ"), e.getMessage());
        assertTrue(e.getMessage().contains("step 2: INFO server\n   redis: $"), e.getMessage());
        assertTrue(e.getMessage().contains("\n   ours:  $"), e.getMessage());
        // the pair starts flushed
        assertTrue(e.getMessage().contains("   after: FLUSHALL ; SET k v ; INFO server"), e.getMessage());
    }

    @Test
    void normalizersAndKnownDifferencesApplyWhereTheySay(Pair pair) throws Exception {
        pair.config("list-max-listpack-size", "-2");
        pair.allow(KnownDifference.listpackWhere70Says("quicklist", "7.0 has no listpack lists"));
        pair.same("RPUSH", "l", "a");
        pair.same("OBJECT", "ENCODING", "l");
        assertTrue(pair.clean(), () -> String.join("\n", pair.mismatches()));
        assertEquals(List.of("7.0 has no listpack lists: OBJECT ENCODING l"), pair.acceptedDifferences());
        pair.same("SET", "s", "12");
        pair.same("OBJECT", "ENCODING", "s"); // int on both: nothing accepted
        assertEquals(1, pair.acceptedDifferences().size());
        pair.normalize(Normalizer.unordered(1, "KEYS"));
        for (int i = 0; i < 50; i++) {
            pair.both("SET", "key" + i, "v");
        }
        pair.same("KEYS", "key*");
        pair.assertSame();
        pair.same("ECHO", "x");
        pair.compare(List.of("a check of the caller's"), "one", "two");
        assertThrows(AssertionFailedError.class, pair::assertSame);
    }

    @Test
    void optionsComeBackAndServersStartWithTheAnnotationsConfig(DifferentialServers servers) throws Exception {
        try (Pair pair = servers.open(2)) {
            pair.same("CONFIG", "GET", "hz");
            pair.config("hash-max-listpack-entries", "3");
            pair.oursConfig("set-max-listpack-entries", "5");
            pair.same("CONFIG", "GET", "hash-max-listpack-entries");
            assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n11\r\n", pair.ours().call("CONFIG", "GET", "hz"));
            pair.assertSame();
        }
        try (Pair pair = servers.open(2)) {
            pair.same("CONFIG", "GET", "hash-max-listpack-entries");
            assertEquals("*2\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n",
                pair.ours().call("CONFIG", "GET", "hash-max-listpack-entries"));
            assertEquals("*2\r\n$24\r\nset-max-listpack-entries\r\n$3\r\n128\r\n",
                pair.ours().call("CONFIG", "GET", "set-max-listpack-entries"));
            pair.assertSame();
        }
        assertTrue(servers.redisPort() != servers.oursPort());
    }

    @Test
    void resp3PairsSpeakResp3AndStartFlushed(@Resp(3) Pair pair) throws Exception {
        assertEquals(3, pair.resp());
        pair.same("DBSIZE");
        pair.same("HSET", "h", "f", "v");
        String map = pair.same("HGETALL", "h");
        assertTrue(map.startsWith("%1\r\n"), map);
        pair.same("GET", "nokey");
        assertEquals("_\r\n", pair.ours().call("GET", "nokey"));
        pair.assertSame();
    }

    @Test
    void transcriptsCompareLineByLine() {
        Pair.assertSameTranscripts("same", List.of("a -> 1", "b -> 2"), List.of("a -> 1", "b -> 2"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Pair.assertSameTranscripts(
            "scenario", List.of("a -> :1\r\n", "b -> 2"), List.of("a -> :2\r\n")));
        assertTrue(e.getMessage().contains("line 1\n   redis: a -> :1\\r\\n\n   ours:  a -> :2\\r\\n"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2\n   redis: b -> 2\n   ours:  (no line)"), e.getMessage());
    }
}
