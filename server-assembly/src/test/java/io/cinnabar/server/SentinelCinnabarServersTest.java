package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Cinnabar all the way: three Cinnabar sentinels watch a Cinnabar master with two Cinnabar replicas (Cinnabar's
 * own replication). The master stops; a replica is promoted, the other follows it, and the old master, started
 * again on its port, is turned into a replica of the new one.
 */
class SentinelCinnabarServersTest {
    @Test
    void cinnabarSentinelsFailOverCinnabarServers() throws Exception {
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarServers();
            int oldMaster = servers[0];
            try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                j.set("before", "failover");
            }
            for (int r = 1; r < 3; r++) {
                int port = servers[r];
                SentinelGroup.await(Duration.ofSeconds(10), "the write reached the replica", () -> {
                    try (Jedis j = new Jedis("127.0.0.1", port)) {
                        return "failover".equals(j.get("before"));
                    }
                });
            }
            int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i).port());

            g.cinnabarServers.get(0).close();
            int newMaster = SentinelGroup.awaitNewMaster("every sentinel reports a new master", oldMaster, ports);
            assertTrue(newMaster == servers[1] || newMaster == servers[2]);
            int other = newMaster == servers[1] ? servers[2] : servers[1];
            SentinelGroup.await(Duration.ofSeconds(10), "the new master says master",
                () -> SentinelGroup.role(newMaster).equals("master"));
            SentinelGroup.await(Duration.ofSeconds(15), "the other replica follows",
                () -> SentinelGroup.role(other).equals("slave of 127.0.0.1:" + newMaster));
            try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                assertEquals("failover", j.get("before"));
                assertEquals("OK", j.set("after", "failover"));
            }

            g.cinnabarServers.add(g.cinnabar().port(oldMaster).start());
            SentinelGroup.await(Duration.ofSeconds(20), "the old master rejoins as a replica",
                () -> SentinelGroup.role(oldMaster).equals("slave of 127.0.0.1:" + newMaster));
            SentinelGroup.await(Duration.ofSeconds(10), "and has the new data", () -> {
                try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                    return "failover".equals(j.get("after"));
                }
            });
        }
    }
}
