package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Durability under SIGKILL: the server runs as a separate JVM with {@code appendonly yes}; four clients each
 * {@code RPUSH l<i> <n>} with n = 0, 1, 2 ... and count the acknowledgements; the process is killed with SIGKILL
 * (Process.destroyForcibly) at a random moment, restarted on the same directory, and must hold, for every client,
 * a list {@code 0 .. k-1} with k at least the number of acknowledged pushes (no hole, nothing acknowledged lost).
 * With {@code appendfsync always} this is the contract; the test runs {@code -Dcinnabar.crash.iterations} rounds
 * (default 20). One round with {@code everysec} then reports how many acknowledged pushes were lost (SIGKILL
 * leaves the page cache intact, so it is usually 0; a power loss could cost up to about the last 2 seconds).
 */
class AofCrashTest {
    private static final int CLIENTS = 4;

    /** Cinnabar in a child JVM with appendonly yes on dir and port (again after a SIGKILL: it loads the AOF). */
    private static ChildServer launch(Path dir, int port, String fsync, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", fsync));
        args.addAll(List.of(extra));
        return ChildServer.start(dir, port, List.of(), args.toArray(String[]::new));
    }

    /** Pushes until stopped; acked[i] is how many pushes of client i were acknowledged (its next n). */
    private static List<Thread> writers(int port, AtomicLongArray acked, AtomicBoolean stop) {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (RespClient c = new RespClient(port)) {
                    while (!stop.get()) {
                        long n = acked.get(id);
                        String r = c.call("RPUSH", "l" + id, Long.toString(n));
                        if (r.startsWith(":")) {
                            acked.set(id, n + 1);
                        }
                    }
                } catch (IOException e) {
                    // the server was killed: what was acknowledged is counted
                }
            });
            t.start();
            ts.add(t);
        }
        return ts;
    }

    /** Checks every list is 0..k-1 with k >= acked; sets acked to k (where the next round continues). */
    private static long verify(RespClient c, AtomicLongArray acked) throws IOException {
        long lost = 0;
        for (int i = 0; i < CLIENTS; i++) {
            long len = Long.parseLong(c.call("LLEN", "l" + i).substring(1).trim());
            lost += Math.max(0, acked.get(i) - len);
            if (len > 0) {
                assertEquals("$" + Long.toString(len - 1).length() + "\r\n" + (len - 1) + "\r\n",
                    c.call("LINDEX", "l" + i, "-1"), "list " + i + " ends with its length - 1");
                assertEquals("$1\r\n0\r\n", c.call("LINDEX", "l" + i, "0"));
            }
            acked.set(i, len);
        }
        return lost;
    }

    private static long round(Path dir, int port, String fsync, AtomicLongArray acked, boolean expectNoLoss)
            throws Exception {
        try (ChildServer s = launch(dir, port, fsync)) {
            try (RespClient c = new RespClient(port)) {
                long lost = verify(c, acked);
                if (expectNoLoss) {
                    assertEquals(0, lost, "acknowledged writes lost with appendfsync always");
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> ts = writers(port, acked, stop);
            Thread.sleep(100 + ThreadLocalRandom.current().nextInt(400));
            s.process().destroyForcibly(); // SIGKILL
            assertTrue(s.process().waitFor(30, TimeUnit.SECONDS));
            stop.set(true);
            for (Thread t : ts) {
                t.join(10_000);
            }
            return acked.get(0) + acked.get(1) + acked.get(2) + acked.get(3);
        }
    }

    @Test
    void alwaysLosesNothingAcknowledged() throws Exception {
        int iterations = Integer.getInteger("cinnabar.crash.iterations", 20);
        Path dir = Files.createTempDirectory("aof-crash");
        int port = RealRedis.freePort();
        AtomicLongArray acked = new AtomicLongArray(CLIENTS);
        long total = 0;
        for (int i = 0; i < iterations; i++) {
            total = round(dir, port, "always", acked, true);
        }
        try (ChildServer s = launch(dir, port, "always"); RespClient c = new RespClient(port)) {
            assertEquals(0, verify(c, acked), "acknowledged writes lost with appendfsync always");
        }
        assertTrue(total > 0, "the clients wrote something");
        System.out.println("AofCrashTest: appendfsync always, " + iterations + " SIGKILLs, " + total
            + " acknowledged pushes, none lost");
    }

    /**
     * SIGKILL while an AOF rewrite runs (its snapshot stretched to about a second by rdb-key-save-delay, writers
     * pushing all along, appendfsync always), for both kinds of base: after the restart every acknowledged push and
     * every preloaded key is there. Rounds where the kill came after the rewrite ended are counted apart.
     */
    @Test
    void killDuringRewriteLosesNothingAcknowledged() throws Exception {
        int duringRewrite = 0;
        int rounds = 0;
        for (String preamble : new String[] {"yes", "no"}) {
            Path dir = Files.createTempDirectory("aof-crash-rewrite");
            int port = RealRedis.freePort();
            AtomicLongArray acked = new AtomicLongArray(CLIENTS);
            String[] extra = {"--aof-use-rdb-preamble", preamble, "--rdb-key-save-delay", "200",
                "--auto-aof-rewrite-percentage", "0"};
            for (int round = 0; round < 2; round++) {
                try (ChildServer s = launch(dir, port, "always", extra); RespClient c = new RespClient(port)) {
                    assertEquals(0, verify(c, acked), "acknowledged writes lost by a SIGKILL during a rewrite");
                    if (round == 0) {
                        preload(c);
                    } else {
                        assertEquals(":" + (PRELOAD + CLIENTS) + "\r\n", c.call("DBSIZE"), "preloaded keys survive");
                    }
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Thread> ts = writers(port, acked, stop);
                    Thread.sleep(50);
                    String r = c.call("BGREWRITEAOF");
                    assertTrue(r.startsWith("+Background append only file rewriting"), r);
                    Thread.sleep(100 + ThreadLocalRandom.current().nextInt(600));
                    if (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1")) {
                        duringRewrite++;
                    }
                    s.process().destroyForcibly(); // SIGKILL
                    assertTrue(s.process().waitFor(30, TimeUnit.SECONDS));
                    stop.set(true);
                    for (Thread t : ts) {
                        t.join(10_000);
                    }
                    rounds++;
                } catch (IOException e) {
                    // the server is gone: the next round checks
                }
            }
            try (ChildServer s = launch(dir, port, "always", extra); RespClient c = new RespClient(port)) {
                assertEquals(0, verify(c, acked), "acknowledged writes lost by a SIGKILL during a rewrite");
                assertEquals(":" + (PRELOAD + CLIENTS) + "\r\n", c.call("DBSIZE"));
            }
        }
        assertTrue(duringRewrite > 0, "at least one SIGKILL hit a running rewrite");
        System.out.println("AofCrashTest: " + rounds + " SIGKILLs during BGREWRITEAOF (" + duringRewrite
            + " while the rewrite ran), nothing acknowledged lost");
    }

    private static final int PRELOAD = 5000;

    /** PRELOAD string keys in MSETs of 500 (the rewrite has something to walk). */
    private static void preload(RespClient c) throws IOException {
        for (int i = 0; i < PRELOAD; i += 500) {
            String[] args = new String[1 + 1000];
            args[0] = "MSET";
            for (int j = 0; j < 500; j++) {
                args[1 + 2 * j] = "pre" + (i + j);
                args[2 + 2 * j] = "value-" + (i + j);
            }
            assertEquals("+OK\r\n", c.call(args));
        }
    }

    @Test
    void everysecLossIsReported() throws Exception {
        Path dir = Files.createTempDirectory("aof-crash-everysec");
        int port = RealRedis.freePort();
        AtomicLongArray acked = new AtomicLongArray(CLIENTS);
        long before = round(dir, port, "everysec", acked, false);
        try (ChildServer s = launch(dir, port, "everysec"); RespClient c = new RespClient(port)) {
            long lost = verify(c, acked);
            System.out.println("AofCrashTest: appendfsync everysec, SIGKILL after " + before
                + " acknowledged pushes: " + lost + " lost");
            assertTrue(lost <= before);
        }
    }
}
