package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Redis 7.2's event-loop figures (INFO stats {@code eventloop_*}, {@code instantaneous_eventloop_*}, and the
 * {@code INFO debug} section, shown only when asked for by name), with the bounds Redis 7.2's own tcl file
 * unit/info.tcl puts on them for an idle server at the default hz 10. redis-server 7.0.15 has none of them, so this
 * is not a differential test. Before: {@code eventloop_duration_cmd_sum} stayed 0, the instantaneous duration was
 * always 0 (the cycles' delta was taken after it had been zeroed) and there was no debug section.
 */
class EventLoopStatsTest {

    private static long field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\d+)\r?$").matcher(info);
        assertTrue(m.find(), name + " missing in " + info);
        return Long.parseLong(m.group(1));
    }

    @Test
    void cyclesDurationsAndCommandTimeGrowWithTheCron() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            String one = c.call("INFO", "stats");
            long cycles1 = field(one, "eventloop_cycles");
            long sum1 = field(one, "eventloop_duration_sum");
            long cmd1 = field(one, "eventloop_duration_cmd_sum");
            assertTrue(cycles1 > 0 && sum1 > 0 && cmd1 > 0, one);
            Thread.sleep(110); // a cron tick or two
            String two = c.call("INFO", "stats");
            long cycles2 = field(two, "eventloop_cycles");
            assertTrue(cycles2 > cycles1 && cycles2 < cycles1 + 10, cycles1 + " then " + cycles2);
            long sum2 = field(two, "eventloop_duration_sum");
            assertTrue(sum2 > sum1 && sum2 < sum1 + 30_000, sum1 + " then " + sum2);
            long cmd2 = field(two, "eventloop_duration_cmd_sum"); // the first INFO's own time
            assertTrue(cmd2 > cmd1 && cmd2 < cmd1 + 15_000, cmd1 + " then " + cmd2);
        }
    }

    @Test
    void instantaneousFiguresOfAnIdleServer() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            c.call("CONFIG", "RESETSTAT");
            Thread.sleep(1600); // 16 samples of the cron, every 100 ms
            String info = c.call("INFO", "stats");
            long perSec = field(info, "instantaneous_eventloop_cycles_per_sec");
            assertTrue(perSec > 0 && perSec < 15, info);
            long usec = field(info, "instantaneous_eventloop_duration_usec");
            assertTrue(usec > 0 && usec < 22_000, info);
        }
    }

    @Test
    void theDebugSectionOnlyByName() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            for (String[] cmd : new String[][] {{"INFO"}, {"INFO", "all"}, {"INFO", "everything"}}) {
                assertFalse(c.call(cmd).contains("eventloop_duration_aof_sum"), String.join(" ", cmd));
            }
            String one = c.call("INFO", "debug");
            assertTrue(one.contains("# Debug\r\n"), one);
            long aof1 = field(one, "eventloop_duration_aof_sum");
            long cron1 = field(one, "eventloop_duration_cron_sum");
            long perCycle1 = field(one, "eventloop_cmd_per_cycle_max");
            long max1 = field(one, "eventloop_duration_max");
            assertTrue(cron1 > 0 && perCycle1 > 0 && max1 > 0, one);
            Thread.sleep(110);
            String two = c.call("INFO", "debug");
            assertTrue(field(two, "eventloop_duration_aof_sum") >= aof1, two);
            assertTrue(field(two, "eventloop_duration_cron_sum") > cron1, two);
            assertTrue(field(two, "eventloop_cmd_per_cycle_max") >= perCycle1, two);
            assertTrue(field(two, "eventloop_duration_max") >= max1, two);
            assertTrue(c.call("INFO", "debug", "stats").contains("# Stats\r\n"), "with another section");
        }
    }
}
