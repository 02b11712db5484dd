package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
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

    /**
     * Pipelined batches of BATCH commands, built before the measurement starts: {@code name + " " + key(i) + rest}
     * for the N keys {@code first .. first+N-1}, so every command names its own key.
     */
    static List<byte[]> batches(String name, String prefix, int first, String... rest) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < N; i += BATCH) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int k = i; k < i + BATCH; k++) {
                String[] cmd = new String[2 + rest.length];
                cmd[0] = name;
                cmd[1] = String.format("%s%012d", prefix, first + k); // redis-benchmark's key:__rand_int__ form
                System.arraycopy(rest, 0, cmd, 2, rest.length);
                batch.writeBytes(RespClient.encode(cmd));
            }
            out.add(batch.toByteArray());
        }
        return out;
    }

    static void send(List<byte[]> batches) throws Exception {
        send(c, batches);
    }

    static void send(RespClient client, List<byte[]> batches) throws Exception {
        for (byte[] b : batches) {
            client.sendRaw(b);
            for (int i = 0; i < BATCH; i++) {
                client.read();
            }
        }
    }

    /** Bytes per command allocated by the event loop while it runs the batches. */
    static long measure(long tid, List<byte[]> batches) throws Exception {
        return measure(c, tid, batches);
    }

    /** Bytes per command allocated by the event loop while {@code client} runs the batches (N commands). */
    static long measure(RespClient client, long tid, List<byte[]> batches) throws Exception {
        long before = allocated(tid);
        send(client, batches);
        return (allocated(tid) - before) / N;
    }

    /**
     * SET, GET and INCR on distinct keys (pre-generated, N per round): inserts of new keys, overwrites of existing
     * ones, and hits. An overwrite and a GET allocate nothing per command; an insert must allocate what the new
     * key owns, and only that: the key's bytes ({@code byte[]}: 16 header + 16 key bytes), the value object, the
     * table entry, and the table's amortized growth (a table doubles: about 8-16 bytes of array per insert).
     * Measured on JDK 25 (the report this test prints): 122 bytes per SET insert, 116 per INCR insert, 0-1 per
     * overwrite, update or GET. The insert bound, 160 bytes, is that plus room for the table's growth landing in
     * the measured round; it fails if an insert starts making per-argument copies beyond what the key keeps.
     */
    @Test
    void distinctKeysInsertOverwriteAndRead() throws Exception {
        long tid = loopThreadId();
        c.call("FLUSHALL");
        StringBuilder report = new StringBuilder();
        List<String> failures = new ArrayList<>();
        // round 0 warms up every path (JIT) on its own keys; round 1 measures on fresh keys again
        for (int round = 0; round < 2; round++) {
            int base = round * N;
            List<byte[]> insert = batches("SET", "key:", base, "xxx");
            List<byte[]> overwrite = batches("SET", "key:", base, "yyy");
            List<byte[]> get = batches("GET", "key:", base);
            List<byte[]> incrNew = batches("INCR", "counter:", base);
            List<byte[]> incr = batches("INCR", "counter:", base);
            long ins = measure(tid, insert);
            long over = measure(tid, overwrite);
            long read = measure(tid, get);
            long incrIns = measure(tid, incrNew);
            long incrUpd = measure(tid, incr);
            assertEquals(":" + (2L * (round + 1) * N) + "\r\n", c.call("DBSIZE"), "every key was a new one");
            assertEquals("$3\r\nyyy\r\n", c.call("GET", String.format("key:%012d", base + N - 1)));
            assertEquals("$1\r\n2\r\n", c.call("GET", String.format("counter:%012d", base + N - 1)));
            if (round == 1) {
                report.append("SET insert ").append(ins).append(" B/command\n")
                    .append("SET overwrite ").append(over).append(" B/command\n")
                    .append("GET hit ").append(read).append(" B/command\n")
                    .append("INCR insert ").append(incrIns).append(" B/command\n")
                    .append("INCR update ").append(incrUpd).append(" B/command\n");
                check(failures, "SET overwrite", over, 16);
                check(failures, "GET hit", read, 16);
                check(failures, "INCR update", incrUpd, 16);
                check(failures, "SET insert", ins, INSERT_BOUND);
                check(failures, "INCR insert", incrIns, INSERT_BOUND);
            }
        }
        System.out.print(report);
        assertTrue(failures.isEmpty(), () -> "allocating hot paths: " + failures + "\n" + report);
    }

    /** What one new key may allocate (see {@link #distinctKeysInsertOverwriteAndRead()}). */
    static final int INSERT_BOUND = 160;

    static void check(List<String> failures, String what, long perCommand, int bound) {
        if (perCommand >= bound) {
            failures.add(what + ": " + perCommand + " bytes per command (bound " + bound + ")");
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
        for (int i = 0; i < 1000; i++) {
            c.call("XADD", "stream", "*", "f", "v");
        }
        Map<String, String[]> cmds = new LinkedHashMap<>();
        cmds.put("PING", new String[] {"PING"});
        // one key, as redis-benchmark without -r: the overwrite path (distinct keys: the test above)
        cmds.put("SET", new String[] {"SET", "key:000000000001", "xxx"});
        cmds.put("GET", new String[] {"GET", "key:000000000001"});
        cmds.put("INCR", new String[] {"INCR", "counter:000000000001"});
        cmds.put("MSET", new String[] {"MSET", "k1", "xxx", "k2", "xxx", "k3", "xxx", "k4", "xxx", "k5", "xxx"});
        cmds.put("HSET", new String[] {"HSET", "h", "f", "v"});
        cmds.put("SADD", new String[] {"SADD", "s", "m"});
        cmds.put("ZADD", new String[] {"ZADD", "z", "1", "m"});
        cmds.put("LPUSH+RPOP", null);
        cmds.put("LRANGE 0 99", new String[] {"LRANGE", "list100", "0", "99"});
        cmds.put("LRANGE quicklist", new String[] {"LRANGE", "quick", "0", "99"});
        // bench/streams.sh's commands: the range reads reuse the server's stream reader (one pass, no iterator);
        // XREAD keeps its per-stream ids, streams and flags in arrays of the server (185 bytes per command before)
        cmds.put("XRANGE", new String[] {"XRANGE", "stream", "-", "+", "COUNT", "10"});
        cmds.put("XREVRANGE", new String[] {"XREVRANGE", "stream", "+", "-", "COUNT", "10"});
        cmds.put("XREAD", new String[] {"XREAD", "COUNT", "10", "STREAMS", "stream", "0-0"});
        // a reader at the end of the stream: nothing after $ (the last-entry test reads the node XADD keeps)
        cmds.put("XREAD $", new String[] {"XREAD", "COUNT", "10", "STREAMS", "stream", "$"});
        cmds.put("XADD", new String[] {"XADD", "appended", "*", "f", "v"});
        // a subscriber to the channel and to a matching pattern, drained by a thread: PUBLISH writes both messages
        java.net.Socket sub = new java.net.Socket("127.0.0.1", server.port());
        sub.getOutputStream().write(io.cinnabar.testkit.RespClient.encode("SUBSCRIBE", "chan"));
        sub.getOutputStream().write(io.cinnabar.testkit.RespClient.encode("PSUBSCRIBE", "ch*"));
        Thread drain = new Thread(() -> {
            byte[] buf = new byte[1 << 16];
            try {
                while (sub.getInputStream().read(buf) >= 0) {
                    // discard
                }
            } catch (java.io.IOException e) {
                // closed at the end of the test
            }
        });
        drain.setDaemon(true);
        drain.start();
        while (!c.call("PUBSUB", "NUMPAT").equals(":1\r\n")) {
            Thread.sleep(10);
        }
        cmds.put("PUBLISH", new String[] {"PUBLISH", "chan", "hello"});
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
                    int bound = switch (e.getKey()) {
                        // a quicklist LRANGE makes one iterator (about 48 bytes) per command, nothing per element
                        case "LRANGE quicklist" -> 64;
                        // XADD keeps what it stores: the new last id (24 bytes) and the entry in the listpack,
                        // whose array grows by doubling and is trimmed when its node is full (about 90 bytes)
                        case "XADD" -> INSERT_BOUND;
                        default -> 16;
                    };
                    if (perCommand >= bound) {
                        failures.add(e.getKey() + ": " + perCommand + " bytes per command");
                    }
                }
            }
        }
        sub.close();
        System.out.print(report);
        assertTrue(failures.isEmpty(), () -> "allocating hot paths: " + failures + "\n" + report);
    }

    /** Bytes the event loop allocates per command over {@code n} pipelined copies of cmd (after a warm-up round). */
    static long perCommand(long tid, int n, String... cmd) throws Exception {
        run(n, cmd);
        long before = allocated(tid);
        run(n, cmd);
        return (allocated(tid) - before) / n;
    }

    /**
     * Stream group replies are written from the listpacks in place: an XREADGROUP history read of 100 entries costs
     * what one of 10 entries costs, and an XCLAIM of 100 ids costs what the same claim with JUSTID (the same PEL
     * work, ids only in the reply) costs. Before, each entry was copied out for the reply (an entry record, its
     * field arrays, an iterator per claimed id): several hundred bytes per entry. (The claim itself allocates per
     * id: the parsed id, its PEL key, the PEL moves.)
     */
    @Test
    void streamGroupRepliesAllocateNothingPerEntry() throws Exception {
        long tid = loopThreadId();
        String[] ids = new String[100];
        for (int i = 0; i < 100; i++) {
            ids[i] = (1000 + i) + "-1";
            c.call("XADD", "st", ids[i], "field", "value" + i, "n", Integer.toString(i));
        }
        c.call("XGROUP", "CREATE", "st", "g", "0");
        c.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "st", ">");
        long read10 = perCommand(tid, 2000, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "10", "STREAMS", "st", "0");
        long read100 = perCommand(tid, 2000, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "100", "STREAMS", "st", "0");
        String[] claim = new String[5 + 100];
        claim[0] = "XCLAIM";
        claim[1] = "st";
        claim[2] = "g";
        claim[3] = "c1";
        claim[4] = "0";
        System.arraycopy(ids, 0, claim, 5, 100);
        String[] claimJustId = java.util.Arrays.copyOf(claim, claim.length + 1);
        claimJustId[claim.length] = "JUSTID";
        long claimed = perCommand(tid, 2000, claim);
        long claimedIds = perCommand(tid, 2000, claimJustId);
        long readPerEntry = (read100 - read10) / 90;
        long replyPerEntry = (claimed - claimedIds) / 100;
        String report = "XREADGROUP history 10/100 entries: " + read10 + "/" + read100 + " B/command, "
            + readPerEntry + " B/entry; XCLAIM of 100 ids, entries/JUSTID: " + claimed + "/" + claimedIds
            + " B/command, " + replyPerEntry + " B/entry for the entries' reply";
        System.out.println(report);
        assertTrue(readPerEntry < 8, report);
        assertTrue(replyPerEntry < 16, report);
    }
}
