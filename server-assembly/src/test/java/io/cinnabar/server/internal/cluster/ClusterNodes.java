package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The cluster nodes of a multi-node test, Cinnabar (embedded) or real Redis (processes), on free ports with their
 * files in temporary directories, and what a test does with them: redis-cli --cluster, a client that follows
 * MOVED and ASK, waiting. {@link #close} stops everything that was started, newest first.
 */
final class ClusterNodes implements AutoCloseable {
    /** One node: its client and bus ports and the way to stop it. */
    record Node(int port, int busPort, AutoCloseable server) {
    }

    final List<Node> nodes = new ArrayList<>();
    private final List<AutoCloseable> open = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, RespClient> clients = new HashMap<>();
    private final long nodeTimeout;

    /** Server logs go nowhere unless -Dcinnabar.cluster.log=true (a 60-node run logs a lot). */
    private static final boolean LOG = Boolean.getBoolean("cinnabar.cluster.log");

    /**
     * Where a node logs: System.out, or its own discarding stream (one shared PrintStream is one lock for every
     * node of the JVM: 60 nodes were seen queueing on it).
     */
    private java.io.PrintStream logStream() throws IOException {
        String dir = System.getProperty("cinnabar.cluster.logdir", "");
        if (!dir.isEmpty()) { // one file per node (node-00.log, ...), for reading a big run afterwards
            java.io.PrintStream p = new java.io.PrintStream(Files.newOutputStream(Path.of(dir).resolve(
                String.format("node-%02d.log", nodes.size()))), true, StandardCharsets.UTF_8);
            open.add(p::close);
            return p;
        }
        return LOG ? System.out : new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    }

    ClusterNodes(long nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
    }

    Node cinnabar() throws IOException {
        Path dir = Files.createTempDirectory("cluster-node");
        int bus = RealRedis.freePort();
        CinnabarServer s = CinnabarServer.builder().config("cluster-enabled", "yes").config("dir", dir.toString())
            .config("enable-debug-command", "yes")
            .config("cluster-node-timeout", Long.toString(nodeTimeout)).config("cluster-port", Integer.toString(bus))
            .log(logStream()).start();
        open.add(s);
        Node n = new Node(s.port(), bus, s);
        nodes.add(n);
        return n;
    }

    Node redis() throws IOException {
        int bus = RealRedis.freePort();
        RealRedis r = RealRedis.start("--cluster-enabled", "yes", "--cluster-node-timeout",
            Long.toString(nodeTimeout), "--cluster-port", Integer.toString(bus));
        open.add(r);
        Node n = new Node(r.port(), bus, r);
        nodes.add(n);
        return n;
    }

    boolean isRunning(Node n) {
        return open.contains(n.server());
    }

    /** Stops a node now (its clients too); the others see its links drop. */
    void stop(Node n) throws Exception {
        RespClient c = clients.remove(n.port());
        if (c != null) {
            c.close();
            open.remove(c);
        }
        n.server().close();
        open.remove(n.server());
    }

    RespClient client(int port) {
        return clients.computeIfAbsent(port, p -> {
            try {
                RespClient c = new RespClient(p);
                open.add(c);
                return c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    String call(int port, String... args) {
        try {
            return client(port).call(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    String id(Node n) {
        return body(call(n.port(), "CLUSTER", "MYID"));
    }

    long dbsize(Node n) {
        return Long.parseLong(call(n.port(), "DBSIZE").substring(1).trim());
    }

    static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        await(what, seconds, 20, cond);
    }

    /** Polls cond every pollMs until it holds; fails after seconds. */
    static void await(String what, long seconds, long pollMs, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(pollMs);
        }
    }

    /** Runs redis-cli with args; its exit code (output appended to out). */
    static int cli(StringBuilder out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(RealRedis.binary("redis-cli").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    /** redis-cli args that must succeed; returns the output. */
    static String cliOk(String... args) throws Exception {
        StringBuilder out = new StringBuilder();
        assertEquals(0, cli(out, args), String.join(" ", args) + "\n" + out);
        return out.toString();
    }

    static String addr(Node n) {
        return "127.0.0.1:" + n.port();
    }

    /** `redis-cli --cluster check` passes, with every slot covered and every node agreeing. */
    static void check(Node n) throws Exception {
        String out = cliOk("--cluster", "check", addr(n));
        assertTrue(out.contains("[OK] All nodes agree about slots configuration.") && out.contains(
            "[OK] All 16384 slots covered.") && !out.contains("[WARNING]") && !out.contains("[ERR]"), out);
    }

    /** Waits until every running node reports cluster_state:ok and knows exactly `known` nodes. */
    void awaitConverged(int known, long seconds) throws InterruptedException {
        StringBuilder last = new StringBuilder();
        try {
            // polled every 2 ms per node: 60 nodes answering CLUSTER INFO every 20 ms was load of its own
            await("every node to see " + known + " nodes and cluster_state:ok", seconds, Math.max(20, 2L * nodes.size()),
                () -> {
                last.setLength(0);
                boolean all = true;
                for (Node n : nodes) {
                    if (!open.contains(n.server())) {
                        continue;
                    }
                    String info = call(n.port(), "CLUSTER", "INFO");
                    if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + known + "\r\n")) {
                        all = false;
                        String k = info.substring(info.indexOf("cluster_known_nodes:") + 20);
                        last.append(n.port()).append(info.contains("cluster_state:ok") ? " ok " : " fail ")
                            .append(k, 0, k.indexOf('\r')).append("; ");
                    }
                }
                return all;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (not yet: port state known-nodes: " + last + ")", e);
        }
    }

    private Router router;

    /** {@link Router#run} with this thread's router (the test's main thread). */
    String routed(String... args) {
        if (router == null) {
            router = router();
        }
        return router.run(args);
    }

    /** A router with its own connections (one per thread), closed with the nodes. */
    Router router() {
        Router r = new Router();
        synchronized (open) {
            open.add(r);
        }
        return r;
    }

    /**
     * A cluster client: runs a command on its key's node, starting at a running node, following MOVED, and on ASK
     * sending ASKING then the command to the node named; TRYAGAIN and CLUSTERDOWN are retried briefly.
     */
    final class Router implements AutoCloseable {
        private final Map<Integer, RespClient> conns = new HashMap<>();
        private int home = -1;
        long redirections;

        private String send(int port, String... args) {
            try {
                RespClient c = conns.get(port);
                if (c == null) {
                    c = new RespClient(port);
                    conns.put(port, c);
                }
                return c.call(args);
            } catch (IOException e) {
                RespClient c = conns.remove(port);
                if (c != null) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // already broken
                    }
                }
                home = -1;
                throw new UncheckedIOException(e);
            }
        }

        String run(String... args) {
            if (home < 0) {
                for (Node n : nodes) {
                    if (open.contains(n.server())) {
                        home = n.port();
                        break;
                    }
                }
            }
            int port = home;
            boolean asking = false;
            for (int hop = 0; hop < 200; hop++) {
                if (asking) {
                    send(port, "ASKING");
                }
                String reply = send(port, args);
                asking = false;
                if (reply.startsWith("-MOVED ") || reply.startsWith("-ASK ")) {
                    redirections++;
                    asking = reply.startsWith("-ASK ");
                    port = Integer.parseInt(reply.trim().substring(reply.trim().lastIndexOf(':') + 1));
                } else if (reply.startsWith("-TRYAGAIN") || reply.startsWith("-CLUSTERDOWN")) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                } else {
                    return reply;
                }
            }
            throw new AssertionError("redirected too often: " + String.join(" ", args));
        }

        @Override
        public void close() throws IOException {
            for (RespClient c : conns.values()) {
                c.close();
            }
            conns.clear();
        }
    }

    static String bulk(String v) {
        return "$" + v.length() + "\r\n" + v + "\r\n";
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        clients.clear();
        if (first != null) {
            throw first;
        }
    }
}
