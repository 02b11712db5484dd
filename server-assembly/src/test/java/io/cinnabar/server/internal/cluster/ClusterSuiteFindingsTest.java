package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Redis 7.0.15's own cluster test suite (tests/cluster, unit/cluster*) found, each checked against a pair of
 * real redis-server nodes and a pair of Cinnabar nodes given the same commands.
 */
class ClusterSuiteFindingsTest {
    private static final String TIMEOUT = "500";

    /** Two met cluster nodes of one kind; closes what it started. */
    static final class Pair implements AutoCloseable {
        final List<AutoCloseable> open = new ArrayList<>();
        final RespClient a;
        final RespClient b;
        final String idB;
        final int portA;
        final int portB;
        final int busB;

        Pair(boolean real, boolean meet) throws Exception {
            int[] ports = new int[2];
            int[] buses = new int[2];
            for (int i = 0; i < 2; i++) {
                buses[i] = RealRedis.freePort();
                if (real) {
                    RealRedis r = RealRedis.start("--cluster-enabled", "yes", "--cluster-node-timeout", TIMEOUT,
                        "--cluster-port", Integer.toString(buses[i]), "--enable-debug-command", "yes");
                    open.add(r);
                    ports[i] = r.port();
                } else {
                    Path dir = Files.createTempDirectory("clustsuite");
                    CinnabarServer s = CinnabarServer.builder().config("cluster-enabled", "yes")
                        .config("dir", dir.toString()).config("enable-debug-command", "yes")
                        .config("cluster-node-timeout", TIMEOUT).config("cluster-port", Integer.toString(buses[i]))
                        .log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).start();
                    open.add(s);
                    ports[i] = s.port();
                }
            }
            a = client(ports[0]);
            b = client(ports[1]);
            idB = ClusterNodes.body(b.call("CLUSTER", "MYID"));
            portA = ports[0];
            portB = ports[1];
            busB = buses[1];
            if (meet) {
                meet();
                awaitMet();
            }
        }

