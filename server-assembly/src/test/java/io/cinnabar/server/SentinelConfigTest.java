package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Sentinel mode's configuration and command set, without servers to watch (the master's port is closed): the
 * state in the file is loaded, changes are written back the way Redis rewrites the file, a restarted sentinel has
 * the same ID, epochs, masters, replicas and sentinels; a bad line stops startup with Redis's error text; commands
 * outside the sentinel set are unknown.
 */
class SentinelConfigTest {
    private static final String ID = "0123456789abcdef0123456789abcdef01234567";
    private static final String OTHER = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir
    Path dir;

    @Test
    void stateSurvivesRestartAndCommandsAreTheSentinelSet() throws Exception {
        int dead = RealRedis.freePort();
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "# my sentinel\n"
            + "sentinel monitor mymaster 127.0.0.1 " + dead + " 2\n"
            + "sentinel myid " + ID + "\n"
            + "sentinel config-epoch mymaster 5\n"
            + "sentinel current-epoch 7\n"
            + "sentinel known-replica mymaster 127.0.0.1 " + (dead + 1) + "\n"
            + "sentinel known-sentinel mymaster 127.0.0.1 " + (dead + 2) + " " + OTHER + "\n");
        try (CinnabarServer s = CinnabarServer.builder().sentinel(conf).port(0).start();
             Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals(ID, j.sentinelMyId());
            Map<String, String> m = j.sentinelMaster("mymaster");
            assertEquals("5", m.get("config-epoch"));
            assertEquals("1", m.get("num-slaves"));
            assertEquals("1", m.get("num-other-sentinels"));
            assertEquals(OTHER, j.sentinelSentinels("mymaster").get(0).get("name"));
            assertEquals(List.of("127.0.0.1", Integer.toString(dead)), j.sentinelGetMasterAddrByName("mymaster"));
            assertTrue(j.info().contains("redis_mode:sentinel"));
            assertTrue(j.info("sentinel").contains("master0:name=mymaster,status="));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.get("foo"));
            assertEquals("ERR unknown command 'GET', with args beginning with: 'foo' ", e.getMessage());
            e = assertThrows(JedisDataException.class, () -> j.configGet("port"));
            assertEquals("ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' ", e.getMessage());
            assertEquals("OK", j.sentinelSet("mymaster", Map.of("quorum", "3")));
            assertEquals("OK", j.sentinelMonitor("second", "127.0.0.1", dead + 3, 1));
        }
        String text = Files.readString(conf);
        assertTrue(text.startsWith("# my sentinel\nsentinel monitor mymaster 127.0.0.1 " + dead + " 3\n"), text);
        assertTrue(text.contains("sentinel current-epoch 7\n"), text);
        assertTrue(text.contains("sentinel monitor second 127.0.0.1 " + (dead + 3) + " 1\n"), text);
        assertTrue(text.contains("sentinel known-sentinel mymaster 127.0.0.1 " + (dead + 2) + " " + OTHER), text);

        try (CinnabarServer s = CinnabarServer.builder().sentinel(conf).port(0).start();
             Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals(ID, j.sentinelMyId());
            assertEquals(2, j.sentinelMasters().size());
            assertEquals("3", j.sentinelMaster("mymaster").get("quorum"));
            assertEquals("1", j.sentinelMaster("mymaster").get("num-slaves"));
            assertEquals("OK", j.sentinelRemove("second"));
        }
        assertTrue(!Files.readString(conf).contains("second"));
    }

    @Test
    void badLinesStopStartupWithRedisErrors() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "port 0\nsentinel monitor m 127.0.0.1 6379 0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CinnabarServer.builder().sentinel(conf).port(0).start());
        assertEquals("*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n"
            + ">>> 'sentinel monitor m 127.0.0.1 6379 0'\nQuorum must be 1 or greater.", e.getMessage().strip());
        Files.writeString(conf, "sentinel monitor m 127.0.0.1 6379 1\nsentinel frobnicate m\n");
        e = assertThrows(IllegalArgumentException.class, () -> CinnabarServer.builder().sentinel(conf).port(0).start());
        assertTrue(e.getMessage().endsWith("Unrecognized sentinel configuration statement."), e.getMessage());
        Files.writeString(conf, "sentinel down-after-milliseconds nope 100\n");
        e = assertThrows(IllegalArgumentException.class, () -> CinnabarServer.builder().sentinel(conf).port(0).start());
        assertTrue(e.getMessage().endsWith("No such master with specified name."), e.getMessage());
    }
}
