package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;

/**
 * The DEBUG pieces client test suites use: DEBUG ERROR (the argument as the error line, newlines made spaces),
 * DEBUG PAUSE-CRON (no active expiry while paused: a volatile key nobody reads stays in the keyspace, then goes
 * once resumed) and DEBUG SLEEP queued inside MULTI (answered +OK in the EXEC array, seen by the slow log).
 */
class DebugClientPiecesTest {
    @Test
    void errorPauseCronAndSleepInMulti() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().port(0).config("save", "")
                 .config("enable-debug-command", "yes").start();
             RespClient c = new RespClient(server.port())) {
            assertEquals("-ERR bad thing\r\n", c.call("DEBUG", "ERROR", "ERR bad thing"));
            assertEquals("-WRONGTYPE a b\r\n", c.call("DEBUG", "ERROR", "WRONGTYPE a\nb"));
            assertTrue(c.call("DEBUG", "HELP").contains("PAUSE-CRON <0|1>"));

            assertEquals("+OK\r\n", c.call("DEBUG", "PAUSE-CRON", "1"));
            assertEquals("+OK\r\n", c.call("SET", "v", "1", "PX", "1"));
            Thread.sleep(400); // several cron periods at hz 10: the active cycle would have removed the key
            assertEquals(":1\r\n", c.call("DBSIZE"), "expired but not removed while the cron is paused");
            assertEquals("+OK\r\n", c.call("DEBUG", "PAUSE-CRON", "0"));
            String size = "";
            for (int i = 0; i < 200 && !size.equals(":0\r\n"); i++) {
                Thread.sleep(20);
                size = c.call("DBSIZE");
            }
            assertEquals(":0\r\n", size, "removed by the active cycle once the cron runs again");

            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "slowlog-log-slower-than", "100000"));
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals("+QUEUED\r\n", c.call("DEBUG", "SLEEP", "0.15"));
            assertEquals("+QUEUED\r\n", c.call("PING"));
            assertEquals("*2\r\n+OK\r\n+PONG\r\n", c.call("EXEC"));
            String log = c.call("SLOWLOG", "GET");
            assertTrue(log.contains("$4\r\n0.15\r\n"), log);
        }
    }
}