        void meet() throws Exception {
            assertEquals("+OK\r\n", a.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(portB),
                Integer.toString(busB)));
        }

        void awaitMet() throws Exception {
            ClusterNodes.await("the nodes to know each other", 10,
                () -> line(a, idB).contains(" connected") && !line(a, idB).contains("handshake")
                    && call(b, "CLUSTER", "INFO").contains("cluster_known_nodes:2\r\n"));
        }

        private RespClient client(int port) throws Exception {
            RespClient c = new RespClient(port);
            open.add(c);
            return c;
        }

        @Override
        public void close() throws Exception {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    static String call(RespClient c, String... args) {
        try {
            return c.call(args);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The CLUSTER NODES line of node id as c sees it. */
    static String line(RespClient c, String id) {
        for (String l : call(c, "CLUSTER", "NODES").split("\n")) {
            if (l.startsWith(id)) {
                return l;
            }
        }
        return "";
    }

    static long pongsReceived(RespClient c) {
        String info = call(c, "CLUSTER", "INFO");
        int i = info.indexOf("cluster_stats_messages_pong_received:");
        return i < 0 ? 0 : Long.parseLong(info.substring(i + 37, info.indexOf('\r', i)));
    }

    /**
     * DEBUG DROP-CLUSTER-PACKET-FILTER 2 makes B drop the MEET it receives (still counted in CLUSTER INFO): A's
     * handshake gets no answer and times out, neither learns the other; with -1 the next MEET joins them.
     * tests/cluster's init step sends the -1 to every node; 27-endpoints filters PINGs.
     */
    @Test
    void dropClusterPacketFilterDropsThatTypeOnReceipt() throws Exception {
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (Pair p = new Pair(real, false)) {
                assertEquals("+OK\r\n", p.b.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "2"), kind);
                p.meet();
                ClusterNodes.await(kind + "B to receive the MEET", 10,
                    () -> call(p.b, "CLUSTER", "INFO").contains("cluster_stats_messages_meet_received:1\r\n"));
                // the handshake times out after the node timeout (at least 1 s in both)
                ClusterNodes.await(kind + "A to give up the handshake", 10,
                    () -> call(p.a, "CLUSTER", "INFO").contains("cluster_known_nodes:1\r\n"));
                assertTrue(call(p.b, "CLUSTER", "INFO").contains("cluster_known_nodes:1\r\n"), kind);
                assertEquals("+OK\r\n", p.b.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "-1"), kind);
                p.meet();
                p.awaitMet();
                assertEquals("-ERR value is not an integer or out of range\r\n",
                    p.a.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "x"), kind);
            }
        }
    }

    /** DEBUG CLUSTERLINK KILL to|from|all closes the bus links to a node; they are reconnected. */
    @Test
    void clusterlinkKillClosesTheLinksWhichComeBack() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (Pair p = new Pair(real, true)) {
                List<String> out = new ArrayList<>();
                String created = linkCreateTime(p.a, "to");
                Thread.sleep(5); // create-time is in milliseconds
                out.add(p.a.call("DEBUG", "CLUSTERLINK", "KILL", "to", p.idB));
                ClusterNodes.await(kind + "a new link to B", 10, () -> {
                    String t = linkCreateTime(p.a, "to");
                    return !t.isEmpty() && !t.equals(created);
                });
                out.add(p.a.call("DEBUG", "CLUSTERLINK", "KILL", "all", p.idB));
                ClusterNodes.await(kind + "both links back", 10,
                    () -> !linkCreateTime(p.a, "to").isEmpty() && !linkCreateTime(p.a, "from").isEmpty());
                out.add(p.a.call("DEBUG", "CLUSTERLINK", "KILL", "to", "0123456789012345678901234567890123456789"));
                out.add(p.a.call("DEBUG", "CLUSTERLINK", "KILL", "to"));
                transcripts.add(String.join("", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
    }

    /** The create-time of a's link in that direction to its only peer, or "" while there is none. */
    static String linkCreateTime(RespClient a, String direction) {
        String links = call(a, "CLUSTER", "LINKS");
        int at = links.indexOf("$" + direction.length() + "\r\n" + direction + "\r\n");
        if (at < 0) {
            return "";
        }
        int ct = links.indexOf("create-time\r\n", at);
        int colon = links.indexOf(':', ct);
        return links.substring(colon + 1, links.indexOf('\r', colon));
    }

    /**
     * CONFIG SET cluster-announce-port / cluster-announce-bus-port shows at once in the node's own CLUSTER NODES
     * line (unit/cluster/announced-endpoints), and 0 goes back to the real ports; cluster-announce-hostname in
     * CLUSTER SHARDS.
     */
    @Test
    void announcedPortsChangeAtRuntime() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            try (Pair p = new Pair(real, false)) {
                String me = ClusterNodes.body(p.a.call("CLUSTER", "MYID"));
                String actual = line(p.a, me).split(" ")[1];
                List<String> out = new ArrayList<>();
                out.add(p.a.call("CONFIG", "SET", "cluster-announce-port", "1234"));
                out.add(line(p.a, me).split(" ")[1].replaceAll("@\\d+", "@BUS"));
                out.add(p.a.call("CONFIG", "SET", "cluster-announce-bus-port", "2345"));
                out.add(line(p.a, me).split(" ")[1]);
                out.add(p.a.call("CONFIG", "SET", "cluster-announce-port", "0", "cluster-announce-bus-port", "0"));
                out.add(Boolean.toString(line(p.a, me).split(" ")[1].equals(actual)));
                // the hostname too (tests/cluster 28-cluster-shards reads it back from CLUSTER SHARDS at once)
                out.add(p.a.call("CONFIG", "SET", "cluster-announce-hostname", "host-a.com"));
                out.add(Boolean.toString(call(p.a, "CLUSTER", "SHARDS").contains("hostname\r\n$10\r\nhost-a.com")));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains(":1234@2345") && transcripts.get(1).endsWith("true"),
            transcripts.get(1));
    }

    /**
     * A client blocked on a key whose slot this node stops serving is unblocked (Redis's clients cron,
     * clusterRedirectBlockedClientIfNeeded): CLUSTERDOWN when the slot is unbound, and when the cluster is down;
     * unit/cluster.tcl's "Verify command got unblocked after resharding" waits for the MOVED of the same check.
     */
    @Test
    void blockedClientsOfALostSlotAreUnblocked() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            try (Pair p = new Pair(real, false)) {
                List<String> out = new ArrayList<>();
                out.add(p.a.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
                ClusterNodes.await("cluster_state:ok", 10,
                    () -> call(p.a, "CLUSTER", "INFO").contains("cluster_state:ok"));
                String slot = call(p.a, "CLUSTER", "KEYSLOT", "foo").substring(1).trim();
                for (String coverage : new String[] {"no", "yes"}) {
                    out.add(p.a.call("CONFIG", "SET", "cluster-require-full-coverage", coverage));
                    try (RespClient blocked = new RespClient(p.portA)) {
                        blocked.sendRaw(RespClient.encode("BLPOP", "foo", "0"));
                        ClusterNodes.await("the client to block", 10,
                            () -> call(p.a, "INFO", "clients").contains("blocked_clients:1\r\n"));
                        out.add(p.a.call("CLUSTER", "DELSLOTS", slot));
                        out.add(blocked.read()); // within about a second
                        out.add(p.a.call("CLUSTER", "ADDSLOTS", slot));
                    }
                    ClusterNodes.await("cluster_state:ok", 10,
                        () -> call(p.a, "CLUSTER", "INFO").contains("cluster_state:ok"));
                }
                transcripts.add(String.join("", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains("-CLUSTERDOWN Hash slot not served")
            && transcripts.get(1).contains("-CLUSTERDOWN The cluster is down"), transcripts.get(1));
    }

    /**
     * CLUSTER SETSLOT NODE giving away a master's last slot makes it a replica of the new owner (unless
     * cluster-allow-replica-migration is no): unit/cluster.tcl "Migrate the last slot away from a node".
     */
    @Test
    void masterGivingAwayItsLastSlotBecomesAReplica() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            try (Pair p = new Pair(real, true)) {
                String me = ClusterNodes.body(p.a.call("CLUSTER", "MYID"));
                List<String> out = new ArrayList<>();
                out.add(p.a.call("CLUSTER", "ADDSLOTS", "100", "101"));
                out.add(p.b.call("CLUSTER", "ADDSLOTS", "102"));
                ClusterNodes.await("B to know A's slots", 10, () -> line(p.b, me).endsWith(" 100-101"));
                out.add(p.a.call("CONFIG", "SET", "cluster-allow-replica-migration", "no"));
                out.add(p.a.call("CLUSTER", "SETSLOT", "100", "NODE", p.idB));
                out.add(line(p.a, me).split(" ")[2]);
                out.add(p.a.call("CONFIG", "SET", "cluster-allow-replica-migration", "yes"));
                out.add(p.a.call("CLUSTER", "SETSLOT", "101", "NODE", p.idB));
                String[] f = line(p.a, me).split(" ");
                out.add(f[2] + " " + f[3].equals(p.idB));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).endsWith("myself,slave true"), transcripts.get(1));
    }

    /**
     * CLUSTER RESET of a replica flushes its data set (Redis's emptyData): tests/cluster 08-update-msg and
     * 12-replica-migration-2 failed on keys a former replica kept through the init step's CLUSTER RESET HARD.
     */
    @Test
    void resetOfAReplicaFlushesItsData() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (Pair p = new Pair(real, true)) {
                List<String> out = new ArrayList<>();
                out.add(p.b.call("CONFIG", "SET", "repl-diskless-sync-delay", "0"));
                out.add(p.b.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
                ClusterNodes.await(kind + "A to see B's slots", 10, () -> line(p.a, p.idB).endsWith(" 0-16383"));
                out.add(p.a.call("CLUSTER", "REPLICATE", p.idB));
                ClusterNodes.await(kind + "A's link to B", 20,
                    () -> call(p.a, "INFO", "replication").contains("master_link_status:up"));
                // Redis keeps a fresh master's cluster state FAIL for 2 s after startup (CLUSTER_WRITABLE_DELAY)
                ClusterNodes.await(kind + "cluster_state:ok on B", 10,
                    () -> call(p.b, "CLUSTER", "INFO").contains("cluster_state:ok"));
                out.add(p.b.call("SET", "{x}k", "v"));
                ClusterNodes.await(kind + "A to replicate the key", 20, () -> call(p.a, "DBSIZE").equals(":1\r\n"));
                out.add(p.a.call("CLUSTER", "RESET", "SOFT"));
                out.add(p.a.call("DBSIZE"));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).endsWith(":0\r\n"), transcripts.get(1));
    }

    /** The hidden test options tests/cluster's init step sets on every node: same replies as redis-server. */
    @Test
    void debugOnlyLoadingOptionsAreAccepted() throws Exception {
        String[][] cmds = {
            {"CONFIG", "SET", "loading-process-events-interval-bytes", "2097152"},
            {"CONFIG", "GET", "loading-process-events-interval-bytes"},
            {"CONFIG", "SET", "loading-process-events-interval-bytes", "1000"},
            {"CONFIG", "SET", "key-load-delay", "0"},
            {"CONFIG", "SET", "key-load-delay", "-10"},
            {"CONFIG", "GET", "key-load-delay"},
        };
        try (RealRedis r = RealRedis.start(); RespClient theirs = new RespClient(r.port());
             CinnabarServer s = CinnabarServer.builder().start(); RespClient mine = new RespClient(s.port())) {
            for (String[] c : cmds) {
                assertEquals(theirs.call(c), mine.call(c), String.join(" ", c));
            }
        }
    }

    /** A relative logfile lives in dir (Redis changes directory to dir before opening it); the harness tails it. */
    @Test
    void relativeLogfileIsInDir() throws Exception {
        Config c = new Config();
        Path dir = Files.createTempDirectory("clustsuite-log");
        c.set(Config.lookup("dir"), List.of(dir.toString()), true);
        c.set(Config.lookup("logfile"), List.of("log.txt"), true);
        assertEquals(dir.resolve("log.txt").toString(), ServerLog.logPath(c));
        c.set(Config.lookup("logfile"), List.of("/var/tmp/x.log"), true);
        assertEquals("/var/tmp/x.log", ServerLog.logPath(c));
        c.set(Config.lookup("logfile"), List.of(""), true);
        assertEquals("", ServerLog.logPath(c));
    }
}
