package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INFO persistence's figures of a running save without a fork: {@code current_cow_size} (and its peak) count the
 * memory of the keys copied out before a write changed them, what a forked child would have had duplicated;
 * {@code current_fork_perc} is the walk's progress; {@code rdb_last_cow_size} keeps the finished save's figure.
 * Redis's tcl integration/rdb "Test child sending info" changes 16 keys of 512 bytes during a paced BGSAVE and waits
 * for the figure to grow by 4096: ours stayed 0 (and the progress 0.00) before.
 */
class SaveProgressInfoTest {
    @TempDir
    Path dir;

    private static String field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\S+)\r?$").matcher(info);
        assertTrue(m.find(), name + " missing in " + info);
        return m.group(1);
    }

    private static long num(String info, String name) {
        return Long.parseLong(field(info, name));
    }

    @Test
    void writesDuringABgsaveCountAsItsCopyOnWrite() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("dir", dir.toString()).start();
             RespClient c = new RespClient(s.port())) {
            String idle = c.call("INFO", "persistence");
            assertEquals(0, num(idle, "current_cow_size"));
            assertEquals("0.00", field(idle, "current_fork_perc"));
            assertEquals(0, num(idle, "rdb_last_cow_size"));
            String value = "A".repeat(500);
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "key" + i, value);
            }
            long usage = Long.parseLong(c.call("MEMORY", "USAGE", "key0").trim().substring(1));
            c.call("CONFIG", "SET", "rdb-key-save-delay", "100000"); // 0.1 s per key: the walk barely starts
            c.call("BGSAVE");
            String before = c.call("INFO", "persistence");
            for (long deadline = System.nanoTime() + 10_000_000_000L;
                 num(before, "current_save_keys_processed") == 0 && System.nanoTime() < deadline; ) {
                Thread.sleep(20);
                before = c.call("INFO", "persistence");
            }
            long processed = num(before, "current_save_keys_processed");
            assertEquals(2000, num(before, "current_save_keys_total"));
            assertEquals(String.format(Locale.ROOT, "%.2f", 100.0 * processed / 2000),
                field(before, "current_fork_perc"), before);
            long cow0 = num(before, "current_cow_size");
            for (int i = 0; i < 16; i++) {
                c.call("SETRANGE", "key" + i, "0", "BBBB");
            }
            String after = c.call("INFO", "persistence");
            long cow1 = num(after, "current_cow_size");
            // a key the walk already saved is not copied: at most one or two of 2000 are by now
            assertTrue(cow1 - cow0 >= 14 * usage && cow1 - cow0 <= 16 * usage, cow0 + " then " + cow1 + ", " + usage);
            assertEquals(cow1, num(after, "current_cow_peak"));
            assertEquals(0, num(after, "current_cow_size_age"));
            c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            String done = c.call("INFO", "persistence");
            for (long deadline = System.nanoTime() + 20_000_000_000L;
                 num(done, "rdb_bgsave_in_progress") == 1 && System.nanoTime() < deadline; ) {
                Thread.sleep(20);
                done = c.call("INFO", "persistence");
            }
            assertEquals(0, num(done, "rdb_bgsave_in_progress"));
            assertEquals("ok", field(done, "rdb_last_bgsave_status"));
            assertEquals(cow1, num(done, "rdb_last_cow_size"));
            assertEquals(0, num(done, "current_cow_size"));
            assertEquals("0.00", field(done, "current_fork_perc"));
        }
    }
}
