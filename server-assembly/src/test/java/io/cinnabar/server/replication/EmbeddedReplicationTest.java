package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Embedded Cinnabar master and replicas in-process: WAIT, ROLE, INFO, read-only errors, EXECABORT, min-replicas. */
class EmbeddedReplicationTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @Test
    void waitRoleInfoAndReadOnlyReplica() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        assertEquals(":0\r\n", Nodes.call(master, "WAIT", "0", "0"));
        int replica = nodes.cinnabar("replicaof", "127.0.0.1 " + master);
        RespClient c = nodes.client(master);
        c.call("SET", "a", "1");
        Nodes.awaitSynced(master, replica);
        assertEquals("+OK\r\n", c.call("SET", "b", "2"));
        assertEquals(":1\r\n", c.call("WAIT", "1", "5000"), "the write reached the replica and was acknowledged");
        assertEquals(":1\r\n", c.call("WAIT", "2", "100"), "a timeout answers with the count so far");
        assertTrue(Nodes.call(master, "ROLE").startsWith("*3\r\n$6\r\nmaster\r\n:"));
        assertTrue(Nodes.info(master, "slave0").contains("state=online"));
        assertTrue(Nodes.call(master, "CLIENT", "LIST", "TYPE", "replica").contains("flags=S"));
        assertTrue(Nodes.call(replica, "CLIENT", "LIST", "TYPE", "master").contains("flags=M"));
        assertEquals("$1\r\n2\r\n", Nodes.call(replica, "GET", "b"));
        assertEquals("-READONLY You can't write against a read only replica.\r\n", Nodes.call(replica, "SET", "x", "y"));
        try (RespClient r = new RespClient(replica)) {
            r.call("MULTI");
            assertTrue(r.call("SET", "x", "y").startsWith("-READONLY"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", r.call("EXEC"));
        }
        assertTrue(Nodes.call(replica, "WAIT", "0", "0").startsWith("-ERR WAIT cannot be used with replica instances."));
        assertEquals("up", Nodes.info(replica, "master_link_status"));
        assertEquals(Nodes.info(master, "master_replid"), Nodes.info(replica, "master_replid"));
    }

    @Test
    void minReplicasToWrite() throws Exception {
        int master = nodes.cinnabar("min-replicas-to-write", "1", "min-replicas-max-lag", "10");
        assertEquals("-NOREPLICAS Not enough good replicas to write.\r\n", Nodes.call(master, "SET", "a", "1"));
        assertEquals("$-1\r\n", Nodes.call(master, "GET", "a"));
    }

    @Test
    void replicaDoesNotExpireButHidesExpiredKeys() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabar("replicaof", "127.0.0.1 " + master);
        Nodes.call(master, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        Nodes.call(master, "SET", "k", "v", "PX", "50");
        Nodes.awaitSynced(master, replica);
        Thread.sleep(100);
        assertEquals("$-1\r\n", Nodes.call(replica, "GET", "k"), "logically expired for the replica's clients");
        assertEquals(":1\r\n", Nodes.call(replica, "DBSIZE"), "but kept until the master's DEL");
        assertEquals("$-1\r\n", Nodes.call(master, "GET", "k"));
        Nodes.awaitSynced(master, replica);
        assertEquals(":0\r\n", Nodes.call(replica, "DBSIZE"));
    }
}
