package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.ClusterNodes.addr;
import static io.cinnabar.server.internal.cluster.ClusterNodes.body;
import static io.cinnabar.server.internal.cluster.ClusterNodes.bulk;
import static io.cinnabar.server.internal.cluster.ClusterNodes.check;
import static io.cinnabar.server.internal.cluster.ClusterNodes.cliOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.cluster.ClusterNodes.Node;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real redis-cli operating a cluster of six Cinnabar nodes: --cluster create with one replica per master, check,
 * reshard, rebalance, add-node (as a master and as a replica), del-node; every key written before stays readable
 * where the slot map says. Also MOVED and ASK given at EXEC when a queued command's slot moved meanwhile.
 */
class ClusterToolingTest {
    private static final int KEYS = 1000;

    /** The masters among the running nodes, by CLUSTER NODES of node n. */
    private static List<String> masterIds(ClusterNodes c, Node n) {
        List<String> out = new ArrayList<>();
        for (String l : body(c.call(n.port(), "CLUSTER", "NODES")).split("\n")) {
            String[] f = l.split(" ");
            if (f[2].contains("master") && !f[2].contains("fail") && f.length > 8) {
                out.add(f[0]);
            }
        }
        return out;
    }

    private static Node byId(ClusterNodes c, String id) {
        for (Node n : c.nodes) {
            if (c.id(n).equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id);
    }

    private static void allKeysArrived(ClusterNodes c, List<Node> masters) {
        for (int i = 0; i < KEYS; i++) {
            assertEquals(bulk("v" + i), c.routed("GET", "key:" + i), "key:" + i);
        }
        long total = 0;
        for (Node m : masters) {
            total += c.dbsize(m);
        }
        assertEquals(KEYS, total, "keys held by the masters");
    }

    private static int slotsOf(ClusterNodes c, Node n, String id) {
        int count = 0;
        for (String l : body(c.call(n.port(), "CLUSTER", "NODES")).split("\n")) {
            String[] f = l.split(" ");
            if (!f[0].equals(id)) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue;
                }
                String[] r = f[i].split("-");
                count += r.length == 1 ? 1 : Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1;
            }
        }
        return count;
    }

    @Test
    void redisCliCreatesChecksReshardsRebalancesAddsAndDeletesNodes() throws Exception {
        try (ClusterNodes c = new ClusterNodes(1000)) {
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (int i = 0; i < 6; i++) {
                create.add(addr(c.cinnabar()));
            }
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            String out = cliOk(create.toArray(new String[0]));
            assertTrue(out.contains("[OK] All 16384 slots covered."), out);
            Node first = c.nodes.get(0);
            c.awaitConverged(6, 30);
            check(first);
            List<String> masters = masterIds(c, first);
            assertEquals(3, masters.size(), body(c.call(first.port(), "CLUSTER", "NODES")));
            for (int i = 0; i < KEYS; i++) {
                assertEquals("+OK\r\n", c.routed("SET", "key:" + i, "v" + i));
            }
            List<Node> masterNodes = new ArrayList<>();
            for (String id : masters) {
                masterNodes.add(byId(c, id));
            }
            allKeysArrived(c, masterNodes);

            // reshard 500 slots from one master to another, then rebalance them back
            int before = slotsOf(c, first, masters.get(0));
            cliOk("--cluster", "reshard", addr(first), "--cluster-from", masters.get(0), "--cluster-to",
                masters.get(1), "--cluster-slots", "500", "--cluster-yes");
            check(first);
            assertEquals(before - 500, slotsOf(c, first, masters.get(0)));
            allKeysArrived(c, masterNodes);
            out = cliOk("--cluster", "rebalance", addr(first));
            assertTrue(out.contains("Moving"), out);
            check(first);
            assertTrue(Math.abs(slotsOf(c, first, masters.get(0)) - before) < 100, out);
            allKeysArrived(c, masterNodes);

            // a new empty master takes its share (weighted down to about 270 slots, to keep the test short) with
            // rebalance --cluster-use-empty-masters
            Node added = c.cinnabar();
            cliOk("--cluster", "add-node", addr(added), addr(first));
            c.awaitConverged(7, 30);
            String addedId = c.id(added);
            cliOk("--cluster", "rebalance", addr(first), "--cluster-use-empty-masters", "--cluster-weight",
                addedId + "=0.05");
            check(first);
            masterNodes.add(added);
            assertTrue(slotsOf(c, first, addedId) > 200, body(c.call(first.port(), "CLUSTER", "NODES")));
            assertTrue(c.dbsize(added) > 0);
            allKeysArrived(c, masterNodes);

            // and a new replica of it with --cluster-slave --cluster-master-id
            Node replica = c.cinnabar();
            cliOk("--cluster", "add-node", addr(replica), addr(first), "--cluster-slave", "--cluster-master-id",
                addedId);
            c.awaitConverged(8, 30);
            String replicaId = c.id(replica);
            ClusterNodes.await("the new replica to follow its master and copy its keys", 30,
                () -> c.call(first.port(), "CLUSTER", "NODES").contains(" slave " + addedId)
                    && c.dbsize(replica) == c.dbsize(added));
            check(first);

            // del-node: the replica, then the added master once its slots were moved away
            delNode(c, first, replica, replicaId);
            c.stop(replica);
            int slots = slotsOf(c, first, addedId);
            cliOk("--cluster", "reshard", addr(first), "--cluster-from", addedId, "--cluster-to", masters.get(2),
                "--cluster-slots", Integer.toString(slots), "--cluster-yes");
            assertEquals(0, c.dbsize(added));
            delNode(c, first, added, addedId);
            c.stop(added);
            masterNodes.remove(added);
            c.awaitConverged(6, 30);
            check(first);
            assertTrue(!c.call(first.port(), "CLUSTER", "NODES").contains(addedId));
            allKeysArrived(c, masterNodes);

            execAfterTheSlotMoved(c, first);
        }
    }

    /**
     * redis-cli --cluster del-node: FORGET on every other node, then CLUSTER RESET SOFT on the node. The forgotten
     * node extension of the first FORGET's pings can reach a node before redis-cli's FORGET does (Redis 7 has the
     * same race; a loaded machine makes redis-cli slow enough to lose it): redis-cli then stops at "ERR Unknown
     * node". That case is accepted once every other node has forgotten the node, and the reset is done here.
     */
    private static void delNode(ClusterNodes c, Node entry, Node gone, String id) throws Exception {
        StringBuilder out = new StringBuilder();
        int rc = ClusterNodes.cli(out, "--cluster", "del-node", addr(entry), id);
        if (rc == 0) {
            assertTrue(out.toString().contains("CLUSTER RESET SOFT"), out.toString());
            return;
        }
        assertTrue(out.toString().contains("ERR Unknown node " + id), out.toString());
        System.out.println("del-node raced with the forgotten-node gossip: " + out);
        ClusterNodes.await("every other node to forget " + id, 30, () -> c.nodes.stream()
            .filter(n -> n != gone && c.isRunning(n)).noneMatch(n -> c.call(n.port(), "CLUSTER", "NODES")
                .contains(id)));
        assertEquals("+OK\r\n", c.call(gone.port(), "CLUSTER", "RESET", "SOFT"));
    }

    /** A transaction queued on a slot that starts migrating (ASK) or moves (MOVED) before EXEC is not run. */
    private static void execAfterTheSlotMoved(ClusterNodes c, Node any) throws Exception {
        String key = "{exec}k";
        int slot = KeySlots.slot(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String reply = c.call(any.port(), "GET", key);
        Node owner = reply.startsWith("-MOVED") ? portNode(c, reply) : any;
        String ownerId = c.id(owner);
        Node target = null;
        for (String id : masterIds(c, any)) {
            if (!id.equals(ownerId)) {
                target = byId(c, id);
                break;
            }
        }
        String targetId = c.id(target);
        String s = Integer.toString(slot);
        assertEquals("+OK\r\n", c.call(owner.port(), "MULTI"));
        assertEquals("+QUEUED\r\n", c.call(owner.port(), "SET", key, "1"));
        assertEquals("+OK\r\n", c.call(target.port(), "CLUSTER", "SETSLOT", s, "IMPORTING", ownerId));
        try (RespClient admin = new RespClient(owner.port())) { // the test's own connection is inside MULTI
            assertEquals("+OK\r\n", admin.call("CLUSTER", "SETSLOT", s, "MIGRATING", targetId));
            assertEquals("-ASK " + slot + " 127.0.0.1:" + target.port() + "\r\n", c.call(owner.port(), "EXEC"));
            assertEquals("-ERR EXEC without MULTI\r\n", c.call(owner.port(), "EXEC"));
            // the migration is called off; a GET queued on the stable slot, which then moves: MOVED at EXEC
            assertEquals("+OK\r\n", admin.call("CLUSTER", "SETSLOT", s, "STABLE"));
            assertEquals("+OK\r\n", c.call(target.port(), "CLUSTER", "SETSLOT", s, "STABLE"));
            assertEquals("+OK\r\n", c.call(owner.port(), "MULTI"));
            assertEquals("+QUEUED\r\n", c.call(owner.port(), "GET", key));
            assertEquals("+OK\r\n", c.call(target.port(), "CLUSTER", "SETSLOT", s, "NODE", targetId));
            assertEquals("+OK\r\n", admin.call("CLUSTER", "SETSLOT", s, "NODE", targetId));
            assertEquals("-MOVED " + slot + " 127.0.0.1:" + target.port() + "\r\n", c.call(owner.port(), "EXEC"));
            assertEquals("-ERR EXEC without MULTI\r\n", c.call(owner.port(), "EXEC"));
        }
    }

    private static Node portNode(ClusterNodes c, String moved) {
        int port = Integer.parseInt(moved.trim().substring(moved.trim().lastIndexOf(':') + 1));
        for (Node n : c.nodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new AssertionError(moved);
    }
}
