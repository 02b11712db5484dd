package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffHeapKeyTableTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void entryLayoutWorkedExample() {
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        long e = t.putString(b("k1"), 0, 2, b("hello"), 0, 5, false);
        assertEquals(32, mem.usableSize(e)); // 20 + 2 + 5 = 27 bytes
        assertEquals(0, mem.getLong(e + EntryLayout.NEXT));
        assertEquals(EntryLayout.ENC_EMBSTR << 28, mem.getInt(e + EntryLayout.META)); // type 0, lru 0
        assertEquals(2, mem.getInt(e + EntryLayout.KLEN));
        assertEquals(5, mem.getInt(e + EntryLayout.AUX));
        byte[] raw = new byte[7];
        mem.copyOut(e + EntryLayout.HEADER, raw, 0, 7);
        assertArrayEquals(b("k1hello"), raw);

        long c = t.putInt(b("counter"), 0, 7, 42);
        c = t.setExpire(c, 1_700_000_000_000L);
        assertEquals(48, mem.usableSize(c)); // 20 + 12 + 8 + 7 = 47 bytes
        assertEquals(EntryLayout.HAS_EXPIRE | 7, mem.getInt(c + EntryLayout.KLEN));
        assertEquals(1_700_000_000_000L, mem.getLong(c + EntryLayout.EXPIRE));
        assertEquals(0, mem.getInt(c + EntryLayout.VOL_INDEX));
        assertEquals(42, mem.getLong(c + EntryLayout.HEADER + EntryLayout.EXPIRE_SIZE));
        assertEquals("42", new String(t.stringBytes(c), StandardCharsets.US_ASCII));
    }

    @Test
    void overwritesInPlaceWithinTheSizeClassOnly() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        long e = t.putString(b("k"), 0, 1, new byte[30], 0, 30, false); // 51 bytes: class 56
        assertEquals(e, t.putString(b("k"), 0, 1, new byte[34], 0, 34, false), "55 bytes: same class, same place");
        long moved = t.putString(b("k"), 0, 1, new byte[40], 0, 40, false);
        assertTrue(moved != e, "61 bytes: class 64, a new allocation");
        assertEquals(moved, t.find(b("k")));
        t.setLru(moved, 0xABCDEF);
        long i = t.putInt(b("k"), 0, 1, 7);
        assertEquals(0xABCDEF, t.lru(i), "a value setter keeps the LRU bits");
        assertEquals(i, t.setInt(i, 8), "int to int never moves");
        assertEquals("8", new String(t.stringBytes(i), StandardCharsets.US_ASCII));
    }

    @Test
    void appendGrowsLikeAnSds() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        long e = t.putInt(b("a"), 0, 1, -12);
        e = t.append(e, b("xy"), 0, 2);
        assertEquals(EntryLayout.ENC_RAW, t.encoding(e));
        assertEquals("-12xy", new String(t.stringBytes(e), StandardCharsets.US_ASCII));
        assertTrue(t.stringCapacity(e) >= 10);
        long same = t.append(e, b("z"), 0, 1);
        assertEquals(e, same, "room left: only the new bytes are copied");
        assertEquals("-12xyz", new String(t.stringBytes(e), StandardCharsets.US_ASCII));
    }

    @Test
    void emptyKeyIsAKey() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        assertEquals(0, t.find(new byte[0]));
        long e = t.putString(new byte[0], 0, 0, new byte[0], 0, 0, false);
        assertEquals(e, t.find(new byte[0]));
        assertEquals(0, t.keyLength(e));
        assertEquals(0, t.stringLength(e));
        assertTrue(t.delete(new byte[0], 0, 0));
        assertEquals(0, t.size());
    }

    @Test
    void hostileSizesFailCleanly() {
        SlabAllocator mem = new SlabAllocator(64 * 1024, 1, 1 << 20);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        long e = t.putString(b("k"), 0, 1, b("old"), 0, 3, false);
        long allocated = mem.allocatedBytes();
        byte[] huge = new byte[2 << 20];
        assertThrows(OffHeapLimitException.class, () -> t.putString(b("k"), 0, 1, huge, 0, huge.length, false));
        assertThrows(OffHeapLimitException.class, () -> t.putString(b("k"), 0, 1, huge, 0, huge.length, true));
        assertThrows(OffHeapLimitException.class, () -> t.putString(b("new"), 0, 3, huge, 0, huge.length, true));
        assertThrows(OffHeapLimitException.class, () -> t.putString(huge, 0, huge.length, b("v"), 0, 1, false));
        assertThrows(OffHeapLimitException.class, () -> t.append(t.find(b("k")), huge, 0, huge.length));
        assertThrows(IndexOutOfBoundsException.class, () -> t.putString(b("k"), 0, 1, huge, 5, huge.length, false));
        assertThrows(IndexOutOfBoundsException.class, () -> t.find(b("k"), 1, 1));
        assertEquals(1, t.size());
        assertEquals(allocated, mem.allocatedBytes(), "nothing leaked by the failed calls");
        assertEquals("old", new String(t.stringBytes(t.find(b("k"))), StandardCharsets.US_ASCII));
        assertEquals(e, t.find(b("k")));
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> EntryLayout.size(false, false, SizeClasses.MAX_ALLOCATION, 1));
        assertTrue(tooBig.getMessage().contains("exceed"));
        assertThrows(IllegalArgumentException.class, () -> t.putObject(b("o"), 0, 1, EntryLayout.TYPE_STRING, 0, 1));
    }

    /** 1 M keys of every kind created and deleted: every byte returns (-Dcinnabar.offheap.leakKeys=10000000). */
    @Test
    void createAndDeleteAMillionKeysReturnsTheMemory() {
        int n = Integer.getInteger("cinnabar.offheap.leakKeys", 1_000_000);
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        byte[] k = new byte[24];
        byte[] v = new byte[200];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                int kl = key(k, i);
                long e = switch (i & 3) {
                    case 0 -> t.putInt(k, 0, kl, i);
                    case 1 -> t.putString(k, 0, kl, v, 0, i % 45, false);
                    case 2 -> t.putString(k, 0, kl, v, 0, 45 + i % 150, true);
                    default -> t.putObject(k, 0, kl, EntryLayout.TYPE_LIST, 9, v); // a quicklist: heap
                };
                if (i % 5 == 0) {
                    t.setExpire(e, i);
                }
            }
            assertEquals(n, t.size());
            assertEquals(n / 5 + (n % 5 == 0 ? 0 : 1), t.volatileCount());
            for (int i = 0; i < n; i++) {
                int kl = key(k, i);
                assertTrue(t.delete(k, 0, kl));
            }
            assertEquals(0, t.size());
            assertEquals(0, t.volatileCount());
            assertEquals(0, mem.allocatedBytes(), "round " + round);
            assertEquals(0, mem.liveAllocations());
            // what stays reserved: one current slab per class and the pool of empty slabs
            assertTrue(mem.footprintBytes() <= (SizeClasses.count() + 16L) * mem.slabSize());
            while (t.rehash(100)) {
                // the last shrink may still be in progress
            }
            assertTrue(t.buckets() <= 8, "the table shrank back: " + t.buckets());
        }
    }

    private static int key(byte[] k, int i) {
        k[0] = 'k';
        k[1] = ':';
        int p = 2;
        for (int x = i; ; x /= 10) {
            k[p++] = (byte) ('0' + x % 10);
            if (x < 10) {
                return p;
            }
        }
    }

    @Test
    void defragMovesEntriesOutOfSparseSlabs() {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 0, Long.MAX_VALUE);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        Random r = new Random(11);
        List<Integer> kept = new ArrayList<>();
        byte[] k = new byte[24];
        for (int i = 0; i < 50_000; i++) {
            int kl = key(k, i);
            long e = t.putString(k, 0, kl, k, 0, kl, i % 2 == 0); // embstr, or raw with its own allocation
            if (i % 3 == 0) {
                t.setExpire(e, i);
            }
        }
        for (int i = 0; i < 50_000; i++) {
            int kl = key(k, i);
            if (r.nextInt(10) == 0) {
                kept.add(i);
            } else {
                t.delete(k, 0, kl);
            }
        }
        double before = mem.fragmentationRatio();
        assertTrue(before > 4, "ratio before " + before);
        for (int pass = 0; pass < 3; pass++) {
            long cursor = 0;
            do {
                cursor = t.defrag(cursor);
            } while (cursor != 0);
        }
        assertTrue(mem.fragmentationRatio() < 1.6, "ratio after " + mem.fragmentationRatio());
        assertEquals(kept.size(), t.size());
        for (int i : kept) {
            int kl = key(k, i);
            long e = t.find(k, 0, kl);
            assertTrue(e != 0);
            byte[] expect = java.util.Arrays.copyOf(k, kl);
            assertArrayEquals(expect, t.stringBytes(e));
            assertEquals(i % 3 == 0 ? i : -1, t.expireAt(e));
        }
        for (int i = 0; i < t.volatileCount(); i++) {
            long e = t.volatileEntry(i);
            byte[] key = t.keyBytes(e);
            assertEquals(e, t.find(key, 0, key.length));
        }
    }

    @Test
    void randomSamplingReachesEveryKeyAlsoWhileRehashing() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        assertEquals(0, t.randomEntry());
        for (int i = 0; i < 9; i++) { // the 5th add starts a resize from 4 to 8 buckets
            t.putInt(b("r" + i), 0, 2, i);
        }
        Random r = new Random(5);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            long e = t.randomEntry(r);
            byte[] k = t.keyBytes(e);
            assertEquals(e, t.find(k, 0, k.length));
            seen.add(t.intValue(e));
        }
        assertEquals(9, seen.size());
    }

    /**
     * Redis's DICT_RESIZE_AVOID (a background job's child exists): no growth at load 1, a growth past load 5 (to the
     * next power of two over the keys, and the rehash then runs since the tables differ more than 5-fold), a running
     * doubling pauses, and everything resumes once the policy is lifted.
     */
    @Test
    void resizeAvoidHoldsGrowthUntilTheForceRatio() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        for (int i = 0; i < 64; i++) {
            t.addNew(key(i), 0, key(i).length);
        }
        while (t.rehash(100)) {
            // finish the growths so far
        }
        assertEquals(64, t.tableLength(0));
        t.setResizeAvoid(true);
        for (int i = 64; i < 6 * 64; i++) { // load up to 6: grows only once the keys pass 5 x 64
            t.addNew(key(i), 0, key(i).length);
            assertEquals(0, t.tableLength(1), "no growth at " + (i + 1) + " keys");
        }
        t.addNew(key(6 * 64), 0, key(6 * 64).length); // 385 keys: 384 / 64 > 5 before this insert
        assertEquals(512, t.tableLength(1));
        while (t.rehash(100)) {
            // 8-fold: the rehash runs despite the policy
        }
        assertEquals(512, t.tableLength(0));
        t.setResizeAvoid(false);
        for (int i = 6 * 64 + 1; i <= 512; i++) {
            t.addNew(key(i), 0, key(i).length);
        }
        assertEquals(1024, t.tableLength(1)); // load 1: a doubling starts ...
        t.setResizeAvoid(true);
        assertTrue(t.rehash(100)); // ... and waits while the policy holds (2-fold)
        int moved = t.tableLength(0);
        assertEquals(512, moved);
        t.setResizeAvoid(false);
        while (t.rehash(100)) {
            // and ends once it is lifted
        }
        assertEquals(1024, t.tableLength(0));
        for (int i = 0; i <= 512; i++) {
            assertTrue(t.find(key(i), 0, key(i).length) != 0, "key " + i);
        }
    }

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }
}
