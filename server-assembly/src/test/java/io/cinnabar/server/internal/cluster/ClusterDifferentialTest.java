package io.cinnabar.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One cluster-enabled node of each kind, real Redis 7.0.15 and Cinnabar, given the same commands: replies and
 * error texts must be equal, with the node's own id (which differs) written as $ID.
 */
class ClusterDifferentialTest {
    private static RealRedis redis;
    private static CinnabarServer ours;
    private static RespClient theirs;
    private static RespClient mine;
    private static String theirId;
    private static String myId;
    private static Path dir;
    private static int theirBus;
    private static int myBus;

    @BeforeAll
    static void start() throws Exception {
        theirBus = RealRedis.freePort();
        redis = RealRedis.start("--cluster-enabled", "yes", "--cluster-port", Integer.toString(theirBus));
        dir = Files.createTempDirectory("cluster-diff");
        myBus = RealRedis.freePort();
        ours = CinnabarServer.builder().config("cluster-enabled", "yes").config("dir", dir.toString())
            .config("cluster-port", Integer.toString(myBus)).start();
        theirs = new RespClient(redis.port());
        mine = new RespClient(ours.port());
        theirId = body(theirs.call("CLUSTER", "MYID"));
        // Redis leaves its cluster state alone for 2 s after startup (CLUSTER_WRITABLE_DELAY); Cinnabar has no
        // such delay: compare once it has passed
        Thread.sleep(2100);
        myId = body(mine.call("CLUSTER", "MYID"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (mine != null) {
            mine.close();
            theirs.close();
        }
        if (ours != null) {
            ours.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    private static void same(String... args) throws Exception {
        String[] t = args.clone();
        String[] m = args.clone();
        for (int i = 0; i < args.length; i++) {
            t[i] = args[i].replace("$ID", theirId);
            m[i] = args[i].replace("$ID", myId);
        }
        String a = theirs.call(t).replace(theirId, "$ID").replace(":" + redis.port() + "@" + theirBus, ":$PORT@$BUS")
            .replace(":" + redis.port() + "\r\n", ":$PORT\r\n");
        String b = mine.call(m).replace(myId, "$ID").replace(":" + ours.port() + "@" + myBus, ":$PORT@$BUS")
            .replace(":" + ours.port() + "\r\n", ":$PORT\r\n");
        assertEquals(a, b, String.join(" ", args));
    }

    @Test
    void keySlotsOfRandomKeys() throws Exception {
        Random r = new Random(19);
        String alphabet = "ab{}xyz01";
        for (int i = 0; i < 300; i++) {
            StringBuilder k = new StringBuilder();
            for (int n = r.nextInt(12); n > 0; n--) {
                k.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            same("CLUSTER", "KEYSLOT", k.toString());
        }
    }

    @Test
    void commandsAndErrorsOfASingleNode() throws Exception {
        String unknown = "0123456789abcdef0123456789abcdef01234567";
        List<String[]> script = new ArrayList<>(List.of(
            new String[] {"GET", "a"},
            new String[] {"CLUSTER", "ADDSLOTSRANGE", "0", "100"},
            new String[] {"CLUSTER", "ADDSLOTS", "16384"},
            new String[] {"CLUSTER", "ADDSLOTS", "5"},
            new String[] {"CLUSTER", "ADDSLOTS", "200", "200"},
            new String[] {"CLUSTER", "ADDSLOTS", "x"},
            new String[] {"CLUSTER", "DELSLOTS", "300"},
            new String[] {"CLUSTER", "ADDSLOTSRANGE", "10", "5"},
            new String[] {"CLUSTER", "ADDSLOTSRANGE", "1", "2", "3"},
            new String[] {"CLUSTER", "DELSLOTSRANGE", "90", "100"},
            new String[] {"CLUSTER", "ADDSLOTS", "16383"},
            new String[] {"CLUSTER", "COUNTKEYSINSLOT", "16384"},
            new String[] {"CLUSTER", "COUNTKEYSINSLOT", "x"},
            new String[] {"CLUSTER", "GETKEYSINSLOT", "1", "-1"},
            new String[] {"CLUSTER", "GETKEYSINSLOT", "x", "1"},
            new String[] {"CLUSTER", "SETSLOT", "5", "foo", "x"},
            new String[] {"CLUSTER", "SETSLOT", "99999", "stable"},
            new String[] {"CLUSTER", "SETSLOT", "500", "migrating", unknown},
            new String[] {"CLUSTER", "SETSLOT", "5", "migrating", unknown},
            new String[] {"CLUSTER", "SETSLOT", "5", "importing", "$ID"},
            new String[] {"CLUSTER", "SETSLOT", "500", "importing", unknown},
            new String[] {"CLUSTER", "SETSLOT", "5", "node", unknown},
            new String[] {"CLUSTER", "SETSLOT", "5", "stable"},
            new String[] {"CLUSTER", "FORGET", unknown},
            new String[] {"CLUSTER", "FORGET", "$ID"},
            new String[] {"CLUSTER", "MEET", "1.2.3", "5"},
            new String[] {"CLUSTER", "MEET", "127.0.0.1", "x"},
            new String[] {"CLUSTER", "MEET", "127.0.0.1", "70000"},
            new String[] {"CLUSTER", "REPLICAS", unknown},
            new String[] {"CLUSTER", "REPLICAS", "$ID"},
            new String[] {"CLUSTER", "COUNT-FAILURE-REPORTS", "x"},
            new String[] {"CLUSTER", "COUNT-FAILURE-REPORTS", "$ID"},
            new String[] {"CLUSTER", "SET-CONFIG-EPOCH", "-1"},
            new String[] {"CLUSTER", "BUMPEPOCH"},
            new String[] {"CLUSTER", "BUMPEPOCH"},
            new String[] {"CLUSTER", "SET-CONFIG-EPOCH", "5"},
            new String[] {"CLUSTER", "FLUSHSLOTS", "x"},
            new String[] {"CLUSTER", "RESET", "foo"},
            new String[] {"CLUSTER", "NODES"},
            new String[] {"CLUSTER", "SLOTS"},
            new String[] {"CLUSTER", "SHARDS"},
            new String[] {"CLUSTER", "INFO"},
            new String[] {"CLUSTER", "LINKS"},
            new String[] {"SET", "foo", "bar"},
            new String[] {"SET", "{b}", "1"},
            new String[] {"MSET", "{b}1", "1", "{b}2", "2"},
            new String[] {"MSET", "a", "1", "b", "2"},
            new String[] {"MGET", "{b}1", "{b}2", "{b}1"},
            new String[] {"CLUSTER", "COUNTKEYSINSLOT", "3300"},
            new String[] {"CLUSTER", "GETKEYSINSLOT", "3300", "2"},
            new String[] {"CLUSTER", "SETSLOT", "3300", "node", unknown},
            new String[] {"SELECT", "1"},
            new String[] {"SELECT", "0"},
            new String[] {"SELECT", "x"},
            new String[] {"MOVE", "{b}", "1"},
            new String[] {"SWAPDB", "0", "1"},
            new String[] {"ASKING"},
            new String[] {"READONLY"},
            new String[] {"READWRITE"},
            new String[] {"CLUSTER", "RESET"},
            new String[] {"MIGRATE", "127.0.0.1", "1", "", "0", "100"},
            new String[] {"MIGRATE", "127.0.0.1", "1", "k", "0", "100", "KEYS", "a"},
            new String[] {"MIGRATE", "127.0.0.1", "1", "nokey", "0", "100", "COPY", "AUTH"},
            new String[] {"FLUSHALL"},
            new String[] {"CLUSTER", "FLUSHSLOTS"},
            new String[] {"CLUSTER", "INFO"},
            new String[] {"CLUSTER", "RESET", "HARD"},
            new String[] {"CLUSTER", "INFO"}));
        for (String[] cmd : script) {
            same(cmd);
        }
        assertTrue(theirs.call("CLUSTER", "MYID").length() > 40);
    }

    /** Both nodes own every slot and have no keys, with cluster_state ok. */
    private static void freshOwnerOfAllSlots() throws Exception {
        for (RespClient c : List.of(theirs, mine)) {
            c.call("FLUSHALL");
            c.call("CLUSTER", "ADDSLOTS", "12182"); // the slot a case took away (a node with no slots at all waits
            // its rejoin delay before cluster_state:ok: avoided unless needed)
            if (!c.call("CLUSTER", "INFO").contains("cluster_slots_assigned:16384\r\n")) {
                c.call("CLUSTER", "RESET"); // soft: the node keeps its id
                assertEquals("+OK\r\n", c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!theirs.call("CLUSTER", "INFO").contains("cluster_state:ok")
                || !mine.call("CLUSTER", "INFO").contains("cluster_state:ok")) {
            assertTrue(System.nanoTime() < deadline, "cluster_state:ok");
            Thread.sleep(50);
        }
    }

    /** The per-slot key index answers as Redis's: counts, and keys listed newest first. */
    @Test
    void keysInSlotFollowWritesDeletesAndRenames() throws Exception {
        freshOwnerOfAllSlots();
        String slot = Integer.toString(KeySlots.slot("t".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (int i = 1; i <= 6; i++) {
            same("SET", "{t}" + i, "v");
        }
        same("DEL", "{t}2");
        same("RENAME", "{t}1", "{t}9");
        same("RPUSH", "{t}L", "a");
        same("LPOP", "{t}L");
        same("SET", "{t}3", "again");
        same("COPY", "{t}4", "{t}C");
        same("UNLINK", "{t}5");
        same("CLUSTER", "COUNTKEYSINSLOT", slot);
        same("CLUSTER", "GETKEYSINSLOT", slot, "100");
        same("CLUSTER", "GETKEYSINSLOT", slot, "2");
        same("CLUSTER", "GETKEYSINSLOT", slot, "0");
        same("CLUSTER", "COUNTKEYSINSLOT", "0");
        same("CLUSTER", "GETKEYSINSLOT", "0", "5");
        same("CLUSTER", "SETSLOT", slot, "node", "0123456789abcdef0123456789abcdef01234567");
        same("FLUSHALL");
        same("CLUSTER", "COUNTKEYSINSLOT", slot);
        same("CLUSTER", "GETKEYSINSLOT", slot, "10");
        resetBoth();
    }

    private static void resetBoth() throws Exception {
        for (RespClient c : List.of(theirs, mine)) {
            c.call("FLUSHALL");
            c.call("CLUSTER", "RESET");
        }
    }

    private static String[] replies(RespClient c, RespClient admin, String id, String[][] before, String[] adminCmd,
            String[][] after) throws Exception {
        List<String> out = new ArrayList<>();
        for (String[] cmd : before) {
            out.add(c.call(cmd));
        }
        if (adminCmd != null) {
            String[] a = adminCmd.clone();
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i].replace("$ID", id);
            }
            out.add(admin.call(a));
        }
        for (String[] cmd : after) {
            out.add(c.call(cmd));
        }
        return out.toArray(new String[0]);
    }

    /** A transaction's slots are checked again at EXEC (Redis's getNodeByQuery over the queued commands). */
    @Test
    void execChecksTheSlotsOfItsQueuedCommandsAgain() throws Exception {
        try (RespClient t2 = new RespClient(redis.port()); RespClient m2 = new RespClient(ours.port())) {
            String[][][][] cases = {
                // queued on two slots, each fine alone: CROSSSLOT at EXEC, the transaction is gone
                {{{"MULTI"}, {"SET", "a", "1"}, {"SET", "foo", "1"}}, null, {{"EXEC"}, {"EXEC"}}},
                // the slot stops being served between queuing and EXEC
                {{{"MULTI"}, {"SET", "foo", "1"}, {"GET", "foo"}}, {{"CLUSTER", "DELSLOTS", "12182"}},
                    {{"EXEC"}, {"EXEC"}, {"GET", "foo"}}},
                // a refused command before EXEC: the redirection of what was queued wins over EXECABORT
                {{{"MULTI"}, {"SET", "foo", "1"}, {"NOSUCH"}}, {{"CLUSTER", "DELSLOTS", "12182"}},
                    {{"EXEC"}, {"EXEC"}}},
                // keyless transactions and EXEC without MULTI are not redirected
                {{{"MULTI"}, {"PING"}}, {{"CLUSTER", "DELSLOTS", "12182"}}, {{"EXEC"}, {"EXEC"}}},
                // a transaction on a still-served slot runs
                {{{"MULTI"}, {"SET", "{b}x", "1"}, {"GET", "{b}x"}}, {{"CLUSTER", "DELSLOTS", "12182"}},
                    {{"EXEC"}}},
            };
            for (String[][][] k : cases) {
                freshOwnerOfAllSlots();
                String[] adminCmd = k[1] == null ? null : k[1][0];
                String[] a = replies(theirs, t2, theirId, k[0], adminCmd, k[2]);
                String[] b = replies(mine, m2, myId, k[0], adminCmd, k[2]);
                assertEquals(java.util.Arrays.asList(a), java.util.Arrays.asList(b));
            }
        }
        resetBoth();
    }
}
