package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.FlushMode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Unmodified clients' scripting APIs against the embedded server: Jedis eval/evalsha/scriptLoad/scriptExists/
 * fcall/functionLoad, Lettuce's in RESP2 and RESP3 (with typed outputs), and redis-py's {@code Lock} (which
 * acquires with SET NX PX and releases and extends with its own Lua scripts) through /usr/bin/python3.
 */
class ScriptingClientsTest {
    static CinnabarServer server;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().port(0).config("save", "").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jedis() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.flushAll();
            j.scriptFlush();
            j.functionFlush();
            String rateLimiter = "local c = redis.call('incr', KEYS[1]) "
                + "if c == 1 then redis.call('expire', KEYS[1], ARGV[1]) end "
                + "if c > tonumber(ARGV[2]) then return 0 end return 1";
            for (int i = 0; i < 3; i++) {
                assertEquals(1L, j.eval(rateLimiter, List.of("rl"), List.of("60", "3")));
            }
            assertEquals(0L, j.eval(rateLimiter, List.of("rl"), List.of("60", "3")));
            assertTrue(j.ttl("rl") > 0);
            String sha = j.scriptLoad("return {KEYS[1], ARGV[1], 3, {ok='OK'}}");
            assertEquals(List.of(true, false), j.scriptExists(sha, "0000000000000000000000000000000000000000"));
            Object r = j.evalsha(sha, List.of("k"), List.of("a"));
            assertEquals(List.of("k", "a", 3L, "OK"), r);
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.eval("return redis.call('nosuch')"));
            assertTrue(e.getMessage().startsWith("ERR Unknown Redis command called from script script: "), e.getMessage());
            assertThrows(JedisDataException.class, () -> j.evalsha("ffffffffffffffffffffffffffffffffffffffff"));
            assertEquals("mylib", j.functionLoad("#!lua name=mylib\n"
                + "redis.register_function('hello', function(keys, args) return 'hello ' .. args[1] end)\n"
                + "redis.register_function{function_name='ro', callback=function(keys) "
                + "return redis.call('get', keys[1]) end, flags={'no-writes'}}"));
            assertEquals("hello world", j.fcall("hello", List.of(), List.of("world")));
            j.set("x", "y");
            assertEquals("y", j.fcallReadonly("ro", List.of("x"), List.of()));
            assertEquals(1, j.functionList().size());
            byte[] dump = j.functionDump();
            assertEquals("OK", j.functionFlush());
            assertEquals("OK", j.functionRestore(dump));
            assertEquals("hello again", j.fcall("hello", List.of(), List.of("again")));
        }
    }

    @ParameterizedTest(name = "lettuce {0}")
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuce(ProtocolVersion v) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(v).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> c = conn.sync();
            c.flushall();
            c.scriptFlush(FlushMode.SYNC);
            assertEquals("OK", c.eval("return redis.call('set', KEYS[1], ARGV[1])", ScriptOutputType.STATUS,
                new String[] {"k"}, "v"));
            assertEquals("v", c.eval("return redis.call('get', KEYS[1])", ScriptOutputType.VALUE, "k"));
            assertEquals(42L, (Long) c.eval("return 42", ScriptOutputType.INTEGER));
            assertEquals(Boolean.TRUE, c.eval("return true", ScriptOutputType.BOOLEAN));
            List<Object> multi = c.eval("return {1, 'two', {3}}", ScriptOutputType.MULTI);
            assertEquals(List.of(1L, "two", List.of(3L)), multi);
            String sha = c.scriptLoad("return ARGV[1] .. ARGV[2]");
            assertEquals("ab", c.evalsha(sha, ScriptOutputType.VALUE, new String[0], "a", "b"));
            assertEquals(List.of(true), c.scriptExists(sha));
            assertEquals("lib", c.functionLoad("#!lua name=lib\n"
                + "redis.register_function('sum', function(keys, args) return tonumber(args[1]) + tonumber(args[2]) end)",
                true));
            assertEquals(7L, (Long) c.fcall("sum", ScriptOutputType.INTEGER, new String[0], "3", "4"));
            assertThrows(io.lettuce.core.RedisCommandExecutionException.class,
                () -> c.eval("error('boom')", ScriptOutputType.STATUS));
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** redis-py's Lock: acquire (SET NX PX), extend and reacquire (Lua), release (Lua), owner checks. */
    @Test
    void redisPyLock() throws Exception {
        Path py = Files.createTempFile("lock", ".py");
        Files.writeString(py, String.join("\n",
            "import sys, redis",
            "from redis.exceptions import LockNotOwnedError",
            "r = redis.Redis(port=int(sys.argv[1]))",
            "r.flushall()",
            "a = r.lock('resource', timeout=10)",
            "b = r.lock('resource', timeout=10, blocking_timeout=0.1)",
            "assert a.acquire()",
            "assert not b.acquire()",
            "assert a.owned() and not b.owned()",
            "assert a.extend(5)",
            "assert r.pttl('resource') > 10000",
            "assert a.reacquire()",
            "a.release()",
            "assert b.acquire()",
            "c = r.lock('resource')",
            "c.local.token = b'not-the-owner'",
            "try:",
            "    c.release()",
            "    raise SystemExit('released a lock it did not own')",
            "except LockNotOwnedError:",
            "    pass",
            "b.release()",
            "assert r.exists('resource') == 0",
            "print('ok')", ""));
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), Integer.toString(server.port()))
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.delete(py);
        assertEquals(0, p.exitValue(), out);
        assertEquals("ok\n", out);
    }
}
