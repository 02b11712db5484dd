package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Blob aggregates of {@link OffHeapKeyTable}: layout, in-place rewrites, moves, frees and defragmentation. */
class OffHeapBlobTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(OffHeapKeyTable<Object> t, long e, byte fill) {
        ByteBuffer buf = t.blobBuffer(e);
        int at = t.blobIndex(e);
        for (int i = 0; i < t.blobLength(e); i++) {
            buf.put(at + i, (byte) (fill + i));
        }
    }

    private static void assertBlob(OffHeapKeyTable<Object> t, long e, byte fill, int len) {
        assertEquals(len, t.blobLength(e));
        ByteBuffer buf = t.blobBuffer(e);
        int at = t.blobIndex(e);
        for (int i = 0; i < len; i++) {
            assertEquals((byte) (fill + i), buf.get(at + i));
        }
    }

    @Test
    void blobLayoutWorkedExample() {
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        long e = t.addNew(b("h"), 0, 1);
        e = t.setBlob(e, EntryLayout.TYPE_HASH, EntryLayout.ENC_LISTPACK, 13);
        assertEquals(32, mem.usableSize(e)); // 20 + 8 (word) + 1 = 29 bytes
        assertEquals(EntryLayout.TYPE_HASH << 24 | EntryLayout.ENC_LISTPACK << 28, mem.getInt(e + EntryLayout.META));
        assertEquals(13, mem.getInt(e + EntryLayout.AUX));
        long w = mem.getLong(e + EntryLayout.HEADER);
        assertEquals(16, mem.usableSize(w));
        assertTrue(t.isBlob(e));
        assertEquals(EntryLayout.TYPE_HASH, t.type(e));
        assertEquals(EntryLayout.ENC_LISTPACK, t.encoding(e));
        assertEquals(1, t.keyLength(e));
        assertEquals(e, t.find(b("h")));
        assertThrows(IllegalStateException.class, () -> t.object(t.find(b("h"))));
        assertEquals(2 * 16 + 16, mem.allocatedBytes()); // entry class 32 + blob class 16
    }

    @Test
    void rewritesStayInPlaceWithinAClassAndMoveAcrossClasses() {
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        long e = t.addNew(b("list"), 0, 4);
        e = t.setExpire(e, 123);
        e = t.setBlob(e, EntryLayout.TYPE_LIST, EntryLayout.ENC_LISTPACK, 20);
        write(t, e, (byte) 1);
        long w = t.blobIndex(e);
        long same = t.setBlob(e, EntryLayout.TYPE_LIST, EntryLayout.ENC_LISTPACK, 24); // class 24 as well
        assertEquals(e, same);
        assertEquals(w, t.blobIndex(e));
        long before = mem.allocatedBytes();
        long n = t.setBlob(e, EntryLayout.TYPE_LIST, EntryLayout.ENC_LISTPACK, 3000);
        write(t, n, (byte) 7);
        assertEquals(before - 24 + SizeClasses.roundUp(3000), mem.allocatedBytes(), "the old blob was freed");
        assertEquals(123, t.expireAt(n));
        assertEquals(n, t.find(b("list")));
        // to a heap object and back: the blob is freed, then a new one taken
        Object heap = new Object();
        n = t.setObject(n, EntryLayout.TYPE_LIST, 0, heap);
        assertFalse(t.isBlob(n));
        assertSame(heap, t.object(n));
        n = t.setBlob(n, EntryLayout.TYPE_SET, EntryLayout.ENC_INTSET, 12);
        write(t, n, (byte) 3);
        assertBlob(t, n, (byte) 3, 12);
        assertEquals(0, countObjects(t));
        // to a string: the blob goes
        n = t.setInt(n, 5);
        assertEquals(5, t.intValue(n));
        assertEquals(123, t.expireAt(n));
        t.delete(n);
        assertEquals(0, mem.allocatedBytes());
    }

    private static int countObjects(OffHeapKeyTable<Object> t) {
        int[] n = new int[1];
        t.forEachObject(o -> n[0]++);
        return n[0];
    }

    @Test
    void blobEncodingsAreGuarded() {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        long e = t.addNew(b("k"), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> t.setBlob(e, EntryLayout.TYPE_STRING, 11, 10));
        assertThrows(IllegalArgumentException.class, () -> t.setBlob(e, EntryLayout.TYPE_HASH, 0, 10));
        long h = t.setBlob(e, EntryLayout.TYPE_HASH, EntryLayout.ENC_LISTPACK, 10);
        assertThrows(IllegalArgumentException.class, () -> t.setEncoding(h, 0));
        assertThrows(IllegalStateException.class, () -> t.blobLength(t.putInt(b("i"), 0, 1, 1)));
    }

    @Test
    void defragMovesBlobsAndKeepsTheirBytes() {
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long e = t.addNew(b("key:" + i), 0, ("key:" + i).length());
            e = t.setBlob(e, EntryLayout.TYPE_ZSET, EntryLayout.ENC_LISTPACK, 40 + i % 50);
            write(t, e, (byte) i);
        }
        for (int i = 0; i < n; i++) {
            if (i % 10 != 0) {
                t.delete(b("key:" + i), 0, ("key:" + i).length());
            }
        }
        double frag = mem.fragmentationRatio();
        long cursor = 0;
        long moves = mem.relocations();
        do {
            cursor = t.defrag(cursor);
        } while (cursor != 0);
        assertNotEquals(moves, mem.relocations(), "something moved");
        assertTrue(mem.fragmentationRatio() < frag, frag + " -> " + mem.fragmentationRatio());
        for (int i = 0; i < n; i += 10) {
            long e = t.find(b("key:" + i));
            assertBlob(t, e, (byte) i, 40 + i % 50);
        }
    }
}
