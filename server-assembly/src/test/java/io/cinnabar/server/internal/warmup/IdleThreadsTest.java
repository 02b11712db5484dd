package io.cinnabar.server.internal.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which threads IdleThreads picks from a /proc/PID/task directory (a copy of one, made here), when it can move them
 * back, and a thread of this JVM moved to SCHED_IDLE and back.
 */
class IdleThreadsTest {
    @Test
    void picksTheCompilerThreadsAndTheSlabThreadOnly(@TempDir Path task) throws Exception {
        String[][] threads = {{"101", "java"}, {"102", "C2 CompilerThre"}, {"103", "C1 CompilerThre"},
            {"104", "cinnabar-bucket"}, {"105", "cinnabar-event-"}, {"106", "GC Thread#0"}, {"107", "VM Thread"}};
        for (String[] t : threads) {
            Files.createDirectories(task.resolve(t[0]));
            Files.writeString(task.resolve(t[0]).resolve("comm"), t[1] + "\n");
        }
        Files.createDirectories(task.resolve("108")); // a thread that ended while the directory was read: no comm
        assertEquals(List.of(102L, 103L, 104L), List.copyOf(new TreeSet<>(IdleThreads.matching(task))));
    }

    @Test
    void aMissingTaskDirectoryMovesNothing(@TempDir Path dir) {
        assertEquals(List.of(), IdleThreads.matching(dir.resolve("no-such")));
    }

    @Test
    void thisJvmsThreadsReportAPolicy() {
        if (!Files.isDirectory(Path.of("/proc/self/task"))) {
            return; // not Linux: IdleThreads.apply() moves nothing there
        }
        long tid = IdleThreads.matching(Path.of("/proc/self/task")).stream().findFirst().orElseThrow();
        assertEquals(0, IdleThreads.policy(tid)); // SCHED_OTHER: the test JVM's threads are not moved
    }

    private static final String LIMITS = "Limit                     Soft Limit           Hard Limit           Units\n"
        + "Max open files            1048576              1048576              files\n"
        + "Max nice priority         %s                    %s\n"
        + "Max realtime priority     0                    0\n";

    @Test
    void movingThreadsBackNeedsCapSysNiceOrAnRlimitNiceOfTwenty() {
        String root = "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n";
        String user = "Name:\tjava\nCapEff:\t0000000000000000\n";
        String niceOnly = "CapEff:\t0000000000800000\n"; // bit 23 alone: CAP_SYS_NICE
        String allButNice = "CapEff:\t000001ffff7fffff\n";
        assertTrue(IdleThreads.restorable(root, LIMITS.formatted("0", "0")));
        assertTrue(IdleThreads.restorable(niceOnly, LIMITS.formatted("0", "0")));
        assertFalse(IdleThreads.restorable(allButNice, LIMITS.formatted("0", "0")));
        assertFalse(IdleThreads.restorable(user, LIMITS.formatted("0", "0")));
        assertFalse(IdleThreads.restorable(user, LIMITS.formatted("19", "40")));
        assertTrue(IdleThreads.restorable(user, LIMITS.formatted("20", "20")));
        assertTrue(IdleThreads.restorable(user, LIMITS.formatted("unlimited", "unlimited")));
        assertFalse(IdleThreads.restorable(null, null)); // no /proc
        assertFalse(IdleThreads.restorable("CapEff:\tzz\n", "Max nice priority  x  x\n"));
    }

    @Test
    void aThreadGoesToSchedIdleAndBack() throws Exception {
        boolean chrt = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "chrt")));
        if (!Files.isDirectory(Path.of("/proc/self/task")) || !chrt || !IdleThreads.restorable()) {
            return; // nothing the launcher would do here
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread probe = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "idle-probe-thread");
        probe.start();
        try {
            List<Long> tids = List.of();
            for (int i = 0; i < 100 && tids.isEmpty(); i++) { // its comm is set once it runs
                tids = IdleThreads.matching(Path.of("/proc/self/task"), List.of("idle-probe-thr"));
                Thread.sleep(10);
            }
            assertEquals(1, tids.size(), tids.toString());
            assertEquals(tids, IdleThreads.apply(tids));
            assertEquals(5, IdleThreads.policy(tids.get(0))); // SCHED_IDLE
            assertEquals(1, IdleThreads.restore(tids));
            assertEquals(0, IdleThreads.policy(tids.get(0))); // SCHED_OTHER
        } finally {
            done.countDown();
            probe.join();
        }
    }
}
