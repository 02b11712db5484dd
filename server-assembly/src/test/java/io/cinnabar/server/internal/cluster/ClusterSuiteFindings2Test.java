package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.ClusterSuiteFindingsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What this session's run of Redis 7.0.15's cluster suites (tests/cluster 14, 16, 25 ...; unit/cluster/*) found,
 * each checked against real redis-server given the same commands.
 */
class ClusterSuiteFindings2Test {

    /** One cluster node of one kind owning every slot, and a client to it; closes what it started. */
    private static final class Node implements AutoCloseable {
        final List<AutoCloseable> open = new ArrayList<>();
        final int port;
        final RespClient c;

        Node(boolean real) throws Exception {
            port = startServer(real, open, "cluster-enabled", "yes", "cluster-port",
                Integer.toString(RealRedis.freePort()));
            c = client();
            assertEquals("+OK\r\n", c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
            ClusterNodes.await("cluster_state:ok", 10, () -> call(c, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }

        RespClient client() throws Exception {
            RespClient r = new RespClient(port);
            open.add(r);
            return r;
        }

        @Override
        public void close() throws Exception {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    /**
     * Starts a redis-server (real) or an embedded Cinnabar server in a temporary dir, both given the config
     * name/value pairs, adds it to open and returns its port.
     */
    static int startServer(boolean real, List<AutoCloseable> open, String... config) throws Exception {
        if (real) {
            String[] args = config.clone();
            for (int i = 0; i < args.length; i += 2) {
                args[i] = "--" + args[i];
            }
            RealRedis r = RealRedis.start(args);
            open.add(r);
            return r.port();
        }
        CinnabarServer.Builder b = CinnabarServer.builder()
            .config("dir", Files.createTempDirectory("clustsuite").toString());
        for (int i = 0; i < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        CinnabarServer s = b.log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).start();
        open.add(s);
        return s.port();
    }

    /**
     * B takes every slot and A becomes its replica: waits until A sees B's slots, A's link to B is up and B's
     * cluster is ok; the replies go to out.
     */
    static void replicaOfB(ClusterSuiteFindingsTest.Pair p, String kind, List<String> out) throws Exception {
        out.add(p.b.call("CONFIG", "SET", "repl-diskless-sync-delay", "0"));
        out.add(p.b.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        ClusterNodes.await(kind + "A to see B's slots", 10,
            () -> ClusterSuiteFindingsTest.line(p.a, p.idB).endsWith(" 0-16383"));
        out.add(p.a.call("CLUSTER", "REPLICATE", p.idB));
        ClusterNodes.await(kind + "A's link to B", 20,
            () -> call(p.a, "INFO", "replication").contains("master_link_status:up"));
        ClusterNodes.await(kind + "cluster_state:ok on B", 10,
            () -> call(p.b, "CLUSTER", "INFO").contains("cluster_state:ok"));
    }

    /**
     * A node losing a slot unsubscribes the SSUBSCRIBE clients of that slot's shard channels with a
     * {@code sunsubscribe} push each (Redis's clusterDelSlot: removeChannelsInSlot), whether by CLUSTER DELSLOTS,
     * SETSLOT NODE (even to itself) or RESET; tests/cluster 25-pubsubshard-slot-migration read forever for it.
     * Channels of one slot go in name order, each to its subscribers in subscription order.
     */
    @Test
    void losingASlotUnsubscribesItsShardChannels() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            try (Node n = new Node(real)) {
                List<String> out = new ArrayList<>();
                RespClient s1 = n.client();
                RespClient s2 = n.client();
                RespClient s3 = n.client();
                s3.sendRaw(RespClient.encode("HELLO", "3"));
                s3.read();
                String slot = call(n.c, "CLUSTER", "KEYSLOT", "ch1").substring(1).trim();
                String other = call(n.c, "CLUSTER", "KEYSLOT", "ch2").substring(1).trim();
                // s1: three channels of slot(ch1) out of name order, and ch2; s2: one of them; s3 (RESP3): ch2
                for (String ch : new String[] {"{ch1}z", "ch1", "{ch1}a", "ch2"}) {
                    out.add(s1.call("SSUBSCRIBE", ch));
                }
                out.add(s2.call("SSUBSCRIBE", "ch1"));
                out.add(s3.call("SSUBSCRIBE", "ch2"));
                out.add(n.c.call("CLUSTER", "DELSLOTS", slot));
                for (int i = 0; i < 3; i++) {
                    out.add(s1.read());
                }
                out.add(s2.read());
                out.add(s2.call("PING")); // no subscription left: a plain reply again
                out.add(n.c.call("PUBSUB", "SHARDNUMSUB", "ch1", "{ch1}a", "ch2"));
                out.add(n.c.call("CLUSTER", "ADDSLOTS", slot));
                out.add(s2.call("SSUBSCRIBE", "ch1"));
                out.add(n.c.call("CLUSTER", "SETSLOT", other, "NODE", ClusterNodes.body(n.c.call("CLUSTER", "MYID"))));
                out.add(s1.read());
                out.add(s3.read());
                out.add(s1.call("PING"));
                out.add(n.c.call("CLUSTER", "RESET", "SOFT"));
                out.add(s2.read());
                out.add(n.c.call("PUBSUB", "SHARDCHANNELS"));
                out.add(n.c.call("INFO", "stats").contains("pubsubshard_channels:0\r\n") ? "none" : "some");
                transcripts.add(String.join("", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains(">3\r\n$12\r\nsunsubscribe\r\n$3\r\nch2\r\n:0\r\n"), transcripts.get(1));
    }

    /**
     * A replica keeps the keys already expired when it loads a file (Redis's rdbLoad skips them only when iAmMaster:
     * in cluster mode, when myself is a master), so that its master drives their expiry: tests/cluster 14 "Slave
     * expired keys is loaded when restarted" restarts the replica; DEBUG RELOAD runs the same load. A master drops
     * them. And CLUSTER RESET of a replica also empties the function libraries (Redis's emptyData).
     */
    @Test
    void replicaLoadKeepsExpiredKeysAndResetEmptiesFunctions() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (ClusterSuiteFindingsTest.Pair p = new ClusterSuiteFindingsTest.Pair(real, true)) {
                List<String> out = new ArrayList<>();
                replicaOfB(p, kind, out);
                out.add(p.b.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)"));
                out.add(p.b.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")); // no DELs from B: the keys stay on A
                out.add(p.b.call("SET", "{x}p", "v"));
                for (int i = 0; i < 3; i++) {
                    out.add(p.b.call("SET", "{x}t" + i, "v", "PX", "200"));
                }
                ClusterNodes.await(kind + "A to replicate the keys", 20, () -> call(p.a, "DBSIZE").equals(":4\r\n"));
                // a replica reads an expired key as missing without deleting it
                out.add(p.a.call("READONLY"));
                ClusterNodes.await(kind + "the keys to expire", 20,
                    () -> call(p.a, "EXISTS", "{x}t0", "{x}t1", "{x}t2").equals(":0\r\n"));
                out.add(p.a.call("DEBUG", "RELOAD"));
                out.add(p.a.call("DBSIZE"));
                out.add(p.a.call("FUNCTION", "LIST"));
                out.add(p.a.call("CLUSTER", "RESET", "SOFT"));
                out.add(p.a.call("DBSIZE"));
                out.add(p.a.call("FUNCTION", "LIST"));
                out.add(p.b.call("DEBUG", "RELOAD"));
                out.add(p.b.call("DBSIZE"));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains("+OK\r\n +OK\r\n :4\r\n *1\r\n") && transcripts.get(1).endsWith(" :0\r\n *0\r\n +OK\r\n :1\r\n"),
            transcripts.get(1));
    }

    /**
     * A script declaring flags without no-writes is a write for the cluster's redirection (Redis's getCommandFlags
     * in getNodeByQuery): a READONLY client of a replica gets MOVED before the replica's READONLY check, as
     * tests/cluster 16 "reply MOVED when eval from replica for update" expects; a script without a shebang runs
     * there and its write fails inside.
     */
    @Test
    void writeScriptOnAReplicaIsMoved() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (ClusterSuiteFindingsTest.Pair p = new ClusterSuiteFindingsTest.Pair(real, true)) {
                List<String> out = new ArrayList<>();
                replicaOfB(p, kind, out);
                out.add(p.b.call("SET", "a", "1"));
                ClusterNodes.await(kind + "A to replicate the key", 20, () -> call(p.a, "DBSIZE").equals(":1\r\n"));
                out.add(p.a.call("READONLY"));
                out.add(p.a.call("EVAL", "#!lua\nreturn redis.call('del','a')", "1", "a").replace(
                    Integer.toString(p.portB), "PORT"));
                out.add(p.a.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "1", "a"));
                out.add(p.a.call("EVAL", "return redis.call('get','a')", "1", "a"));
                out.add(p.a.call("EVAL", "return redis.call('del','a')", "1", "a").replaceAll("script: \\w+", "script"));
                out.add(p.a.call("MULTI"));
                out.add(p.a.call("EVAL", "#!lua\nreturn redis.call('del','a')", "1", "a").replace(
                    Integer.toString(p.portB), "PORT"));
                out.add(p.a.call("EXEC"));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains("-MOVED 15495 127.0.0.1:PORT"), transcripts.get(1));
    }

    /**
     * A replica's link to its master is down since a CLIENT KILL of the master client, also when the kill ran
     * in a transaction that went on sleeping (Redis frees the master at once): the cluster's replica data age
     * (tests/cluster 06 "Slave #5 should not be able to failover") and INFO's master_link_down_since_seconds.
     */
    @Test
    void masterLinkIsDownSinceTheKillInsideATransaction() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            List<AutoCloseable> open = new ArrayList<>();
            try {
                int[] ports = new int[2];
                for (int i = 0; i < 2; i++) {
                    ports[i] = startServer(real, open, "enable-debug-command", "yes");
                }
                RespClient m = new RespClient(ports[0]);
                open.add(m);
                RespClient r = new RespClient(ports[1]);
                open.add(r);
                assertEquals("+OK\r\n", r.call("REPLICAOF", "127.0.0.1", Integer.toString(ports[0])));
                ClusterNodes.await(kind + "the replica's link", 20,
                    () -> call(r, "INFO", "replication").contains("master_link_status:up"));
                List<String> out = new ArrayList<>();
                out.add(m.call("CONFIG", "SET", "requirepass", "secret")); // the replica cannot come back
                out.add(r.call("MULTI"));
                out.add(r.call("CLIENT", "KILL", "TYPE", "master"));
                out.add(r.call("DEBUG", "SLEEP", "2.1"));
                out.add(r.call("EXEC"));
                String info = r.call("INFO", "replication");
                int at = info.indexOf("master_link_down_since_seconds:");
                long down = Long.parseLong(info.substring(at + 31, info.indexOf('\r', at)));
                out.add(down >= 2 ? "down since the kill" : "down for " + down + " s");
                transcripts.add(String.join(" ", out));
            } finally {
                for (int i = open.size() - 1; i >= 0; i--) {
                    open.get(i).close();
                }
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).endsWith("down since the kill"), transcripts.get(1));
    }
}
