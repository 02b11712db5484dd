package io.cinnabar.server.internal.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which threads IdleThreads picks from a /proc/PID/task directory (a copy of one, made here). */
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
}
