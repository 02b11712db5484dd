package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;

/**
 * DEBUG SLEEP reads its number as C's strtod does: the longest numeric prefix counts ("0.15s" sleeps 0.15 s),
 * text without one sleeps 0, and a value C cannot convert to microseconds (inf, nan) does not sleep. The slow log
 * (threshold 100 ms) tells whether a sleep happened, so no assertion depends on how long anything took.
 */
class DebugSleepTest {
    @Test
    void sleepReadsTheNumericPrefixLikeStrtod() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().port(0).config("save", "")
                 .config("enable-debug-command", "yes").start();
             RespClient c = new RespClient(server.port())) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "slowlog-log-slower-than", "100000"));
            for (String arg : new String[] {"x", "inf", "nan", "-1", "0.15s"}) {
                assertEquals("+OK\r\n", c.call("DEBUG", "SLEEP", arg), arg);
            }
            String log = c.call("SLOWLOG", "GET");
            assertTrue(log.startsWith("*1\r\n"), log);
            assertTrue(log.contains("$5\r\n0.15s\r\n"), log);
        }
    }
}
