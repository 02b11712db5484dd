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

/**
 * A cluster for failover tests: Cinnabar nodes embedded in this JVM and real redis-server 7.0.15 processes, all
 * with cluster-node-timeout {@value #NODE_TIMEOUT} ms on free ports in temporary directories; {@link #close} stops
 * every one.
 */
final class FailoverCluster implements AutoCloseable {
    static final long NODE_TIMEOUT = 1000;
    static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

    /** A started node: a client on it, its name, directory and bus port; stop() kills it. */
    static final class Node {
        final CinnabarServer server;
        final RealRedis redis;
        final RespClient client;
        final String id;
        final Path dir;
        final int busPort;
        final int port;

        Node(CinnabarServer server, RealRedis redis, RespClient client, String id, Path dir, int busPort) {
            this.server = server;
            this.redis = redis;
            this.client = client;
            this.id = id;
            this.dir = dir;
            this.busPort = busPort;
            this.port = server != null ? server.port() : redis.port();
        }

        RespClient client() {
            return client;
        }

        String id() {
            return id;
        }

        int port() {
            return port;
        }

        int busPort() {
            return busPort;
        }

        /** Stops the node at once: an embedded server closes every connection, redis-server gets SIGKILL. */
        void stop() {
            if (server != null) {
                server.close();
                return;
            }
            String info = call(client, "INFO", "server");
            long pid = Long.parseLong(info.replaceAll("(?s).*process_id:(\\d+).*", "$1"));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            try {
                client.close();
            } catch (IOException e) {
                // it is dead
            }
        }
    }

    final List<Node> nodes = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    /** Options every Cinnabar node gets in addition (name, value, ...). */
    private final String[] extra;

    FailoverCluster(String... extra) {
        this.extra = extra;
    }

    @Override
    public void close() {
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

    static String info(RespClient c, String field) {
        for (String l : call(c, "CLUSTER", "INFO").split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field);
    }

    private Node startCinnabar(Path dir, int busPort, int port) throws Exception {
        CinnabarServer.Builder b = CinnabarServer.builder().config("cluster-enabled", "yes")
            .config("dir", dir.toString()).config("cluster-node-timeout", Long.toString(NODE_TIMEOUT))
            .config("cluster-port", Integer.toString(busPort)).config("logfile", dir.resolve("log").toString());
        if (port != 0) {
            b.port(port);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            b.config(extra[i], extra[i + 1]);
        }
        CinnabarServer s = b.start();
        open.add(s);
        RespClient c = new RespClient(s.port());
        open.add(c);
        return new Node(s, null, c, body(c.call("CLUSTER", "MYID")), dir, busPort);
    }

    /** A new embedded Cinnabar node. */
    Node cinnabar() throws Exception {
        // both ports chosen here: with port 0 the kernel once gave the server the bus port freePort() had just
        // released ("Could not bind the cluster bus port 34795: Address already in use", session 18's verify)
        int busPort = RealRedis.freePort();
        int port = RealRedis.freePort();
        while (port == busPort) {
            port = RealRedis.freePort();
        }
        Node n = startCinnabar(Files.createTempDirectory("cluster-failover"), busPort, port);
        nodes.add(n);
        return n;
    }

    /** A new real redis-server node. */
    Node redis() throws Exception {
        int busPort = RealRedis.freePort();
        RealRedis r = RealRedis.start("--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort),
            "--cluster-node-timeout", Long.toString(NODE_TIMEOUT));
        open.add(r);
        RespClient c = new RespClient(r.port());
        open.add(c);
        Node n = new Node(null, r, c, body(c.call("CLUSTER", "MYID")), r.dir(), busPort);
        nodes.add(n);
        return n;
    }

    /** Restarts a stopped Cinnabar node on its port, directory and bus port (it reloads its nodes.conf). */
    Node restart(Node old) throws Exception {
        Node n = startCinnabar(old.dir, old.busPort, old.port());
        nodes.set(nodes.indexOf(old), n);
        return n;
    }

    /**
     * Forms the cluster of the current nodes: 0-2 masters of the three slot ranges, 3-5 their replicas, the rest
     * replicas of master 0; returns once every node agrees and every replica is in sync.
     */
    void form() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "ADDSLOTSRANGE",
                Integer.toString(RANGES[i][0]), Integer.toString(RANGES[i][1])));
        }
        Node first = nodes.get(0);
        for (int i = 1; i < nodes.size(); i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "MEET", "127.0.0.1",
                Integer.toString(first.port()), Integer.toString(first.busPort())));
        }
        await("every node to know every other", () -> nodes.stream().allMatch(n -> nodes.stream()
            .allMatch(o -> line(n.client(), o.id()).contains("connected"))));
        for (int i = 3; i < nodes.size(); i++) {
            assertEquals("+OK\r\n", call(nodes.get(i).client(), "CLUSTER", "REPLICATE", masterOf(i).id()));
        }
        for (int i = 3; i < nodes.size(); i++) {
            Node r = nodes.get(i);
            Node m = masterOf(i);
            await("every node to see " + i + " as a replica", () -> nodes.stream()
                .allMatch(n -> line(n.client(), r.id()).contains("slave " + m.id())));
            await("replica " + i + " to be in sync", () -> call(r.client(), "INFO", "replication")
                .contains("master_link_status:up"));
        }
        awaitOk(nodes);
    }

    private Node masterOf(int i) {
        return nodes.get(i < 6 ? i - 3 : 0);
    }

    static void awaitOk(List<Node> which) throws InterruptedException {
        await("cluster_state:ok everywhere", () -> which.stream()
            .allMatch(n -> call(n.client(), "CLUSTER", "INFO").contains("cluster_state:ok")));
    }

    /** count keys of master's slots written with WAIT 1 and acknowledged by a replica (value "v" + suffix). */
    static List<String> writeAcked(RespClient master, String prefix, int count) {
        List<String> acked = new ArrayList<>();
        for (int i = 0; acked.size() < count; i++) {
            String k = prefix + i;
            if (!call(master, "SET", k, "v" + i).equals("+OK\r\n")) {
                continue; // a key of another master (MOVED)
            }
            if (call(master, "WAIT", "1", "2000").equals(":1\r\n")) {
                acked.add(k);
            }
        }
        return acked;
    }

    /** Every key is on the node c with the value writeAcked gave it. */
    static void assertAllThere(RespClient c, List<String> keys) {
        for (String k : keys) {
            String v = "v" + k.substring(k.lastIndexOf(':') + 1);
            assertEquals("$" + v.length() + "\r\n" + v + "\r\n", call(c, "GET", k), "acknowledged key " + k);
        }
    }
}
