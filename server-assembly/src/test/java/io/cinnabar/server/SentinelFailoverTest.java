package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Three Cinnabar sentinels watch a real Redis master with two real replicas; the master is killed with SIGKILL
 * under a write load. A replica is promoted, the other replica follows it, every sentinel reports the new
 * address, {@code +switch-master} is published, the old master rejoins as a replica once restarted, and Jedis's
 * JedisSentinelPool and Lettuce's sentinel-aware client write to the new master without being restarted.
 */
class SentinelFailoverTest {
    @Test
    void killedMasterIsFailedOverAndClientsFollow() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (SentinelGroup g = new SentinelGroup()) {
            g.startServers();
            int oldMaster = g.masterPort;
            int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i).port());

            // one subscriber per sentinel: the leader publishes +switch-master when its failover ends, the others
            // when they learn the new configuration from its hello messages (as redis-sentinel does)
            List<SentinelGroup.Subscriber> subs = new java.util.ArrayList<>();
            for (int sp : ports) {
                subs.add(g.subscribe(sp, "+switch-master", "+elected-leader", "+config-update-from"));
            }

            Set<String> sentinelAddrs = Set.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1],
                "127.0.0.1:" + ports[2]);
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", ports[0], "mymaster")
                .withSentinel("127.0.0.1", ports[1]).withSentinel("127.0.0.1", ports[2])
                .withTimeout(Duration.ofSeconds(2)).build();
            RedisClient lettuce = RedisClient.create(uri);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acked = new AtomicLong();
            try (JedisSentinelPool pool = new JedisSentinelPool("mymaster", sentinelAddrs);
                 StatefulRedisConnection<String, String> conn = lettuce.connect()) {
                assertEquals(oldMaster, pool.getCurrentHostMaster().getPort());
                assertEquals("OK", conn.sync().set("lettuce", "before"));
                Thread load = new Thread(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        try (Jedis j = pool.getResource()) {
                            j.set("k" + (i++ % 100), "v");
                            acked.incrementAndGet();
                        } catch (RuntimeException e) {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                });
                load.start();
                SentinelGroup.await(Duration.ofSeconds(5), "writes flowing", () -> acked.get() > 10);

                SentinelGroup.kill9(oldMaster);
                int newMaster = SentinelGroup.awaitNewMaster("every sentinel reports a new master", oldMaster, ports);
                for (int p : ports) {
                    assertEquals(newMaster, Integer.parseInt(SentinelGroup.masterAddr(p).get(1)));
                }
                int other = g.servers.get(1).port() == newMaster ? g.servers.get(2).port() : g.servers.get(1).port();
                assertTrue(newMaster == g.servers.get(1).port() || newMaster == g.servers.get(2).port());
                assertEquals("master", SentinelGroup.role(newMaster));
                SentinelGroup.await(Duration.ofSeconds(15), "the other replica follows the new master",
                    () -> SentinelGroup.role(other).equals("slave of 127.0.0.1:" + newMaster));
                // every sentinel, leader or follower, tells its own subscribers
                for (SentinelGroup.Subscriber sub : subs) {
                    SentinelGroup.await(Duration.ofSeconds(10), "+switch-master published",
                        () -> !sub.on("+switch-master").isEmpty());
                    assertEquals("mymaster 127.0.0.1 " + oldMaster + " 127.0.0.1 " + newMaster,
                        sub.on("+switch-master").get(sub.on("+switch-master").size() - 1), sub.heard.toString());
                }

                // the clients: Jedis's pool heard +switch-master, Lettuce resolves the master again on reconnect
                SentinelGroup.await(Duration.ofSeconds(10), "the pool moves to the new master",
                    () -> pool.getCurrentHostMaster().getPort() == newMaster);
                long before = acked.get();
                SentinelGroup.await(Duration.ofSeconds(10), "writes flow again", () -> acked.get() > before + 10);
                try (Jedis j = pool.getResource()) {
                    assertEquals("OK", j.set("jedis", "after"));
                }
                SentinelGroup.await(Duration.ofSeconds(15), "Lettuce writes to the new master", () -> {
                    try {
                        return "OK".equals(conn.sync().set("lettuce", "after"));
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                    assertEquals("after", j.get("lettuce"));
                    assertEquals("after", j.get("jedis"));
                }

                // the old master comes back as a master and is turned into a replica of the new one
                g.restart(oldMaster);
                SentinelGroup.await(Duration.ofSeconds(20), "the old master rejoins as a replica",
                    () -> SentinelGroup.role(oldMaster).equals("slave of 127.0.0.1:" + newMaster));
                SentinelGroup.await(Duration.ofSeconds(10), "sentinels see it as a replica again",
                    () -> !SentinelGroup.master(ports[0]).get("flags").contains("down"));
                assertNotEquals(oldMaster, newMaster);
            } finally {
                stop.set(true);
                lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }
}
