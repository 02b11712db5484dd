package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica never deletes a key because an expire time given to it already passed (Redis's checkAlreadyExpired is
 * false while {@code masterhost} is set): it keeps the key, logically expired, until its master's DEL. A replica
 * that applies its master's PEXPIREAT late (it was busy) must not delete what the master still holds: the cause of
 * the digest mismatches of {@link Psync2RestartTest} under load. A Redis 7.0 replica of the same master is the oracle.
 */
class ReplicaExpireTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    @Test
    void masterExpireAppliedAfterItsTimeKeepsTheKeyUntilTheMastersDel() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0", "repl-ping-replica-period", "3600");
        int replica = nodes.cinnabarReplicaOf(master);
        RealRedis redis = nodes.redisReplicaOf(master);
        assertEquals("+OK\r\n", Nodes.call(master, "DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        Nodes.call(master, "SET", "k", "v");
        Nodes.call(master, "RPUSH", "l", "a");
        Nodes.awaitSynced(master, replica);
        Nodes.awaitSynced(master, redis.port());
        // both replicas are busy while the master's expires (absolute, as PEXPIREAT) come and their time passes
        RespClient a = nodes.client(replica);
        RespClient b = nodes.client(redis.port());
        a.sendRaw(RespClient.encode("DEBUG", "SLEEP", "0.4"));
        b.sendRaw(RespClient.encode("DEBUG", "SLEEP", "0.4"));
        Nodes.call(master, "PEXPIRE", "k", "20");
        Nodes.call(master, "PEXPIRE", "l", "20");
        assertEquals("+OK\r\n", a.read());
        assertEquals("+OK\r\n", b.read());
        Nodes.awaitSynced(master, replica);
        Nodes.awaitSynced(master, redis.port());
        for (int port : new int[] {redis.port(), replica}) {
            String p = port == replica ? "cinnabar" : "redis";
            assertEquals(":2\r\n", Nodes.call(port, "DBSIZE"), p); // held, logically expired
            assertEquals(":0\r\n", Nodes.call(port, "EXISTS", "k", "l"), p);
            assertEquals(Nodes.digest(master), Nodes.digest(port), p);
        }
        // the master's lazy expiry sends the DELs
        Nodes.call(master, "GET", "k");
        Nodes.call(master, "LLEN", "l");
        Nodes.awaitSynced(master, replica);
        assertEquals(":0\r\n", Nodes.call(replica, "DBSIZE"));
    }

    @Test
    void writableReplicaKeepsKeysGivenAPastExpireTime() throws Exception {
        RealRedis master = nodes.redis("--repl-diskless-sync-delay", "0");
        RealRedis redis = nodes.redisReplicaOf(master.port(), "--replica-read-only", "no");
        int replica = nodes.cinnabarReplicaOf(master.port(), "replica-read-only", "no");
        for (int port : new int[] {redis.port(), replica}) {
            String p = port == replica ? "cinnabar" : "redis";
            // Redis expires the keys its clients wrote on a writable replica in its cron (expireSlaveKeys): not now
            assertEquals("+OK\r\n", Nodes.call(port, "DEBUG", "SET-ACTIVE-EXPIRE", "0"), p);
            Nodes.call(port, "MSET", "a", "1", "b", "2", "c", "3");
            assertEquals(":1\r\n", Nodes.call(port, "PEXPIREAT", "a", "1"), p);
            assertEquals(":1\r\n", Nodes.call(port, "EXPIRE", "b", "-5"), p);
            assertEquals("$1\r\n3\r\n", Nodes.call(port, "GETEX", "c", "PXAT", "1"), p);
            String dump = Nodes.call(port, "DUMP", "a"); // logically expired: no value
            assertEquals("$-1\r\n", dump, p);
            Nodes.call(port, "SET", "d", "4");
            String payload = Nodes.call(port, "DUMP", "d");
            try (RespClient c = new RespClient(port)) {
                byte[] raw = payload.substring(payload.indexOf("\r\n") + 2, payload.length() - 2)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                c.sendRaw(restore("e", raw));
                assertEquals("+OK\r\n", c.read(), p);
            }
            assertEquals(":5\r\n", Nodes.call(port, "DBSIZE"), p); // a, b, c, e held, logically expired
            assertEquals(":1\r\n", Nodes.call(port, "EXISTS", "a", "b", "c", "d", "e"), p);
        }
        assertEquals(Nodes.digest(redis.port()), Nodes.digest(replica));
    }

    /** RESTORE key 1 payload ABSTTL (a time long past), with the binary payload as it is. */
    private static byte[] restore(String key, byte[] payload) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        String head = "*5\r\n$7\r\nRESTORE\r\n$" + key.length() + "\r\n" + key + "\r\n$1\r\n1\r\n$" + payload.length
            + "\r\n";
        o.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        o.writeBytes(payload);
        o.writeBytes("\r\n$6\r\nABSTTL\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        return o.toByteArray();
    }
}
