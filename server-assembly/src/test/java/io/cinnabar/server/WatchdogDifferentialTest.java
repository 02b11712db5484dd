package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

/**
 * Redis's software watchdog (the hidden watchdog-period option; tests/integration/replication.tcl "replica can handle
 * EINTR if use diskless load" sets it), differential against redis-server 7.0.15: the option's range, its raise to
 * twice the cron interval, its hiding from CONFIG GET patterns; with the event loop stuck longer than the period
 * (DEBUG SLEEP) the log gets "--- WATCHDOG TIMER EXPIRED ---" with the event-loop thread's stack, and the expiry ends
 * the DEBUG SLEEP early (Redis's nanosleep returns EINTR on the SIGALRM); at 0 it is off.
 */
class WatchdogDifferentialTest {
    private static final String EXPIRED = "--- WATCHDOG TIMER EXPIRED ---";

    private static IntegrationSuiteFindingsTest.Child start(boolean ours) throws Exception {
        return ours ? IntegrationSuiteFindingsTest.Child.start("--enable-debug-command", "yes")
            : IntegrationSuiteFindingsTest.Child.redis(null, "--enable-debug-command", "yes");
    }

    private static int count(String log, String s) {
        int n = 0;
        for (int i = log.indexOf(s); i >= 0; i = log.indexOf(s, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void configSetGetAndRange() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (IntegrationSuiteFindingsTest.Child s = start(ours); RespClient r = new RespClient(s.port)) {
                String who = ours ? "ours" : "redis";
                assertEquals("*2\r\n$15\r\nwatchdog-period\r\n$1\r\n0\r\n", r.call("CONFIG", "GET", "watchdog-period"),
                    who);
                assertEquals("*0\r\n", r.call("CONFIG", "GET", "watchdog*"), who + ": hidden from patterns");
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'watchdog-period') - argument must "
                    + "be between 0 and 2147483647 inclusive\r\n", r.call("CONFIG", "SET", "watchdog-period", "-1"),
                    who);
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'watchdog-period') - argument "
                    + "couldn't be parsed into an integer\r\n", r.call("CONFIG", "SET", "watchdog-period", "abc"), who);
                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "watchdog-period", "50"), who);
                assertEquals("*2\r\n$15\r\nwatchdog-period\r\n$3\r\n200\r\n",
                    r.call("CONFIG", "GET", "watchdog-period"), who + ": raised to (1000 / hz) * 2");
                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "hz", "100"), who);
                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "watchdog-period", "1"), who);
                assertEquals("*2\r\n$15\r\nwatchdog-period\r\n$2\r\n20\r\n",
                    r.call("CONFIG", "GET", "watchdog-period"), who);
                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "watchdog-period", "0"), who);
                assertEquals("*2\r\n$15\r\nwatchdog-period\r\n$1\r\n0\r\n", r.call("CONFIG", "GET", "watchdog-period"),
                    who);
            }
        }
    }

    /**
     * DEBUG SLEEP 20 with a 1 s period: the watchdog logs the block (with the DEBUG SLEEP frame) and the sleep ends
     * early; with the period back at 0, DEBUG SLEEP 0.5 sleeps its whole half second and logs nothing more.
     */
    @Test
    void aStuckEventLoopIsLoggedAndEndsDebugSleep() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (IntegrationSuiteFindingsTest.Child s = start(ours); RespClient r = new RespClient(s.port)) {
                String who = ours ? "ours" : "redis";
                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "watchdog-period", "1000"), who);
                long t0 = System.nanoTime();
                assertEquals("+OK\r\n", r.call("DEBUG", "SLEEP", "20"), who);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < 15_000, who + ": the expiry ended the sleep early, slept " + ms + " ms");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!s.log().contains("Backtrace:") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                String log = s.log();
                int expiries = count(log, EXPIRED);
                assertTrue(expiries >= 1, who + ": " + log);
                int at = log.indexOf(EXPIRED);
                String block = log.substring(log.lastIndexOf('\n', log.lastIndexOf('\n', at) - 1) + 1);
                assertTrue(block.matches("(?s)\\d+:signal-handler \\(\\d+\\) \n" + EXPIRED
                    + "\n\n------ STACK TRACE ------\nEIP:\n.*\n\nBacktrace:\n.*\\d+:signal-handler \\(\\d+\\) "
                    + "--------\n.*"), who + ": " + block);
                assertTrue(log.contains(ours ? "admin.Debug.sleep(" : "debugCommand+"), who + ": " + log);

                assertEquals("+OK\r\n", r.call("CONFIG", "SET", "watchdog-period", "0"), who);
                t0 = System.nanoTime();
                assertEquals("+OK\r\n", r.call("DEBUG", "SLEEP", "0.5"), who);
                ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms >= 500, who + ": off, the sleep is whole: " + ms + " ms");
                assertEquals(expiries, count(s.log(), EXPIRED), who + ": nothing more logged");
            }
        }
    }
}
