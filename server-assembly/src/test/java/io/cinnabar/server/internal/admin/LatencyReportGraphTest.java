package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.LatencyMonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The LATENCY GRAPH renderer on fixed samples (the expected texts are real Redis 7.0.15 output for such samples). */
class LatencyReportGraphTest {
    private static LatencyMonitor.Series series(long[][] samples) {
        LatencyMonitor m = new LatencyMonitor();
        for (long[] s : samples) {
            m.add("command", s[0], s[1]);
        }
        return m.events.get("command");
    }

    @Test
    void twoSamplesAsRedisDrawsThem() {
        // redis-server 7.0.15, DEBUG SLEEP 0.3 then 0.05 a second apart, graph read one second later
        String expected = "command - high 300 ms, low 50 ms (all time high 300 ms)\n" + "-".repeat(80) + "\n"
            + "# \n| \n| \n|_\n  \n21\nss\n";
        assertEquals(expected, LatencyReport.graph("command", series(new long[][] {{1000, 300}, {1001, 50}}), 1002));
    }

    @Test
    void stepsLabelsAndBlocks() {
        long[][] s = new long[90][];
        for (int i = 0; i < 90; i++) {
            s[i] = new long[] {10_000 + i * 100L, i % 12};
        }
        String g = LatencyReport.graph("command", series(s), 10_000 + 89 * 100L + 30);
        String[] lines = g.split("\n", -1);
        assertEquals("command - high 11 ms, low 0 ms (all time high 11 ms)", lines[0]);
        // block one: 80 columns; value v sits at step (int)(v * 12) / 11 (11 clamped to 11); row r shows
        // "_o#"[step - (3 - r) * 3]: the top row marks steps 9..11, the bottom row is full from step 3 on
        assertEquals(("         _o#".repeat(7)).substring(0, 80), lines[2]);
        assertEquals(("_o#|||||||||".repeat(7)).substring(0, 80), lines[5]);
        assertEquals(80, lines[2].length());
        assertEquals(' ', lines[6].charAt(0));
        // labels: the oldest sample is 8930 seconds old = 2h, the newest 30s
        assertEquals('2', lines[7].charAt(0));
        assertEquals('h', lines[8].charAt(0));
        // block two: 10 columns after a blank line
        int second = java.util.Arrays.asList(lines).indexOf("");
        assertEquals(10, lines[second + 1].length());
        assertEquals("30s", "" + lines[lines.length - 4].charAt(9) + lines[lines.length - 3].charAt(9)
            + lines[lines.length - 2].charAt(9));
        assertEquals("", lines[lines.length - 1]);
    }

    @Test
    void ages() {
        assertEquals("59s", LatencyReport.age(59));
        assertEquals("1m", LatencyReport.age(60));
        assertEquals("59m", LatencyReport.age(3599));
        assertEquals("23h", LatencyReport.age(86399));
        assertEquals("2d", LatencyReport.age(2 * 86400 + 5));
    }
}
