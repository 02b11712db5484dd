package io.cinnabar.server.internal.command;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency monitor: per event name, the last 160 samples (time, latency ms) above
 * {@code latency-monitor-threshold}, plus the maximum ever seen, for {@code LATENCY LATEST|HISTORY|RESET}.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class LatencyMonitor {
    public static final class Series {
        public final ArrayDeque<long[]> samples = new ArrayDeque<>();
        public long max;
    }

    public final Map<String, Series> events = new LinkedHashMap<>();

    public void add(String event, long timeSec, long ms) {
        Series s = events.computeIfAbsent(event, k -> new Series());
        s.max = Math.max(s.max, ms);
        long[] last = s.samples.peekLast();
        if (last != null && last[0] == timeSec) {
            last[1] = Math.max(last[1], ms);
            return;
        }
        s.samples.addLast(new long[] {timeSec, ms});
        if (s.samples.size() > 160) {
            s.samples.removeFirst();
        }
    }

    public int reset(java.util.List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String e : names) {
            if (events.remove(e) != null) {
                n++;
            }
        }
        return n;
    }
}
