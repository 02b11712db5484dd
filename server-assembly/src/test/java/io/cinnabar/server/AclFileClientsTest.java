package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The aclfile round trip (ACL SETUSER, ACL SAVE, restart, the same ACL LIST; ACL LOAD of a broken file keeps the
 * users and answers Redis's error, compared with redis-server 7.0.15 loading the same file) and ACL users through
 * unmodified clients: Jedis {@code auth(user, pass)} and Lettuce {@code RedisURI.withAuthentication}.
 */
class AclFileClientsTest {
    static final String[][] USERS = {
        {"alice", "on", ">secret", ">second", "~app:*", "&news.*", "+@read", "+@write", "-flushall"},
        {"bob", "off", "#" + "a".repeat(64), "%R~r*", "%W~w*", "resetchannels", "&x", "+get", "+set|xx",
            "(~sel* +hset)", "(%R~ro* &c* +@hash)"},
        {"carol", "on", "nopass", "allkeys", "allchannels", "+@all", "-@dangerous", "skip-sanitize-payload"},
        {"dave", "on", ">p w", "~*", "resetchannels", "-@all", "+acl|whoami", "+client|setname"},
    };

    static String call(RespClient c, String... cmd) throws Exception {
        return c.call(cmd);
    }

    static void setUsers(RespClient c) throws Exception {
        for (String[] u : USERS) {
            String[] cmd = new String[u.length + 2];
            cmd[0] = "ACL";
            cmd[1] = "SETUSER";
            System.arraycopy(u, 0, cmd, 2, u.length);
            assertEquals("+OK\r\n", c.call(cmd), String.join(" ", u));
        }
    }

    @Test
    void aRelativeAclfileIsInDir(@TempDir Path dir) throws Exception {
        // Redis changes its working directory to dir while reading the configuration, so "aclfile user.acl" with
        // "dir X" is X/user.acl wherever the server was started (tests/unit/acl.tcl starts it so); ACL SAVE writes
        // there too
        Files.writeString(dir.resolve("user.acl"), "user alice on allcommands allkeys &* >alice\n"
            + "user default on nopass ~* &* +@all\n");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
                .config("aclfile", "user.acl").start(); RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("AUTH", "alice", "alice"));
            assertEquals("+OK\r\n", c.call("ACL", "SETUSER", "eve", "on", ">eve", "+get"));
            assertEquals("+OK\r\n", c.call("ACL", "SAVE"));
            assertTrue(Files.readString(dir.resolve("user.acl")).contains("user eve on "));
            assertEquals("+OK\r\n", c.call("ACL", "LOAD"));
        }
        assertTrue(!Files.exists(Path.of("user.acl")), "nothing written to the working directory");
    }

    @Test
    void saveRestartLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "");
        String list;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("aclfile", file.toString())
                .start(); RespClient c = new RespClient(s.port())) {
            setUsers(c);
            list = c.call("ACL", "LIST");
            assertTrue(list.startsWith("*5\r\n"), list);
            assertEquals("+OK\r\n", c.call("ACL", "SAVE"));
        }
        String saved = Files.readString(file);
        assertTrue(saved.contains("user alice on ") && saved.contains("user bob off "), saved);
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("aclfile", file.toString())
                .start(); RespClient c = new RespClient(s.port())) {
            assertEquals(list, c.call("ACL", "LIST"));
            assertEquals("+OK\r\n", c.call("ACL", "LOAD"));
            assertEquals(list, c.call("ACL", "LIST"));
            // a broken line: nothing changes and the reply is Redis's, as redis-server 7.0.15 gives it
            String broken = saved + "user eve on +nosuchcommand\nuser frank on ~ok\nnot a user line\n";
            Files.writeString(file, broken);
            String ours = c.call("ACL", "LOAD");
            assertEquals(list, c.call("ACL", "LIST"));
            try (RespClient admin = new RespClient(s.port())) {
                assertEquals("+OK\r\n", admin.call("AUTH", "carol", "whatever"));
            }
            String theirs;
            Path other = dir.resolve("redis.acl");
            Files.writeString(other, "");
            try (RealRedis redis = RealRedis.start("--aclfile", other.toString());
                    RespClient r = new RespClient(redis.port())) {
                Files.writeString(other, broken);
                theirs = r.call("ACL", "LOAD").replace(other.toString(), file.toString());
            }
            assertTrue(ours.startsWith("-ERR ") && ours.contains("nosuchcommand"), ours);
            assertEquals(theirs, ours);
        }
    }

    @Test
    void jedisAndLettuceAuthenticateAsAclUsers() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").start()) {
            try (RespClient c = new RespClient(s.port())) {
                assertEquals("+OK\r\n", c.call("ACL", "SETUSER", "app", "reset", "on", ">s3cret", "~app:*", "+@all"));
            }
            try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                JedisAccessControlException e = assertThrows(JedisAccessControlException.class,
                    () -> j.auth("app", "wrong"));
                assertEquals("WRONGPASS invalid username-password pair or user is disabled.", e.getMessage());
                assertEquals("OK", j.auth("app", "s3cret"));
                assertEquals("app", j.aclWhoAmI());
                assertEquals("OK", j.set("app:1", "v"));
                JedisDataException denied = assertThrows(JedisDataException.class, () -> j.set("other", "v"));
                assertEquals("NOPERM No permissions to access a key", denied.getMessage());
            }
            RedisClient client = RedisClient.create();
            try {
                RedisURI good = RedisURI.builder().withHost("127.0.0.1").withPort(s.port())
                    .withAuthentication("app", "s3cret").build();
                try (StatefulRedisConnection<String, String> conn = client.connect(good)) {
                    assertEquals("app", conn.sync().aclWhoami());
                    assertEquals("v", conn.sync().get("app:1"));
                    RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
                        () -> conn.sync().get("secret"));
                    assertEquals("NOPERM No permissions to access a key", e.getMessage());
                }
                RedisURI bad = RedisURI.builder().withHost("127.0.0.1").withPort(s.port())
                    .withAuthentication("app", "nope").build();
                // Lettuce sometimes reports its own "RedisHandshakeHandler not registered" for a failed handshake
                // (seen once in a full verify): the refusal must reach it as WRONGPASS within three attempts
                Throwable cause = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    RedisConnectionException e =
                        assertThrows(RedisConnectionException.class, () -> client.connect(bad));
                    cause = e;
                    while (cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    if (String.valueOf(cause.getMessage()).contains("WRONGPASS")) {
                        break;
                    }
                }
                assertTrue(String.valueOf(cause.getMessage()).contains("WRONGPASS invalid username-password pair"),
                    String.valueOf(cause));
            } finally {
                client.shutdown();
            }
        }
    }
}
