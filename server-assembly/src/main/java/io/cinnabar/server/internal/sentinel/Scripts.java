package io.cinnabar.server.internal.sentinel;

import io.cinnabar.server.internal.command.Client;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The notification and client-reconfiguration scripts (Redis's sentinelScheduleScriptExecution,
 * sentinelRunPendingScripts, sentinelCollectTerminatedScripts, sentinelKillTimedoutScripts): a queue of at most
 * 256 jobs, at most 16 running at once, each killed after 60 s; a script that exits with 1 (or is killed by a
 * signal) is retried up to 10 times, with a delay that doubles from 30 s; any other non-zero status drops it.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread only (processes are polled, never waited for).
 */
final class Scripts {
    private static final int MAX_QUEUE = 256;
    private static final int MAX_RUNNING = 16;
    private static final int MAX_RETRY = 10;

    private static final class Job {
        final List<String> argv;
        int retry;
        long startTime; // running: when it started; else not before this time (0: at once)
        Process process;

        Job(List<String> argv) {
            this.argv = argv;
        }
    }

    private final Sentinel s;
    private final List<Job> queue = new ArrayList<>();
    private int running;

    Scripts(Sentinel s) {
        this.s = s;
    }

    int running() {
        return running;
    }

    int queued() {
        return queue.size();
    }

    void schedule(String path, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(path);
        argv.addAll(List.of(args));
        queue.add(new Job(argv));
        if (queue.size() > MAX_QUEUE) {
            for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                if (it.next().process == null) {
                    it.remove();
                    s.server.log.warning("Sentinel scripts queue is full: dropping the oldest job");
                    break;
                }
            }
        }
    }

    /** client-reconfig-script: master-name role state from-ip from-port to-ip to-port. */
    void clientReconfig(Instance m, String role, String state, String fromIp, int fromPort, String toIp, int toPort) {
        if (m.clientReconfigScript != null) {
            schedule(m.clientReconfigScript, m.name, role, state, fromIp, Integer.toString(fromPort), toIp,
                Integer.toString(toPort));
        }
    }

    /** From the timer: starts what may run, collects what ended, kills what ran too long. */
    void run(long now) {
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (j.process != null) {
                if (j.process.isAlive()) {
                    if (now - j.startTime > s.scriptMaxRuntime) {
                        s.server.log.warning("-script-timeout " + String.join(" ", j.argv) + " " + j.process.pid());
                        j.process.destroyForcibly();
                    }
                    continue;
                }
                running--;
                int status = j.process.exitValue();
                j.process = null;
                boolean signalled = status > 128;
                if ((status == 1 || signalled) && j.retry < MAX_RETRY) {
                    j.startTime = now + s.scriptRetryDelay * (1L << Math.min(j.retry, 20));
                    j.retry++;
                } else {
                    if (status != 0) {
                        s.server.log.warning("-script-error " + j.argv.get(0) + " " + status + " 0");
                    }
                    it.remove();
                }
            }
        }
        for (Job j : queue) {
            if (running >= MAX_RUNNING) {
                break;
            }
            if (j.process != null || j.startTime > now) {
                continue;
            }
            try {
                // run in the dir directory with the path taken from there, as redis-sentinel after its chdir()
                List<String> argv = new ArrayList<>(j.argv);
                argv.set(0, s.workingDir().resolve(argv.get(0)).toString());
                j.process = new ProcessBuilder(argv).directory(s.workingDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
                j.startTime = now;
                running++;
                s.server.log.verbose("+script-child " + j.process.pid());
            } catch (IOException e) {
                s.server.log.warning("-script-error " + j.argv.get(0) + " " + e.getMessage());
                j.retry = MAX_RETRY;
                j.startTime = Long.MAX_VALUE; // collected as failed below
                queue.remove(j);
                break;
            }
        }
    }

    /** SENTINEL PENDING-SCRIPTS. */
    void reply(Client c, long now) {
        c.array(queue.size());
        for (Job j : queue) {
            c.map(5);
            c.bulk("argv");
            c.array(j.argv.size());
            j.argv.forEach(c::bulk);
            c.bulk("flags");
            c.bulk(j.process != null ? "running" : "scheduled");
            c.bulk("pid");
            c.bulk(Long.toString(j.process != null ? j.process.pid() : 0));
            if (j.process != null) {
                c.bulk("run-time");
                c.bulk(Long.toString(now - j.startTime));
            } else {
                c.bulk("run-delay");
                c.bulk(Long.toString(j.startTime > now ? j.startTime - now : 0));
            }
            c.bulk("retry-num");
            c.bulk(Integer.toString(j.retry));
        }
    }
}
