package io.cinnabar.server.internal.persist;

import io.cinnabar.server.internal.command.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process that stands for the child Redis forks for a background job (a BGSAVE, an AOF rewrite, a full
 * resync's RDB): the job itself is a fork-less {@link Snapshot} in this process, but what an operator or a test
 * does with Redis's child works on this one. It is a real child process of the server ({@code cat} reading a pipe
 * from the server, writing nothing) that lives exactly as long as the job:
 * <ul>
 * <li>{@code pgrep -P <server pid>} finds it; its pid is the one Redis's log lines show ("Background saving
 *     started by pid N") and names the job's temporary files ({@code temp-N.rdb}, {@code temp-rewriteaof-bg-N.aof});</li>
 * <li>killing it (the OOM killer, {@code kill -9}) stops the job as the death of Redis's child does: the owner sees
 *     {@link #died()} at its next check (the cron or a step, as Redis's waitpid in serverCron), logs "terminated by
 *     signal N" and removes the temporary file;</li>
 * <li>its {@code oom_score_adj} is the background-child class of {@code oom-score-adj-values} ({@link #oomScoreAdj});</li>
 * <li>it ends when the job ends ({@link #end}: its input is closed), and when the server dies (its input reaches
 *     end of file), so it never outlives the server.</li>
 * </ul>
 * Starting it costs one process spawn (posix_spawn of the JDK, about a millisecond), less than Redis's fork of a
 * large dataset. Where no process can be started (no {@code cat}, a sandbox), {@link #start} returns null and the
 * job runs without one, its pid being the server's.
 * <p><b>Note:</b> This class is not threadsafe: the event loop uses it.
 */
public final class BackgroundChild {
    /** Java reports a process ended by signal n with exit status 128 + n, as shells do. */
    private static final int SIGNALLED = 128;
    /** SIGUSR1: Redis kills its own child with it, which is not an error. */
    public static final int SIGUSR1 = 10;

    private final Process process;
    private boolean ended;

    private BackgroundChild(Process process) {
        this.process = process;
    }

    /**
     * Starts the child of a background job of this server, with the background-child {@code oom_score_adj} when
     * {@code oom-score-adj} is on (a failure to write it is logged, as Redis's child logs it); null when no child
     * can be started.
     */
    public static BackgroundChild forJob(Server server) {
        long t0 = System.nanoTime();
        BackgroundChild c = start();
        if (c != null) {
            server.stats.latestForkUsec = (System.nanoTime() - t0) / 1000;
            Integer adj = server.oomScoreAdj.childValue(server);
            if (adj != null) {
                try {
                    c.oomScoreAdj(adj);
                } catch (IOException e) {
                    server.log.warning("Unable to write oom_score_adj: " + e.getMessage());
                }
            }
        }
        return c;
    }

    /** Starts a child, or returns null when none can be started. */
    public static BackgroundChild start() {
        String cat = Files.isExecutable(Path.of("/bin/cat")) ? "/bin/cat" : "cat";
        try {
            Process p = new ProcessBuilder(cat)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            return new BackgroundChild(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The child's pid. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child died before its job ended (killed by someone): the job must stop. */
    public boolean died() {
        return !ended && !process.isAlive();
    }

    /** The signal that ended the child, or 0 when it exited (or has not ended). */
    public int signal() {
        if (process.isAlive()) {
            return 0;
        }
        int status = process.exitValue();
        return status > SIGNALLED ? status - SIGNALLED : 0;
    }

    /** The child's exit status (0 while it runs). */
    public int exitStatus() {
        return process.isAlive() ? 0 : process.exitValue();
    }

    /** The job is over: the child's input is closed and it exits (reaped by the JDK). Idempotent. */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    /** Writes the child's {@code oom_score_adj} (Redis's child calls setOOMScoreAdj(CONFIG_OOM_BGCHILD)). */
    public void oomScoreAdj(int value) throws IOException {
        Files.writeString(Path.of("/proc", Long.toString(pid()), "oom_score_adj"), value + "\n",
            StandardCharsets.US_ASCII);
    }
}
