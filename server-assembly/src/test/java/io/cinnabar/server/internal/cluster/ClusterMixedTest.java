package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.ClusterNodes.addr;
import static io.cinnabar.server.internal.cluster.ClusterNodes.bulk;
import static io.cinnabar.server.internal.cluster.ClusterNodes.check;
import static io.cinnabar.server.internal.cluster.ClusterNodes.cliOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.cluster.ClusterNodes.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A cluster of three real Redis 7.0.15 masters and three Cinnabar masters made by {@code redis-cli --cluster
 * create}: check is clean, and slots move from Redis to Cinnabar and from Cinnabar to Redis with
 * {@code redis-cli --cluster reshard} while a client keeps writing; afterwards every acknowledged key is where the
 * slot map says with its value, and the masters hold exactly the keys written.
 */
class ClusterMixedTest {
    private static final int PRELOAD = 600;

    @Test
    void slotsMigrateBothWaysBetweenRedisAndCinnabarUnderLoad() throws Exception {
        try (ClusterNodes c = new ClusterNodes(1000)) {
            List<Node> redis = new ArrayList<>();
            List<Node> ours = new ArrayList<>();
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (int i = 0; i < 3; i++) {
                redis.add(c.redis());
                ours.add(c.cinnabar());
                create.add(addr(redis.get(i)));
                create.add(addr(ours.get(i)));
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = cliOk(create.toArray(new String[0]));
            assertTrue(out.contains("[OK] All 16384 slots covered."), out);
            c.awaitConverged(6, 30);
            check(redis.get(0));
            check(ours.get(0));
            // strings, listpack sets (sent as RDB 10 plain sets to Redis 7.0) and hashes
            for (int i = 0; i < PRELOAD; i++) {
                switch (i % 3) {
                    case 0 -> assertEquals("+OK\r\n", c.routed("SET", "pre:" + i, "v" + i));
                    case 1 -> assertEquals(":3\r\n", c.routed("SADD", "pre:" + i, "a", "b" + i, "c"));
                    default -> assertEquals(":1\r\n", c.routed("HSET", "pre:" + i, "f", "v" + i));
                }
            }

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            ClusterNodes.Router writer = c.router();
            Thread load = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String r = writer.run("SET", "load:" + i, "w" + i);
                        if (!r.equals("+OK\r\n")) {
                            throw new AssertionError("SET load:" + i + " -> " + r);
                        }
                        written.set(i + 1);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "cluster-load");
            load.start();
            try {
                ClusterNodes.await("the load to start", 30, () -> written.get() > 200 || failure.get() != null);
                // Redis -> Cinnabar, then Cinnabar -> Redis, each 400 slots with their keys, under the writes
                cliOk("--cluster", "reshard", addr(redis.get(0)), "--cluster-from", c.id(redis.get(0)),
                    "--cluster-to", c.id(ours.get(0)), "--cluster-slots", "400", "--cluster-yes");
                int mid = written.get();
                cliOk("--cluster", "reshard", addr(ours.get(1)), "--cluster-from", c.id(ours.get(1)),
                    "--cluster-to", c.id(redis.get(1)), "--cluster-slots", "400", "--cluster-yes");
                int end = written.get();
                ClusterNodes.await("writes after the second reshard", 30,
                    () -> written.get() > end + 100 || failure.get() != null);
                System.out.println("mixed cluster: " + mid + " writes during the Redis->Cinnabar reshard, "
                    + (end - mid) + " during Cinnabar->Redis, " + writer.redirections + " redirections");
            } finally {
                stop.set(true);
                load.join(30_000);
            }
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            check(redis.get(2));
            check(ours.get(2));

            int n = written.get();
            for (int i = 0; i < PRELOAD; i++) {
                switch (i % 3) {
                    case 0 -> assertEquals(bulk("v" + i), c.routed("GET", "pre:" + i));
                    case 1 -> assertEquals(":1\r\n", c.routed("SISMEMBER", "pre:" + i, "b" + i));
                    default -> assertEquals(bulk("v" + i), c.routed("HGET", "pre:" + i, "f"));
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(bulk("w" + i), c.routed("GET", "load:" + i), "load:" + i);
            }
            long total = 0;
            for (Node m : c.nodes) {
                total += c.dbsize(m);
            }
            assertEquals(PRELOAD + n, total, "keys held by the six masters");
            assertTrue(c.dbsize(ours.get(0)) > 0 && c.dbsize(redis.get(1)) > 0);
        }
    }
}
