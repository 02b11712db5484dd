package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Redis 7.0.15's replication tcl files (integration/replication-3, replication-4, unit/expire) found, each
 * checked side by side with a redis-server replica of the same redis-server master: a writable replica expires the
 * keys its own clients gave a TTL (expireSlaveKeys) and deletes a logically expired key a write looks up; an error
 * the master's stream causes on a replica is logged and counted (DEBUG REPLICATE makes one); DEBUG OBJECT shows a
 * logically expired key without deleting it.
 */
class ReplSuiteFindingsTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private int[] replicas(RealRedis master, String... options) throws Exception {
        String[] redisArgs = new String[options.length];
        for (int i = 0; i < options.length; i += 2) {
            redisArgs[i] = "--" + options[i];
            redisArgs[i + 1] = options[i + 1];
        }
        RealRedis redis = nodes.redisReplicaOf(master.port(), redisArgs);
        int cinnabar = nodes.cinnabarReplicaOf(master.port(), options);
        return new int[] {redis.port(), cinnabar};
    }

    private static String who(int[] ports, int port) {
        return port == ports[0] ? "redis" : "cinnabar";
    }

    @Test
    void writableReplicaExpiresTheKeysItsClientsGaveATtl() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        Nodes.call(master.port(), "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        int[] ports = replicas(master, "replica-read-only", "no");
        // the master's key with a TTL is not the replicas' to expire: it stays (logically expired) until a DEL
        Nodes.call(master.port(), "SET", "m", "1", "PX", "30");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            try (RespClient c = new RespClient(port)) {
                c.call("SELECT", "5");
                c.call("SET", "k1", "1", "PX", "100");
                c.call("SET", "k2", "2", "PX", "100");
                c.call("SET", "k3", "3");
                c.call("PEXPIRE", "k3", "100");
                c.call("SET", "live", "4", "EX", "100");
                c.call("SELECT", "0");
                c.call("SET", "k1", "0", "PX", "100"); // the same name in another database
                assertEquals("4", Nodes.info(port, "slave_expires_tracked_keys"), who(ports, port));
            }
        }
        for (int port : ports) {
            String p = who(ports, port);
            Nodes.awaitInfo(port, "expired_keys", "4"); // both k1, k2, k3, by the replica's cron
            Nodes.awaitInfo(port, "slave_expires_tracked_keys", "1"); // "live"
            assertEquals(":1\r\n", Nodes.call(port, "DBSIZE"), p); // m, logically expired
            assertEquals(":0\r\n", Nodes.call(port, "EXISTS", "m"), p);
            try (RespClient c = new RespClient(port)) {
                c.call("SELECT", "5");
                assertEquals(":1\r\n", c.call("DBSIZE"), p);
                assertEquals(":1\r\n", c.call("EXISTS", "live"), p);
            }
        }
        // FLUSHDB keeps the list (the cron drops names it finds gone), FLUSHALL forgets it
        for (int port : ports) {
            String p = who(ports, port);
            try (RespClient c = new RespClient(port)) {
                c.call("SET", "t", "1", "EX", "100");
                assertEquals("2", Nodes.info(port, "slave_expires_tracked_keys"), p);
                c.call("FLUSHDB");
                assertEquals("2", Nodes.info(port, "slave_expires_tracked_keys"), p);
                c.call("FLUSHALL");
                assertEquals("0", Nodes.info(port, "slave_expires_tracked_keys"), p);
            }
        }
    }

    @Test
    void writableReplicaDeletesALogicallyExpiredKeyAWriteLooksUp() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        Nodes.call(master.port(), "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        int[] ports = replicas(master);
        Nodes.call(master.port(), "SET", "key1", "5", "PX", "10");
        Nodes.call(master.port(), "SET", "key2", "5", "PX", "10");
        Thread.sleep(30);
        for (int port : ports) {
            String p = who(ports, port);
            Nodes.awaitSynced(master.port(), port);
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
            assertEquals(":0\r\n", Nodes.call(port, "EXISTS", "key1", "key2"), p);
            // a read-only replica answers the write with -READONLY and keeps the key
            assertTrue(Nodes.call(port, "INCR", "key1").startsWith("-READONLY"), p);
            Nodes.call(port, "CONFIG", "SET", "replica-read-only", "no");
            assertEquals(":1\r\n", Nodes.call(port, "INCR", "key1"), p); // deleted, then created without a TTL
            assertEquals(":-1\r\n", Nodes.call(port, "TTL", "key1"), p);
            assertEquals("$-1\r\n", Nodes.call(port, "GET", "key2"), p); // a read does not delete
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
            assertEquals("1", Nodes.info(port, "expired_keys"), p);
            // DEBUG OBJECT shows a logically expired key and leaves it
            assertTrue(Nodes.call(port, "DEBUG", "OBJECT", "key2").startsWith("+Value at:"), p);
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p);
        }
    }

    @Test
    void anErrorTheMastersStreamCausesIsLoggedAndCounted() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        int[] ports = replicas(master);
        Nodes.call(master.port(), "SET", "before", "1"); // so that the replicas' backlogs hold something
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
        }
        assertEquals("+OK\r\n", Nodes.call(master.port(), "DEBUG", "REPLICATE", "fake-command-1"));
        Nodes.call(master.port(), "SET", "foo", "bar");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            assertEquals("1", Nodes.info(port, "unexpected_error_replies"), who(ports, port));
            assertEquals("1", Nodes.info(port, "total_error_replies"), who(ports, port));
            assertEquals("$3\r\nbar\r\n", Nodes.call(port, "GET", "foo"), who(ports, port));
        }
        int cinnabar = ports[1];
        String log = nodes.log(cinnabar);
        assertTrue(log.contains("== CRITICAL == This replica is sending an error to its master: 'unknown command "
            + "'fake-command-1', with args beginning with: ' after processing the command '<unknown>'"), log);
        assertTrue(log.contains("Latest backlog is: '\""), log);
        // a writable replica's own data diverges: the master's INCRBY fails there, is logged with its name
        for (int port : ports) {
            Nodes.call(port, "CONFIG", "SET", "replica-read-only", "no");
            Nodes.call(port, "SET", "number2", "foo");
        }
        Nodes.call(master.port(), "INCRBY", "number2", "1");
        for (int port : ports) {
            Nodes.awaitSynced(master.port(), port);
            assertEquals("2", Nodes.info(port, "unexpected_error_replies"), who(ports, port));
            assertEquals("$3\r\nfoo\r\n", Nodes.call(port, "GET", "number2"), who(ports, port));
        }
        assertTrue(nodes.log(cinnabar).contains("to its master: 'value is not an integer or out of range' after "
            + "processing the command 'incrby'"), nodes.log(cinnabar));
    }

    @Test
    void debugReplicateOfACinnabarMasterReachesItsReplicas() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        RealRedis redis = nodes.redisReplicaOf(master);
        int replica = nodes.cinnabarReplicaOf(master);
        Nodes.call(master, "SELECT", "0");
        assertEquals("+OK\r\n", Nodes.call(master, "DEBUG", "REPLICATE", "SET", "only-on-replicas", "1"));
        for (int port : new int[] {redis.port(), replica}) {
            Nodes.awaitSynced(master, port);
            assertEquals("$1\r\n1\r\n", Nodes.call(port, "GET", "only-on-replicas"));
        }
        assertEquals("$-1\r\n", Nodes.call(master, "GET", "only-on-replicas"));
    }
}
