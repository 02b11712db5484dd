package io.cinnabar.server.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sees of the off-heap keyspace: INFO memory's off-heap and heap figures and their relations,
 * used_memory following the allocator as keys come and go, the activedefrag settings as CONFIG answers them, and
 * the defragmentation counters of INFO stats.
 */
class OffHeapInfoTest {
    private Assembly a;
    private Server server;
    private Client c;

    @BeforeEach
    void start() throws Exception {
        a = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = a.server();
        c = Client.detached(server);
    }

    @AfterEach
    void stop() {
        a.loop().shutdown();
    }

    private String run(String... args) {
        return TestConfigs.run(server, c, args);
    }

    private Map<String, String> info(String section) {
        Map<String, String> m = new HashMap<>();
        for (String line : run("INFO", section).split("\r\n")) {
            int i = line.indexOf(':');
            if (i > 0) {
                m.put(line.substring(0, i), line.substring(i + 1));
            }
        }
        return m;
    }

    /** n keys key:0.. holding 32-byte values value:i padded with zeros (DEBUG POPULATE n key 32). */
    private void populate(int n) {
        for (int i = 0; i < n; i++) {
            String v = "value:" + i;
            assertEquals("+OK\r\n", run("SET", "key:" + i, v + "\u0000".repeat(32 - v.length())));
        }
    }

    private long num(Map<String, String> m, String k) {
        assertTrue(m.containsKey(k), k + " in INFO");
        return Long.parseLong(m.get(k));
    }

    @Test
    void infoMemoryShowsOffHeapAndHeapApart() {
        Map<String, String> empty = info("memory");
        assertEquals(0, num(empty, "used_memory_offheap"));
        assertEquals("cinnabar-slab", empty.get("mem_allocator"));
        populate(20000);
        Map<String, String> m = info("memory");
        long off = num(m, "used_memory_offheap");
        assertEquals(off, num(m, "allocator_allocated"));
        assertTrue(off >= 20000L * 64, "20000 entries of 20 + 9 + 32 bytes at least: " + off);
        assertTrue(num(m, "allocator_active") >= off);
        assertTrue(num(m, "allocator_resident") >= num(m, "allocator_active"));
        assertEquals(num(m, "allocator_active") - off, num(m, "allocator_frag_bytes"));
        assertTrue(num(m, "used_memory_heap") > 0);
        assertEquals(0, num(m, "used_memory_heap_dataset"), "strings of 32 bytes live off-heap only");
        long grew = num(m, "used_memory") - num(empty, "used_memory");
        long tables = server.keyspace.dictOverhead() - emptyOverhead;
        assertTrue(Math.abs(grew - off - tables) < 64 * 1024, "used_memory grew by the allocator's bytes and the "
            + "tables' arrays (clients' buffers aside): " + grew + " vs " + off + " + " + tables);
        run("SET", "raw", "r".repeat(100));
        assertEquals(0, num(info("memory"), "used_memory_heap_dataset"), "a raw string set whole is off-heap");
        run("APPEND", "raw", "more");
        assertTrue(num(info("memory"), "used_memory_heap_dataset") > 0, "APPEND edits a heap array in place");
        run("SET", "raw", "r".repeat(100));
        run("RPUSH", "list", "a", "b", "c");
        Map<String, String> small = info("memory");
        assertEquals(0, num(small, "used_memory_heap_dataset"), "a listpack list is an off-heap blob");
        assertTrue(num(small, "used_memory_offheap") > off, "the list's entry and blob are allocator bytes");
        run("HSET", "big", "field", "v".repeat(100)); // over hash-max-listpack-value: a hashtable
        assertTrue(num(info("memory"), "used_memory_heap_dataset") > 0, "a hashtable is a heap value");
        run("FLUSHALL");
        Map<String, String> after = info("memory");
        assertEquals(0, num(after, "used_memory_offheap"));
        assertTrue(Math.abs(num(empty, "used_memory") - num(after, "used_memory")) < 64 * 1024,
            "back to the empty server's used_memory (clients' buffers aside)");
    }

    private long emptyOverhead;

    @BeforeEach
    void overhead() {
        emptyOverhead = server.keyspace.dictOverhead();
    }

    @Test
    void activedefragConfigAndStats() {
        assertEquals("*2\r\n$12\r\nactivedefrag\r\n$2\r\nno\r\n", run("CONFIG", "GET", "activedefrag"));
        assertEquals("+OK\r\n", run("CONFIG", "SET", "activedefrag", "yes", "active-defrag-ignore-bytes", "1",
            "active-defrag-threshold-lower", "1", "active-defrag-cycle-max", "50"));
        assertEquals("*2\r\n$12\r\nactivedefrag\r\n$3\r\nyes\r\n", run("CONFIG", "GET", "activedefrag"));
        assertEquals("*2\r\n$26\r\nactive-defrag-ignore-bytes\r\n$1\r\n1\r\n",
            run("CONFIG", "GET", "active-defrag-ignore-bytes"));
        populate(60000);
        for (int i = 0; i < 60000; i += 4) {
            for (int j = 1; j < 4; j++) {
                run("DEL", "key:" + (i + j));
            }
        }
        Map<String, String> m = info("memory");
        double before = Double.parseDouble(m.get("allocator_frag_ratio"));
        assertTrue(before > 2, "fragmented after deleting 3 keys in 4: " + before);
        Map<String, String> s = info("stats");
        assertEquals(0, num(s, "active_defrag_hits"));
        for (int i = 0; i < 1000; i++) {
            server.keyspace.releaseViews();
            server.cron();
            if (num(info("stats"), "active_defrag_hits") > 0 && num(info("memory"), "active_defrag_running") == 0) {
                break;
            }
        }
        s = info("stats");
        assertTrue(num(s, "active_defrag_hits") > 0);
        assertTrue(num(s, "active_defrag_key_hits") > 0);
        double after = Double.parseDouble(info("memory").get("allocator_frag_ratio"));
        assertTrue(after < before, before + " -> " + after);
        assertEquals(":15000\r\n", run("DBSIZE"));
        assertEquals(":32\r\n", run("STRLEN", "key:12"));
        assertTrue(run("GET", "key:12").startsWith("$32\r\nvalue:12\u0000"), "values survive the moves");
        assertEquals(":0\r\n", run("EXISTS", "key:13"));
        run("CONFIG", "RESETSTAT");
        assertEquals(0, num(info("stats"), "active_defrag_hits"));
        run("CONFIG", "SET", "activedefrag", "no");
    }
}
