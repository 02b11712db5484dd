package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heap guard (#18): a server JVM with a 64 MB heap and a maxmemory of 1 GB it cannot hold, flooded with 1 KB
 * values (pipelined, up to 2.5 times what the heap holds). With noeviction it answers Redis's OOM error once the heap
 * is nearly full, stays up and serves reads (the first keys are intact); with allkeys-lru it evicts and keeps
 * accepting writes. The warning about maxmemory above the heap is logged at startup. The first runs with the
 * parallel collector (bin/cinnabar-server's), the second with G1 (the JVM's default).
 */
class HeapGuardTest {
    private static final int VALUE = 1024;
    private static final int BATCH = 500;
    private static final int TOTAL = 160_000;

    /**
     * SETs key:0 .. key:TOTAL-1 pipelined in batches; returns {ok, oom}; other replies fail the test. With
     * stopOnOom, stops after 10 batches refused entirely.
     */
    private static long[] flood(int port, boolean stopOnOom) throws IOException {
        return SetFlood.run(port, TOTAL, BATCH, j -> "key:" + j, "v".repeat(VALUE).getBytes(StandardCharsets.US_ASCII),
            stopOnOom ? 10 : Integer.MAX_VALUE);
    }

    /** A 64 MB heap, the given collector, a maxmemory the heap cannot hold. */
    private static ChildServer launch(String prefix, String policy, String gc) throws Exception {
        return ChildServer.start(prefix, List.of("-Xmx64m", gc), "--maxmemory", "1gb", "--maxmemory-policy", policy);
    }

    private static String infoField(RespClient c, String section, String field) throws IOException {
        for (String l : c.call("INFO", section).split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void noevictionRefusesWritesAndServesReads() throws Exception {
        try (ChildServer s = launch("heap-guard", "noeviction", "-XX:+UseParallelGC")) { // bin/cinnabar-server's GC
            int port = s.port();
            long[] r = flood(port, true);
            assertTrue(s.process().isAlive(), "the server survived the flood");
            assertTrue(r[1] > 0, "writes were refused with OOM: " + r[0] + " ok, " + r[1] + " oom");
            assertTrue(r[0] > 1000, "writes were accepted before the heap filled: " + r[0]);
            try (RespClient c = new RespClient(port)) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":" + r[0] + "\r\n", c.call("DBSIZE"), "every acknowledged SET is there");
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:0"));
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:" + (r[0] - 1)));
                assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n",
                    c.call("SET", "another", "x"));
                assertEquals(":1\r\n", c.call("DEL", "key:0"), "deletes are not denyoom");
            }
            String log = s.output();
            assertTrue(log.contains("is more than the JVM heap can hold"), log);
            assertTrue(log.contains("used_memory is limited to"), log);
        }
    }

    @Test
    void allkeysLruEvictsAndKeepsAcceptingWrites() throws Exception {
        try (ChildServer s = launch("heap-guard-lru", "allkeys-lru", "-XX:+UseG1GC")) {
            int port = s.port();
            long[] r = flood(port, false);
            assertTrue(s.process().isAlive(), "the server survived the flood");
            try (RespClient c = new RespClient(port)) {
                long evicted = Long.parseLong(infoField(c, "stats", "evicted_keys"));
                long keys = Long.parseLong(c.call("DBSIZE").substring(1).trim());
                assertTrue(evicted > 0, "keys were evicted");
                assertEquals(r[0], keys + evicted, "every accepted key is there or was evicted");
                assertTrue(r[0] > TOTAL / 2, "most writes were accepted: " + r[0] + " ok, " + r[1] + " oom");
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:" + (TOTAL - 1)),
                    "the newest key is there");
            }
        }
    }
}
