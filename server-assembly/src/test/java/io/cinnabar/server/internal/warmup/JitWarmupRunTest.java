package io.cinnabar.server.internal.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's private servers leave nothing behind in the JVM (no thread, no listener), and its reply framing
 * reads RESP2 and RESP3 replies whole or reports them incomplete.
 */
class JitWarmupRunTest {
    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name))
            .count();
    }

    @Test
    void runsCommandsThroughPrivateServersAndStopsThemAll() throws Exception {
        long lazyFreeBefore = threadsNamed("cinnabar-lazyfree");
        boolean dumpBefore = java.nio.file.Files.exists(java.nio.file.Path.of("dump.rdb"));
        JitWarmup.Result r = JitWarmup.run(6_000, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(1));
        assertTrue(r.commands() >= 6_000, r.toString());
        // the replica syncs ran diskless: streamed to the warm-up's reader, no dump.rdb written anywhere
        assertTrue(r.syncs() > 0, r.toString());
        // clients came and went: each round connected, sent one command and closed (the accept and close paths)
        assertTrue(r.connections() >= r.commands() / 100, r.toString());
        assertEquals(dumpBefore, java.nio.file.Files.exists(java.nio.file.Path.of("dump.rdb")));
        assertEquals(0, threadsNamed("cinnabar-jit-warmup"));
        assertEquals(0, threadsNamed("cinnabar-jit-warmup-sync"));
        // the lazy-free workers stop once their STOP job is taken: wait for that, bounded
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (threadsNamed("cinnabar-lazyfree") > lazyFreeBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(lazyFreeBefore, threadsNamed("cinnabar-lazyfree"));
    }

    @Test
    void theLeanPlanRunsOneServerWithNoReplicaSync() throws Exception {
        JitWarmup.Plan lean = JitWarmup.Plan.LEAN;
        long allocated = allocatedHere();
        JitWarmup.Result r = JitWarmup.run(lean, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(1),
            new Pacer(() -> 0));
        allocated = allocatedHere() - allocated;
        // the driver's garbage (with its private server's construction: 38 MB here) stays small, so that a background
        // warm-up's fits in what the launcher's young generation has left after a start; a decoder per reply and a
        // buffer per write and reconnection made it 51 MB
        assertTrue(allocated < 45_000_000, "the lean warm-up's driver allocated " + allocated + " bytes");
        assertTrue(r.commands() >= lean.commands(), r.toString());
        assertEquals(0, r.syncs(), r.toString());
        assertEquals(-1, r.gcNanos(), r.toString()); // paced: no collection, whose pause the user's clients would see
        // a short connection every 64 rounds of 8 connections' batches (about 6 commands a batch on average)
        assertTrue(r.connections() > 0 && r.connections() < r.commands() / 64, r.toString());
        assertEquals(0, threadsNamed("cinnabar-jit-warmup"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new JitWarmup.Plan(1, 0, 0, 0, 1)).getMessage().contains("nothing"));
    }

    @Test
    void theNativeHeapTrimReportsWhereTheJvmCanTrim() {
        String r = JitWarmup.trimNativeHeap();
        boolean glibcLinux = System.getProperty("os.name").equals("Linux")
            && java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
        if (glibcLinux) {
            assertTrue(r != null && r.matches("Trim native heap: RSS\\+Swap: .*"), String.valueOf(r));
        } else {
            assertTrue(r == null || r.startsWith("Trim native heap:"), r);
        }
    }

    @Test
    void aBusyUserServerHoldsTheBackgroundWarmupBack() throws Exception {
        java.util.concurrent.atomic.AtomicLong userCommands = new java.util.concurrent.atomic.AtomicLong();
        Pacer busy = new Pacer(() -> userCommands.addAndGet(1_000_000)); // the user's server never quiet
        long t0 = System.nanoTime();
        JitWarmup.Result r = JitWarmup.run(60_000, TimeUnit.MILLISECONDS.toNanos(1_500),
            TimeUnit.MILLISECONDS.toNanos(300), busy);
        // the private server got its DEBUG POPULATE (not counted), then waited: no round and no replica sync ran
        assertEquals(0, r.commands(), r.toString());
        assertEquals(0, r.syncs(), r.toString());
        assertTrue(busy.waits() > 0);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "bounded by its deadline");
        assertEquals(0, threadsNamed("cinnabar-jit-warmup"));
        assertEquals(0, threadsNamed("cinnabar-jit-warmup-sync"));

        Pacer quiet = new Pacer(userCommands::get);
        r = JitWarmup.run(6_000, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(1), quiet);
        assertTrue(r.commands() >= 6_000, r.toString());
        assertEquals(0, quiet.waits());
    }

    @Test
    void theC2QueueIsEmptyOnlyWhenCompilerQueueSaysSo() {
        String idle = "4242:\nCurrent compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n";
        assertTrue(JitWarmup.c2QueueEmpty(idle));
        String busyC2 = "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
            + "2315   4       sun.nio.ch.SocketChannelImpl::read (38 bytes)\n";
        assertFalse(JitWarmup.c2QueueEmpty(busyC2));
        // a busy C1 queue alone does not hold the warm-up (only C2's length scales the tier-4 thresholds)
        String busyC1 = "Current compiles: \n\nC1 compile queue:\n1200 3 java.util.HashMap::get (19 bytes)\n\n"
            + "C2 compile queue:\nEmpty\n";
        assertTrue(JitWarmup.c2QueueEmpty(busyC1));
        assertTrue(JitWarmup.c2QueueEmpty("Current compiles: \n\nC1 compile queue:\nEmpty\n")); // no C2 at all
    }

    private static int skip(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return JitWarmup.skip(b, 0, b.length);
    }

    @Test
    void framingReadsWholeRepliesAndWaitsForTheRest() {
        assertEquals(5, skip("+OK\r\n+PONG\r\n".substring(0, 5)));
        assertEquals(5, skip("$-1\r\n"));
        assertEquals(9, skip("$3\r\nabc\r\n"));
        assertEquals(-1, skip("$3\r\nabc\r"));
        assertEquals(-1, skip("$3\r\nab"));
        assertEquals(-1, skip(":12"));
        assertEquals(5, skip(":12\r\n:1\r\n"));
        String map = "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n,1.5\r\n_\r\n";
        assertEquals(map.length(), skip(map + "+next\r\n"));
        for (int cut = 0; cut < map.length(); cut++) {
            assertEquals(-1, skip(map.substring(0, cut)), "cut at " + cut);
        }
        assertEquals(-1, skip("*-1\r"));
        assertEquals(5, skip("*-1\r\n"));
        assertEquals(4, skip("*0\r\n"));
        assertEquals("|1\r\n+k\r\n+v\r\n+OK\r\n".length(), skip("|1\r\n+k\r\n+v\r\n+OK\r\n"));
    }

    /**
     * The bytes this thread allocated so far (com.sun.management.ThreadMXBean#getThreadAllocatedBytes, called
     * reflectively: the tests are compiled inside the server's module, which does not read jdk.management).
     */
    private static long allocatedHere() throws Exception {
        Object bean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method m = Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getThreadAllocatedBytes", long.class);
        return (Long) m.invoke(bean, Thread.currentThread().threadId());
    }
}
