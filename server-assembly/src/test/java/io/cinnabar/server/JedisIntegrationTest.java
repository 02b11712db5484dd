package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** The unmodified Jedis client against the embedded server: strings, keys, expiry, SCAN, pipelining, AUTH. */
class JedisIntegrationTest {
    static CinnabarServer server;
    Jedis jedis;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().port(0).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", server.port());
        jedis.flushAll();
    }

    @Test
    void strings() {
        assertEquals("OK", jedis.set("k", "v"));
        assertEquals("v", jedis.get("k"));
        assertNull(jedis.get("missing"));
        assertEquals(11L, jedis.incrBy("n", 11));
        assertEquals(10L, jedis.decr("n"));
        assertEquals(10.5, jedis.incrByFloat("n", 0.5));
        assertEquals(5L, jedis.append("k", "alue"));
        assertEquals("valu", jedis.getrange("k", 0, 3));
        assertEquals(5L, jedis.setrange("k", 0, "V"));
        assertEquals("Value", jedis.get("k").substring(0, 5));
        assertEquals("OK", jedis.mset("a", "1", "b", "2"));
        assertEquals(List.of("1", "2"), jedis.mget("a", "b"));
        assertEquals(0L, jedis.setnx("a", "x"));
        assertEquals("1", jedis.getDel("a"));
        assertEquals(null, jedis.set("b", "3", SetParams.setParams().nx()));
        assertEquals("2", jedis.setGet("b", "4"));
        assertEquals(1L, jedis.strlen("b"));
        assertEquals("4", jedis.getEx("b", GetExParams.getExParams().ex(100)));
        assertTrue(jedis.ttl("b") > 90);
        JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.incr("k"));
        assertEquals("ERR value is not an integer or out of range", e.getMessage());
    }

    @Test
    void keysAndExpiry() {
        for (int i = 0; i < 100; i++) {
            jedis.set("key:" + i, "v" + i);
        }
        assertEquals(100L, jedis.dbSize());
        assertEquals(2L, jedis.exists("key:1", "key:2"));
        assertEquals("string", jedis.type("key:1"));
        assertEquals("none", jedis.type("nokey"));
        assertEquals(1L, jedis.del("key:0"));
        assertEquals("OK", jedis.rename("key:1", "renamed"));
        assertTrue(jedis.copy("renamed", "copied", false));
        assertEquals(1L, jedis.expire("renamed", 100));
        assertTrue(jedis.ttl("renamed") >= 99);
        assertTrue(jedis.pttl("renamed") > 99_000);
        assertEquals(1L, jedis.persist("renamed"));
        assertEquals(-1L, jedis.ttl("renamed"));
        assertEquals(-2L, jedis.ttl("nokey"));
        assertEquals(1L, jedis.pexpire("copied", 1));
        sleep(20);
        assertFalse(jedis.exists("copied"));
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().match("key:*").count(7));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        assertEquals(98, seen.size());
        assertEquals(98, jedis.keys("key:*").size());
        assertEquals("OK", jedis.select(3));
        assertEquals(0L, jedis.dbSize());
        jedis.select(0);
        assertEquals(1L, jedis.move("renamed", 3));
        assertEquals("OK", jedis.flushDB());
        assertEquals(0L, jedis.dbSize());
        assertNull(jedis.randomKey());
    }

    @Test
    void pipelining() {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < 5000; i++) {
            p.set("p" + i, Integer.toString(i));
        }
        Response<Long> incr = p.incr("p0");
        Response<String> get = p.get("p4999");
        p.sync();
        assertEquals(1L, incr.get());
        assertEquals("4999", get.get());
        assertEquals(5000L, jedis.dbSize());
    }

    @Test
    void clientAndServerCommands() {
        assertEquals("PONG", jedis.ping());
        assertEquals("OK", jedis.clientSetname("jedis-test"));
        assertEquals("jedis-test", jedis.clientGetname());
        assertTrue(jedis.clientList().contains("name=jedis-test"));
        assertTrue(jedis.info("server").contains("redis_version:7.2"));
        assertEquals(List.of("maxclients", "10000"), jedis.configGet("maxclients").entrySet().stream()
            .flatMap(x -> java.util.stream.Stream.of(x.getKey(), x.getValue())).toList());
        assertEquals(2, jedis.time().size());
    }

    @Test
    void auth() {
        try (CinnabarServer secured = CinnabarServer.builder().port(0).config("requirepass", "s3cret").start();
             Jedis j = new Jedis("127.0.0.1", secured.port())) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.get("x"));
            assertEquals("NOAUTH Authentication required.", e.getMessage());
            JedisDataException w = assertThrows(JedisDataException.class, () -> j.auth("wrong"));
            assertEquals("WRONGPASS invalid username-password pair or user is disabled.", w.getMessage());
            assertEquals("OK", j.auth("s3cret"));
            assertEquals("OK", j.set("x", "1"));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
