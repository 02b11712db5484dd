package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The allocator against a model of live allocations: no overlap, exact accounting, relocation keeps contents. */
class SlabAllocatorProperties {
    /** Sizes that reach every small class, the class boundaries and large allocations. */
    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 160)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(161, SizeClasses.SMALL_MAX)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(SizeClasses.SMALL_MAX - 2,
                        SizeClasses.SMALL_MAX + 9000)));
    }

    /** An op: a size to allocate (&gt;= 0) or, negative, free the live allocation at index -op - 1 (mod count). */
    @Provide
    Arbitrary<List<Integer>> ops() {
        return Arbitraries.oneOf(sizes(), Arbitraries.integers().between(-1000, -1)).list().ofMaxSize(600);
    }

    @Property(tries = 150)
    void agreesWithModel(@ForAll("ops") List<Integer> ops) {
        SlabAllocator a = new SlabAllocator(16 * 1024, 2, Long.MAX_VALUE);
        Map<Long, Integer> sizeOf = new HashMap<>();
        List<Long> live = new ArrayList<>();
        byte stamp = 1;
        for (int op : ops) {
            if (op >= 0) {
                long h = a.allocate(op);
                assertNotEquals(SlabAllocator.NULL, h);
                assertTrue(sizeOf.put(h, op) == null, "handle handed out twice");
                assertEquals(SizeClasses.roundUp(op), a.usableSize(h));
                fill(a, h, op, stamp++);
                live.add(h);
            } else if (!live.isEmpty()) {
                int i = (-op - 1) % live.size();
                long h = live.get(i);
                live.set(i, live.get(live.size() - 1));
                live.remove(live.size() - 1);
                checkFill(a, h, sizeOf.remove(h));
                a.free(h);
            }
            assertEquals(live.size(), a.liveAllocations());
        }
        long expected = 0;
        for (long h : live) {
            checkFill(a, h, sizeOf.get(h)); // no other allocation overwrote it
            expected += SizeClasses.roundUp(sizeOf.get(h));
        }
        assertEquals(expected, a.allocatedBytes());
        assertTrue(a.activeBytes() >= a.allocatedBytes());
        for (long h : live) {
            a.free(h);
        }
        assertEquals(0, a.allocatedBytes());
        assertEquals(0, a.liveAllocations());
        assertTrue(a.slabsInUse() <= SizeClasses.count(), "only current slabs may stay");
    }

    @Property(tries = 60)
    void relocationKeepsContentsAndNeverAddsSlabs(@ForAll("ops") List<Integer> ops) {
        SlabAllocator a = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        Map<Long, Integer> sizeOf = new HashMap<>();
        List<Long> live = new ArrayList<>();
        byte stamp = 1;
        for (int op : ops) {
            if (op >= 0) {
                long h = a.allocate(op % 200);
                sizeOf.put(h, op % 200);
                fill(a, h, op % 200, stamp++);
                live.add(h);
            } else if (!live.isEmpty()) {
                long h = live.remove((-op - 1) % live.size());
                a.free(h);
                sizeOf.remove(h);
            }
        }
        int slabs = a.slabsInUse();
        long allocated = a.allocatedBytes();
        for (int i = 0; i < live.size(); i++) {
            long h = live.get(i);
            long n = a.relocate(h);
            if (n != h) {
                sizeOf.put(n, sizeOf.remove(h));
                live.set(i, n);
            }
            assertTrue(a.slabsInUse() <= slabs, "a relocation reserved a slab");
        }
        assertEquals(allocated, a.allocatedBytes());
        for (long h : live) {
            checkFill(a, h, sizeOf.get(h));
        }
    }

    static void fill(SlabAllocator a, long h, int size, byte stamp) {
        for (int i = 0; i < size; i++) {
            a.putByte(h + i, (byte) (stamp + i));
        }
        if (size > 0) {
            a.putByte(h, stamp);
        }
    }

    static void checkFill(SlabAllocator a, long h, int size) {
        if (size == 0) {
            return;
        }
        byte stamp = a.getByte(h);
        for (int i = 1; i < size; i++) {
            assertEquals((byte) (stamp + i), a.getByte(h + i), "byte " + i + " of an allocation of " + size);
        }
    }
}
