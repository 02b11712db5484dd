package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.FailoverCluster.*;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.server.internal.cluster.FailoverCluster.Node;
import io.cinnabar.testkit.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover between Cinnabar and real redis-server 7.0.15 nodes of one cluster (masters of both kinds vote): a
 * real Redis replica of a Cinnabar master is elected when the Cinnabar master stops, and a Cinnabar replica of a
 * real Redis master is elected when the Redis master is killed (SIGKILL). Acknowledged writes survive both. The same
 * failover among six redis-server processes prints Redis's own time for comparison.
 */
class ClusterMixedFailoverTest {
    /** A Redis 7.0 replica cannot read RDB 11: the Cinnabar masters send version 10 (see the replication README). */
    private final FailoverCluster cl = new FailoverCluster("cinnabar-rdb-version", "10");
    private final List<Node> nodes = cl.nodes;

    @AfterEach
    void closeAll() {
        cl.close();
    }

    private void failOver(String what) throws Exception {
        Node master = nodes.get(0);
        Node replica = nodes.get(3);
        List<String> acked = writeAcked(master.client(), "m:", 100);
        master.stop();
        long t0 = System.nanoTime();
        await("the replica to be elected", () -> line(replica.client(), replica.id()).contains("myself,master"));
        List<Node> alive = new ArrayList<>(nodes);
        alive.remove(master);
        awaitOk(alive);
        System.out.printf("%s: failover done %d ms after the master stopped (node timeout %d ms)%n", what,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), NODE_TIMEOUT);
        for (Node n : alive) {
            await("every node to see the new master", () -> line(n.client(), replica.id()).contains("master - "));
        }
        assertAllThere(replica.client(), acked);
        assertTrue(call(replica.client(), "SET", acked.get(0), "after").equals("+OK\r\n"));
    }

    @Test
    void aRedisReplicaOfACinnabarMasterIsElected() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        cl.cinnabar();
        cl.redis();
        cl.cinnabar();
        cl.redis(); // the replica of Cinnabar master 0
        cl.cinnabar();
        cl.cinnabar();
        cl.form();
        failOver("Redis replica of a Cinnabar master");
    }

    @Test
    void aCinnabarReplicaOfARedisMasterIsElected() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        cl.redis(); // the master that dies
        cl.redis();
        cl.cinnabar();
        cl.cinnabar(); // its replica
        cl.cinnabar();
        cl.cinnabar();
        cl.form();
        failOver("Cinnabar replica of a Redis master");
    }

    /** The reference: the same failover among six redis-server processes, timed the same way. */
    @Test
    void sixRedisNodesForReference() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        for (int i = 0; i < 6; i++) {
            cl.redis();
        }
        cl.form();
        failOver("six redis-server 7.0.15 nodes");
    }
}
