package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.FailoverCluster.await;
import static io.cinnabar.server.internal.cluster.FailoverCluster.awaitOk;
import static io.cinnabar.server.internal.cluster.FailoverCluster.call;
import static io.cinnabar.server.internal.cluster.FailoverCluster.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.internal.cluster.FailoverCluster.Node;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * Unmodified cluster clients as applications run them against six embedded Cinnabar nodes (three masters, three
 * replicas): JedisCluster and Lettuce's RedisClusterClient keep writing while {@code redis-cli --cluster reshard}
 * moves slots (MOVED/ASK followed, no error reaches the application, no acknowledged write lost) and while a
 * replica takes over with CLUSTER FAILOVER; Lettuce's ReadFrom.REPLICA reads from the replicas; Pub/Sub and sharded
 * Pub/Sub through both clients. ClusterClientsFailoverTest covers a master that dies.
 */
class ClusterClientsTest {
    /** cluster-node-timeout 5000: a loaded 2-core machine must not make a node PFAIL (Lettuce skips those). */
    private final FailoverCluster cl = new FailoverCluster("cluster-node-timeout", "5000");
    private final List<Node> nodes = cl.nodes;
    private RedisClusterClient lettuce;

    @AfterEach
    void closeAll() {
        if (lettuce != null) {
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        cl.close();
    }

    private void sixNodes() throws Exception {
        for (int i = 0; i < 6; i++) {
            cl.cinnabar();
        }
        cl.form();
        lettuce = RedisClusterClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(nodes.get(0).port())
            .withTimeout(Duration.ofSeconds(5)).build());
        lettuce.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions
            .builder().enablePeriodicRefresh(Duration.ofSeconds(1)).enableAllAdaptiveRefreshTriggers().build())
            .build());
    }

    private JedisCluster jedis() {
        return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", nodes.get(1).port())), 5000, 5000, 10,
            new ConnectionPoolConfig());
    }

    /** Writers on both clients; every acknowledged write is recorded, every exception kept. */
    private static final class Writers implements AutoCloseable {
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Writers(JedisCluster jc, RedisAdvancedClusterCommands<String, String> lc) {
            threads.add(new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        jc.set("j:" + i, "v" + i);
                        acked.put("j:" + i, "v" + i);
                        jc.incr("jcount"); // counted: must end equal to the number of j: keys
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            }));
            threads.add(new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        lc.set("l:" + i, "v" + i);
                        acked.put("l:" + i, "v" + i);
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            }));
            threads.forEach(Thread::start);
        }

        long count(String prefix) {
            return acked.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(20_000);
            }
        }
    }

    @Test
    void clientsWriteThroughAReshardAndAManualFailover() throws Exception {
        assumeTrue(RealRedis.available(), "redis-cli is not installed");
        sixNodes();
        try (JedisCluster jc = jedis(); StatefulRedisClusterConnection<String, String> conn = lettuce.connect()) {
            RedisAdvancedClusterCommands<String, String> lc = conn.sync();
            Writers w = new Writers(jc, lc);
            try {
                await("both clients to write", () -> w.count("j:") > 200 && w.count("l:") > 200);
                // 300 slots (with their keys) from master 0 to master 1, and 100 of them back, while both write
                long t0 = System.nanoTime();
                ClusterNodes.cliOk("--cluster", "reshard", "127.0.0.1:" + nodes.get(0).port(), "--cluster-from",
                    nodes.get(0).id(), "--cluster-to", nodes.get(1).id(), "--cluster-slots", "300", "--cluster-yes",
                    "--cluster-pipeline", "20");
                ClusterNodes.cliOk("--cluster", "reshard", "127.0.0.1:" + nodes.get(0).port(), "--cluster-from",
                    nodes.get(1).id(), "--cluster-to", nodes.get(0).id(), "--cluster-slots", "100", "--cluster-yes");
                long reshardMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long j0 = w.count("j:");
                long l0 = w.count("l:");
                await("both clients to carry on", () -> w.count("j:") > j0 + 100 && w.count("l:") > l0 + 100);
                assertEquals(List.of(), w.errors, "errors the applications saw during the reshard");

                // manual failover of master 0 while both write: no error, and the old master's writes are kept
                Node replica = nodes.get(3);
                long t1 = System.nanoTime();
                assertEquals("+OK\r\n", call(replica.client(), "CLUSTER", "FAILOVER"));
                await("the replica to take over", () -> line(replica.client(), replica.id()).contains("myself,master"));
                awaitOk(nodes);
                long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
                long j1 = w.count("j:");
                long l1 = w.count("l:");
                await("both clients to carry on after the failover",
                    () -> w.count("j:") > j1 + 100 && w.count("l:") > l1 + 100);
                w.close();
                assertEquals(List.of(), w.errors, "errors the applications saw during the manual failover");
                System.out.printf("clients: reshard of 300+100 slots %d ms, manual failover %d ms, %d writes%n",
                    reshardMs, failoverMs, w.acked.size());
            } finally {
                w.close();
            }
            conn.setReadFrom(ReadFrom.UPSTREAM);
            for (Map.Entry<String, String> e : w.acked.entrySet()) {
                assertEquals(e.getValue(), lc.get(e.getKey()), "acknowledged write " + e.getKey());
            }
            assertEquals(Long.toString(w.count("j:")), jc.get("jcount"), "INCRs acknowledged to Jedis");
            long keys = 0;
            for (Node n : nodes) {
                if (call(n.client(), "ROLE").contains("master")) {
                    keys += Long.parseLong(call(n.client(), "DBSIZE").substring(1).trim());
                }
            }
            assertEquals(w.acked.size() + 1, keys, "the masters hold exactly the keys written");
        }
    }

    @Test
    void readFromReplicasAndPubSub() throws Exception {
        sixNodes();
        try (JedisCluster jc = jedis(); StatefulRedisClusterConnection<String, String> conn = lettuce.connect()) {
            RedisAdvancedClusterCommands<String, String> lc = conn.sync();
            for (int i = 0; i < 300; i++) {
                lc.set("k" + i, "v" + i);
            }
            // ReadFrom.REPLICA: Lettuce sends READONLY to the replicas and reads there, once they have the writes
            for (Node n : nodes) {
                call(n.client(), "CONFIG", "RESETSTAT");
            }
            for (Node n : nodes.subList(3, 6)) {
                await("replica to catch up", () -> call(n.client(), "INFO", "replication")
                    .contains("master_link_status:up") && offsetsEqual(n));
            }
            await("Lettuce to see three healthy replicas", () -> {
                lettuce.refreshPartitions();
                return lettuce.getPartitions().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.REPLICA)
                    && !n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL) && !n.is(RedisClusterNode.NodeFlag.FAIL))
                    .count() == 3;
            });
            conn.setReadFrom(ReadFrom.REPLICA);
            for (int i = 0; i < 300; i++) {
                assertEquals("v" + i, lc.get("k" + i));
            }
            long onReplicas = 0;
            for (Node n : nodes.subList(3, 6)) {
                long gets = gets(n);
                assertTrue(gets > 0, "GETs on replica " + n.port());
                onReplicas += gets;
            }
            assertEquals(300, onReplicas);
            for (Node n : nodes.subList(0, 3)) {
                assertEquals(0, gets(n), "GETs on master " + n.port());
            }
            conn.setReadFrom(ReadFrom.UPSTREAM);

            // Pub/Sub: a message published on any node reaches Lettuce's subscriber (PUBLISH crosses the bus)
            StatefulRedisClusterPubSubConnection<String, String> ps = lettuce.connectPubSub();
            BlockingQueue<String> heard = new LinkedBlockingQueue<>();
            ps.addListener(new RedisClusterPubSubAdapter<String, String>() {
                @Override
                public void message(RedisClusterNode node, String channel, String message) {
                    heard.add(channel + " " + message);
                }

                @Override
                public void smessage(RedisClusterNode node, String channel, String message) {
                    heard.add("s " + channel + " " + message);
                }
            });
            ps.sync().subscribe("news");
            for (Node n : nodes) {
                call(n.client(), "PUBLISH", "news", "from" + n.port());
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                got.add(heard.poll(10, TimeUnit.SECONDS));
            }
            for (Node n : nodes) {
                assertTrue(got.contains("news from" + n.port()), got.toString());
            }
            // sharded Pub/Sub: SSUBSCRIBE goes to the channel's master, SPUBLISH through the cluster client
            ps.sync().ssubscribe("orders{7}");
            assertEquals(1L, lc.spublish("orders{7}", "o1"));
            assertEquals("s orders{7} o1", heard.poll(10, TimeUnit.SECONDS));
            assertEquals(Map.of("orders{7}", 1L), lc.pubsubShardNumsub("orders{7}"));
            ps.close();

            // Jedis: subscribe and ssubscribe on its cluster connection, publish and spublish from JedisCluster
            BlockingQueue<String> jheard = new LinkedBlockingQueue<>();
            JedisShardedPubSub ssub = new JedisShardedPubSub() {
                @Override
                public void onSMessage(String channel, String message) {
                    jheard.add(channel + " " + message);
                    sunsubscribe();
                }
            };
            Thread st = new Thread(() -> jc.ssubscribe(ssub, "carts"));
            st.start();
            await("the sharded subscription", ssub::isSubscribed);
            assertEquals(1L, jc.spublish("carts", "c1"));
            assertEquals("carts c1", jheard.poll(10, TimeUnit.SECONDS));
            st.join(10_000);
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    jheard.add(channel + " " + message);
                    unsubscribe();
                }
            };
            Thread pt = new Thread(() -> jc.subscribe(sub, "alerts"));
            pt.start();
            await("the subscription", sub::isSubscribed);
            jc.publish("alerts", "a1");
            assertEquals("alerts a1", jheard.poll(10, TimeUnit.SECONDS));
            pt.join(10_000);
        }
    }

    private boolean offsetsEqual(Node replica) {
        String r = call(replica.client(), "INFO", "replication");
        String master = r.replaceAll("(?s).*master_port:(\\d+).*", "$1");
        Node m = nodes.stream().filter(n -> Integer.toString(n.port()).equals(master)).findFirst().orElseThrow();
        String mo = call(m.client(), "INFO", "replication").replaceAll("(?s).*master_repl_offset:(\\d+).*", "$1");
        return r.replaceAll("(?s).*slave_repl_offset:(\\d+).*", "$1").equals(mo);
    }

    /** GET calls in INFO commandstats since the last CONFIG RESETSTAT. */
    private static long gets(Node n) {
        String s = call(n.client(), "INFO", "commandstats");
        return s.contains("cmdstat_get:") ? Long.parseLong(s.replaceAll("(?s).*cmdstat_get:calls=(\\d+).*", "$1")) : 0;
    }

    /**
     * Found with the replica-read count above: CONFIG RESETSTAT after an error reply counted itself as a failed
     * call (the error count fell to 0 during the call: a change, not an increase).
     */
    @Test
    void configResetstatIsNotAFailedCall() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (CinnabarServer ours = CinnabarServer.builder().port(0).start();
             RealRedis redis = RealRedis.start();
             RespClient o = new RespClient(ours.port());
             RespClient r = new RespClient(redis.port())) {
            for (RespClient c : List.of(o, r)) {
                assertTrue(c.call("NOSUCHCOMMAND").startsWith("-ERR unknown command"));
                assertEquals("+OK\r\n", c.call("CONFIG", "RESETSTAT"));
            }
            String want = resetstatLine(r.call("INFO", "commandstats"));
            assertTrue(want.endsWith("rejected_calls=0,failed_calls=0"), want);
            assertEquals(want.replaceAll("usec=\\d+,usec_per_call=[\\d.]+", ""),
                resetstatLine(o.call("INFO", "commandstats")).replaceAll("usec=\\d+,usec_per_call=[\\d.]+", ""));
        }
    }

    private static String resetstatLine(String info) {
        for (String l : info.split("\r\n")) {
            if (l.startsWith("cmdstat_config|resetstat:")) {
                return l;
            }
        }
        throw new AssertionError(info);
    }
}
