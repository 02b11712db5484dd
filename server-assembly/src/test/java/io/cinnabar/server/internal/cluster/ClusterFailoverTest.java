package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover in an all-Cinnabar cluster of six embedded nodes (three masters, three replicas, cluster-node-timeout
 * 1000 ms): a master that stops is replaced by its replica through an election (the time is printed next to the
 * node timeout), and the three forms of CLUSTER FAILOVER switch the roles of a running master and its replica;
 * every write acknowledged with WAIT 1 is still there afterwards and the old master follows the new one.
 */
class ClusterFailoverTest {
    static final long NODE_TIMEOUT = 1000;

    /** A started node: the server, a client, its name and its directory. */
    record Node(CinnabarServer server, RespClient client, String id, Path dir, int busPort) {
        int port() {
            return server.port();
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // already stopped by the test
            }
        }
    }

    static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    static String call(RespClient c, String... args) {
        try {
            return c.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** The CLUSTER NODES line of c about id, or "". */
    static String line(RespClient c, String id) {
        for (String l : body(call(c, "CLUSTER", "NODES")).split("\n")) {
            if (l.startsWith(id)) {
                return l;
            }
        }
        return "";
    }

    private Node start(Path dir, int busPort, int port) throws Exception {
        CinnabarServer.Builder b = CinnabarServer.builder().config("cluster-enabled", "yes")
            .config("dir", dir.toString()).config("cluster-node-timeout", Long.toString(NODE_TIMEOUT))
            .config("cluster-port", Integer.toString(busPort)).config("logfile", dir.resolve("log").toString());
        if (port != 0) {
            b.port(port);
        }
        CinnabarServer s = b.start();
        open.add(s);
        RespClient c = new RespClient(s.port());
        open.add(c);
        return new Node(s, c, body(c.call("CLUSTER", "MYID")), dir, busPort);
    }

    private Node node() throws Exception {
        Node n = start(Files.createTempDirectory("cluster-failover"), RealRedis.freePort(), 0);
        nodes.add(n);
        return n;
    }

    /** Restarts a stopped node on its port, directory and bus port (it reloads its nodes.conf). */
    private Node restart(Node old) throws Exception {
        Node n = start(old.dir(), old.busPort(), old.port());
        nodes.set(nodes.indexOf(old), n);
        return n;
    }

    static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

    /** Six nodes: 0-2 masters of the three slot ranges, 3-5 their replicas; returns once all agree. */
    private void sixNodes() throws Exception {
        for (int i = 0; i < 6; i++) {
            node();
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "ADDSLOTSRANGE",
                Integer.toString(RANGES[i][0]), Integer.toString(RANGES[i][1])));
        }
        Node first = nodes.get(0);
        for (int i = 1; i < 6; i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "MEET", "127.0.0.1",
                Integer.toString(first.port()), Integer.toString(first.busPort())));
        }
        await("every node to know the six", () -> nodes.stream().allMatch(n -> nodes.stream()
            .allMatch(o -> line(n.client(), o.id()).contains("connected"))));
        for (int i = 3; i < 6; i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "REPLICATE", nodes.get(i - 3).id()));
        }
        for (int i = 3; i < 6; i++) {
            Node r = nodes.get(i);
            Node m = nodes.get(i - 3);
            await("every node to see " + i + " as a replica", () -> nodes.stream()
                .allMatch(n -> line(n.client(), r.id()).contains("slave " + m.id())));
            await("replica " + i + " to be in sync", () -> call(r.client(), "INFO", "replication")
                .contains("master_link_status:up"));
        }
        awaitOk(nodes);
    }

    static void awaitOk(List<Node> which) throws InterruptedException {
        await("cluster_state:ok everywhere", () -> which.stream()
            .allMatch(n -> call(n.client(), "CLUSTER", "INFO").contains("cluster_state:ok")));
    }

    /** Keys that hash to the slots of the first range (master 0), written with WAIT 1; the acknowledged ones. */
    static List<String> writeAcked(RespClient master, String prefix, int count) {
        List<String> acked = new ArrayList<>();
        for (int i = 0; acked.size() < count; i++) {
            String k = prefix + i;
            String reply = call(master, "SET", k, "v" + i);
            if (!reply.equals("+OK\r\n")) {
                continue; // a key of another slot range (MOVED)
            }
            if (call(master, "WAIT", "1", "2000").equals(":1\r\n")) {
                acked.add(k);
            }
        }
        return acked;
    }

    static void assertAllThere(RespClient c, List<String> keys) {
        for (String k : keys) {
            String v = "v" + k.substring(k.lastIndexOf(':') + 1);
            assertEquals("$" + v.length() + "\r\n" + v + "\r\n", call(c, "GET", k), "acknowledged key " + k);
        }
    }

    @Test
    void aStoppedMasterIsReplacedByItsReplica() throws Exception {
        sixNodes();
        Node master = nodes.get(0);
        Node replica = nodes.get(3);
        List<String> acked = writeAcked(master.client(), "k:", 200);
        long t0 = System.nanoTime();
        master.server().close();
        List<Node> alive = new ArrayList<>(nodes);
        alive.remove(master);
        await("the replica to be elected", () -> line(replica.client(), replica.id()).contains("myself,master"));
        long elected = System.nanoTime();
        awaitOk(alive);
        long ok = System.nanoTime();
        System.out.printf("cluster failover: replica elected %d ms, cluster_state ok %d ms after the master stopped "
            + "(cluster-node-timeout %d ms)%n", TimeUnit.NANOSECONDS.toMillis(elected - t0),
            TimeUnit.NANOSECONDS.toMillis(ok - t0), NODE_TIMEOUT);
        assertTrue(call(replica.client(), "INFO", "replication").contains("role:master"));
        String key = acked.get(0);
        for (Node n : alive) {
            if (n != replica) {
                await("node " + n.port() + " to route " + key + " to the new master", () -> call(n.client(), "GET",
                    key).equals("-MOVED " + call(n.client(), "CLUSTER", "KEYSLOT", key).substring(1).trim()
                    + " 127.0.0.1:" + replica.port() + "\r\n"));
            }
        }
        String info = call(replica.client(), "CLUSTER", "INFO");
        assertTrue(info.contains("cluster_stats_messages_auth-req_sent:"), info);
        assertTrue(call(nodes.get(1).client(), "CLUSTER", "INFO").contains("cluster_stats_messages_auth-ack_sent:1"));
        assertAllThere(replica.client(), acked);
        for (Node n : alive) {
            await("every node to see the new master and the old one failed", () -> line(n.client(), replica.id())
                .contains("master - ") && line(n.client(), master.id()).contains("fail"));
        }
        // the old master comes back and becomes a replica of the new one
        Node back = restart(master);
        await("the old master to follow the new one", () -> line(back.client(), back.id())
            .contains("myself,slave " + replica.id()));
        await("the old master to sync", () -> call(back.client(), "INFO", "replication")
            .contains("master_link_status:up"));
        assertAllThere(replicaReadonly(back), acked);
    }

    static RespClient replicaReadonly(Node n) {
        call(n.client(), "READONLY");
        return n.client();
    }

    @Test
    void clusterFailoverSwitchesRolesWithoutLosingAcknowledgedWrites() throws Exception {
        sixNodes();
        Node master = nodes.get(1);
        Node replica = nodes.get(4);
        RespClient m = master.client();
        RespClient r = replica.client();
        assertEquals("-ERR You should send CLUSTER FAILOVER to a replica\r\n", call(m, "CLUSTER", "FAILOVER"));
        assertEquals("-ERR syntax error\r\n", call(r, "CLUSTER", "FAILOVER", "QUICKLY"));
        List<String> acked = writeAcked(m, "a:", 100);
        // default: the master pauses, the replica catches up and is elected with the masters' votes
        long t0 = System.nanoTime();
        assertEquals("+OK\r\n", call(r, "CLUSTER", "FAILOVER"));
        await("the replica to become master", () -> line(r, replica.id()).contains("myself,master"));
        await("the old master to follow it", () -> line(m, master.id()).contains("myself,slave " + replica.id()));
        System.out.printf("CLUSTER FAILOVER: roles switched in %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        awaitOk(nodes);
        assertAllThere(r, acked);
        await("the old master to sync", () -> call(m, "INFO", "replication").contains("master_link_status:up"));
        // FORCE, back the other way
        acked.addAll(writeAcked(r, "b:", 100));
        assertEquals("+OK\r\n", call(m, "CLUSTER", "FAILOVER", "FORCE"));
        await("FORCE to switch back", () -> line(m, master.id()).contains("myself,master")
            && line(r, replica.id()).contains("myself,slave " + master.id()));
        awaitOk(nodes);
        assertAllThere(m, acked);
        await("the replica to sync", () -> call(r, "INFO", "replication").contains("master_link_status:up"));
        // TAKEOVER: no votes, a new epoch
        acked.addAll(writeAcked(m, "c:", 100));
        long epoch = Long.parseLong(info(m, "cluster_current_epoch"));
        assertEquals("+OK\r\n", call(r, "CLUSTER", "FAILOVER", "TAKEOVER"));
        await("TAKEOVER to switch", () -> line(r, replica.id()).contains("myself,master")
            && line(m, master.id()).contains("myself,slave " + replica.id()));
        assertTrue(Long.parseLong(info(r, "cluster_my_epoch")) > epoch);
        awaitOk(nodes);
        assertAllThere(r, acked);
        for (Node n : nodes) {
            await("every node to see the final roles", () -> line(n.client(), master.id())
                .contains("slave " + replica.id()) && line(n.client(), replica.id()).contains("master - "));
        }
    }

    static String info(RespClient c, String field) {
        for (String l : call(c, "CLUSTER", "INFO").split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field);
    }

    @Test
    void clusterFailoverPreconditions() throws Exception {
        Node a = node();
        assertEquals("-ERR You should send CLUSTER FAILOVER to a replica\r\n", call(a.client(), "CLUSTER",
            "FAILOVER"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'FAILOVER'. Try CLUSTER HELP.\r\n",
            call(a.client(), "CLUSTER", "FAILOVER", "FORCE", "X"));
    }
}
