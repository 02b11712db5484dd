package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Cinnabar all the way, under load: three Cinnabar sentinels watch a Cinnabar master and two Cinnabar replicas
 * (separate processes, Cinnabar replication). A JedisSentinelPool writer runs SET followed by WAIT 1 the whole
 * time; the master is SIGKILLed. The sentinels promote a replica, the pool follows {@code +switch-master} and the
 * writer carries on against the new master without a restart, and every write that WAIT 1 acknowledged before the
 * kill is on the new master. A Lettuce sentinel-aware connection opened before the kill writes to the new master
 * after it, without being recreated.
 */
class SentinelCinnabarLoadTest {
    @Test
    void writesAcknowledgedByWaitSurviveTheFailover() throws Exception {
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarProcesses();
            int oldMaster = servers[0];
            try (Jedis j = new Jedis("127.0.0.1", oldMaster)) {
                SentinelGroup.await(Duration.ofSeconds(20), "both replicas in sync", () -> {
                    j.set("warmup", "1");
                    return j.waitReplicas(2, 1000) == 2;
                });
            }
            int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i).port());

            Set<String> sentinels = Set.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            ConcurrentLinkedQueue<Long> ackedBeforeKill = new ConcurrentLinkedQueue<>();
            AtomicLong ackedAfterSwitch = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            List<Throwable> unexpected = new ArrayList<>();
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", ports[0], "mymaster")
                .withSentinel("127.0.0.1", ports[1]).withSentinel("127.0.0.1", ports[2])
                .withTimeout(Duration.ofSeconds(2)).build();
            RedisClient lettuce = RedisClient.create(uri);
            try (JedisSentinelPool pool = new JedisSentinelPool("mymaster", sentinels);
                 StatefulRedisConnection<String, String> conn = lettuce.connect()) {
                assertEquals(oldMaster, pool.getCurrentHostMaster().getPort());
                assertEquals("OK", conn.sync().set("lettuce", "before"));
                Thread writer = new Thread(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        long n = i++;
                        boolean before = !killed.get();
                        try (Jedis j = pool.getResource()) {
                            j.set("w:" + n, Long.toString(n));
                            if (j.waitReplicas(1, 1000) >= 1) {
                                if (before) {
                                    ackedBeforeKill.add(n);
                                } else if (pool.getCurrentHostMaster().getPort() != oldMaster) {
                                    ackedAfterSwitch.incrementAndGet();
                                }
                            }
                        } catch (redis.clients.jedis.exceptions.JedisException e) {
                            failures.incrementAndGet(); // the master is gone: the pool retries on the next one
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }, "writer");
                writer.start();
                try {
                    SentinelGroup.await(Duration.ofSeconds(10), "acknowledged writes flowing",
                        () -> ackedBeforeKill.size() > 200);
                    killed.set(true);
                    g.kill9Process(oldMaster);
                    int newMaster =
                        SentinelGroup.awaitNewMaster("every sentinel reports a new master", oldMaster, ports);
                    assertTrue(newMaster == servers[1] || newMaster == servers[2]);
                    SentinelGroup.await(Duration.ofSeconds(15), "the pool moves to the new master",
                        () -> pool.getCurrentHostMaster().getPort() == newMaster);
                    SentinelGroup.await(Duration.ofSeconds(15), "the writer carries on with acknowledged writes",
                        () -> ackedAfterSwitch.get() > 100);
                    SentinelGroup.await(Duration.ofSeconds(15), "Lettuce writes to the new master", () -> {
                        try {
                            return "OK".equals(conn.sync().set("lettuce", "after"));
                        } catch (RuntimeException e) {
                            return false;
                        }
                    });
                    try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                        assertEquals("after", j.get("lettuce"));
                    }
                    int other = newMaster == servers[1] ? servers[2] : servers[1];
                    SentinelGroup.await(Duration.ofSeconds(15), "the other replica follows the new master",
                        () -> SentinelGroup.role(other).equals("slave of 127.0.0.1:" + newMaster));
                    stop.set(true);
                    writer.join(5000);
                    assertEquals(List.of(), unexpected);

                    List<Long> acked = new ArrayList<>(ackedBeforeKill);
                    try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                        for (int from = 0; from < acked.size(); from += 500) {
                            List<Long> part = acked.subList(from, Math.min(acked.size(), from + 500));
                            List<String> got = j.mget(part.stream().map(n -> "w:" + n).toArray(String[]::new));
                            for (int k = 0; k < part.size(); k++) {
                                assertEquals(Long.toString(part.get(k)), got.get(k),
                                    "write " + part.get(k) + " acknowledged by WAIT 1 before the kill");
                            }
                        }
                    }
                } finally {
                    stop.set(true);
                    writer.join(5000);
                }
            } finally {
                lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }
}
