package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory the server cannot get, without any maxmemory (#18), in a child JVM:
 * <ul>
 * <li>the keyspace's direct memory (-XX:MaxDirectMemorySize=16m) runs out under a flood of small SETs: the SET that
 *     could not allocate gets Redis's OOM error, later writes are refused (noeviction) or evict (allkeys-lru), the
 *     server keeps serving reads, and a script's denyoom redis.call is refused like a command (scriptVerifyOOM sees
 *     the same limit as the pipeline);</li>
 * <li>a client sending a bulk bigger than the heap (-Xmx96m, a 300 MB argument) is closed; the others go on.</li>
 * </ul>
 */
class OffHeapPressureTest {
    private static final String OOM = SetFlood.OOM;
    private static final int BATCH = 2000;
    private static final int TOTAL = 1_000_000;

    /** The heap and direct-memory flags and bin/cinnabar-server's collector. */
    private static List<String> jvm(String heap, String direct) {
        return List.of(heap, direct, "-XX:+UseParallelGC");
    }

    /**
     * SETs k:00000000 .. pipelined in batches (fixed-width keys and 20-byte values: every entry, key and value, is
     * off-heap in the same size class); returns {ok, oom}. Stops after total keys or 3 batches refused entirely.
     */
    private static long[] flood(int port, int total) throws IOException {
        return SetFlood.run(port, total, BATCH, j -> String.format("k:%08d", j),
            "v".repeat(20).getBytes(StandardCharsets.US_ASCII), 3);
    }

    private static long infoLong(RespClient c, String section, String field) throws IOException {
        for (String l : c.call("INFO", section).split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field);
    }

    @Test
    void exhaustedDirectMemoryRefusesWritesAndScriptsAndServesReads() throws Exception {
        try (ChildServer s = ChildServer.start("offheap-oom", jvm("-Xmx256m", "-XX:MaxDirectMemorySize=16m"),
                "--maxmemory-policy", "noeviction")) {
            int port = s.port();
            long[] r = flood(port, TOTAL);
            assertTrue(s.process().isAlive(), "the server survived the flood");
            assertTrue(r[1] > 0, "writes were refused with OOM: " + r[0] + " ok, " + r[1] + " oom");
            assertTrue(r[0] > 10_000, "writes were accepted before the direct memory ran out: " + r[0]);
            try (RespClient c = new RespClient(port)) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":" + r[0] + "\r\n", c.call("DBSIZE"), "every acknowledged SET is there");
                assertEquals("$20\r\n" + "v".repeat(20) + "\r\n", c.call("GET", "k:00000000"));
                assertEquals(OOM + "\r\n", c.call("SET", "another", "x"));
                String script = c.call("EVAL", "return redis.call('set','x','y')", "0");
                assertTrue(script.startsWith(OOM.substring(0, OOM.length() - 1)), script);
                assertEquals("$-1\r\n", c.call("GET", "x"));
                assertEquals(":1\r\n", c.call("DEL", "k:00000000"), "deletes are not denyoom");
            }
            String log = s.output();
            assertTrue(log.contains("off-heap memory is exhausted (direct memory"), "the headroom check acted: " + log);
            assertTrue(!log.contains("Out of off-heap memory executing"), "before any allocation failed: " + log);
        }
    }

    @Test
    void exhaustedDirectMemoryEvictsUnderAnEvictionPolicy() throws Exception {
        try (ChildServer s = ChildServer.start("offheap-lru", jvm("-Xmx256m", "-XX:MaxDirectMemorySize=16m"),
                "--maxmemory-policy", "allkeys-lru")) {
            int port = s.port();
            long[] r = flood(port, 600_000); // about twice what 16 MB hold
            assertTrue(s.process().isAlive(), "the server survived the flood");
            try (RespClient c = new RespClient(port)) {
                // the cron may still be evicting (Redis's eviction time event): take DBSIZE between two equal
                // evicted_keys readings
                long evicted = -1;
                long keys = -1;
                for (int i = 0; i < 100; i++) {
                    long before = infoLong(c, "stats", "evicted_keys");
                    keys = Long.parseLong(c.call("DBSIZE").substring(1).trim());
                    evicted = infoLong(c, "stats", "evicted_keys");
                    if (before == evicted) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertTrue(evicted > 0, "keys were evicted: " + r[0] + " ok, " + r[1] + " oom");
                // a SET whose allocation failed half-way (the last resort, past the headroom check) may leave its
                // key (as the heap's last resort, README): at most one per failure logged
                long failures = s.output().lines()
                    .filter(l -> l.contains("Out of off-heap memory executing")).count();
                assertTrue(keys + evicted >= r[0] && keys + evicted <= r[0] + failures,
                    "every accepted key is there or was evicted: " + r[0] + " ok, " + keys + " kept, " + evicted
                        + " evicted, " + failures + " failed allocations");
                assertTrue(r[1] < BATCH, "after the first failure writes evict instead of failing: " + r[1]);
                assertEquals("+OK\r\n", c.call("SET", "late", "x"));
            }
        }
    }

    @Test
    void aQueryBufferTheHeapCannotHoldClosesOnlyThatClient() throws Exception {
        try (ChildServer server = ChildServer.start("qbuf-oom", jvm("-Xmx96m", "-XX:MaxDirectMemorySize=64m"),
                "--maxmemory-policy", "noeviction"); RespClient other = new RespClient(server.port())) {
            int port = server.port();
            assertEquals("+OK\r\n", other.call("SET", "a", "1"));
            int size = 300 << 20;
            boolean closed = false;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[1 << 20];
                java.util.Arrays.fill(chunk, (byte) 'x');
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk);
                }
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                closed = s.getInputStream().read() == -1;
            } catch (IOException e) {
                closed = true; // reset while sending: the server closed the connection
            }
            assertTrue(closed, "the client was closed");
            assertTrue(server.process().isAlive(), "the server is up");
            assertEquals("$1\r\n1\r\n", other.call("GET", "a"), "an existing client is still served");
            try (RespClient c = new RespClient(port)) {
                assertEquals("+PONG\r\n", c.call("PING"), "new clients are accepted");
                assertEquals(":0\r\n", c.call("EXISTS", "big"));
            }
            String log = server.output();
            assertTrue(log.contains("query buffer the JVM heap cannot hold"), log);
        }
    }
}
