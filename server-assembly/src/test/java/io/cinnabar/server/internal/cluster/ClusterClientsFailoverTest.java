package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.FailoverCluster.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.cluster.FailoverCluster.Node;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Unmodified cluster clients over a failover: Jedis's JedisCluster and Lettuce's RedisClusterClient write and
 * read across the six-node Cinnabar cluster while a master stops; its replica takes over, both clients carry on
 * (their writes succeed again after the election), and every write Jedis had acknowledged with WAIT 1 is there.
 */
class ClusterClientsFailoverTest {
    private final FailoverCluster cl = new FailoverCluster();
    private final List<Node> nodes = cl.nodes;

    @AfterEach
    void closeAll() {
        cl.close();
    }

    @Test
    void jedisAndLettuceCarryOnWhileAMasterDies() throws Exception {
        for (int i = 0; i < 6; i++) {
            cl.cinnabar();
        }
        cl.form();
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(1); // one connection per node: WAIT runs on the connection that wrote
        Set<HostAndPort> seeds = Set.of(new HostAndPort("127.0.0.1", nodes.get(0).port()));
        // command timeout 1 s (the URI's; 60 s by default), commands to a disconnected node fail at once
        RedisClusterClient lettuce = RedisClusterClient.create(RedisURI.builder().withHost("127.0.0.1")
            .withPort(nodes.get(1).port()).withTimeout(Duration.ofSeconds(1)).build());
        lettuce.setOptions(ClusterClientOptions.builder()
            .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(Duration.ofMillis(500)).enableAllAdaptiveRefreshTriggers().build())
            .build());
        AtomicBoolean stop = new AtomicBoolean();
        List<String> jedisAcked = new CopyOnWriteArrayList<>();
        AtomicLong jedisOk = new AtomicLong();
        List<String> jedisWritten = new CopyOnWriteArrayList<>();
        AtomicLong lettuceOk = new AtomicLong();
        List<String> lettuceWritten = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        try (JedisCluster jedis = new JedisCluster(seeds, 500, 500, 10, pool);
                StatefulRedisClusterConnection<String, String> conn = lettuce.connect()) {
            RedisAdvancedClusterCommands<String, String> lc = conn.sync();
            Thread jt = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String k = "j:" + i;
                    try {
                        jedis.set(k, "v" + i);
                        jedisOk.incrementAndGet();
                        jedisWritten.add(k);
                        if (jedis.waitReplicas(k, 1, 100) >= 1) {
                            jedisAcked.add(k);
                        }
                    } catch (RuntimeException e) {
                        sleep(20); // the master is gone: the client retries on the next key
                    }
                }
            });
            Thread lt = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String k = "l:" + i;
                    try {
                        lc.set(k, "v" + i);
                        String back = lc.get(k);
                        if (!("v" + i).equals(back)) {
                            unexpected.add(new AssertionError(k + " read back " + back));
                        }
                        lettuceOk.incrementAndGet();
                        lettuceWritten.add(k);
                    } catch (RedisException e) {
                        sleep(20);
                    }
                }
            });
            jt.start();
            lt.start();
            try {
                await("both clients to write", () -> jedisOk.get() > 200 && lettuceOk.get() > 200);
                Node master = nodes.get(0);
                Node replica = nodes.get(3);
                master.stop();
                long t0 = System.nanoTime();
                await("the replica to be elected", () -> line(replica.client(), replica.id())
                    .contains("myself,master"));
                List<Node> alive = new ArrayList<>(nodes);
                alive.remove(master);
                awaitOk(alive);
                System.out.printf("clients: failover done %d ms after the master stopped (node timeout %d ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), NODE_TIMEOUT);
                long j0 = jedisOk.get();
                long l0 = lettuceOk.get();
                int lettuceMark = lettuceWritten.size();
                int jedisMark = jedisWritten.size();
                // both carry on, including with keys of the slots that moved (a write there waits 100 ms for a
                // replica that is gone: WAIT 1 100 answers 0)
                await("Jedis to carry on", () -> jedisOk.get() > j0 + 100
                    && jedisWritten.subList(jedisMark, jedisWritten.size()).stream()
                        .anyMatch(k -> replicaOwns(replica, k)));
                await("Lettuce to carry on", () -> lettuceOk.get() > l0 + 300
                    && lettuceWritten.subList(lettuceMark, lettuceWritten.size()).stream()
                        .anyMatch(k -> replicaOwns(replica, k)));
            } finally {
                stop.set(true);
                jt.join(10_000);
                lt.join(10_000);
            }
            assertEquals(List.of(), unexpected);
            for (String k : jedisAcked) {
                assertEquals("v" + k.substring(2), jedis.get(k), "acknowledged with WAIT 1: " + k);
            }
            assertTrue(jedisAcked.stream().anyMatch(k -> replicaOwns(nodes.get(3), k)),
                "some acknowledged keys were on the failed master");
            System.out.printf("clients: Jedis %d writes (%d acknowledged by WAIT 1, all present), Lettuce %d%n",
                jedisOk.get(), jedisAcked.size(), lettuceOk.get());
        } finally {
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Whether node n serves k's slot now. */
    private static boolean replicaOwns(Node n, String k) {
        return !call(n.client(), "GET", k).startsWith("-MOVED");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
