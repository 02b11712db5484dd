package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.cluster.ClusterNodes.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master that loses a slot holding keys (another master claims it with a newer config epoch) deletes them, and
 * its replica deletes them too: each deletion is propagated as a DEL (Redis's delKeysInSlot).
 */
class ClusterLostSlotTest {
    private final ClusterNodes cluster = new ClusterNodes(2000);

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    /** The CLUSTER NODES line about id as seen by n, or "". */
    private String line(Node n, String id) {
        for (String l : ClusterNodes.body(cluster.call(n.port(), "CLUSTER", "NODES")).split("\n")) {
            if (l.startsWith(id)) {
                return l;
            }
        }
        return "";
    }

    @Test
    void theKeysOfALostSlotLeaveTheReplicaToo() throws Exception {
        Node a = cluster.cinnabar();
        Node r = cluster.cinnabar();
        Node b = cluster.cinnabar();
        String aid = cluster.id(a);
        String bid = cluster.id(b);
        String rid = cluster.id(r);
        assertEquals("+OK\r\n", cluster.call(a.port(), "CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        for (Node n : new Node[] {r, b}) {
            assertEquals("+OK\r\n", cluster.call(n.port(), "CLUSTER", "MEET", "127.0.0.1",
                Integer.toString(a.port()), Integer.toString(a.busPort())));
        }
        ClusterNodes.await("everyone to know everyone", 20, () -> line(r, aid).contains(" master ")
            && line(b, aid).contains(" master ") && line(a, rid).contains(" connected")
            && line(a, bid).contains(" connected") && line(b, rid).contains(" connected"));
        assertEquals("+OK\r\n", cluster.call(r.port(), "CLUSTER", "REPLICATE", aid));
        ClusterNodes.await("the master to see its replica", 20, () -> line(a, rid).contains(" slave " + aid));
        for (int i = 0; i < 50; i++) {
            assertEquals("+OK\r\n", cluster.call(a.port(), "SET", "{foo}" + i, "v" + i)); // slot 12182
            assertEquals("+OK\r\n", cluster.call(a.port(), "SET", "{bar}" + i, "w" + i)); // slot 5061
        }
        ClusterNodes.await("the replica to hold every key", 20, () -> cluster.dbsize(r) == 100);
        String before = cluster.call(r.port(), "DEBUG", "DIGEST");
        // b takes slot 12182 and bumps its config epoch above a's: a loses the slot and deletes its keys
        assertEquals("+OK\r\n", cluster.call(b.port(), "CLUSTER", "SETSLOT", "12182", "NODE", bid));
        String bump = cluster.call(b.port(), "CLUSTER", "BUMPEPOCH");
        assertTrue(bump.startsWith("+BUMPED") || bump.startsWith("+STILL"), bump);
        ClusterNodes.await("the master to drop the lost slot's keys", 20, () -> cluster.dbsize(a) == 50);
        ClusterNodes.await("the replica to drop them too", 20, () -> cluster.dbsize(r) == 50);
        assertEquals(":0\r\n", cluster.call(a.port(), "CLUSTER", "COUNTKEYSINSLOT", "12182"));
        assertEquals(":50\r\n", cluster.call(r.port(), "CLUSTER", "COUNTKEYSINSLOT", "5061"));
        String after = cluster.call(r.port(), "DEBUG", "DIGEST");
        assertNotEquals(before, after);
        assertEquals(cluster.call(a.port(), "DEBUG", "DIGEST"), after);
        assertTrue(line(a, aid).contains("myself,master"), line(a, aid)); // a kept its other slots: still a master
    }
}
