package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.ClusterSuiteFindingsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What session 8's run of Redis 7.0.15's cluster suites (tests/cluster 17, 18, 22, 28, 03; unit/cluster/*) found,
 * each checked against real redis-server given the same commands.
 */
class ClusterSuiteFindings3Test {

    /**
     * A replica in a full resync announces offset 0 on the bus (Redis's replicationGetSlaveOffset: the cached master
     * is discarded at +FULLRESYNC and the master client exists only once the load ends), so its master's CLUSTER
     * SLOTS hides it and CLUSTER SHARDS calls it "loading" until the load is done (Redis's isReplicaAvailable);
     * tests/cluster 22 "Replica in loading state is hidden".
     */
    @Test
    void aReplicaInAFullResyncIsHiddenFromClusterSlots() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            try (ClusterSuiteFindingsTest.Pair p = new ClusterSuiteFindingsTest.Pair(real, true)) {
                List<String> out = new ArrayList<>();
                out.add(p.b.call("DEBUG", "POPULATE", "1000", "key", "1000")); // not propagated: before the sync
                ClusterSuiteFindings2Test.replicaOfB(p, kind, out);
                String portA = ":" + p.portA + "\r\n";
                ClusterNodes.await(kind + "A to replicate the keys", 20, () -> call(p.a, "DBSIZE").equals(":1000\r\n"));
                ClusterNodes.await(kind + "A in B's CLUSTER SLOTS", 20,
                    () -> call(p.b, "CLUSTER", "SLOTS").contains(portA));
                out.add(p.b.call("CONFIG", "SET", "repl-backlog-size", "16384"));
                out.add(p.a.call("CONFIG", "SET", "key-load-delay", "4000")); // 1000 keys: 4 s
                out.add(p.a.call("CONFIG", "SET", "loading-process-events-interval-bytes", "1024"));
                out.add(p.b.call("MULTI"));
                out.add(p.b.call("CLIENT", "KILL", "TYPE", "replica"));
                String value = "A".repeat(1024);
                for (int i = 0; i < 40; i++) { // more than the backlog: A must resync in full
                    out.add(p.b.call("SET", "{0}" + i, value));
                }
                out.add(p.b.call("EXEC").replaceAll(":1\r\n", ":N\r\n"));
                ClusterNodes.await(kind + "A hidden from B's CLUSTER SLOTS", 20,
                    () -> !call(p.b, "CLUSTER", "SLOTS").contains(portA));
                out.add(call(p.a, "INFO", "persistence").contains("loading:1\r\n") ? "A loading" : "A not loading");
                String shards = p.b.call("CLUSTER", "SHARDS");
                out.add(shards.contains("$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$7\r\nloading\r\n")
                    ? "loading in CLUSTER SHARDS" : shards);
                out.add(p.a.call("CONFIG", "SET", "key-load-delay", "0"));
                ClusterNodes.await(kind + "A's link to B again", 30,
                    () -> call(p.a, "INFO", "replication").contains("master_link_status:up"));
                ClusterNodes.await(kind + "A back in B's CLUSTER SLOTS", 20,
                    () -> call(p.b, "CLUSTER", "SLOTS").contains(portA));
                out.add(p.a.call("CLUSTER", "SLOTS").contains(portA) ? "A in its own CLUSTER SLOTS" : "A missing");
                out.add(p.a.call("DBSIZE"));
                transcripts.add(String.join(" ", out));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).contains("A loading loading in CLUSTER SHARDS"), transcripts.get(1));
    }

    /**
     * A cluster replica restarted from its own RDB continues from the replication ID and offset in the file (Redis's
     * loadDataFromDisk: not iAmMaster, so the ID becomes its own and a cached master is made from it), although the
     * cluster names its master only after the load: the PSYNC is partial. Ours kept the ID as a master's secondary
     * one and resynced in full, and so never loaded asynchronously (repl-diskless-load swapdb wants the same ID):
     * tests/cluster 17 "Main db not affected when fail to diskless load" waited for async_loading:1. Its keyspace
     * is a replica's from the load on, so a key that expired while it was down stays until the master's DEL (Redis's
     * iAmMaster; tests/cluster 14 "Slave expired keys is loaded when restarted").
     */
    @Test
    void aRestartedClusterReplicaContinuesFromItsFile() throws Exception {
        List<String> transcripts = new ArrayList<>();
        for (boolean real : new boolean[] {true, false}) {
            String kind = real ? "redis-server: " : "cinnabar: ";
            List<AutoCloseable> open = new ArrayList<>();
            try {
                String busA = Integer.toString(RealRedis.freePort());
                String dirA = Files.createTempDirectory("clustsuite3").toString();
                String[] configA = {"cluster-enabled", "yes", "cluster-port", busA, "dir", dirA,
                    "cluster-node-timeout", "2000", "enable-debug-command", "yes"};
                String busB = Integer.toString(RealRedis.freePort());
                int portB = ClusterSuiteFindings2Test.startServer(real, open, "cluster-enabled", "yes", "cluster-port",
                    busB, "cluster-node-timeout", "2000", "enable-debug-command", "yes");
                RespClient b = new RespClient(portB);
                open.add(b);
                List<AutoCloseable> openA = new ArrayList<>();
                RespClient a = startClient(ClusterSuiteFindings2Test.startServer(real, openA, configA), openA);
                List<String> out = new ArrayList<>();
                out.add(b.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
                String idB = ClusterNodes.body(b.call("CLUSTER", "MYID"));
                out.add(a.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(portB), busB));
                ClusterNodes.await(kind + "A to see B's slots", 20,
                    () -> ClusterSuiteFindingsTest.line(a, idB).endsWith(" 0-16383"));
                out.add(a.call("CLUSTER", "REPLICATE", idB));
                ClusterNodes.await(kind + "A's link to B", 20,
                    () -> call(a, "INFO", "replication").contains("master_link_status:up"));
                out.add(b.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")); // B sends no DEL for k3 meanwhile
                out.add(b.call("SET", "k1", "v"));
                long expireAt = System.currentTimeMillis() + 300;
                out.add(b.call("SET", "k3", "v", "PXAT", Long.toString(expireAt)));
                out.add(b.call("WAIT", "1", "5000"));
                out.add(a.call("SAVE"));
                closeAll(openA);
                ClusterNodes.await(kind + "k3's time", 5, () -> System.currentTimeMillis() > expireAt + 50);
                out.add(b.call("SET", "k2", "v")); // in B's backlog: A continues from the file's offset
                RespClient a2 = startClient(ClusterSuiteFindings2Test.startServer(real, openA, configA), openA);
                open.addAll(openA);
                ClusterNodes.await(kind + "A's link to B after the restart", 30,
                    () -> call(a2, "INFO", "replication").contains("master_link_status:up"));
                // k1, k2 and k3: k3 expired but is kept, only B's DEL removes it
                ClusterNodes.await(kind + "A to have k1, k2 and k3", 10, () -> call(a2, "DBSIZE").equals(":3\r\n"));
                out.add(a2.call("DBSIZE"));
                String stats = b.call("INFO", "stats");
                for (String f : new String[] {"sync_full:", "sync_partial_ok:"}) {
                    int at = stats.indexOf(f);
                    out.add(stats.substring(at, stats.indexOf('\r', at)));
                }
                transcripts.add(String.join(" ", out));
            } finally {
                closeAll(open);
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertTrue(transcripts.get(1).endsWith(":3\r\n sync_full:1 sync_partial_ok:1"), transcripts.get(1));
    }

    private static RespClient startClient(int port, List<AutoCloseable> open) throws Exception {
        RespClient c = new RespClient(port);
        open.add(c);
        return c;
    }

    private static void closeAll(List<AutoCloseable> open) throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
