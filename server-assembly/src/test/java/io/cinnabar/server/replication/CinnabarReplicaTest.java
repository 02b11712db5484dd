package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * (a) Cinnabar follows a real Redis 7.0 master; (c) the chain Cinnabar -> Redis -> Cinnabar; Cinnabar -> Cinnabar
 * in-process; partial resync after the master link is killed; read-only replica errors.
 */
class CinnabarReplicaTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    @Test
    void followsRealRedisMaster() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        Nodes.load(master.port(), 11, 400);
        int replica = nodes.cinnabar("replicaof", "127.0.0.1 " + master.port());
        Nodes.load(master.port(), 12, 1500);
        Nodes.awaitSynced(master.port(), replica);
        Nodes.assertSameData(master.port(), replica);
        assertTrue(Nodes.call(replica, "SET", "a", "b").startsWith("-READONLY You can't write against a read only replica."));
        assertTrue(Nodes.call(replica, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n"));
    }

    @Test
    void partialResyncAfterMasterLinkKilled() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabar("replicaof", "127.0.0.1 " + master.port());
        Nodes.load(master.port(), 13, 300);
        Nodes.awaitSynced(master.port(), replica);
        Nodes.call(replica, "CLIENT", "KILL", "TYPE", "master");
        Nodes.load(master.port(), 14, 500);
        Nodes.awaitSynced(master.port(), replica);
        Nodes.assertSameData(master.port(), replica);
        assertEquals("1", Nodes.info(master.port(), "sync_full"));
        assertEquals("1", Nodes.info(master.port(), "sync_partial_ok"));
    }

    @Test
    void chainCinnabarRedisCinnabar() throws Exception {
        int top = nodes.cinnabar("repl-diskless-sync-delay", "0");
        Nodes.load(top, 21, 300);
        RealRedis middle = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(top),
            "--repl-diskless-sync-delay", "0");
        int bottom = nodes.cinnabar("replicaof", "127.0.0.1 " + middle.port());
        Nodes.load(top, 22, 1500);
        Nodes.awaitSynced(top, middle.port());
        Nodes.awaitSynced(middle.port(), bottom);
        Nodes.assertSameData(top, middle.port());
        Nodes.assertSameData(middle.port(), bottom);
    }

    @Test
    void cinnabarFollowsCinnabarAndIsPromoted() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int sibling = nodes.cinnabar();
        Nodes.load(master, 31, 300);
        assertEquals("+OK\r\n", Nodes.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(master)));
        assertEquals("+OK\r\n", Nodes.call(sibling, "REPLICAOF", "127.0.0.1", Integer.toString(master)));
        Nodes.load(master, 32, 800);
        Nodes.awaitSynced(master, replica);
        Nodes.awaitSynced(master, sibling);
        Nodes.assertSameData(master, replica);
        // promote the replica; the sibling and the old master follow it and continue partially. The old master
        // must not write (expire its PX keys) between the promotion and its REPLICAOF, or its offset runs ahead of
        // the new master's and it needs a full sync, with Redis as with us.
        assertEquals("+OK\r\n", Nodes.call(master, "DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        assertEquals("+OK\r\n", Nodes.call(replica, "REPLICAOF", "NO", "ONE"));
        assertEquals("+OK\r\n", Nodes.call(sibling, "REPLICAOF", "127.0.0.1", Integer.toString(replica)));
        assertEquals("+OK\r\n", Nodes.call(master, "REPLICAOF", "127.0.0.1", Integer.toString(replica)));
        Nodes.load(replica, 33, 500);
        Nodes.awaitSynced(replica, sibling);
        Nodes.awaitSynced(replica, master);
        Nodes.assertSameData(replica, sibling);
        Nodes.assertSameData(replica, master);
        assertEquals("0", Nodes.info(replica, "sync_full"), "former siblings continue partially");
        assertEquals("2", Nodes.info(replica, "sync_partial_ok"));
    }
}
