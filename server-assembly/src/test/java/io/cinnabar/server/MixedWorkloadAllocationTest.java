package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The latency benchmark's mixed phase (issue #12: GET/SET/INCR/HSET/LPUSH/ZADD on random keys, pipelined 16 deep)
 * allocates nothing per command on the event loop, in each state the benchmark hits: the key absent (the command
 * creates the string, counter, hash, list or sorted set), the key present (an HSET adding a field to a one-field
 * hash, an LPUSH/ZADD adding to a small list/zset, an INCR of a counter, a SET overwrite, a GET hit) and a GET miss;
 * and one key growing past the listpack limits by LPUSH, ZADD and HSET, which may allocate only the element it
 * stores on the heap ({@link #bound}).
 * Counted as {@link HotPathAllocationTest} does (the event-loop thread's allocation counter over 20,000 commands of
 * distinct keys, sent in pipelined batches, after a warm-up round on other keys), into a table DEBUG POPULATE has
 * sized so that no growth of the table lands in the measurement. Not a timing test.
 */
class MixedWorkloadAllocationTest {
    static final int N = HotPathAllocationTest.N;
    static final String V32 = "x".repeat(32);
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

    /** One measured step: a name and the batches (built before the measurement) it sends. */
    record Step(String name, List<byte[]> batches) {
    }

    static List<Step> steps(int base) {
        List<Step> s = new ArrayList<>();
        s.add(new Step("SET absent", HotPathAllocationTest.batches("SET", "key:", base, V32)));
        s.add(new Step("SET overwrite", HotPathAllocationTest.batches("SET", "key:", base, V32)));
        s.add(new Step("GET hit", HotPathAllocationTest.batches("GET", "key:", base)));
        s.add(new Step("GET miss", HotPathAllocationTest.batches("GET", "nokey:", base)));
        s.add(new Step("INCR absent", HotPathAllocationTest.batches("INCR", "counter:", base)));
        s.add(new Step("INCR present", HotPathAllocationTest.batches("INCR", "counter:", base)));
        s.add(new Step("HSET absent", HotPathAllocationTest.batches("HSET", "hash:", base, "field:1", V32)));
        s.add(new Step("HSET present", HotPathAllocationTest.batches("HSET", "hash:", base, "field:2", V32)));
        s.add(new Step("LPUSH absent", HotPathAllocationTest.batches("LPUSH", "list:", base, V32)));
        s.add(new Step("LPUSH present", HotPathAllocationTest.batches("LPUSH", "list:", base, V32)));
        s.add(new Step("ZADD absent", HotPathAllocationTest.batches("ZADD", "zset:", base, "1", "member:1")));
        s.add(new Step("ZADD present", HotPathAllocationTest.batches("ZADD", "zset:", base, "2", "member:2")));
        // one key that keeps growing (a quicklist, a skiplist, a hashtable after the first 128 elements)
        s.add(new Step("LPUSH growing", growing(base, i -> new String[] {"LPUSH", "biglist", V32})));
        s.add(new Step("ZADD growing", growing(base, i -> new String[] {"ZADD", "bigzset", Integer.toString(i),
            String.format("member:%012d", i)})));
        s.add(new Step("HSET growing", growing(base, i -> new String[] {"HSET", "bighash",
            String.format("field:%012d", i), V32})));
        return s;
    }

    /**
     * 16 bytes (less than one object per command), except where a command stores its element on the heap: a key
     * past the listpack limits is a quicklist, skiplist or hashtable, whose new element is heap data that lives as
     * long as the key. Measured on JDK 25 (the report this test prints): LPUSH 156 bytes (34 bytes of listpack entry,
     * copied as the node's array grows by half up to 8 KiB and once more when the full node is trimmed, plus a node
     * every 240 elements), ZADD 146 (the member's array, the skiplist node and its levels, the dict entry, the
     * tables' doubling), HSET 133 (field and value arrays, the dict entry, the table's doubling). The bounds add 16
     * bytes: an iterator or a copy per command (40 bytes or more; the hashtable's used_memory sampling made 336
     * before) fails them.
     */
    static int bound(String step) {
        return switch (step) {
            case "LPUSH growing" -> 172;
            case "ZADD growing" -> 162;
            case "HSET growing" -> 149;
            default -> 16;
        };
    }

    /** Batches of N commands on one key, command i built by cmd (i from base). */
    static List<byte[]> growing(int base, java.util.function.IntFunction<String[]> cmd) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < N; i += HotPathAllocationTest.BATCH) {
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int k = i; k < i + HotPathAllocationTest.BATCH; k++) {
                batch.writeBytes(RespClient.encode(cmd.apply(base + k)));
            }
            out.add(batch.toByteArray());
        }
        return out;
    }

    @Test
    void mixedPhaseCommandsAllocateNothingPerCommand() throws Exception {
        long tid = HotPathAllocationTest.loopThreadId();
        c.call("FLUSHALL");
        // 1 Mi buckets, every chunk written: the 2 x 7 x 20,000 keys below stay under the load that grows the table
        assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "600000", "filler", "8"));
        StringBuilder report = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // round 0 warms the paths up (JIT) on its own keys
            for (Step step : steps(round * N)) {
                long perCommand = HotPathAllocationTest.measure(c, tid, step.batches());
                if (round == 1) {
                    report.append(step.name()).append(' ').append(perCommand).append(" B/command\n");
                    HotPathAllocationTest.check(failures, step.name(), perCommand, bound(step.name()));
                }
            }
        }
        System.out.print(report);
        String last = String.format("%012d", 2 * N - 1);
        assertEquals(":2\r\n", c.call("HLEN", "hash:" + last));
        assertEquals(":2\r\n", c.call("LLEN", "list:" + last));
        assertEquals(":2\r\n", c.call("ZCARD", "zset:" + last));
        assertEquals("$1\r\n2\r\n", c.call("GET", "counter:" + last));
        assertTrue(failures.isEmpty(), () -> "allocating commands: " + failures + "\n" + report);
    }
}
