package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** (b) A real redis-server 7.0 follows a Cinnabar master: full sync (diskless and disk), the stream, partial resync. */
class RedisReplicaOfCinnabarTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private void followAndCompare(String diskless) throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", diskless, "repl-diskless-sync-delay", "0");
        Nodes.load(master, 1, 400);
        RealRedis replica = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        Nodes.load(master, 2, 1500);
        Nodes.awaitSynced(master, replica.port());
        Nodes.assertSameData(master, replica.port());
        assertEquals("1", Nodes.info(master, "sync_full"));
        assertTrue(Nodes.info(master, "slave0").contains("state=online"), Nodes.info(master, "slave0"));
    }

    @Test
    void disklessFullSyncThenStream() throws Exception {
        followAndCompare("yes");
    }

    @Test
    void diskFullSyncThenStream() throws Exception {
        followAndCompare("no");
    }

    @Test
    void partialResyncAfterLinkKilled() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        RealRedis replica = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        Nodes.load(master, 3, 300);
        Nodes.awaitSynced(master, replica.port());
        Nodes.call(master, "CLIENT", "KILL", "TYPE", "replica");
        Nodes.load(master, 4, 500);
        Nodes.awaitSynced(master, replica.port());
        Nodes.assertSameData(master, replica.port());
        assertEquals("1", Nodes.info(master, "sync_full"));
        assertEquals("1", Nodes.info(master, "sync_partial_ok"));
    }
}
