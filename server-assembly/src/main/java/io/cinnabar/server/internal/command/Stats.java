package io.cinnabar.server.internal.command;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.TreeMap;

/**
 * Counters of {@code INFO stats} and {@code INFO errorstats}, reset by {@code CONFIG RESETSTAT}.
 * <p><b>Note:</b> This class is not threadsafe, but for {@link #commandsProcessedFromAnyThread}.
 */
public final class Stats {
    private static final VarHandle COMMANDS_PROCESSED;

    static {
        try {
            COMMANDS_PROCESSED = MethodHandles.lookup().findVarHandle(Stats.class, "commandsProcessed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Background snapshots started (BGSAVE, AOF rewrite, a full resync's): where Redis forks a child, INFO
     * total_forks.
     */
    public long totalForks;
    /**
     * How long starting the last background job's child took (INFO latest_fork_usec: Redis's fork() time, here the
     * spawn of the stand-in child, {@code persist.BackgroundChild}); 0 before the first.
     */
    public long latestForkUsec;
    public long connectionsReceived;
    /** Written by the event loop only; other threads read it with {@link #commandsProcessedFromAnyThread}. */
    public long commandsProcessed;
    public long netInputBytes;
    /** Replication stream bytes received from the master and sent to replicas (INFO total_net_repl_*). */
    public long netReplInputBytes;
    public long netReplOutputBytes;
    public long netOutputBytes;
    public long rejectedConnections;
    public long evictedKeys;
    public long evictedClients;
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    public long readsProcessed;
    public long writesProcessed;
    public long replyBufferShrinks;
    public long replyBufferExpands;
    public long eventloopCycles;
    public long eventloopDurationSum;
    public long eventloopDurationCmdSum;
    /** INFO debug (Redis 7.2's experimental figures): cron and beforeSleep work, AOF writes, the longest cycle. */
    public long eventloopDurationCronSum;
    public long eventloopDurationAofSum;
    public long eventloopDurationMax;
    public long eventloopCmdPerCycleMax;
    public long aclDeniedAuth;
    public long aclDeniedCmd;
    public long aclDeniedKey;
    public long aclDeniedChannel;
    public long dumpPayloadSanitizations;
    public final TreeMap<String, Long> errors = new TreeMap<>();

    // instantaneous metrics: samples taken by the cron every 100 ms, 16 kept (Redis's STATS_METRIC_SAMPLES)
    private final long[][] samples = new long[5][16];
    private final long[] lastValue = new long[5];
    private long lastSampleMs;
    private int sampleIdx;
    public static final int M_OPS = 0;
    public static final int M_IN = 1;
    public static final int M_OUT = 2;
    public static final int M_CYCLES = 3;
    public static final int M_DURATION = 4;

    public void errorReply(String msg) {
        totalErrorReplies++;
        int sp = msg.indexOf(' ');
        String code = sp < 0 ? msg : msg.substring(0, sp);
        if (errors.size() < 128 || errors.containsKey(code)) {
            errors.merge(code, 1L, Long::sum);
        }
    }

    void sample(long nowMs) {
        if (lastSampleMs == 0) {
            lastSampleMs = nowMs;
            lastValue[M_OPS] = commandsProcessed;
            lastValue[M_IN] = netInputBytes;
            lastValue[M_OUT] = netOutputBytes;
            lastValue[M_CYCLES] = eventloopCycles;
            lastValue[M_DURATION] = eventloopDurationSum;
            return;
        }
        long dt = nowMs - lastSampleMs;
        if (dt < 100) {
            return;
        }
        long[] now = {commandsProcessed, netInputBytes, netOutputBytes, eventloopCycles, eventloopDurationSum};
        // the duration's sample is per cycle (Redis's trackInstantaneousMetric with the cycle count as its base):
        // the cycles' delta is taken before the loop moves their last value
        long cycles = now[M_CYCLES] - lastValue[M_CYCLES];
        for (int m = 0; m < 5; m++) {
            long delta = now[m] - lastValue[m];
            if (m == M_DURATION) {
                samples[m][sampleIdx] = cycles == 0 ? 0 : delta / cycles;
            } else {
                samples[m][sampleIdx] = delta * 1000 / dt;
            }
            lastValue[m] = now[m];
        }
        sampleIdx = (sampleIdx + 1) % 16;
        lastSampleMs = nowMs;
    }

    public long instantaneous(int metric) {
        long sum = 0;
        for (long v : samples[metric]) {
            sum += v;
        }
        return sum / 16;
    }

    public void reset() {
        connectionsReceived = 0;
        commandsProcessed = 0;
        netInputBytes = 0;
        netReplInputBytes = 0;
        netReplOutputBytes = 0;
        netOutputBytes = 0;
        rejectedConnections = 0;
        evictedKeys = 0;
        evictedClients = 0;
        totalErrorReplies = 0;
        unexpectedErrorReplies = 0;
        readsProcessed = 0;
        writesProcessed = 0;
        replyBufferShrinks = 0;
        replyBufferExpands = 0;
        eventloopCycles = 0;
        eventloopDurationSum = 0;
        eventloopDurationCmdSum = 0;
        eventloopDurationCronSum = 0;
        eventloopDurationAofSum = 0;
        eventloopDurationMax = 0;
        eventloopCmdPerCycleMax = 0;
        aclDeniedAuth = 0;
        aclDeniedCmd = 0;
        aclDeniedKey = 0;
        aclDeniedChannel = 0;
        dumpPayloadSanitizations = 0;
        errors.clear();
        for (long[] s : samples) {
            java.util.Arrays.fill(s, 0);
        }
        lastSampleMs = 0;
    }

    /**
     * {@link #commandsProcessed} read from a thread other than the event loop (the background JIT warm-up's pacer):
     * an opaque read, whole and eventually current, never a torn long.
     */
    public long commandsProcessedFromAnyThread() {
        return (long) COMMANDS_PROCESSED.getOpaque(this);
    }
}
