package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BGSAVE while 50 clients write: each client runs MULTI / INCR w:i / RPUSH l:i seq / INCR global / EXEC in a loop,
 * so every transaction moves its own counter and the global one together. rdb-key-save-delay (0.1 s per key, lowered to 0 once the
 * writers moved on) stretches the save over many event-loop iterations. The file must hold one consistent cut, and exactly the one of the moment BGSAVE
 * ran: sum of w:i = global, each list as long as its counter, every transaction with global &lt;= G in the file and
 * every later one out of it (from the EXEC replies), and G between the global values read just before and just
 * after BGSAVE. The save is still running after the writers made progress: no write waited for it.
 */
class SnapshotConsistencyTest {
    private static final int CLIENTS = 50;

    @TempDir
    Path dir;

    private static long[] ints(String reply) {
        List<Long> out = new ArrayList<>();
        for (String line : reply.split("\r\n")) {
            if (line.startsWith(":")) {
                out.add(Long.parseLong(line.substring(1)));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void bgsaveHoldsTheDatasetOfItsStart() throws Exception {
        List<List<long[]>> history = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong execs = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long gBefore;
        long gAfter;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("dir", dir.toString())
                 .config("enable-debug-command", "yes").config("rdb-key-save-delay", "100000").start();
             RespClient c = new RespClient(s.port())) {
            c.call("DEBUG", "POPULATE", "3000", "filler");
            java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                List<long[]> h = new ArrayList<>();
                history.add(h);
                int id = i;
                Thread t = new Thread(() -> {
                    try (RespClient w = new RespClient(s.port())) {
                        byte[] tx = concat(RespClient.encode("MULTI"), RespClient.encode("INCR", "w:" + id),
                            RespClient.encode("RPUSH", "l:" + id, "x"), RespClient.encode("INCR", "global"),
                            RespClient.encode("EXEC"));
                        boolean first = true;
                        while (!stop.get()) {
                            w.sendRaw(tx);
                            for (int k = 0; k < 4; k++) {
                                w.read(); // +OK and three +QUEUED
                            }
                            long[] r = ints(w.read());
                            h.add(new long[] {r[0], r[2]}); // (w:i after, global after)
                            execs.incrementAndGet();
                            if (first) {
                                warm.countDown();
                                first = false;
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                        warm.countDown();
                    }
                });
                writers.add(t);
                t.start();
            }
            warm.await();
            gBefore = Long.parseLong(c.call("GET", "global").split("\r\n")[1]);
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            gAfter = Long.parseLong(c.call("GET", "global").split("\r\n")[1]);
            long at = execs.get();
            while (execs.get() < at + 1000 && failures.isEmpty()) {
                Thread.sleep(5);
            }
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("rdb_bgsave_in_progress:1"), "the save ended before the writers moved on");
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            assertEquals(List.of(), failures);
            c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            for (int i = 0; i < 1000 && c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1"); i++) {
                Thread.sleep(20);
            }
            assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok"));
        }
        Map<String, Long> counters = new HashMap<>();
        Map<String, Long> lists = new HashMap<>();
        long[] fillers = new long[1];
        RdbReader.open(dir.resolve("dump.rdb")).read(new RdbVisitor() {
            String key;

            @Override
            public void beginKey(RdbKey k) {
                key = new String(k.key(), StandardCharsets.ISO_8859_1);
                if (key.startsWith("filler:")) {
                    fillers[0]++;
                }
            }

            @Override
            public void string(byte[] v) {
                if (!key.startsWith("filler:")) {
                    counters.put(key, Long.parseLong(new String(v, StandardCharsets.US_ASCII)));
                }
            }

            @Override
            public void listElement(byte[] e) {
                lists.merge(key, 1L, Long::sum);
            }
        });
        assertEquals(3000, fillers[0]);
        long g = counters.get("global");
        assertTrue(gBefore <= g && g <= gAfter, gBefore + " <= " + g + " <= " + gAfter);
        long sum = 0;
        for (int i = 0; i < CLIENTS; i++) {
            long w = counters.getOrDefault("w:" + i, 0L);
            sum += w;
            assertEquals(w, lists.getOrDefault("l:" + i, 0L), "list of client " + i);
            for (long[] tx : history.get(i)) {
                if (tx[0] <= w) {
                    assertTrue(tx[1] <= g, "client " + i + " transaction " + tx[0] + " (global " + tx[1]
                        + ") is in the file, but it ran after the cut at " + g);
                } else {
                    assertTrue(tx[1] > g, "client " + i + " transaction " + tx[0] + " (global " + tx[1]
                        + ") ran before the cut at " + g + " but is not in the file");
                }
            }
        }
        assertEquals(g, sum);
        assertTrue(history.stream().mapToLong(List::size).sum() > g, "writes continued after the cut");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
