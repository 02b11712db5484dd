package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FAILOVER under load: every write WAIT confirmed is on the new master; the old master follows it. */
class FailoverTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @Test
    void failoverLosesNoConfirmedWrite() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabar("replicaof", "127.0.0.1 " + master);
        Nodes.load(master, 51, 200);
        Nodes.awaitSynced(master, replica);
        assertTrue(Nodes.call(replica, "FAILOVER").startsWith("-ERR FAILOVER is not valid when server is a replica."));
        assertEquals("-ERR No failover in progress.\r\n", Nodes.call(master, "FAILOVER", "ABORT"));
        List<String> confirmed = new ArrayList<>();
        RespClient w = nodes.client(master);
        for (int i = 0; i < 300; i++) {
            if (i == 150) {
                assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "TO", "127.0.0.1", Integer.toString(replica),
                    "TIMEOUT", "5000"));
            }
            String r = w.call("SET", "w" + i, "v" + i);
            if (!r.startsWith("+OK")) {
                assertTrue(r.startsWith("-READONLY"), r);
                continue;
            }
            if (w.call("WAIT", "1", "1000").equals(":1\r\n")) {
                confirmed.add("w" + i);
            }
        }
        Nodes.awaitSynced(replica, master);
        assertTrue(Nodes.call(replica, "ROLE").startsWith("*3\r\n$6\r\nmaster\r\n"));
        assertTrue(Nodes.call(master, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n"));
        assertTrue(confirmed.size() >= 150, "writes before the failover were confirmed: " + confirmed.size());
        for (String k : confirmed) {
            assertEquals("$" + (k.length()) + "\r\nv" + k.substring(1) + "\r\n", Nodes.call(replica, "GET", k), k);
        }
        Nodes.assertSameData(replica, master);
        assertEquals("1", Nodes.info(replica, "sync_partial_ok"), "the old master continued partially");
        assertEquals("no-failover", Nodes.info(master, "master_failover_state"));
    }

    /** A write sent on its own connection; its reply (or the exception) lands in the returned future. */
    private static java.util.concurrent.CompletableFuture<String> writeAsync(int port, String key) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Nodes.call(port, "SET", key, "v");
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
    }

    /** The replica's event loop sleeps (DEBUG SLEEP) so that it cannot acknowledge: the failover has to wait. */
    private static Thread stall(int replica, String seconds) {
        Thread t = new Thread(() -> {
            try {
                Nodes.call(replica, "DEBUG", "SLEEP", seconds);
            } catch (java.io.IOException e) {
                // the test fails on its own assertions
            }
        });
        t.start();
        return t;
    }

    /**
     * As redis-server 7.0 (checked by hand with the same steps): writes wait while a FAILOVER waits for its target
     * (CLIENT PAUSE WRITE), reads do not; FAILOVER ABORT lets them run; after the switch they get -READONLY.
     */
    @Test
    void writesWaitDuringFailoverAbortReleasesThemSwitchAnswersReadonly() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabarReplicaOf(master);
        Nodes.call(master, "SET", "a", "1");
        Nodes.awaitSynced(master, replica);

        Thread sleeping = stall(replica, "1.5");
        Thread.sleep(100);
        assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "TIMEOUT", "5000"));
        assertEquals("waiting-for-sync", Nodes.info(master, "master_failover_state"));
        var w = writeAsync(master, "b");
        Thread.sleep(300);
        assertFalse(w.isDone(), "the write waits while the failover waits for its target");
        assertEquals("$1\r\n1\r\n", Nodes.call(master, "GET", "a"), "reads are served");
        assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "ABORT"));
        assertEquals("+OK\r\n", w.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("no-failover", Nodes.info(master, "master_failover_state"));
        sleeping.join();
        Nodes.awaitSynced(master, replica);

        sleeping = stall(replica, "1");
        Thread.sleep(100);
        assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "TIMEOUT", "5000"));
        w = writeAsync(master, "c");
        Thread.sleep(300);
        assertFalse(w.isDone());
        assertEquals("-READONLY You can't write against a read only replica.\r\n",
            w.get(10, java.util.concurrent.TimeUnit.SECONDS), "after the switch the paused write meets a replica");
        sleeping.join();
        assertTrue(Nodes.call(master, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n"));
        Nodes.awaitInfo(replica, "role", "master");
        Nodes.awaitInfo(master, "master_failover_state", "no-failover");
        assertEquals("$-1\r\n", Nodes.call(replica, "GET", "c"));
    }

    /**
     * As redis-server 7.0 (checked by hand with the same steps): a FORCE failover whose target does not answer yet
     * is failover-in-progress, already a replica (writes get -READONLY at once, REPLICAOF is refused); FAILOVER
     * ABORT makes it a master again.
     */
    @Test
    void abortWhileInProgressRevertsToMaster() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabarReplicaOf(master);
        Nodes.call(master, "SET", "a", "1");
        Nodes.awaitSynced(master, replica);
        Thread sleeping = stall(replica, "2");
        try {
            Thread.sleep(100);
            assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "TO", "127.0.0.1", Integer.toString(replica),
                "FORCE", "TIMEOUT", "300"));
            Nodes.awaitInfo(master, "master_failover_state", "failover-in-progress");
            assertTrue(Nodes.call(master, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n"));
            assertEquals("-READONLY You can't write against a read only replica.\r\n", Nodes.call(master, "SET", "b", "2"));
            assertEquals("-ERR REPLICAOF not allowed while failing over.\r\n", Nodes.call(master, "REPLICAOF", "NO", "ONE"));
            assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "ABORT"));
            assertEquals("no-failover", Nodes.info(master, "master_failover_state"));
            assertTrue(Nodes.call(master, "ROLE").startsWith("*3\r\n$6\r\nmaster\r\n"));
            assertEquals("+OK\r\n", Nodes.call(master, "SET", "b", "2"));
        } finally {
            sleeping.join();
        }
    }
}
