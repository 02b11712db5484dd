package io.cinnabar.server.internal.evict;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * The heap guard: {@code used_memory} counts what Redis would allocate, not what the JVM holds, so a
 * {@code maxmemory} above what {@code -Xmx} can hold (or none at all) would let the JVM die of
 * {@link OutOfMemoryError}. The guard turns real heap headroom into a second, tighter limit on used_memory:
 * <pre>
 *   after each GC (its notification, on the JVM's service thread):
 *     after = heap in use right after the collection
 *     after &gt; HIGH (90% of -Xmx)  -&gt; limit = used_memory at that moment * TARGET (80%) / after
 *     after &lt; TARGET              -&gt; no limit
 *     in between                   -&gt; unchanged (hysteresis)
 * </pre>
 * {@link MemoryLimits} evicts down to {@code min(maxmemory, limit)} by the configured policy, or (noeviction,
 * nothing left) refuses denyoom commands with Redis's OOM error, exactly as for maxmemory: the server stays up and
 * keeps serving reads. The ratio {@code after / used_memory} is the JVM's real cost of one used_memory byte at that
 * moment, garbage the collection left included (conservative: a young collection does not reclaim old garbage, so
 * the limit errs low until the next old-generation collection lifts it). With the parallel collector (the launcher's)
 * a collection leaves the old generation's garbage but an empty young generation, so 90% after a collection means
 * live data spilling out of the old generation; checked by hand with -Xmx64m and 400 000 overwrites of 1 KB
 * values over 20 000 and 35 000 keys (used_memory up to 40 MB): no activation with the parallel collector or G1.
 * <p>
 * Cost: one volatile read per command while maxmemory or the limit is set; the listener runs once per GC.
 * Off-heap storage (the keyspace's slabs, direct memory) is not in the heap figures; its limit
 * ({@code -XX:MaxDirectMemorySize}) acts when an allocation fails: {@link MemoryLimits#allocationFailed} then holds
 * used_memory below its value at that moment, the same way.
 * <p><b>Note:</b> threadsafe: the GC listener writes volatile fields, the event loop reads them.
 */
public final class HeapGuard implements NotificationListener {
    static final double HIGH = 0.90;
    static final double TARGET = 0.80;

    private final long maxHeap;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    /** used_memory as the event loop last saw it (published at every eviction check and cron run). */
    private volatile long usedMemory;
    /** The used_memory limit the heap imposes now, 0 when none. */
    private volatile long limit;
    /** Heap in use after the last collection. */
    private volatile long lastAfterGc;
    private volatile long activations;

    HeapGuard(long maxHeap) {
        this.maxHeap = maxHeap;
    }

    /** A guard over this JVM's heap, listening to its collectors; none when the heap is unbounded. */
    static HeapGuard install() {
        long max = Runtime.getRuntime().maxMemory();
        HeapGuard g = new HeapGuard(max == Long.MAX_VALUE ? 0 : max);
        if (g.maxHeap == 0) {
            return g;
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(g, null, null);
            }
        }
        return g;
    }

    /** Removes the listener (an embedded server's close). */
    void uninstall() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                try {
                    e.removeNotificationListener(this);
                } catch (javax.management.ListenerNotFoundException ex) {
                    // never added
                }
            }
        }
    }

    long maxHeap() {
        return maxHeap;
    }

    /** The event loop's current used_memory, the base of the next limit. */
    void publish(long used) {
        usedMemory = used;
    }

    /** The used_memory limit the heap imposes, 0 when none. */
    long limit() {
        return limit;
    }

    long lastAfterGc() {
        return lastAfterGc;
    }

    long activations() {
        return activations;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!"com.sun.management.gc.notification".equals(n.getType())) {
            return;
        }
        afterGc(memory.getHeapMemoryUsage().getUsed());
    }

    /** One collection ended with {@code after} bytes of heap in use. */
    void afterGc(long after) {
        lastAfterGc = after;
        if (after > HIGH * maxHeap) {
            long used = usedMemory;
            if (used > 0) {
                long l = Math.max(1, (long) (used * (TARGET * maxHeap / after)));
                if (limit == 0) {
                    activations++;
                }
                limit = l;
            }
        } else if (after < TARGET * maxHeap) {
            limit = 0;
        }
    }
}
