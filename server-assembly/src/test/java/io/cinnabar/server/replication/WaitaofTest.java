package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WAITAOF numreplicas: a Cinnabar replica with appendonly yes reports its fsynced offset (REPLCONF ACK ... FACK)
 * and counts; a real Redis 7.0 replica sends no FACK and counts 0, as a 7.2 master would see it.
 */
class WaitaofTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    @Test
    void countsReplicasThatFsyncedTheirAof() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0", "appendonly", "yes");
        int ours = nodes.cinnabarReplicaOf(master, "appendonly", "yes");
        RealRedis redis = nodes.redisReplicaOf(master, "--appendonly", "yes");
        RespClient c = nodes.client(master);
        assertEquals("+OK\r\n", c.call("SET", "k", "v"));
        assertEquals("*2\r\n:1\r\n:1\r\n", c.call("WAITAOF", "1", "1", "5000"), "our replica fsynced the write");
        // both replicas asked for: Redis 7.0 sends no FACK, so the timeout answers with one
        assertEquals("+OK\r\n", c.call("SET", "k2", "v"));
        assertEquals("*2\r\n:1\r\n:1\r\n", c.call("WAITAOF", "1", "2", "300"));
        assertEquals(":2\r\n", c.call("WAIT", "2", "5000"), "both acknowledge the stream itself");
        // a Cinnabar replica without the AOF sends no FACK either
        Nodes.call(ours, "CONFIG", "SET", "appendonly", "no");
        assertEquals("+OK\r\n", c.call("SET", "k3", "v"));
        assertEquals("*2\r\n:1\r\n:0\r\n", c.call("WAITAOF", "0", "1", "300"));
        assertTrue(Nodes.call(ours, "WAITAOF", "0", "0", "0").startsWith("-ERR WAITAOF cannot be used with replica "
            + "instances."));
    }
}
