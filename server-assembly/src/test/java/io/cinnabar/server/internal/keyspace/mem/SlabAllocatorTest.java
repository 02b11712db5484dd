package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlabAllocatorTest {
    @Test
    void sizeClassesRoundUpTightly() {
        assertEquals(36, SizeClasses.count());
        assertEquals(8, SizeClasses.roundUp(0));
        assertEquals(8, SizeClasses.roundUp(1));
        assertEquals(24, SizeClasses.roundUp(17));
        assertEquals(64, SizeClasses.roundUp(64));
        assertEquals(80, SizeClasses.roundUp(65));
        assertEquals(160, SizeClasses.roundUp(129));
        assertEquals(8192, SizeClasses.roundUp(8192));
        assertEquals(12288, SizeClasses.roundUp(8193));
        int prev = 0;
        for (int s = 0; s <= SizeClasses.SMALL_MAX; s++) {
            int r = SizeClasses.roundUp(s);
            assertTrue(r >= s && r >= prev);
            assertTrue(s == 0 || (s <= 64 ? r - s < 8 : (r - s) * 5 < r), "waste at " + s);
            prev = r;
        }
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.roundUp(-1));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.roundUp(SizeClasses.MAX_ALLOCATION + 1));
    }

    @Test
    void freedSpaceIsReused() {
        SlabAllocator a = new SlabAllocator();
        Random r = new Random(7);
        long footprintAfterFirst = -1;
        for (int cycle = 0; cycle < 30; cycle++) {
            List<Long> hs = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                hs.add(a.allocate(r.nextInt(300)));
            }
            java.util.Collections.shuffle(hs, r);
            for (long h : hs) {
                a.free(h);
            }
            assertEquals(0, a.allocatedBytes());
            if (cycle == 0) {
                footprintAfterFirst = a.footprintBytes();
            }
            // the peak is the same every cycle: freed slabs go to the pool or back to the JVM, never pile up
            assertTrue(a.footprintBytes() <= footprintAfterFirst, "cycle " + cycle + ": " + a.footprintBytes());
        }
        long before = a.footprintBytes();
        long h = a.allocate(100);
        a.free(h);
        long h2 = a.allocate(100);
        assertEquals(h, h2, "the lowest free region of the current slab is taken again");
        assertEquals(before, a.footprintBytes());
    }

    @Test
    void emptySlabsGoToThePoolThenBackToTheJvm() {
        SlabAllocator a = new SlabAllocator(16 * 1024, 2, Long.MAX_VALUE);
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 16 * 1024 / 64 * 10; i++) { // ten slabs of class 64
            hs.add(a.allocate(64));
        }
        assertEquals(10, a.slabsInUse());
        assertEquals(10 * 16 * 1024, a.footprintBytes());
        for (long h : hs) {
            a.free(h);
        }
        // the current slab stays, two empty ones are pooled, seven are released
        assertEquals(1, a.slabsInUse());
        assertEquals(3 * 16 * 1024, a.footprintBytes());
        assertEquals(1 * 16 * 1024, a.activeBytes());
        a.allocate(4000); // another class takes a pooled slab: no new memory
        assertEquals(3 * 16 * 1024, a.footprintBytes());
    }

    @Test
    void largeAllocationsHaveTheirOwnBuffer() {
        SlabAllocator a = new SlabAllocator();
        long h = a.allocate(100_000);
        assertEquals(102_400, a.usableSize(h));
        assertEquals(102_400, a.allocatedBytes());
        a.putLong(h + 100_000 - 8, 42);
        assertEquals(42, a.getLong(h + 100_000 - 8));
        a.free(h);
        assertEquals(0, a.footprintBytes());
        assertThrows(IllegalArgumentException.class, () -> a.free(h));
    }

    @Test
    void badHandlesAreRejected() {
        SlabAllocator a = new SlabAllocator();
        long h = a.allocate(48);
        long other = a.allocate(48);
        assertThrows(IllegalArgumentException.class, () -> a.free(h + 8)); // inside a region
        assertThrows(IllegalArgumentException.class, () -> a.free(0));
        assertThrows(IllegalArgumentException.class, () -> a.free(99L << 32));
        assertThrows(IllegalArgumentException.class, () -> a.free(-1));
        a.free(h);
        assertThrows(IllegalArgumentException.class, () -> a.free(h)); // double free
        assertThrows(IllegalArgumentException.class, () -> a.usableSize(h));
        assertEquals(48, a.usableSize(other));
        assertEquals(1, a.liveAllocations());
        assertThrows(IllegalArgumentException.class, () -> a.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(SizeClasses.MAX_ALLOCATION + 1));
        assertEquals(1, a.liveAllocations());
    }

    @Test
    void footprintLimitFailsCleanly() {
        SlabAllocator a = new SlabAllocator(16 * 1024, 4, 64 * 1024);
        List<Long> hs = new ArrayList<>();
        OffHeapLimitException ex = assertThrows(OffHeapLimitException.class, () -> {
            while (true) {
                hs.add(a.allocate(1000));
            }
        });
        assertTrue(ex.getMessage().contains("limit"));
        assertEquals(64 * 1024, a.footprintBytes());
        assertEquals(hs.size() * 1024L, a.allocatedBytes());
        assertThrows(OffHeapLimitException.class, () -> a.allocate(20_000)); // large: same limit
        for (long h : hs) {
            a.free(h);
        }
        assertEquals(0, a.allocatedBytes());
        hs.clear();
        hs.add(a.allocate(1000)); // usable again
        assertEquals(1, a.liveAllocations());
    }

    @Test
    void relocationEmptiesSparseSlabs() {
        SlabAllocator a = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 256 * 40; i++) { // 40 slabs of class 64
            hs.add(a.allocate(64));
        }
        Random r = new Random(3);
        List<Long> kept = new ArrayList<>();
        for (long h : hs) {
            if (r.nextInt(10) == 0) {
                kept.add(h);
                a.putLong(h, h);
                a.putLong(h + 56, ~h);
            } else {
                a.free(h);
            }
        }
        double before = a.fragmentationRatio();
        assertTrue(before > 5, "10% used: ratio " + before);
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < kept.size(); i++) {
                long h = kept.get(i);
                long n = a.relocate(h);
                kept.set(i, n);
            }
        }
        assertTrue(a.relocations() > 0);
        assertTrue(a.fragmentationRatio() < 1.5, "after defrag: " + a.fragmentationRatio());
        assertTrue(a.slabsInUse() <= 6, "slabs: " + a.slabsInUse());
        for (long n : kept) {
            long orig = a.getLong(n);
            assertEquals(~orig, a.getLong(n + 56));
        }
    }
}
