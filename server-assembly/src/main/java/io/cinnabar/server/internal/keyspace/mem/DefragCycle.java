package io.cinnabar.server.internal.keyspace.mem;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Active defragmentation of off-heap key tables that share one {@link SlabAllocator}, driven by the cron as Redis's
 * {@code activeDefragCycle} is (Redis's {@code activedefrag} and {@code active-defrag-*} settings, 7.2 defaults):
 * <ul>
 * <li>At most once a second, the allocator's fragmentation is measured: {@code frag%} = (active / allocated - 1) x
 *     100 and {@code frag bytes} = active - allocated (Redis's {@code allocator_frag_ratio} and
 *     {@code allocator_frag_bytes}). An idle cycle starts a scan when frag% reaches {@code threshold-lower} (10) and
 *     the bytes reach {@code ignore-bytes} (100 MB). The effort, in percent of CPU, goes linearly from
 *     {@code cycle-min} (1) at {@code threshold-lower} to {@code cycle-max} (25) at {@code threshold-upper} (100),
 *     clamped to that range; during a scan it may rise, never fall ({@link #running()}: INFO
 *     {@code active_defrag_running}).</li>
 * <li>Each cron run while a scan is active spends up to effort% of a cron period (1 s / hz) walking the tables'
 *     buckets in SCAN cursor order ({@link OffHeapKeyTable#defrag(long, DefragStats)}), the clock read every 16
 *     buckets; allocations in slabs used no more than their class's average move to the current slab. When the cursor of
 *     the last table wraps, the scan ends and the cycle is idle until the next measurement.</li>
 * <li>Turning {@code activedefrag} off stops a scan; the next one starts from the first table.</li>
 * </ul>
 * Handles of entries moved by a step become invalid, as after any write to the key (see the package
 * documentation); SCAN cursors stay valid.
 * <p><b>Note:</b> This class is not threadsafe: it runs on the thread that owns the tables.
 */
public final class DefragCycle {
    private static final long SECOND_NS = 1_000_000_000L;

    private final SlabAllocator mem;
    private final LongSupplier clock;
    private final DefragStats stats;

    private boolean enabled;
    private long ignoreBytes = 100L << 20;
    private int thresholdLower = 10;
    private int thresholdUpper = 100;
    private int cycleMin = 1;
    private int cycleMax = 25;

    private int running;
    private int table = -1;
    private long cursor;
    private long scanStartNs;
    private boolean measured;
    private long lastMeasureNs;
    private long totalNs;

    /** A cycle over the tables of mem, timed by System.nanoTime. */
    public DefragCycle(SlabAllocator mem) {
        this(mem, System::nanoTime);
    }

    /** A cycle timed by clock (nanoseconds, monotonic). */
    public DefragCycle(SlabAllocator mem, LongSupplier clock) {
        this(mem, clock, new DefragStats());
    }

    /** A cycle counting into stats (shared by the cycles of several allocators: INFO reports their sum). */
    public DefragCycle(SlabAllocator mem, LongSupplier clock, DefragStats stats) {
        this.mem = Objects.requireNonNull(mem);
        this.clock = Objects.requireNonNull(clock);
        this.stats = Objects.requireNonNull(stats);
    }

    /**
     * Applies the settings ({@code activedefrag}, {@code active-defrag-ignore-bytes},
     * {@code active-defrag-threshold-lower/upper} in percent, {@code active-defrag-cycle-min/max} in percent of CPU).
     * Disabling stops a running scan.
     */
    public void configure(boolean enabled, long ignoreBytes, int thresholdLower, int thresholdUpper, int cycleMin,
            int cycleMax) {
        if (ignoreBytes < 0 || thresholdLower < 0 || thresholdUpper <= thresholdLower || cycleMin < 1
                || cycleMax < cycleMin || cycleMax > 99) {
            throw new IllegalArgumentException("invalid active defrag settings");
        }
        this.enabled = enabled;
        this.ignoreBytes = ignoreBytes;
        this.thresholdLower = thresholdLower;
        this.thresholdUpper = thresholdUpper;
        this.cycleMin = cycleMin;
        this.cycleMax = cycleMax;
        if (!enabled) {
            stop();
        }
    }

    /** Fragmentation in percent: (active / allocated - 1) x 100; 0 when nothing is allocated. */
    public double fragPercent() {
        long allocated = mem.allocatedBytes();
        return allocated == 0 ? 0 : (mem.activeBytes() * 100.0 / allocated) - 100;
    }

    /** Bytes of active slabs not holding live allocations (active - allocated). */
    public long fragBytes() {
        return mem.activeBytes() - mem.allocatedBytes();
    }

    /** The CPU percentage Redis's interpolation gives for a fragmentation of fragPercent. */
    public int effort(double fragPercent) {
        double pct = cycleMin + (fragPercent - thresholdLower) * (cycleMax - cycleMin) / (thresholdUpper - thresholdLower);
        return (int) Math.max(cycleMin, Math.min(cycleMax, pct));
    }

    /**
     * One cron run at hz runs per second: measures (at most once a second), then defragments within the budget.
     * tables are the databases' tables, the same array (same order and length) on every call.
     */
    public void cron(OffHeapKeyTable<?>[] tables, int hz) {
        if (!enabled) {
            stop();
            return;
        }
        long now = clock.getAsLong();
        if (!measured || now - lastMeasureNs >= SECOND_NS) {
            measured = true;
            lastMeasureNs = now;
            measure();
        }
        if (running == 0) {
            return;
        }
        if (table < 0) {
            table = 0;
            cursor = 0;
            scanStartNs = now;
        }
        long end = now + SECOND_NS * running / Math.max(1, hz) / 100;
        int steps = 0;
        while (table < tables.length) {
            cursor = tables[table].defrag(cursor, stats);
            if (cursor == 0) {
                table++;
            }
            if ((++steps & 15) == 0 && clock.getAsLong() > end) {
                return;
            }
        }
        totalNs += clock.getAsLong() - scanStartNs;
        running = 0;
        table = -1;
    }

    private void measure() {
        double pct = fragPercent();
        if (running == 0 && (pct < thresholdLower || fragBytes() < ignoreBytes)) {
            return;
        }
        running = Math.max(running, effort(pct));
    }

    private void stop() {
        if (table >= 0) {
            totalNs += clock.getAsLong() - scanStartNs;
        }
        running = 0;
        table = -1;
        cursor = 0;
    }

    /** INFO active_defrag_running: the CPU percentage of the running scan, 0 when idle. */
    public int running() {
        return running;
    }

    /** Counters of the work done (INFO active_defrag_hits, misses, key_hits, key_misses). */
    public DefragStats stats() {
        return stats;
    }

    /** INFO total_active_defrag_time in ms: time spent in finished or stopped scans plus the running one. */
    public long totalTimeMs() {
        return (totalNs + (table >= 0 ? clock.getAsLong() - scanStartNs : 0)) / 1_000_000;
    }

    /** INFO current_active_defrag_time in ms: since the running scan started, 0 when idle. */
    public long currentTimeMs() {
        return table >= 0 ? (clock.getAsLong() - scanStartNs) / 1_000_000 : 0;
    }
}
