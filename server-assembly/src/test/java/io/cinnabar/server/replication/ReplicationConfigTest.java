package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Findings of Redis's replication-2.tcl and failover.tcl: what must hold at once, and the forced failover's log. */
class ReplicationConfigTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    /** CONFIG SET min-replicas-to-write applies to the very next write (Redis's updateGoodSlaves), not a cron later. */
    @Test
    void minReplicasToWriteAppliesAtOnce() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        nodes.cinnabarReplicaOf(master);
        try (RespClient c = nodes.client(master)) {
            for (int i = 0; i < 20; i++) {
                c.call("CONFIG", "SET", "min-slaves-to-write", "2");
                assertEquals("-NOREPLICAS Not enough good replicas to write.\r\n", c.call("SET", "k", "v"));
                c.call("CONFIG", "SET", "min-slaves-to-write", "1");
                assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            }
        }
    }

    /** FAILOVER ... TIMEOUT FORCE logs Redis's line when the timeout passes and it switches anyway. */
    @Test
    void forcedFailoverLogsTheTimeout() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        RealRedis replica = nodes.redisReplicaOf(master);
        try (RespClient sleeper = nodes.client(replica.port())) {
            sleeper.sendRaw(RespClient.encode("DEBUG", "SLEEP", "1")); // it never acknowledges in time
            Nodes.call(master, "SET", "k", "v");
            assertEquals("+OK\r\n", Nodes.call(master, "FAILOVER", "TO", "127.0.0.1", Integer.toString(replica.port()),
                "TIMEOUT", "100", "FORCE"));
            nodes.awaitLog(master, "FAILOVER to 127.0.0.1:" + replica.port() + " time out exceeded, failing over.");
            assertEquals("+OK\r\n", sleeper.read());
        }
        Nodes.awaitInfo(master, "master_failover_state", "no-failover");
        Nodes.awaitInfo(replica.port(), "role", "master");
    }
}
