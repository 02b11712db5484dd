package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.LatencyMonitor;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code LATENCY DOCTOR} and {@code LATENCY GRAPH <event>} over the {@link LatencyMonitor}'s samples, with Redis's
 * texts and layout (facts from Redis's {@code latency.c} and {@code sparkline.c}).
 * <p>
 * DOCTOR: per event, the number of samples, their average, mean absolute deviation from that average, the period
 * (seconds since the oldest sample divided by the samples) and the all-time maximum, then advice chosen by which
 * events occurred and by the configuration (slow log threshold, hz, appendfsync, transparent huge pages of this
 * process). There is no "fork" event (the JVM does not fork), so the fork-rate line and its advice never appear. GRAPH: a header with the samples' high and low and the all-time high, 80 dashes, then a 4-row ASCII
 * sparkline of the samples (oldest first, 80 per block) with the age of each sample ("12s", "3m", "2h", "1d") printed
 * vertically under it. Both reply as verbatim text.
 * <pre>
 *   sparkline: steps = 3 chars x 4 rows = 12; step = (int)((int)((v - min) * 12) / (max - min)), clamped to 0..11;
 *   row r (0 = top) shows fill char "_o#"[step - (3 - r) * 3] when that index is 0..2, '|' above 2, ' ' below 0;
 *   then one blank row, then the label characters row by row
 * </pre>
 * O(events + samples) per call.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class LatencyReport {
    private static final int GRAPH_COLS = 80;
    private static final int GRAPH_ROWS = 4;
    private static final String FILL = "_o#";

    private LatencyReport() {
    }

    public static void register(CommandTable t) {
        t.impl("latency|doctor", c -> c.verbatim(doctor(c.server, System.currentTimeMillis() / 1000)));
        t.impl("latency|graph", LatencyReport::graph);
    }

    /** The statistics of one event's samples (Redis's analyzeLatencyForEvent). */
    static final class Stats {
        long samples;
        long avg;
        long mad;
        long period;
        long min;
        long max;
    }

    static Stats analyze(LatencyMonitor.Series s, long nowSec) {
        Stats st = new Stats();
        long sum = 0;
        long oldest = 0;
        for (long[] v : s.samples) {
            st.samples++;
            if (st.samples == 1) {
                st.min = v[1];
                st.max = v[1];
            } else {
                st.min = Math.min(st.min, v[1]);
                st.max = Math.max(st.max, v[1]);
            }
            sum += v[1];
            if (oldest == 0 || v[0] < oldest) {
                oldest = v[0];
            }
        }
        if (st.samples == 0) {
            return st;
        }
        st.avg = sum / st.samples;
        st.period = nowSec - oldest;
        if (st.period == 0) {
            st.period = 1;
        }
        long dev = 0;
        for (long[] v : s.samples) {
            dev += Math.abs(st.avg - v[1]);
        }
        st.mad = dev / st.samples;
        return st;
    }

    /** Which advice the report gives, in the order it prints them. */
    private enum Advice {
        SLOWLOG_ENABLE, SLOWLOG_TUNING, SLOWLOG_INSPECT, SCHEDULER, LOCAL_DISK, SSD, DATA_WRITEBACK,
        DISK_CONTENTION, NO_APPENDFSYNC, RELAX_FSYNC, WRITE_LOAD_INFO, HZ, LARGE_OBJECTS, MASS_EVICTION, DISABLE_THP
    }

    static String doctor(Server server, long nowSec) {
        Map<String, LatencyMonitor.Series> events = server.latency.events;
        if (events.isEmpty() && server.latencyThreshold == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
                + "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
                + "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        long slowlog = server.config.getLong("slowlog-log-slower-than");
        boolean[] advise = new boolean[Advice.values().length];
        int advices = 0;
        int n = 0;
        StringBuilder r = new StringBuilder();
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            String event = e.getKey();
            n++;
            if (n == 1) {
                r.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, "
                    + "do you Dave?\n\n");
            }
            Stats st = analyze(e.getValue(), nowSec);
            r.append(n).append(". ").append(event).append(": ").append(st.samples).append(" latency spikes (average ")
                .append(st.avg).append("ms, mean deviation ").append(st.mad).append("ms, period ")
                .append(String.format(Locale.ROOT, "%.2f", (double) st.period / st.samples))
                .append(" sec). Worst all time event ").append(e.getValue().max).append("ms.");
            switch (event.toLowerCase(Locale.ROOT)) {
                case "command" -> {
                    if (slowlog < 0) {
                        advices += set(advise, Advice.SLOWLOG_ENABLE);
                    } else if (slowlog / 1000 > server.latencyThreshold) {
                        advices += set(advise, Advice.SLOWLOG_TUNING);
                    }
                    advices += set(advise, Advice.SLOWLOG_INSPECT) + set(advise, Advice.LARGE_OBJECTS);
                }
                case "fast-command" -> advices += set(advise, Advice.SCHEDULER);
                case "aof-write-pending-fsync" -> advices += set(advise, Advice.LOCAL_DISK)
                    + set(advise, Advice.DISK_CONTENTION) + set(advise, Advice.SSD) + set(advise, Advice.DATA_WRITEBACK);
                case "aof-write-active-child" -> advices += set(advise, Advice.NO_APPENDFSYNC)
                    + set(advise, Advice.DATA_WRITEBACK) + set(advise, Advice.SSD);
                case "aof-write-alone" -> advices += set(advise, Advice.LOCAL_DISK) + set(advise, Advice.DATA_WRITEBACK)
                    + set(advise, Advice.SSD);
                case "aof-fsync-always" -> advices += set(advise, Advice.RELAX_FSYNC);
                case "aof-fstat", "rdb-unlink-temp-file" -> advices += set(advise, Advice.DISK_CONTENTION)
                    + set(advise, Advice.LOCAL_DISK);
                case "aof-rewrite-diff-write", "aof-rename" -> advices += set(advise, Advice.WRITE_LOAD_INFO)
                    + set(advise, Advice.DATA_WRITEBACK) + set(advise, Advice.SSD) + set(advise, Advice.LOCAL_DISK);
                case "expire-cycle" -> advices += set(advise, Advice.HZ) + set(advise, Advice.LARGE_OBJECTS);
                case "eviction-del" -> advices += set(advise, Advice.LARGE_OBJECTS);
                case "eviction-cycle" -> advices += set(advise, Advice.MASS_EVICTION);
                default -> {
                }
            }
            r.append('\n');
        }
        if (anonHugePages()) {
            advices += set(advise, Advice.DISABLE_THP);
        }
        if (n == 0 && advices == 0) {
            r.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
                + "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
        } else if (n > 0 && advices == 0) {
            r.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
                + "community to get some help, providing this report in your help request.\n");
        } else {
            r.append("\nI have a few advices for you:\n\n");
            appendAdvice(r, advise, server);
        }
        return r.toString();
    }

    /** Marks an advice; returns 1 (Redis counts every mark, repeated or not). */
    private static int set(boolean[] advise, Advice a) {
        advise[a.ordinal()] = true;
        return 1;
    }

    private static void appendAdvice(StringBuilder r, boolean[] a, Server server) {
        long threshUs = server.latencyThreshold * 1000;
        if (a[Advice.SLOWLOG_ENABLE.ordinal()]) {
            r.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
                + "Redis feature using the command 'CONFIG SET slowlog-log-slower-than ").append(threshUs)
                .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n");
        }
        if (a[Advice.SLOWLOG_TUNING.ordinal()]) {
            r.append("- Your current Slow Log configuration only logs events that are slower than your configured latency "
                + "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ").append(threshUs).append("'.\n");
        }
        if (a[Advice.SLOWLOG_INSPECT.ordinal()]) {
            r.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if (a[Advice.SCHEDULER.ordinal()]) {
            r.append("- The system is slow to execute Redis code paths not containing system calls. This usually means the "
                + "system does not provide Redis CPU time to run for long periods. You should try to:\n"
                + "  1) Lower the system load.\n"
                + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
                + "Jemalloc. However this may create fragmentation problems.\n");
        }
        if (a[Advice.LOCAL_DISK.ordinal()]) {
            r.append("- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote "
                + "disks provided by platform-as-a-service providers are known to be slow.\n");
        }
        if (a[Advice.SSD.ordinal()]) {
            r.append("- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log "
                + "rewriting (resulting in smaller memory usage and smaller final AOF rewrite buffer flushes). With "
                + "extremely high write load SSD disks can be a good option. However Redis should perform reasonably with "
                + "high load using normal disks. Use this advice as a last resort.\n");
        }
        if (a[Advice.DATA_WRITEBACK.ordinal()]) {
            r.append("- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to "
                + "data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that "
                + "after a hard crash the AOF file will have a half-written command at the end and will require to be "
                + "repaired before Redis restarts.\n");
        }
        if (a[Advice.DISK_CONTENTION.ordinal()]) {
            r.append("- Try to lower the disk contention. This is often caused by other disk intensive processes running in "
                + "the same computer (including other Redis instances).\n");
        }
        if (a[Advice.NO_APPENDFSYNC.ordinal()]) {
            r.append("- Assuming from the point of view of data safety this is viable in your environment, you could try to "
                + "enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a "
                + "child rewriting the AOF file or producing an RDB file (the moment where there is high disk "
                + "contention).\n");
        }
        if (a[Advice.RELAX_FSYNC.ordinal()] && "always".equals(server.config.get("appendfsync"))) {
            r.append("- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, "
                + "if possible try to relax the fsync policy to 'onesec'.\n");
        }
        if (a[Advice.WRITE_LOAD_INFO.ordinal()]) {
            r.append("- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF "
                + "file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to "
                + "get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts "
                + "to group multiple operations into a single EVALSHA call.\n");
        }
        if (a[Advice.HZ.ordinal()] && server.config.getLong("hz") < 100) {
            r.append("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' "
                + "configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if (a[Advice.LARGE_OBJECTS.ordinal()]) {
            r.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                + "operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment "
                + "those objects into multiple smaller objects.\n");
        }
        if (a[Advice.MASS_EVICTION.ordinal()]) {
            r.append("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets "
                + "or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE "
                + "command), may create sudden memory pressure forcing the server to block trying to evict keys. \n");
        }
        if (a[Advice.DISABLE_THP.ordinal()]) {
            r.append("- I detected a non zero amount of anonymous huge pages used by your process. This creates very "
                + "serious latency events in different conditions, especially when Redis is persisting on disk. To "
                + "disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make "
                + "sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note "
                + "that even if you have already disabled THP, you still need to restart the Redis process to get rid of "
                + "the huge pages already created.\n");
        }
    }

    /** Whether this process maps anonymous huge pages (the AnonHugePages total of /proc/self/smaps_rollup). */
    static boolean anonHugePages() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    String kb = line.substring("AnonHugePages:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) > 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    static void graph(Client c) {
        String event = c.argString(2);
        LatencyMonitor.Series s = c.server.latency.events.get(event);
        if (s == null) {
            c.error("ERR No samples available for event '" + event + "'");
            return;
        }
        c.verbatim(graph(event, s, System.currentTimeMillis() / 1000));
    }

    /** The header and sparkline of one event's samples at time nowSec. */
    static String graph(String event, LatencyMonitor.Series s, long nowSec) {
        int n = s.samples.size();
        double[] values = new double[n];
        String[] labels = new String[n];
        long min = 0;
        long max = 0;
        int i = 0;
        for (long[] v : s.samples) {
            if (i == 0) {
                min = v[1];
                max = v[1];
            } else {
                min = Math.min(min, v[1]);
                max = Math.max(max, v[1]);
            }
            values[i] = v[1];
            labels[i] = age(nowSec - v[0]);
            i++;
        }
        StringBuilder g = new StringBuilder();
        g.append(event).append(" - high ").append(max).append(" ms, low ").append(min).append(" ms (all time high ")
            .append(s.max).append(" ms)\n");
        g.append("-".repeat(GRAPH_COLS)).append('\n');
        sparkline(g, values, labels, (double) min, (double) max);
        return g.toString();
    }

    /** The label of a sample elapsed seconds old: seconds, minutes, hours or days, truncated. */
    static String age(long elapsed) {
        if (elapsed < 60) {
            return elapsed + "s";
        } else if (elapsed < 3600) {
            return elapsed / 60 + "m";
        } else if (elapsed < 3600 * 24) {
            return elapsed / 3600 + "h";
        }
        return elapsed / (3600 * 24) + "d";
    }

    /** Renders the samples in blocks of GRAPH_COLS columns, a blank line between blocks. */
    static void sparkline(StringBuilder out, double[] values, String[] labels, double min, double max) {
        for (int j = 0; j < values.length; j += GRAPH_COLS) {
            if (j != 0) {
                out.append('\n');
            }
            renderRange(out, values, labels, min, max, j, Math.min(GRAPH_COLS, values.length - j));
        }
    }

    private static void renderRange(StringBuilder out, double[] values, String[] labels, double min, double max,
                                    int offset, int len) {
        double relmax = max - min;
        if (relmax == 0) {
            relmax = 1;
        }
        int steps = FILL.length() * GRAPH_ROWS;
        boolean anyLabel = false;
        for (String l : labels) {
            anyLabel |= l != null && !l.isEmpty();
        }
        char[] chars = new char[len];
        for (int row = 0; ; row++) {
            boolean more = false;
            java.util.Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                int step = (int) ((int) ((values[j + offset] - min) * steps) / relmax);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < GRAPH_ROWS) {
                    int idx = step - (GRAPH_ROWS - row - 1) * FILL.length();
                    more = true;
                    if (idx >= 0 && idx < FILL.length()) {
                        chars[j] = FILL.charAt(idx);
                    } else if (idx >= FILL.length()) {
                        chars[j] = '|';
                    }
                } else if (anyLabel && row - GRAPH_ROWS < 1) {
                    // one blank row between the graph and the labels
                    more = true;
                    break;
                } else {
                    String label = labels[j + offset];
                    int at = row - GRAPH_ROWS - 1;
                    if (label != null && label.length() > at) {
                        more = true;
                        chars[j] = label.charAt(at);
                    }
                }
            }
            if (!more) {
                return;
            }
            out.append(chars).append('\n');
        }
    }
}
