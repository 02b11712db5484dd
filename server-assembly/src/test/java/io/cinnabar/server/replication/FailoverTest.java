package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FAILOVER under load: every write WAIT confirmed is on the new master; the old master follows it. */
class FailoverTest {
    private Nodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

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
}
