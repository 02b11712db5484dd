package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.ClusterNodes.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.cluster.ClusterNodes.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many Cinnabar nodes embedded in this JVM form one cluster (half masters with a slot range each, half their
 * replicas) by CLUSTER MEET to one node: gossip must converge (every node knows every other, cluster_state:ok),
 * a master that stops must be marked FAIL by every other node, and its replica must take its slots over. The
 * times are printed next to cluster-node-timeout. 20 nodes and 1000 ms here; {@code bench/cluster-scale.sh 60 3000}
 * runs the same test with -Dcinnabar.scale.nodes=60 -Dcinnabar.scale.timeout=3000.
 */
class ClusterScaleTest {
    private static final long NODE_TIMEOUT = Long.getLong("cinnabar.scale.timeout", 1000);

    /** The tests poll every 100 ms: a 60-node JVM has no CPU to spare for a busier observer. */
    private static final long POLL_MS = 100;

    private static boolean flagged(ClusterNodes c, Node viewer, String id, String flag) {
        return flagged(body(c.call(viewer.port(), "CLUSTER", "NODES")), id, flag);
    }

    /** Whether the CLUSTER NODES text shows node id with the flag. */
    private static boolean flagged(String nodes, String id, String flag) {
        for (String l : nodes.split("\n")) {
            if (l.startsWith(id + " ")) {
                return ("," + l.split(" ")[2] + ",").contains("," + flag + ",");
            }
        }
        return false;
    }

    private static String nodeLine(ClusterNodes c, Node viewer, String id) {
        for (String l : body(c.call(viewer.port(), "CLUSTER", "NODES")).split("\n")) {
            if (l.startsWith(id + " ")) {
                return l.length() > 160 ? l.substring(0, 160) : l;
            }
        }
        return "(unknown)";
    }

    private static String line(String info, String field) {
        int i = info.indexOf(field + ":");
        return i < 0 ? field + ":?" : info.substring(i, info.indexOf('\r', i));
    }

    @Test
    void manyNodesConvergeMarkAFailedMasterAndReplaceIt() throws Exception {
        int n = Integer.getInteger("cinnabar.scale.nodes", 20);
        int masters = n / 2;
        try (ClusterNodes c = new ClusterNodes(NODE_TIMEOUT)) {
            for (int i = 0; i < n; i++) {
                c.cinnabar();
            }
            List<String> ids = new ArrayList<>();
            for (Node node : c.nodes) {
                ids.add(c.id(node));
            }
            for (int i = 0; i < masters; i++) {
                Node m = c.nodes.get(i);
                assertEquals("+OK\r\n", c.call(m.port(), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1)));
                assertEquals("+OK\r\n", c.call(m.port(), "CLUSTER", "ADDSLOTSRANGE",
                    Integer.toString(i * 16384 / masters), Integer.toString((i + 1) * 16384 / masters - 1)));
            }
            Node first = c.nodes.get(0);
            long t0 = System.nanoTime();
            for (int i = 1; i < n; i++) {
                assertEquals("+OK\r\n", c.call(c.nodes.get(i).port(), "CLUSTER", "MEET", "127.0.0.1",
                    Integer.toString(first.port()), Integer.toString(first.busPort())));
            }
            c.awaitConverged(n, 120);
            long converged = System.nanoTime() - t0;
            System.out.printf("cluster scale: %d nodes, cluster-node-timeout %d ms: gossip converged in %d ms%n", n,
                NODE_TIMEOUT, converged / 1_000_000);

            long t1 = System.nanoTime();
            for (int i = masters; i < n; i++) {
                assertEquals("+OK\r\n", c.call(c.nodes.get(i).port(), "CLUSTER", "REPLICATE", ids.get(i - masters)));
            }
            StringBuilder lagging = new StringBuilder();
            try {
                ClusterNodes.await("every replica in sync and known as one", 120, POLL_MS, () -> {
                    lagging.setLength(0);
                    String seen = body(c.call(first.port(), "CLUSTER", "NODES"));
                    for (int i = masters; i < n; i++) {
                        Node r = c.nodes.get(i);
                        String info = c.call(r.port(), "INFO", "replication");
                        boolean up = info.contains("master_link_status:up");
                        boolean known = flagged(seen, ids.get(i), "slave");
                        if (!up || !known) {
                            lagging.append("\n replica ").append(r.port()).append(up ? " link up" : " link down")
                                .append(known ? "" : ", not a replica for node 0").append(": ")
                                .append(line(info, "master_sync_in_progress")).append(' ')
                                .append(line(info, "master_port")).append(" | node 0 sees: ")
                                .append(nodeLine(c, first, ids.get(i))).append(" | it sees itself: ")
                                .append(nodeLine(c, r, ids.get(i)));
                        }
                    }
                    return lagging.length() == 0;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + lagging, e);
            }
            c.awaitConverged(n, 120);
            long replicated = System.nanoTime() - t1;
            for (int i = 0; i < 200; i++) {
                assertEquals("+OK\r\n", c.routed("SET", "scale:" + i, "v" + i));
            }

            // the last master stops: every other node marks it FAIL, then its replica takes its slots
            int victim = masters - 1;
            String victimId = ids.get(victim);
            String heirId = ids.get(victim + masters);
            ClusterNodes.await("the victim's replica to have its keys", 30, POLL_MS, () -> c.call(c.nodes.get(victim
                + masters).port(), "DBSIZE").equals(c.call(c.nodes.get(victim).port(), "DBSIZE")));
            c.stop(c.nodes.get(victim));
            long t2 = System.nanoTime();
            List<Node> alive = new ArrayList<>(c.nodes);
            alive.remove(victim);
            ClusterNodes.await("every node to mark the stopped master FAIL", 120, POLL_MS,
                () -> alive.stream().allMatch(v -> flagged(c, v, victimId, "fail")));
            long failed = System.nanoTime() - t2;
            ClusterNodes.await("the replica to be master everywhere", 120, POLL_MS,
                () -> alive.stream().allMatch(v -> flagged(c, v, heirId, "master")));
            c.awaitConverged(n, 120);
            long replaced = System.nanoTime() - t2;
            for (int i = 0; i < 200; i++) {
                assertEquals(ClusterNodes.bulk("v" + i), c.routed("GET", "scale:" + i));
            }
            assertTrue(c.call(c.nodes.get(victim + masters).port(), "ROLE").contains("master"));
            System.out.printf("cluster scale: %d nodes (%d masters), cluster-node-timeout %d ms: gossip converged "
                + "in %d ms, replicas attached and known in %d ms, FAIL of a stopped master seen by all %d others "
                + "in %d ms, replaced by its replica (cluster_state:ok everywhere) in %d ms%n", n, masters,
                NODE_TIMEOUT, converged / 1_000_000, replicated / 1_000_000, n - 1, failed / 1_000_000,
                replaced / 1_000_000);
        }
    }
}
