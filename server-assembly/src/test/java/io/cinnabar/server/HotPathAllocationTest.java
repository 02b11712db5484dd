package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Hot paths allocate nothing per command": the bytes the event-loop thread allocates (the JVM's per-thread
 * allocation counter, {@code com.sun.management.ThreadMXBean}) while it executes 20,000 pipelined commands of each
 * kind redis-benchmark measures, after a warm-up so the JIT has compiled the paths. Not a timing test: it counts
 * bytes. The bound (16 bytes per command on average) leaves room for the odd stray allocation of the selector or
 * the cron and for a list's amortized growth, never for one object per command (16 bytes is the smallest Java
 * object); LRANGE of 100 elements of a quicklist may make its one iterator.
 */
class HotPathAllocationTest {
    static final int N = 20_000;
    static final int BATCH = 100;
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        c = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    /** The event-loop thread of the server this test started (the newest live one). */
    static long loopThreadId() {
        Thread found = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("cinnabar-event-loop") && t.isAlive()
                && (found == null || t.threadId() > found.threadId())) {
                found = t;
            }
        }
        assertNotNull(found, "no event-loop thread");
        return found.threadId();
    }

    /**
     * com.sun.management.ThreadMXBean#getThreadAllocatedBytes, called reflectively: the tests are compiled inside
     * the server's module, which does not read java.management (they run on the class path, where it is present).
     */
    static long allocated(long tid) throws Exception {
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) m.invoke(mx, tid);
    }

    /** Sends n commands (built by the template) in pipelined batches and reads every reply. */
    static void run(int n, String... template) throws Exception {
        byte[] one = RespClient.encode(template);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH; i++) {
            batch.writeBytes(one);
        }
        byte[] b = batch.toByteArray();
        for (int sent = 0; sent < n; sent += BATCH) {
            c.sendRaw(b);
            for (int i = 0; i < BATCH; i++) {
                c.read();
            }
        }
    }

    @Test
    void benchmarkedCommandsAllocateNothingPerCommand() throws Exception {
        long tid = loopThreadId();
        c.call("RPUSH", "list", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        for (int i = 0; i < 100; i++) {
            c.call("RPUSH", "list100", "xxx");
        }
        for (int i = 0; i < 300; i++) {
            c.call("RPUSH", "quick", "y".repeat(100)); // 30 KB: a quicklist of several nodes
        }
        c.call("HSET", "h", "f", "v");
        c.call("SADD", "s", "m");
        c.call("ZADD", "z", "1", "m");
        Map<String, String[]> cmds = new LinkedHashMap<>();
        cmds.put("PING", new String[] {"PING"});
        cmds.put("SET", new String[] {"SET", "key:__rand_int__", "xxx"});
        cmds.put("GET", new String[] {"GET", "key:__rand_int__"});
        cmds.put("INCR", new String[] {"INCR", "counter:__rand_int__"});
        cmds.put("MSET", new String[] {"MSET", "k1", "xxx", "k2", "xxx", "k3", "xxx", "k4", "xxx", "k5", "xxx"});
        cmds.put("HSET", new String[] {"HSET", "h", "f", "v"});
        cmds.put("SADD", new String[] {"SADD", "s", "m"});
        cmds.put("ZADD", new String[] {"ZADD", "z", "1", "m"});
        cmds.put("LPUSH+RPOP", null);
        cmds.put("LRANGE 0 99", new String[] {"LRANGE", "list100", "0", "99"});
        cmds.put("LRANGE quicklist", new String[] {"LRANGE", "quick", "0", "99"});
        List<String> failures = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String[]> e : cmds.entrySet()) {
            String[] cmd = e.getValue();
            for (int round = 0; round < 2; round++) { // round 0 warms up (JIT, buffers reach their size)
                long before = allocated(tid);
                if (cmd == null) {
                    run(N / 2, "LPUSH", "list", "x");
                    run(N / 2, "RPOP", "list");
                } else {
                    run(N, cmd);
                }
                long perCommand = (allocated(tid) - before) / N;
                if (round == 1) {
                    report.append(e.getKey()).append(' ').append(perCommand).append(" B/command\n");
                    // a quicklist LRANGE makes one iterator (about 48 bytes) per command, nothing per element
                    int bound = e.getKey().equals("LRANGE quicklist") ? 64 : 16;
                    if (perCommand >= bound) {
                        failures.add(e.getKey() + ": " + perCommand + " bytes per command");
                    }
                }
            }
        }
        System.out.print(report);
        assertTrue(failures.isEmpty(), () -> "allocating hot paths: " + failures + "\n" + report);
    }
}
