package io.cinnabar.server.internal.evict;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The JVM's direct memory, where the keyspace's slabs live: its limit ({@code -XX:MaxDirectMemorySize}, by default
 * the maximum heap) and what is reserved now (the "direct" buffer pool). {@link #nearlyFull()} says that less than
 * the headroom (1/32 of the limit, at least 1 MiB) is left: {@link MemoryLimits} then holds used_memory where it
 * is, before an allocation fails in the middle of a command.
 * <pre>
 *   0 ................................ max - headroom ......... max
 *   [ reserved (slabs, large buffers, NIO buffers) ][ headroom ]
 * </pre>
 * Cost of {@link #nearlyFull()}: one read of the JVM's reserved-memory counter, no allocation.
 * <p><b>Note:</b> threadsafe (immutable; the pool's counter is the JVM's).
 */
final class DirectMemory {
    private final BufferPoolMXBean pool;
    private final long max;
    private final long headroom;

    DirectMemory(BufferPoolMXBean pool, long max) {
        this.pool = pool;
        this.max = max;
        this.headroom = Math.max(1L << 20, max / 32);
    }

    /** This JVM's direct memory (no pool found: never nearly full). */
    static DirectMemory install() {
        BufferPoolMXBean direct = null;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b;
            }
        }
        return new DirectMemory(direct, maxDirect(ManagementFactory.getRuntimeMXBean().getInputArguments(),
            Runtime.getRuntime().maxMemory()));
    }

    /** The last -XX:MaxDirectMemorySize among the JVM's arguments, or the JVM's default: the maximum heap. */
    static long maxDirect(List<String> jvmArgs, long maxHeap) {
        long max = maxHeap;
        for (String a : jvmArgs) {
            if (a.startsWith("-XX:MaxDirectMemorySize=")) {
                long v = parseSize(a.substring("-XX:MaxDirectMemorySize=".length()));
                if (v > 0) {
                    max = v;
                }
            }
        }
        return max;
    }

    /** A JVM size (bytes, or with k/m/g/t); -1 when malformed. */
    static long parseSize(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        char u = Character.toLowerCase(s.charAt(s.length() - 1));
        int shift = switch (u) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        try {
            long v = Long.parseLong(digits.toLowerCase(Locale.ROOT));
            return v < 0 || v > (Long.MAX_VALUE >> shift) ? -1 : v << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    long max() {
        return max;
    }

    long used() {
        return pool == null ? 0 : pool.getMemoryUsed();
    }

    /** Less than the headroom is left below the limit. */
    boolean nearlyFull() {
        return pool != null && max > 0 && max != Long.MAX_VALUE && pool.getMemoryUsed() > max - headroom;
    }
}
