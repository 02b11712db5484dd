package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus between processes: a Cinnabar node and a real Redis 7.0.15 node gossip and serve one cluster; three
 * Cinnabar nodes are joined by {@code redis-cli --cluster create}, resharded with MIGRATE by
 * {@code redis-cli --cluster reshard}, and a node that stops is marked failing by the others.
 */
class ClusterBusTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private CinnabarServer node(long nodeTimeout) throws Exception {
        Path dir = Files.createTempDirectory("cluster-node");
        CinnabarServer s = CinnabarServer.builder().config("cluster-enabled", "yes").config("dir", dir.toString())
            .config("cluster-node-timeout", Long.toString(nodeTimeout))
            .config("cluster-port", Integer.toString(RealRedis.freePort())).start();
        open.add(s);
        return s;
    }

    private RespClient client(int port) throws Exception {
        RespClient c = new RespClient(port);
        open.add(c);
        return c;
    }

    private static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static String call(RespClient c, String... args) {
        try {
            return c.call(args);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The CLUSTER NODES line about id, or "". */
    private static String line(RespClient c, String id) {
        for (String l : body(call(c, "CLUSTER", "NODES")).split("\n")) {
            if (l.startsWith(id)) {
                return l;
            }
        }
        return "";
    }

    @Test
    void realRedisGossipsWithUs() throws Exception {
        int busPort = RealRedis.freePort();
        RealRedis redis = RealRedis.start("--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort),
            "--cluster-node-timeout", "2000");
        open.add(redis);
        CinnabarServer ours = node(2000);
        RespClient r = client(redis.port());
        RespClient o = client(ours.port());
        String rid = body(r.call("CLUSTER", "MYID"));
        String oid = body(o.call("CLUSTER", "MYID"));
        assertEquals("+OK\r\n", o.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(redis.port()),
            Integer.toString(busPort)));
        await("Redis to list us as a connected master", () -> line(r, oid).contains(" master - ")
            && line(r, oid).contains(" connected"));
        await("us to list Redis as a connected master", () -> line(o, rid).contains(" master - ")
            && line(o, rid).contains(" connected"));
        assertEquals("+OK\r\n", r.call("CLUSTER", "ADDSLOTSRANGE", "0", "8191"));
        assertEquals("+OK\r\n", o.call("CLUSTER", "ADDSLOTSRANGE", "8192", "16383"));
        await("both to see every slot served", () -> call(r, "CLUSTER", "INFO").contains("cluster_state:ok")
            && call(o, "CLUSTER", "INFO").contains("cluster_state:ok"));
        await("Redis to know our slots", () -> line(r, oid).endsWith("connected 8192-16383"));
        assertEquals("+OK\r\n", o.call("SET", "foo", "1")); // slot 12182: ours
        assertEquals("-MOVED 3300 127.0.0.1:" + redis.port() + "\r\n", o.call("SET", "b", "1"));
        assertEquals("-MOVED 12182 127.0.0.1:" + ours.port() + "\r\n", r.call("GET", "foo"));
        // PUBLISH crosses the bus
        RespClient sub = client(redis.port());
        sub.call("SUBSCRIBE", "news");
        o.call("PUBLISH", "news", "hello");
        assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n", sub.read());
        // epochs: the collision at epoch 0 was resolved, each master has its own config epoch
        assertTrue(!line(r, oid).split(" ")[6].equals(line(r, rid).split(" ")[6]), call(r, "CLUSTER", "NODES"));
    }

    @Test
    void replicateFollowsTheMasterAndServesReadonlyReads() throws Exception {
        CinnabarServer m = node(2000);
        CinnabarServer r = node(2000);
        RespClient mc = client(m.port());
        RespClient rc = client(r.port());
        String mid = body(mc.call("CLUSTER", "MYID"));
        assertEquals("+OK\r\n", mc.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        assertEquals("+OK\r\n", rc.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(m.port()),
            Integer.toString(Integer.parseInt(line(mc, mid).split(" ")[1].split("@")[1]))));
        await("the replica to know the master", () -> line(rc, mid).contains(" master - "));
        assertEquals("-ERR Can't replicate myself\r\n", mc.call("CLUSTER", "REPLICATE", mid));
        assertEquals("+OK\r\n", rc.call("CLUSTER", "REPLICATE", mid));
        String rid = body(rc.call("CLUSTER", "MYID"));
        await("the master to see its replica", () -> line(mc, rid).contains(" slave " + mid));
        assertEquals("+OK\r\n", mc.call("SET", "foo", "bar"));
        assertEquals("-MOVED 12182 127.0.0.1:" + m.port() + "\r\n", rc.call("GET", "foo"));
        assertEquals("+OK\r\n", rc.call("READONLY"));
        await("the write to reach the replica", () -> call(rc, "GET", "foo").equals("$3\r\nbar\r\n"));
        assertEquals("-MOVED 12182 127.0.0.1:" + m.port() + "\r\n", rc.call("SET", "foo", "x"));
        assertTrue(call(mc, "CLUSTER", "REPLICAS", mid).contains(rid));
        assertEquals("-ERR REPLICAOF not allowed in cluster mode.\r\n", rc.call("REPLICAOF", "NO", "ONE"));
    }

    private static int run(List<String> cmd, StringBuilder out) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    /** SET or GET following MOVED redirections, as a cluster client does. */
    private static String routed(List<RespClient> nodes, List<CinnabarServer> servers, String... args) {
        RespClient c = nodes.get(0);
        for (int hop = 0; hop < 3; hop++) {
            String reply = call(c, args);
            if (!reply.startsWith("-MOVED")) {
                return reply;
            }
            int port = Integer.parseInt(reply.trim().substring(reply.lastIndexOf(':') + 1));
            for (int i = 0; i < servers.size(); i++) {
                if (servers.get(i).port() == port) {
                    c = nodes.get(i);
                }
            }
        }
        throw new AssertionError("redirected too often: " + String.join(" ", args));
    }

    @Test
    void redisCliCreatesReshardsAndChecksACinnabarCluster() throws Exception {
        String cli = RealRedis.binary("redis-cli").toString();
        List<CinnabarServer> servers = new ArrayList<>();
        List<RespClient> clients = new ArrayList<>();
        List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
        for (int i = 0; i < 3; i++) {
            CinnabarServer s = node(1000);
            servers.add(s);
            clients.add(client(s.port()));
            create.add("127.0.0.1:" + s.port());
        }
        create.add("--cluster-yes");
        StringBuilder out = new StringBuilder();
        assertEquals(0, run(create, out), out.toString());
        assertTrue(out.toString().contains("[OK] All 16384 slots covered."), out.toString());
        await("every node to see the cluster ok", () -> clients.stream()
            .allMatch(c -> call(c, "CLUSTER", "INFO").contains("cluster_state:ok")));
        for (int i = 0; i < 300; i++) {
            assertEquals("+OK\r\n", routed(clients, servers, "SET", "key:" + i, "v" + i));
        }
        String from = body(clients.get(1).call("CLUSTER", "MYID"));
        String to = body(clients.get(0).call("CLUSTER", "MYID"));
        long before = Long.parseLong(clients.get(0).call("DBSIZE").substring(1).trim());
        out.setLength(0);
        assertEquals(0, run(List.of(cli, "--cluster", "reshard", "127.0.0.1:" + servers.get(0).port(),
            "--cluster-from", from, "--cluster-to", to, "--cluster-slots", "400", "--cluster-yes"), out),
            out.toString());
        long after = Long.parseLong(clients.get(0).call("DBSIZE").substring(1).trim());
        assertTrue(after > before, "keys moved with their slots: " + before + " -> " + after);
        long total = 0;
        for (RespClient c : clients) {
            total += Long.parseLong(c.call("DBSIZE").substring(1).trim());
        }
        assertEquals(300, total);
        for (int i = 0; i < 300; i++) {
            String v = "v" + i;
            assertEquals("$" + v.length() + "\r\n" + v + "\r\n", routed(clients, servers, "GET", "key:" + i));
        }
        await("the others to learn the new owner", () -> line(clients.get(2), to).contains(" 0-5860"));
        out.setLength(0);
        assertEquals(0, run(List.of(cli, "--cluster", "check", "127.0.0.1:" + servers.get(2).port()), out),
            out.toString());
        assertTrue(out.toString().contains("[OK] All nodes agree about slots configuration."), out.toString());

        // a node stops: the two others report it and mark it FAIL (majority of the three masters)
        String gone = body(clients.get(2).call("CLUSTER", "MYID"));
        servers.get(2).close();
        long t0 = System.nanoTime();
        await("FAIL of the stopped node", () -> line(clients.get(0), gone).contains("master,fail ")
            && line(clients.get(1), gone).contains("master,fail "));
        await("cluster_state:fail", () -> call(clients.get(0), "CLUSTER", "INFO").contains("cluster_state:fail"));
        System.out.println("FAIL detected " + (System.nanoTime() - t0) / 1_000_000 + " ms after the stop, "
            + "cluster-node-timeout 1000 ms");
    }
}
