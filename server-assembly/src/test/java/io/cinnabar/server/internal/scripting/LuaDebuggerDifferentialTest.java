package io.cinnabar.server.internal.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Lua debugger against redis-server 7.0.15: whole sessions (SCRIPT DEBUG SYNC and YES, EVAL, then debugger
 * commands) give the same replies on both servers, byte for byte but for the addresses in "function@0x..."; the
 * connection closes after the EVAL reply on both; a YES session leaves the dataset as it was, a SYNC one keeps the
 * script's writes; and {@code redis-cli --ldb --eval} prints the same session against both.
 */
class LuaDebuggerDifferentialTest {
    private static RealRedis redis;
    private static CinnabarServer cinnabar;

    private static final String LOOPS = """
        local function f(x)
          local y = x * 2
          return y
        end
        local z = f(3)
        while z > 4 do z = z - 1 end
        redis.breakpoint()
        return z
        """;
    private static final String TOUR = """
        local a = 1
        local t = {1,2,"x"}
        for i=1,2 do
          a = a + i
        end
        redis.call('set', KEYS[1], a)
        redis.debug('hi', a, t)
        return redis.call('get', KEYS[1])
        """;
    private static final String FLOW = """
        local t = {a=1}
        for k, v in pairs(t) do
          redis.call('set', k, v)
        end
        local n = 0
        repeat
          n = n + 1
        until n >= 2
        if n == 1 then
          n = 10
        elseif n == 2 then
          n = 20
        else
          n = 30
        end
        for i = 1, 2 do n = n + i end
        redis.debug()
        redis.debug(nil, true, 1.5, {x={y={}}}, 1e20, 0.1, -3, 123456789, 1/3)
        local big = string.rep("x", 300)
        redis.call('set', 'big', big)
        redis.call('get', 'big')
        local ok = redis.pcall('incr', 'big')
        redis.setresp(3)
        redis.call('hset', 'h', 'f', 'v')
        redis.call('hgetall', 'h')
        redis.call('smembers', 'nokey')
        return n
        """;
    private static final String FAILS = """
        local x = 1
        redis.call('set', 'k', 'v')
        x = x + 1
        error("boom")
        """;
    private static final String WRITES = """
        redis.call('set', KEYS[1], 'changed')
        redis.call('del', 'other')
        return redis.call('get', KEYS[1])
        """;

    @BeforeAll
    static void start() throws IOException {
        redis = RealRedis.start();
        cinnabar = CinnabarServer.builder().port(0).config("save", "").start();
    }

