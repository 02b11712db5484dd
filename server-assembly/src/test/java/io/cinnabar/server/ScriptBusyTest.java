package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script running past busy-reply-threshold: the event loop keeps serving the other clients from the script's
 * hook, which get BUSY (with the SCRIPT KILL or FUNCTION KILL variant) for everything but allow-busy commands;
 * SCRIPT KILL ends a script that has not written, UNKILLABLE refuses one that has, FUNCTION KILL/SCRIPT KILL
 * refuse the other kind, FUNCTION STATS shows the running function, and the server is normal afterwards.
 * The waits poll for a state; nothing asserts on elapsed time.
 */
class ScriptBusyTest {
    private CinnabarServer server;

    @BeforeEach
    void start() {
        server = CinnabarServer.builder().port(0).config("save", "").config("busy-reply-threshold", "50")
            .log(new PrintStream(OutputStream.nullOutputStream())).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends PING until the reply is BUSY (the script passed the threshold); returns the BUSY text. */
    private static String awaitBusy(RespClient other) throws Exception {
        for (int i = 0; i < 2000; i++) {
            String r = other.call("PING");
            if (r.startsWith("-BUSY")) {
                return r;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the script never became busy");
    }

    private CompletableFuture<String> runAsync(RespClient c, String... cmd) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.call(cmd);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void scriptKillEndsABusyScriptThatDidNotWrite() throws Exception {
        try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port())) {
            CompletableFuture<String> reply = runAsync(a, "EVAL", "local i = 0 while true do i = i + 1 end", "0");
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
                awaitBusy(b));
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
                b.call("GET", "x"));
            assertTrue(b.call("FUNCTION", "KILL").startsWith("-BUSY Redis is busy running a script. You can only "
                + "call SCRIPT KILL"));
            assertEquals("+OK\r\n", b.call("SCRIPT", "KILL"));
            String r = reply.get(30, TimeUnit.SECONDS);
            assertTrue(r.startsWith("-ERR Script killed by user with SCRIPT KILL..."), r);
            assertEquals("+PONG\r\n", b.call("PING"));
            assertEquals("+PONG\r\n", a.call("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", b.call("SCRIPT", "KILL"));
        }
    }

    @Test
    void pcallCannotCatchTheKill() throws Exception {
        try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port())) {
            CompletableFuture<String> reply = runAsync(a, "EVAL",
                "while true do pcall(function() while true do end end) end", "0");
            awaitBusy(b);
            assertEquals("+OK\r\n", b.call("SCRIPT", "KILL"));
            assertTrue(reply.get(30, TimeUnit.SECONDS).startsWith("-ERR Script killed by user"));
        }
    }

    @Test
    void aScriptThatWroteIsUnkillableAndFinishes() throws Exception {
        try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port())) {
            // writes, then loops until a second of TIME has passed (TIME is not frozen)
            CompletableFuture<String> reply = runAsync(a, "EVAL", "redis.call('set', 'x', '1') "
                + "local s = tonumber(redis.call('time')[1]) "
                + "while tonumber(redis.call('time')[1]) - s < 2 do end return 'done'", "0");
            awaitBusy(b);
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                + "either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE "
                + "command.\r\n", b.call("SCRIPT", "KILL"));
            assertEquals("$4\r\ndone\r\n", reply.get(30, TimeUnit.SECONDS));
            assertEquals("$1\r\n1\r\n", b.call("GET", "x"));
        }
    }

    @Test
    void functionKillAndStats() throws Exception {
        try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port())) {
            assertEquals("$4\r\nbusy\r\n", a.call("FUNCTION", "LOAD",
                "#!lua name=busy\nredis.register_function('spin', function() while true do end end)"));
            CompletableFuture<String> reply = runAsync(a, "FCALL", "spin", "0");
            assertEquals("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
                awaitBusy(b));
            assertTrue(b.call("SCRIPT", "KILL").startsWith("-BUSY Redis is busy running a script. You can only call "
                + "FUNCTION KILL"));
            String stats = b.call("FUNCTION", "STATS");
            assertTrue(stats.contains("$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n"),
                stats);
            assertEquals("+OK\r\n", b.call("FUNCTION", "KILL"));
            assertTrue(reply.get(30, TimeUnit.SECONDS).startsWith("-ERR Script killed by user"));
            assertEquals("+PONG\r\n", b.call("PING"));
        }
    }

    @Test
    void infoReportsTheScriptCache() throws Exception {
        try (RespClient a = new RespClient(server.port())) {
            a.call("SCRIPT", "LOAD", "return 1");
            a.call("SCRIPT", "LOAD", "return 2");
            a.call("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', function() return 1 end)"
                + "\nredis.register_function('g', function() return 1 end)");
            String info = a.call("INFO", "memory");
            assertTrue(info.contains("number_of_cached_scripts:2\r\n"), info);
            assertTrue(info.contains("number_of_functions:2\r\n"), info);
            assertTrue(info.contains("number_of_libraries:1\r\n"), info);
            assertTrue(!info.contains("used_memory_scripts_eval:0\r\n"), info);
            a.call("SCRIPT", "FLUSH");
            a.call("FUNCTION", "FLUSH");
            info = a.call("INFO", "memory");
            assertTrue(info.contains("number_of_cached_scripts:0\r\n"), info);
            assertTrue(info.contains("number_of_functions:0\r\n"), info);
            assertTrue(info.contains("used_memory_scripts_eval:0\r\n"), info);
        }
    }
}
