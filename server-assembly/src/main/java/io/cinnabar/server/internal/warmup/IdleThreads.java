package io.cinnabar.server.internal.warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * After the launcher's JIT warm-up: moves the JIT compiler threads and the keyspace's slab thread to Linux's
 * {@code SCHED_IDLE} policy ({@code chrt --idle -p 0 TID}, one short process per thread; lowering a thread's
 * policy needs no privilege). Their remaining work (what the warm-up did not compile, a growth's 64 MiB slab zeroed
 * ahead of time) then runs only when a core has nothing else to run: a waking event loop or client preempts them at
 * once. Under nice 19 (the launcher's {@code -XX:CompilerThreadPriority=19} as root) the scheduler still let a
 * compiler thread finish its slice: {@code perf sched timehist} of the set phase showed C2 running 4 ms and C1 2.9 ms
 * on the two cores while the event loop and redis-benchmark both waited in epoll_wait for the loopback's delivery.
 * Four alternating runs of the set phase's first two million requests after a warm-up start (session 12): part 1's
 * p99 1.8-2.6 ms vs 3.1-3.3, mean p99.9 of parts 1-2 4.7 vs 5.4 ms, mean max 5.2 vs 6.2.
 * <p>
 * Only the launcher calls it, only with the warm-up (whose compilations it leaves done): a JVM that embeds the server
 * keeps its own threads' scheduling. Where there is no {@code /proc} or no {@code chrt}, nothing changes.
 * <p><b>Note:</b> This class is threadsafe (stateless).
 */
public final class IdleThreads {
    /** Thread names (Linux's 15-character comm) that go idle: HotSpot's compiler threads and the slab thread. */
    static final List<String> PREFIXES = List.of("C1 CompilerThre", "C2 CompilerThre", "cinnabar-bucket");

    private IdleThreads() {
    }

    /**
     * Applies SCHED_IDLE to this process's threads whose name starts with one of {@link #PREFIXES}.
     *
     * @return the thread ids moved (empty when none could be)
     */
    public static List<Long> apply() {
        List<Long> moved = new ArrayList<>();
        for (long tid : matching(Path.of("/proc/self/task"))) {
            if (chrtIdle(tid)) {
                moved.add(tid);
            }
        }
        return moved;
    }

    /** The thread ids under a /proc/PID/task directory whose comm starts with one of the prefixes. */
    static List<Long> matching(Path taskDir) {
        List<Long> tids = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path t : tasks) {
                String comm;
                try {
                    comm = Files.readString(t.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                for (String p : PREFIXES) {
                    if (comm.startsWith(p)) {
                        tids.add(Long.parseLong(t.getFileName().toString()));
                        break;
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
        return tids;
    }

    /** The policy of a thread of this process as /proc shows it (field 41 of stat: 5 is SCHED_IDLE), or -1. */
    static int policy(long tid) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"), StandardCharsets.UTF_8);
            // fields after the comm, which may hold spaces: "pid (comm) state ppid ..."
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Integer.parseInt(f[41 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean chrtIdle(long tid) {
        try {
            Process p = new ProcessBuilder("chrt", "--idle", "-p", "0", Long.toString(tid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no chrt here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
