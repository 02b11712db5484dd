package io.cinnabar.server;

import static io.cinnabar.server.AclSessionDifferentialTest.to72;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Users with channel rules running the real Pub/Sub commands on the embedded server and redis-server 7.0.15:
 * denied PUBLISH/SPUBLISH/SUBSCRIBE/SSUBSCRIBE/PSUBSCRIBE get NOPERM (7.2's text), allowed ones subscribe and
 * receive, PSUBSCRIBE needs a literal match of the pattern (ACLCheckChannelAgainstList with is_pattern), and
 * the ACL LOG records each denial with reason "channel" and the channel as its object.
 */
@Differential(server = CinnabarUnderTest.class)
class AclPubSubDifferentialTest {
    /** A command sent to both servers; n replies read from each and compared (7.0's NOPERM texts as 7.2's). */
    static String same(RespClient redis, RespClient ours, int n, String... cmd) throws Exception {
        StringBuilder r = new StringBuilder(to72(redis.call(cmd)));
        StringBuilder o = new StringBuilder(ours.call(cmd));
        for (int i = 1; i < n; i++) {
            r.append(redis.read());
            o.append(ours.read());
        }
        String ours2 = o.toString().replaceAll("NOPERM User \\S+ has", "NOPERM User USER has");
        assertEquals(r.toString(), ours2, String.join(" ", cmd));
        return ours2;
    }

    /**
     * True when the server closes c within about 3 seconds: a PING finds EOF instead of a reply (redis-server may
     * answer one more command before the close takes effect; a timeout is never taken for a close).
     */
    static boolean closed(RespClient c) throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            try {
                c.call("PING");
            } catch (java.io.IOException e) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    static final String NOPERM_CHANNEL = "-NOPERM No permissions to access a channel\r\n";

    void hostile(DifferentialServers servers, Pair admin, String user) throws Exception {
        try (RespClient r = new RespClient(servers.redisPort()); RespClient o = new RespClient(servers.oursPort());
                RespClient rs = new RespClient(servers.redisPort());
                RespClient os = new RespClient(servers.oursPort())) {
            same(r, o, 1, "AUTH", user, "pw");
            same(rs, os, 1, "AUTH", user, "pw");
            // publishing: allowed channel, denied channel, shard
            same(r, o, 1, "PUBLISH", "allowed1", "m");
            assertEquals(NOPERM_CHANNEL, same(r, o, 1, "PUBLISH", "secret", "m"));
            assertEquals(NOPERM_CHANNEL, same(r, o, 1, "SPUBLISH", "secret", "m"));
            same(r, o, 1, "SPUBLISH", "allowedX", "m");
            // subscribing: one denied channel among allowed ones refuses the whole command
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "SUBSCRIBE", "allowed1", "secret"));
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "SSUBSCRIBE", "secret"));
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "SSUBSCRIBE", "allowedA", "other"));
            // PSUBSCRIBE: the pattern must literally equal an allowed pattern ("allowed*" matches "allowed1*" as
            // a glob but is not the same pattern)
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "PSUBSCRIBE", "allowed1*"));
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "PSUBSCRIBE", "*"));
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "PSUBSCRIBE", "allowed"));
            // still allowed to run ordinary commands after the refusals: not in subscribed mode yet
            same(rs, os, 1, "PING");
            // allowed subscriptions, then a message arrives
            same(rs, os, 2, "SUBSCRIBE", "allowed1", "allowed2");
            same(rs, os, 1, "PSUBSCRIBE", "allowed*");
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "SUBSCRIBE", "nope"));
            assertEquals(NOPERM_CHANNEL, same(rs, os, 1, "PSUBSCRIBE", "n*"));
            same(r, o, 1, "PUBLISH", "allowed2", "hello");
            assertEquals(rs.read(), os.read());
            assertEquals(rs.read(), os.read());
            same(rs, os, 1, "UNSUBSCRIBE", "secret");
            same(rs, os, 1, "PUNSUBSCRIBE", "x*");
        }
        List<?> r = (List<?>) AclResp.parse(admin.redis().call("ACL", "LOG"));
        List<?> o = (List<?>) AclResp.parse(admin.ours().call("ACL", "LOG"));
        assertEquals(r.size(), o.size(), "ACL LOG entries");
        assertFalse(o.isEmpty());
        for (int i = 0; i < r.size(); i++) {
            for (String f : List.of("count", "reason", "context", "object", "username")) {
                assertEquals(AclResp.field(r.get(i), f), AclResp.field(o.get(i), f), i + " " + f);
            }
            assertEquals("channel", AclResp.field(o.get(i), "reason"));
            assertEquals(user, AclResp.field(o.get(i), "username"));
        }
    }

    @Test
    void resetchannelsUser(DifferentialServers servers) throws Exception {
        try (Pair admin = servers.open(2)) {
            admin.same("ACL", "LOG", "RESET");
            admin.same("CONFIG", "RESETSTAT");
            admin.same("ACL", "SETUSER", "h", "reset", "on", ">pw", "resetchannels", "&allowed*", "+@all", "~*");
            hostile(servers, admin, "h");
            String info = admin.ours().call("INFO", "stats");
            assertTrue(info.contains("acl_access_denied_channel:10\r\n"), info);
            admin.assertSame();
        }
    }

    @Test
    void aclPubsubDefaultResetchannels(DifferentialServers servers) throws Exception {
        try (Pair admin = servers.open(2)) {
            admin.same("ACL", "LOG", "RESET");
            admin.same("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
            // no channel rule given: the default is taken when the user is created
            admin.same("ACL", "SETUSER", "d", "on", ">pw", "+@all", "~*");
            try (RespClient r = new RespClient(servers.redisPort()); RespClient o = new RespClient(servers.oursPort())) {
                same(r, o, 1, "AUTH", "d", "pw");
                assertEquals(NOPERM_CHANNEL, same(r, o, 1, "PUBLISH", "any", "m"));
                assertEquals(NOPERM_CHANNEL, same(r, o, 1, "SUBSCRIBE", "any"));
                assertEquals(NOPERM_CHANNEL, same(r, o, 1, "PSUBSCRIBE", "*"));
            }
            admin.same("ACL", "LOG", "RESET");
            admin.same("ACL", "SETUSER", "d", "&allowed*");
            hostile(servers, admin, "d");
            // allchannels again: a user created now may use every channel
            admin.same("CONFIG", "SET", "acl-pubsub-default", "allchannels");
            admin.same("ACL", "SETUSER", "e", "on", ">pw", "+@all", "~*");
            try (RespClient r = new RespClient(servers.redisPort()); RespClient o = new RespClient(servers.oursPort())) {
                same(r, o, 1, "AUTH", "e", "pw");
                same(r, o, 1, "PUBLISH", "any", "m");
                same(r, o, 1, "PSUBSCRIBE", "*");
            }
            admin.same("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
            admin.assertSame();
        }
    }

    /** 7.2's ACLKillPubsubClientsIfNeeded: SETUSER taking a channel away closes the connections subscribed to it. */
    @Test
    void revokedChannelsCloseSubscribers(DifferentialServers servers) throws Exception {
        try (Pair admin = servers.open(2)) {
            assertEquals("+OK\r\n",
                admin.same("ACL", "SETUSER", "k", "reset", "on", ">pw", "+@all", "~*", "&news*", "&sport", "&shard*"));
            RespClient[] r = new RespClient[4];
            RespClient[] o = new RespClient[4];
            String[][] subs = {{"SUBSCRIBE", "news.1"}, {"PSUBSCRIBE", "news*"}, {"SUBSCRIBE", "sport"},
                {"SSUBSCRIBE", "shard1"}};
            try {
                for (int i = 0; i < 4; i++) {
                    r[i] = new RespClient(servers.redisPort());
                    o[i] = new RespClient(servers.oursPort());
                    same(r[i], o[i], 1, "AUTH", "k", "pw");
                    same(r[i], o[i], 1, subs[i]);
                }
                // a wider rule set keeps everyone
                admin.same("ACL", "SETUSER", "k", "&more*");
                for (int i = 0; i < 4; i++) {
                    same(r[i], o[i], 1, "PING");
                }
                // "sport" goes: its subscriber is closed, the others stay
                assertEquals("+OK\r\n",
                    admin.same("ACL", "SETUSER", "k", "clearselectors", "resetchannels", "&news*", "&shard*"));
                assertTrue(closed(r[2]));
                assertTrue(closed(o[2]));
                for (int i : new int[] {0, 1, 3}) {
                    same(r[i], o[i], 1, "PING");
                }
                // the pattern "news*" is no longer literally allowed ("news.*" matches it only as a glob)
                admin.same("ACL", "SETUSER", "k", "resetchannels", "&news.*", "&shard*");
                assertTrue(closed(r[1]));
                assertTrue(closed(o[1]));
                same(r[0], o[0], 1, "PING");
                same(r[3], o[3], 1, "PING");
                // shard channels count too
                admin.same("ACL", "SETUSER", "k", "resetchannels", "&news.*");
                assertTrue(closed(r[3]));
                assertTrue(closed(o[3]));
                // a message still reaches the remaining subscriber
                admin.same("PUBLISH", "news.1", "hi");
                assertEquals(r[0].read(), o[0].read());
                // allchannels never closes anything; another user's change does not touch k's connections
                admin.same("ACL", "SETUSER", "k", "allchannels");
                admin.same("ACL", "SETUSER", "other", "reset", "on", "nopass", "resetchannels");
                same(r[0], o[0], 1, "PING");
                admin.same("ACL", "SETUSER", "k", "resetchannels");
                assertTrue(closed(r[0]));
                assertTrue(closed(o[0]));
            } finally {
                for (int i = 0; i < 4; i++) {
                    if (r[i] != null) {
                        r[i].close();
                    }
                    if (o[i] != null) {
                        o[i].close();
                    }
                }
            }
            admin.assertSame();
        }
        // 7.2 counts the channels of every selector (7.0.15 only the root selector's, so only ours is checked)
        try (RespClient admin = new RespClient(servers.oursPort()); RespClient o = new RespClient(servers.oursPort())) {
            assertEquals("+OK\r\n", admin.call("ACL", "SETUSER", "s", "reset", "on", ">pw", "+@all", "&a", "&b"));
            assertEquals("+OK\r\n", o.call("AUTH", "s", "pw"));
            o.call("SUBSCRIBE", "b");
            assertEquals("+OK\r\n", admin.call("ACL", "SETUSER", "s", "resetchannels", "(&a &b +@all)"));
            assertFalse(closed(o));
            assertEquals("+OK\r\n", admin.call("ACL", "SETUSER", "s", "clearselectors", "&a"));
            assertTrue(closed(o));
        }
    }
}
