package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A master that becomes a replica disconnects the clients blocked on it (Redis's disconnectAllBlockedClients in
 * replicationSetMaster, Redis issue #2473): a BLPOP left blocked would pop what the new master pushes and the
 * replica would differ from it. The same steps on two redis-server 7.0.15 give the expected replies.
 */
class RoleChangeTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private static String steps(int a, int b) throws Exception {
        StringBuilder out = new StringBuilder();
        try (RespClient blpop = new RespClient(b); RespClient wait = new RespClient(b)) {
            blpop.sendRaw(RespClient.encode("BLPOP", "foo", "0"));
            wait.call("SET", "k", "v");
            wait.sendRaw(RespClient.encode("WAIT", "1", "0"));
            Nodes.awaitInfo(b, "blocked_clients", "2");
            out.append(Nodes.call(b, "REPLICAOF", "127.0.0.1", Integer.toString(a)));
            out.append("blpop ").append(blpop.read()).append("closed ").append(blpop.closedByServer()).append('\n');
            out.append("wait ").append(wait.read()).append("closed ").append(wait.closedByServer()).append('\n');
            Nodes.awaitSynced(a, b);
            Nodes.call(a, "RPUSH", "foo", "a", "b", "c");
            Nodes.awaitSynced(a, b);
            out.append(Nodes.call(b, "LRANGE", "foo", "0", "-1"));
            assertEquals(Nodes.digest(a), Nodes.digest(b));
        }
        return out.toString();
    }

    @Test
    void blockedClientsAreDisconnectedWhenAMasterBecomesAReplica() throws Exception {
        String redis = steps(nodes.redis("--repl-diskless-sync-delay", "0").port(), nodes.redis().port());
        String cinnabar = steps(nodes.cinnabar("repl-diskless-sync-delay", "0"), nodes.cinnabar());
        assertEquals(redis, cinnabar);
        assertTrue(redis.contains("blpop -UNBLOCKED force unblock from blocking operation, instance state changed "
            + "(master -> replica?)\r\nclosed true"), redis);
    }
}
