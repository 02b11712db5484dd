package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Real {@code redis-sentinel} processes (7.0.15) watching Cinnabar servers: a Cinnabar master and two Cinnabar
 * replicas (Cinnabar replication), each a separate process with a config file. The master is SIGKILLed; the real
 * sentinels see it SDOWN/ODOWN through our PING and INFO, elect a leader, promote a replica (MULTI, SLAVEOF NO
 * ONE, CONFIG REWRITE, CLIENT KILL TYPE normal/pubsub, EXEC), see the promotion in our INFO replication, point
 * the other replica at it, and once the old master is started again turn it into a replica of the new one.
 * Acknowledged writes (WAIT 2) survive, and our CONFIG REWRITE leaves each server's file matching its new role.
 */
class SentinelRealSentinelsTest {
    @Test
    void realSentinelsFailOverCinnabarServers() throws Exception {
        assumeTrue(RealRedis.available() && RealRedis.binary("redis-sentinel") != null, "redis-sentinel missing");
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarProcesses();
            int oldMaster = servers[0];
            try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                for (int i = 0; i < 100; i++) {
                    j.set("k" + i, "v" + i);
                }
                SentinelGroup.await(Duration.ofSeconds(20), "both replicas acknowledge",
                    () -> j.waitReplicas(2, 1000) == 2);
            }
            int[] ports = g.startDiscoveredSentinels(i -> g.startRealSentinel(i));

            g.kill9Process(oldMaster);
            int newMaster = SentinelGroup.awaitNewMaster("every real sentinel reports a new master", oldMaster, ports);
            for (int p : ports) {
                assertEquals(Integer.toString(newMaster), SentinelGroup.masterAddr(p).get(1));
            }
            assertTrue(newMaster == servers[1] || newMaster == servers[2]);
            int other = newMaster == servers[1] ? servers[2] : servers[1];
            assertEquals("master", SentinelGroup.role(newMaster));
            SentinelGroup.await(Duration.ofSeconds(15), "the other replica follows the new master",
                () -> SentinelGroup.role(other).equals("slave of 127.0.0.1:" + newMaster));
            try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                for (int i = 0; i < 100; i++) {
                    assertEquals("v" + i, j.get("k" + i));
                }
                assertEquals("OK", j.set("after", "failover"));
            }
            // the sentinels' CONFIG REWRITE inside their MULTI: the files say what the servers now are
            String promoted = Files.readString(g.nodeConfig(newMaster));
            assertTrue(!promoted.contains("replicaof"), promoted);
            SentinelGroup.await(Duration.ofSeconds(10), "the follower's file names the new master", 
                () -> g.nodeConfigText(other).contains("replicaof 127.0.0.1 " + newMaster));

            // the old master starts again from its file (still a master there) and is converted. On a loaded machine a
            // second failover may follow the first (a new master that is slow to answer within down-after-milliseconds
            // right after the switch is SDOWN again): whatever the sentinels agree on, the old master follows it
            g.launchProcess(oldMaster);
            SentinelGroup.await(Duration.ofSeconds(40), "the old master rejoins as a replica of the current master",
                () -> {
                    int current = Integer.parseInt(SentinelGroup.masterAddr(ports[0]).get(1));
                    for (int p : ports) {
                        if (Integer.parseInt(SentinelGroup.masterAddr(p).get(1)) != current) {
                            return false;
                        }
                    }
                    return SentinelGroup.role(oldMaster).equals("slave of 127.0.0.1:" + current)
                        && g.nodeConfigText(oldMaster).contains("replicaof 127.0.0.1 " + current);
                });
            SentinelGroup.await(Duration.ofSeconds(15), "and has the data written after the failover", () -> {
                try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                    return "failover".equals(j.get("after"));
                }
            });
        }
    }
}
