package io.cinnabar.server.internal.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direct memory limit as the JVM reads -XX:MaxDirectMemorySize, and the headroom test. */
class DirectMemoryTest {
    @Test
    void parsesJvmSizes() {
        assertEquals(16L << 20, DirectMemory.parseSize("16m"));
        assertEquals(16L << 20, DirectMemory.parseSize("16M"));
        assertEquals(3L << 30, DirectMemory.parseSize("3g"));
        assertEquals(512L << 10, DirectMemory.parseSize("512k"));
        assertEquals(1234, DirectMemory.parseSize("1234"));
        assertEquals(-1, DirectMemory.parseSize(""));
        assertEquals(-1, DirectMemory.parseSize("12x3"));
        assertEquals(-1, DirectMemory.parseSize("99999999999999t"));
    }

    @Test
    void theLastMaxDirectMemorySizeWinsAndTheHeapIsTheDefault() {
        assertEquals(100, DirectMemory.maxDirect(List.of("-Xmx1g"), 100));
        assertEquals(64L << 20, DirectMemory.maxDirect(
            List.of("-XX:MaxDirectMemorySize=1g", "-Xss512k", "-XX:MaxDirectMemorySize=64m"), 100));
        assertEquals(100, DirectMemory.maxDirect(List.of("-XX:MaxDirectMemorySize=bogus"), 100));
    }

    private static BufferPoolMXBean pool(long used) {
        return new BufferPoolMXBean() {
            @Override
            public String getName() {
                return "direct";
            }

            @Override
            public long getCount() {
                return 1;
            }

            @Override
            public long getTotalCapacity() {
                return used;
            }

            @Override
            public long getMemoryUsed() {
                return used;
            }

            @Override
            public javax.management.ObjectName getObjectName() {
                return null;
            }
        };
    }

    @Test
    void nearlyFullWhenLessThanTheHeadroomIsLeft() {
        long max = 64L << 20; // headroom 2 MiB (1/32)
        assertFalse(new DirectMemory(pool(max - (2L << 20)), max).nearlyFull());
        assertTrue(new DirectMemory(pool(max - (2L << 20) + 1), max).nearlyFull());
        long small = 8L << 20; // headroom at least 1 MiB
        assertFalse(new DirectMemory(pool(small - (1L << 20)), small).nearlyFull());
        assertTrue(new DirectMemory(pool(small - (1L << 20) + 1), small).nearlyFull());
        assertFalse(new DirectMemory(null, max).nearlyFull(), "no pool: never");
        assertFalse(new DirectMemory(pool(Long.MAX_VALUE - 1), Long.MAX_VALUE).nearlyFull(), "no limit: never");
    }
}
