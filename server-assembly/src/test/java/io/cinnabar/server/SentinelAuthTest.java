package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Authentication on every link a sentinel has, against real redis-server and against Cinnabar servers:
 * <ul>
 * <li>ACL: the servers refuse the default user; the sentinels log in as a user with exactly the permissions Redis's
 * documentation gives a sentinel ({@code sentinel auth-user/auth-pass}), the replicas as a replication user
 * ({@code masteruser/masterauth}); the sentinels themselves refuse the default user and talk to each other as an
 * ACL user ({@code sentinel sentinel-user/sentinel-pass}).</li>
 * <li>requirepass: servers and sentinels with a password; the sentinels authenticate to each other with their own
 * requirepass (no sentinel-pass), as redis-sentinel does for old configurations.</li>
 * </ul>
 * Each case kills the master: ODOWN needs the other sentinels' votes (sentinel-to-sentinel auth), the promotion
 * needs MULTI/SLAVEOF/CONFIG REWRITE/CLIENT KILL/EXEC under the sentinel's ACL user, and the other replica must
 * then replicate from the new master with its own user.
 */
class SentinelAuthTest {
    private static final String[] ADMIN = {"admin", "adminpw"};
    /** The ACL Redis documents for a sentinel's user on the monitored servers. */
    private static final String SENTINEL_ACL = "on >sentpw allchannels +multi +slaveof +ping +exec +subscribe "
        + "+config|rewrite +role +publish +info +client|setname +client|kill +script|kill";

    private static void secureServer(SentinelGroup g, int port, boolean replica) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            acl(j, "admin on >adminpw +@all ~* &*");
            acl(j, "sentinel-user " + SENTINEL_ACL);
            acl(j, "replica-user on >replpw +psync +replconf +ping");
            if (replica) {
                assertEquals("OK", j.configSet("masteruser", "replica-user"));
                assertEquals("OK", j.configSet("masterauth", "replpw"));
            }
            acl(j, "default off");
        }
        g.credentials(port, ADMIN[0], ADMIN[1]);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            assertTrue(j.ping().isEmpty(), "unreachable: the default user is off");
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
        }
    }

    private static void acl(Jedis j, String rules) {
        String[] a = rules.split(" ");
        String[] args = new String[a.length + 1];
        args[0] = "SETUSER";
        System.arraycopy(a, 0, args, 1, a.length);
        assertEquals("OK", new String((byte[]) j.sendCommand(redis.clients.jedis.Protocol.Command.ACL, args)));
    }

    private static final String[] ACL_SENTINEL_LINES = {
        "sentinel auth-user mymaster sentinel-user", "sentinel auth-pass mymaster sentpw",
        "user default off", "user admin on >adminpw +@all ~* &*", "user peer on >peerpw allchannels +@all",
        "sentinel sentinel-user peer", "sentinel sentinel-pass peerpw"};

    @Test
    void aclUsersWithRealRedisServers() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (SentinelGroup g = new SentinelGroup()) {
            g.startServers();
            int[] servers = {g.servers.get(0).port(), g.servers.get(1).port(), g.servers.get(2).port()};
            awaitReplicasOnline(servers[0]);
            for (int i = 0; i < 3; i++) {
                secureServer(g, servers[i], i > 0);
            }
            failOver(g, servers, ACL_SENTINEL_LINES, ADMIN, () -> SentinelGroup.kill9(servers[0]));
        }
    }

    @Test
    void aclUsersWithCinnabarServers() throws Exception {
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarServers();
            awaitReplicasOnline(servers[0]);
            for (int i = 0; i < 3; i++) {
                secureServer(g, servers[i], i > 0);
            }
            failOver(g, servers, ACL_SENTINEL_LINES, ADMIN, () -> g.cinnabarServers.get(0).close());
        }
    }

    @Test
    void requirepassWithCinnabarServers() throws Exception {
        try (SentinelGroup g = new SentinelGroup()) {
            int[] servers = g.startCinnabarServers();
            awaitReplicasOnline(servers[0]);
            for (int i = 0; i < 3; i++) {
                try (Jedis j = new Jedis("127.0.0.1", servers[i])) {
                    assertEquals("OK", j.configSet("masterauth", "srvpw"));
                    assertEquals("OK", j.configSet("requirepass", "srvpw"));
                }
                g.credentials(servers[i], "default", "srvpw");
            }
            failOver(g, servers, new String[] {"requirepass sentpw", "sentinel auth-pass mymaster srvpw"},
                new String[] {"default", "sentpw"}, () -> g.cinnabarServers.get(0).close());
        }
    }

    private static void awaitReplicasOnline(int master) {
        try (Jedis j = new Jedis("127.0.0.1", master)) {
            SentinelGroup.await(Duration.ofSeconds(20), "both replicas in sync", () -> {
                j.set("before", "failover");
                return j.waitReplicas(2, 1000) == 2;
            });
        }
    }

    private static void failOver(SentinelGroup g, int[] servers, String[] sentinelLines, String[] sentinelCreds,
            Runnable killMaster) throws Exception {
        int oldMaster = servers[0];
        int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i, sentinelLines, sentinelCreds).port());
        // the sentinels reach each other: each sees the other two answering its PINGs (after AUTH), for longer than
        // down-after-milliseconds (a refused PING would flag the other sentinel s_down after 1 s)
        SentinelGroup.awaitStable(Duration.ofSeconds(15), Duration.ofMillis(2500), "sentinels answer each other", () -> {
            for (int p : ports) {
                try (Jedis j = SentinelGroup.connect(p)) {
                    for (Map<String, String> other : j.sentinelSentinels("mymaster")) {
                        if (!other.get("flags").equals("sentinel")
                                || Long.parseLong(other.get("last-ok-ping-reply")) > 1500) {
                            return false;
                        }
                    }
                }
            }
            return true;
        });
        // the wrong password is refused by a sentinel
        try (Jedis j = new Jedis("127.0.0.1", ports[0])) {
            j.auth(sentinelCreds[0], "wrong");
            throw new AssertionError("a wrong password was accepted");
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            assertTrue(e.getMessage().startsWith("WRONGPASS"), e.getMessage());
        }

        killMaster.run();
        int newMaster = SentinelGroup.awaitNewMaster("every sentinel reports a new master", oldMaster, ports);
        assertTrue(newMaster == servers[1] || newMaster == servers[2]);
        int other = newMaster == servers[1] ? servers[2] : servers[1];
        SentinelGroup.await(Duration.ofSeconds(10), "the new master says master",
            () -> SentinelGroup.role(newMaster).equals("master"));
        SentinelGroup.await(Duration.ofSeconds(15), "the other replica follows",
            () -> SentinelGroup.role(other).equals("slave of 127.0.0.1:" + newMaster));
        try (Jedis j = SentinelGroup.connect(newMaster)) {
            assertEquals("failover", j.get("before"));
            assertEquals("OK", j.set("after", "failover"));
        }
        SentinelGroup.await(Duration.ofSeconds(15), "the other replica replicates from the new master", () -> {
            try (Jedis j = SentinelGroup.connect(other)) {
                return "failover".equals(j.get("after"));
            }
        });
        for (int p : ports) {
            assertEquals(List.of("127.0.0.1", Integer.toString(newMaster)), SentinelGroup.masterAddr(p));
        }
    }
}
