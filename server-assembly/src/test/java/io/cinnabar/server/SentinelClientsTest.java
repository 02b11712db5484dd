package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Sentinel-aware clients as applications run them, Cinnabar all the way (three Cinnabar sentinels, a Cinnabar
 * master and two replicas in this JVM): Lettuce's MasterReplica connection found through the sentinels reads from
 * the replicas with ReadFrom.REPLICA; SENTINEL FAILOVER (the master alive) under a JedisSentinelPool writer and a
 * Lettuce writer: both follow the new master, Lettuce's replica reads move off it, the old master serves the data as
 * a replica. SentinelFailoverTest and SentinelCinnabarLoadTest cover a master that dies.
 */
class SentinelClientsTest {
    @Test
    void clientsFollowAManualFailoverAndReadFromReplicas() throws Exception {
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarServers();
            int oldMaster = servers[0];
            int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i).port());
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", ports[0], "mymaster")
                .withSentinel("127.0.0.1", ports[1]).withSentinel("127.0.0.1", ports[2])
                .withTimeout(Duration.ofSeconds(5)).build();
            RedisClient lettuce = RedisClient.create();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong jedisOk = new AtomicLong();
            AtomicLong lettuceOk = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            try (JedisSentinelPool pool = new JedisSentinelPool("mymaster",
                    Set.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]));
                 StatefulRedisMasterReplicaConnection<String, String> conn =
                     MasterReplica.connect(lettuce, StringCodec.UTF8, uri)) {
                // replica reads: every GET lands on a replica once the writes reached both
                for (int i = 0; i < 100; i++) {
                    conn.sync().set("k" + i, "v" + i);
                }
                assertEquals(2L, conn.sync().waitForReplication(2, 5000));
                resetStats(servers);
                conn.setReadFrom(ReadFrom.REPLICA);
                for (int i = 0; i < 100; i++) {
                    assertEquals("v" + i, conn.sync().get("k" + i));
                }
                assertEquals(0, gets(oldMaster), "GETs on the master");
                assertEquals(100, gets(servers[1]) + gets(servers[2]), "GETs on the replicas");

                writers.add(new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        try (Jedis j = pool.getResource()) {
                            j.set("j" + (i % 1000), "v");
                            jedisOk.incrementAndGet();
                        } catch (RuntimeException e) {
                            pause();
                        }
                    }
                }));
                writers.add(new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        try {
                            conn.sync().set("l" + (i % 1000), "v");
                            lettuceOk.incrementAndGet();
                        } catch (RuntimeException e) {
                            pause();
                        }
                    }
                }));
                writers.forEach(Thread::start);
                SentinelGroup.await(Duration.ofSeconds(10), "both clients writing",
                    () -> jedisOk.get() > 50 && lettuceOk.get() > 50);

                try (Jedis s = new Jedis("127.0.0.1", ports[0])) {
                    assertEquals("OK", s.sentinelFailover("mymaster"));
                }
                int newMaster = SentinelGroup.awaitNewMaster("every sentinel reports the new master", oldMaster,
                    ports);
                assertNotEquals(oldMaster, newMaster);
                SentinelGroup.await(Duration.ofSeconds(20), "the old master becomes a replica of the new one",
                    () -> SentinelGroup.role(oldMaster).equals("slave of 127.0.0.1:" + newMaster));
                SentinelGroup.await(Duration.ofSeconds(10), "the pool follows",
                    () -> pool.getCurrentHostMaster().getPort() == newMaster);
                long j0 = jedisOk.get();
                long l0 = lettuceOk.get();
                SentinelGroup.await(Duration.ofSeconds(20), "both clients write again",
                    () -> jedisOk.get() > j0 + 50 && lettuceOk.get() > l0 + 50);
                stop.set(true);
                for (Thread t : writers) {
                    t.join(10_000);
                }
                // Lettuce's own writes went to the new master (its topology follows +switch-master)
                assertEquals("OK", conn.sync().set("after", "failover"));
                try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                    assertEquals("failover", j.get("after"));
                }
                // and its replica reads leave the new master, reaching the old one now a replica
                SentinelGroup.await(Duration.ofSeconds(20), "replica reads off the new master", () -> {
                    conn.sync().waitForReplication(2, 2000);
                    resetStats(servers);
                    for (int i = 0; i < 50; i++) {
                        if (!("v" + i).equals(conn.sync().get("k" + i))) {
                            return false;
                        }
                    }
                    return gets(newMaster) == 0;
                });
                // the old master serves those reads as a replica (Lettuce reads from one replica of its topology at
                // a time, chosen anew at each refresh, so whether it picks this one is up to Lettuce)
                try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                    SentinelGroup.await(Duration.ofSeconds(20), "the old master to have the data",
                        () -> "v7".equals(j.get("k7")) && "failover".equals(j.get("after")));
                }
            } finally {
                stop.set(true);
                lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void resetStats(int... ports) {
        for (int p : ports) {
            try (Jedis j = new Jedis("127.0.0.1", p)) {
                j.configResetStat();
            }
        }
    }

    /** GET calls in INFO commandstats since the last CONFIG RESETSTAT. */
    private static long gets(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String s = j.info("commandstats");
            return s.contains("cmdstat_get:") ? Long.parseLong(s.replaceAll("(?s).*cmdstat_get:calls=(\\d+).*", "$1"))
                : 0;
        }
    }
}