    @AfterAll
    static void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** One session: FLUSHALL, SCRIPT DEBUG mode, EVAL script 1 k1 a1, then each command until the EVAL reply. */
    private static List<String> session(int port, String mode, String script, String... commands) throws IOException {
        List<String> out = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            c.call("FLUSHALL");
            c.call("SET", "k1", "before");
            out.add(c.call("SCRIPT", "DEBUG", mode));
            String r = c.call("EVAL", script, "1", "k1", "a1");
            out.add(r);
            for (String cmd : commands) {
                if (!r.startsWith("*")) {
                    break; // the EVAL reply came: the session is over
                }
                c.sendRaw(RespClient.encode(cmd.split(" ")));
                r = c.read();
                out.add(cmd + " => " + r);
            }
            assertTrue(!r.startsWith("*") || r.contains("<endsession>"), "the transcript ends the session: " + r);
            if (r.startsWith("*")) { // the script ended on its own: the last array held <endsession>
                out.add("reply => " + c.read());
            }
            out.add("closed: " + c.closedByServer());
        }
        try (RespClient c = new RespClient(port)) {
            out.add("after: " + c.call("MGET", "k1", "other", "k", "a"));
        }
        return out;
    }

    private static void same(String mode, String script, String... commands) throws IOException {
        List<String> expected = normalize(session(redis.port(), mode, script, commands));
        List<String> actual = normalize(session(cinnabar.port(), mode, script, commands));
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertTrue(expected.size() > 3, "the session produced output: " + expected);
    }

    private static List<String> normalize(List<String> l) {
        List<String> out = new ArrayList<>();
        for (String s : l) {
            out.add(s.replaceAll("(function|table|thread|userdata)@0x[0-9a-f]+", "$1@ADDR"));
        }
        return out;
    }

    private static String[] steps(int n) {
        String[] s = new String[n];
        java.util.Arrays.fill(s, "s");
        return s;
    }

    @Test
    void stepsThroughCallsLoopsAndBreakpointFunction() throws IOException {
        same("sync", LOOPS, "s", "s", "s", "t", "s", "s", "p", "s", "s", "s", "s");
    }

    @Test
    void everyCommandOfTheRepl() throws IOException {
        same("sync", TOUR, "s", "s", "s", "p", "print t", "print KEYS", "print ARGV", "print nope", "print a b", "l",
            "l 3 1", "l 0", "list 2 0", "w", "b 6", "b", "b 6", "b 99", "b x", "b -3", "b -6", "b 6 7", "break 0",
            "b 6", "c", "r incr foo", "r get", "r nosuch x", "r set", "redis", "e a+1", "e 1+1", "e {1,2}", "e x = 5",
            "e )", "e error('x')", "eval return 1, 2", "m", "m 10", "m 0", "maxlen 100", "r lrange nolist 0 -1",
            "t", "h", "help", "zz", "STEP", "n", "next", "c");
    }

    @Test
    void controlFlowTypesAndTrimming() throws IOException {
        same("sync", FLOW, steps(40));
    }

    @Test
    void errorsAbortAndEmptyScripts() throws IOException {
        same("sync", FAILS, "s", "s", "s", "s", "s");
        same("sync", FAILS, "s", "a");
        same("sync", FAILS, "s", "e redis.breakpoint()", "c", "c");
        same("sync", "return 1\n", "s", "s");
        same("sync", "redis.call('set','x','y')", "s", "s");
        same("sync", "", "s", "s");
        same("sync", "retur n", "s");
        same("sync", "return redis.call('get', KEYS[1])", "c");
    }

    @Test
    void yesRollsBackAndSyncKeepsWrites() throws IOException {
        same("yes", WRITES, "s", "s", "s", "s");
        same("sync", WRITES, "s", "s", "s", "s");
        same("yes", WRITES, "c");
        same("yes", WRITES, "s", "a");
    }

    @Test
    void refusals() throws IOException {
        for (int port : new int[] {redis.port(), cinnabar.port()}) {
            try (RespClient c = new RespClient(port)) {
                assertEquals("-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n", c.call("SCRIPT", "DEBUG", "maybe"), "port " + port);
                assertEquals("+OK\r\n", c.call("SCRIPT", "DEBUG", "yes"));
                assertEquals("-ERR Please use EVAL instead of EVALSHA for debugging\r\n",
                    c.call("EVALSHA", "0123456789012345678901234567890123456789", "0"));
                assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", c.call("EVALSHA", "abc", "0"));
                assertEquals("+OK\r\n", c.call("SCRIPT", "DEBUG", "no"));
                assertEquals(":1\r\n", c.call("EVAL", "return 1", "0"), "no session after SCRIPT DEBUG NO");
                c.sendRaw(RespClient.encode("PING"));
                c.sendRaw(RespClient.encode("SCRIPT", "DEBUG", "yes"));
                c.read();
                String r = c.read();
                // Redis checks pending replies: a pipelined SCRIPT DEBUG behind a PING is usually refused
                assertTrue(r.equals("+OK\r\n") || r.equals("-ERR SCRIPT DEBUG must be called outside a pipeline\r\n"), r);
            }
        }
    }

    @Test
    void redisCliLdbEvalPrintsTheSameSession() throws Exception {
        Path script = Files.createTempFile("ldb", ".lua");
        try {
            Files.writeString(script, TOUR);
            String input = "s\ns\np\nb 7\nc\nr get k1\ne 40+2\nw\nc\n";
            String expected = cli(redis.port(), script, input);
            String actual = cli(cinnabar.port(), script, input);
            assertTrue(expected.contains("Stopped at 7, stop reason = break point"), expected);
            assertEquals(expected.replaceAll("@0x[0-9a-f]+", "@ADDR"), actual.replaceAll("@0x[0-9a-f]+", "@ADDR"));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String cli(int port, Path script, String input) throws Exception {
        Process p = new ProcessBuilder(RealRedis.binary("redis-cli").toString(), "-p", Integer.toString(port),
            "--ldb", "--eval", script.toString(), "k1", ",", "a1").redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "redis-cli ended");
        return new String(out, StandardCharsets.UTF_8);
    }
}
