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
 * <p>
 * After the background warm-up the launcher moves them for a bounded time only ({@link #restore}): back at
 * SCHED_OTHER, nice 0, which Linux lets a thread do only with CAP_SYS_NICE or an RLIMIT_NICE of 20 or more
 * ({@link #restorable}); a process that could not move them back leaves them where they are.
 * <p><b>Note:</b> This class is threadsafe (stateless).
 */
public final class IdleThreads {
    /** Thread names (Linux's 15-character comm) that go idle: HotSpot's compiler threads and the slab thread. */
    static final List<String> PREFIXES = List.of("C1 CompilerThre", "C2 CompilerThre", "cinnabar-bucket");
    /** Linux's capability number of CAP_SYS_NICE. */
    private static final int CAP_SYS_NICE = 23;
    /** The RLIMIT_NICE line of /proc/PID/limits. */
    private static final String NICE_LIMIT = "Max nice priority";

    private IdleThreads() {
    }

    /**
     * Applies SCHED_IDLE to this process's threads whose name starts with one of {@link #PREFIXES}.
     *
     * @return the thread ids moved (empty when none could be)
     */
    public static List<Long> apply() {
        return apply(matching(Path.of("/proc/self/task"), PREFIXES));
    }

    /** Applies SCHED_IDLE to these threads of this process; returns those moved. */
    static List<Long> apply(List<Long> tids) {
        List<Long> moved = new ArrayList<>();
        for (long tid : tids) {
            if (chrtIdle(tid)) {
                moved.add(tid);
            }
        }
        return moved;
    }

    /** The thread ids under a /proc/PID/task directory whose comm starts with one of {@link #PREFIXES}. */
    static List<Long> matching(Path taskDir) {
        return matching(taskDir, PREFIXES);
    }

    /** The thread ids under a /proc/PID/task directory whose comm starts with one of prefixes. */
    static List<Long> matching(Path taskDir, List<String> prefixes) {
        List<Long> tids = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path t : tasks) {
                String comm;
                try {
                    comm = Files.readString(t.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                for (String p : prefixes) {
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

    /**
     * Moves threads of this process back to SCHED_OTHER at nice 0 (from SCHED_IDLE: see {@link #restorable}).
     *
     * @return how many could be
     */
    public static int restore(List<Long> tids) {
        int n = 0;
        for (long tid : tids) {
            if (chrt("--other", tid)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether this process may move a thread from SCHED_IDLE back to SCHED_OTHER at nice 0 (Linux's rule, see
     * sched_setscheduler(2)): with CAP_SYS_NICE in its effective set (root has it) or an RLIMIT_NICE soft limit of
     * 20 or more; false where /proc cannot tell.
     */
    public static boolean restorable() {
        return restorable(read(Path.of("/proc/self/status")), read(Path.of("/proc/self/limits")));
    }

    /** {@link #restorable()} from the text of /proc/PID/status and /proc/PID/limits (null: unreadable). */
    static boolean restorable(String status, String limits) {
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith("CapEff:")) {
                    try {
                        if ((Long.parseUnsignedLong(line.substring(7).strip(), 16) >>> CAP_SYS_NICE & 1) != 0) {
                            return true;
                        }
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
        }
        if (limits != null) {
            for (String line : limits.split("\n")) {
                if (line.startsWith(NICE_LIMIT)) {
                    String[] f = line.substring(NICE_LIMIT.length()).trim().split("\\s+");
                    try {
                        return f[0].equals("unlimited") || Long.parseLong(f[0]) >= 20;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
        }
        return false;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean chrtIdle(long tid) {
        return chrt("--idle", tid);
    }

    private static boolean chrt(String policy, long tid) {
        try {
            Process p = new ProcessBuilder("chrt", policy, "-p", "0", Long.toString(tid))
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
