package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new key costs the heap nothing per command (issue #12, the latency benchmark's set phase inserts millions of
 * keys): the key is copied from the query buffer into its off-heap entry, with no {@code byte[]} of its own. Counted
 * with the event-loop thread's allocation counter (as {@link HotPathAllocationTest}) over 20,000 pipelined inserts
 * of distinct keys, into a table that DEBUG POPULATE has already sized (and whose bucket chunks it has written), so
 * no growth of the table lands in the measurement. The bound, 16 bytes per command, is below one object per insert:
 * a copy of the key (a 16-byte header + 16 key bytes) fails it. Not a timing test.
 */
class InsertAllocationTest {
    static final int N = HotPathAllocationTest.N;
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").config("enable-debug-command", "yes").start();
        c = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    @Test
    void insertsOfNewStringKeysAllocateNothingPerCommand() throws Exception {
        long tid = HotPathAllocationTest.loopThreadId();
        c.call("FLUSHALL");
        // 262144 buckets, every chunk written: 4 x 20,000 inserts below stay under the load that grows the table
        assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "150000", "filler", "8"));
        StringBuilder report = new StringBuilder();
        long setIns = 0;
        long incrIns = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms the paths up (JIT), round 1 measures
            List<byte[]> set = HotPathAllocationTest.batches("SET", "key:", round * N, "xxx");
            List<byte[]> incr = HotPathAllocationTest.batches("INCR", "counter:", round * N);
            setIns = HotPathAllocationTest.measure(c, tid, set);
            incrIns = HotPathAllocationTest.measure(c, tid, incr);
        }
        report.append("SET insert ").append(setIns).append(" B/command, INCR insert ").append(incrIns)
            .append(" B/command");
        System.out.println(report);
        assertEquals(":" + (150_000 + 4 * N) + "\r\n", c.call("DBSIZE"), "every key was a new one");
        assertEquals("$3\r\nxxx\r\n", c.call("GET", String.format("key:%012d", 2 * N - 1)));
        assertEquals("$1\r\n1\r\n", c.call("GET", String.format("counter:%012d", 2 * N - 1)));
        assertTrue(setIns < 16 && incrIns < 16, report::toString);
    }

    /**
     * DEBUG POPULATE makes no garbage per key (its key and value buffers are reused, its entry views go back to
     * their pool): before, 160-250 bytes per key filled the young generation and its survivor spaces during a
     * 1 M-key populate, which counted in the RSS growth the per-key goal measures. 100,000 keys into a
     * table a first populate sized (no growth in the measurement), twice: the first run compiles the loop.
     */
    @Test
    void debugPopulateAllocatesNothingPerKey() throws Exception {
        long tid = HotPathAllocationTest.loopThreadId();
        long perKey = 0;
        for (int round = 0; round < 2; round++) {
            c.call("SELECT", "3");
            c.call("FLUSHDB");
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "150000", "filler", "8"));
            long before = HotPathAllocationTest.allocated(tid);
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "100000", "key", "32"));
            perKey = (HotPathAllocationTest.allocated(tid) - before) / 100_000;
        }
        assertEquals(":250000\r\n", c.call("DBSIZE"));
        assertEquals("$32\r\nvalue:99999" + "\0".repeat(21) + "\r\n", c.call("GET", "key:99999"));
        c.call("SELECT", "0");
        assertTrue(perKey < 16, "DEBUG POPULATE allocated " + perKey + " bytes per key");
    }
}
