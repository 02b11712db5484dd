package io.cinnabar.rax;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ConcurrentModificationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaxTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A stream ID as Redis keys its rax: 8-byte big-endian milliseconds, 8-byte big-endian sequence. */
    static byte[] streamId(long ms, long seq) {
        return ByteBuffer.allocate(16).putLong(ms).putLong(seq).array();
    }

    @Test
    void theClassCommentExample() {
        Rax<String> rax = new Rax<>();
        rax.insert(b("foo"), "1");
        rax.insert(b("foobar"), "2");
        rax.insert(b("footer"), "3");
        rax.verify();
        assertEquals("""
            "666f6f"
              -> [62,74]=1
                62-> "6172"
                  -> []=2
                74-> "6572"
                  -> []=3
            """, rax.dump());
        assertEquals(6, rax.nodeCount());
        assertEquals("2", rax.find(b("foobar")));
        assertNull(rax.find(b("foob")));
        assertNull(rax.find(b("fo")));
        assertFalse(rax.contains(b("footerx")));
    }

    @Test
    void splittingARunAtEveryPosition() {
        for (int at = 0; at <= 5; at++) {
            Rax<Integer> rax = new Rax<>();
            rax.insert(b("abcdef"), 1);
            String shorter = "abcdef".substring(0, at);
            rax.insert(b(shorter), 2);
            String branch = shorter + "X";
            rax.insert(b(branch), 3);
            rax.verify();
            assertEquals(1, rax.find(b("abcdef")));
            assertEquals(2, rax.find(b(shorter)));
            assertEquals(3, rax.find(b(branch)));
            assertTrue(rax.remove(b(branch)));
            assertTrue(rax.remove(b(shorter)));
            rax.verify();
            assertEquals(2, rax.nodeCount(), "back to one run and a leaf");
        }
    }

    /** Redis leaves a key node followed by an uncompressed chain here; this tree merges it like a fresh tree. */
    @Test
    void removalMergesIntoAKeyNode() {
        Rax<Integer> rax = new Rax<>();
        rax.insert(b("a"), 1);
        rax.insert(b("abcd"), 2);
        rax.insert(b("abxy"), 3);
        assertTrue(rax.remove(b("abxy")));
        rax.verify();
        Rax<Integer> fresh = new Rax<>();
        fresh.insert(b("abcd"), 2);
        fresh.insert(b("a"), 1);
        assertEquals(fresh.dump(), rax.dump());
        assertEquals(3, rax.nodeCount());
    }

    @Test
    void emptyKeyAndNullValues() {
        Rax<String> rax = new Rax<>();
        assertTrue(rax.insert(new byte[0], null));
        assertTrue(rax.contains(new byte[0]));
        assertNull(rax.find(new byte[0]));
        assertTrue(rax.insert(b("x"), null));
        assertFalse(rax.tryInsert(b("x"), "no"));
        assertNull(rax.find(b("x")));
        assertNull(rax.put(b("x"), "yes"));
        assertEquals("yes", rax.put(b("x"), "again"));
        RaxIterator<String> it = rax.iterator();
        assertTrue(it.seek("^", null));
        assertTrue(it.next());
        assertEquals(0, it.keyLength());
        assertTrue(it.next());
        assertEquals("again", it.value());
        assertFalse(it.next());
        assertTrue(rax.remove(new byte[0]));
        assertFalse(rax.remove(new byte[0]));
        assertEquals(1, rax.size());
        assertEquals("again", rax.removeValue(b("x")));
        assertTrue(rax.isEmpty());
        assertEquals(1, rax.nodeCount());
        assertFalse(rax.iterator().seekFirst());
        assertFalse(rax.iterator().seekLast());
    }

    @Test
    void seekOperatorsOnStreamIds() {
        Rax<Long> rax = new Rax<>();
        for (long ms = 1000; ms < 3000; ms += 2) {
            for (long seq = 0; seq < 3; seq++) {
                rax.insert(streamId(ms, seq), ms * 10 + seq);
            }
        }
        rax.verify();
        assertEquals(3000, rax.size());
        RaxIterator<Long> it = rax.iterator();
        assertTrue(it.seek(">=", streamId(1001, 0)));
        assertTrue(it.next());
        assertEquals(10020L, it.value());
        assertTrue(it.seek(">", streamId(1002, 2)));
        assertTrue(it.next());
        assertEquals(10040L, it.value());
        assertTrue(it.seek("<", streamId(1004, 0)));
        assertTrue(it.prev());
        assertEquals(10022L, it.value());
        assertTrue(it.seek("<=", streamId(1003, Long.MAX_VALUE)));
        assertTrue(it.next());
        assertEquals(10022L, it.value());
        assertTrue(it.seek("=", streamId(2998, 1)));
        assertTrue(it.next());
        assertEquals(29981L, it.value());
        assertTrue(it.next());
        assertFalse(it.next());
        assertFalse(it.prev(), "at the end, moves return false until the next seek");
        assertFalse(it.seek("=", streamId(2999, 0)));
        assertFalse(it.seek(">", streamId(2998, 2)));
        assertFalse(it.seek("<", streamId(1000, 0)));
        assertTrue(it.seek("$", null));
        assertTrue(it.prev());
        assertArrayEquals(streamId(2998, 2), it.key());
        assertEquals(0, it.compareKey(streamId(2998, 2)));
        assertTrue(it.compareKey(streamId(2998, 3)) < 0);
        assertThrows(IllegalArgumentException.class, () -> it.seek("~", new byte[0]));
    }

    @Test
    void modificationInvalidatesButValueUpdatesDoNot() {
        Rax<Integer> rax = new Rax<>();
        rax.insert(b("a"), 1);
        rax.insert(b("b"), 2);
        RaxIterator<Integer> it = rax.iterator();
        assertThrows(IllegalStateException.class, it::next);
        it.seekFirst();
        assertTrue(it.next());
        it.setValue(10);
        rax.insert(b("b"), 20);
        assertTrue(it.next());
        assertEquals(20, it.value());
        assertEquals(10, rax.find(b("a")));
        rax.insert(b("c"), 3);
        assertThrows(ConcurrentModificationException.class, it::prev);
        it.seek(">", b("a"));
        assertTrue(it.next());
        assertEquals("b", s(it.key()));
    }

    @Test
    void iteratorRemoveKeepsWalking() {
        Rax<Integer> rax = new Rax<>();
        for (int i = 0; i < 100; i++) {
            rax.insert(b("k" + i), i);
        }
        RaxIterator<Integer> it = rax.iterator();
        it.seekFirst();
        int seen = 0;
        while (it.next()) {
            seen++;
            if (it.value() % 3 != 0) {
                it.remove();
            }
        }
        assertEquals(100, seen);
        assertEquals(34, rax.size());
        rax.verify();
    }

    /** No recursion anywhere: a chain of 5 000 nested keys and a 1 MB key work. */
    @Test
    void deepAndLongKeys() {
        Rax<Integer> rax = new Rax<>();
        byte[] k = new byte[5_000];
        for (int i = 1; i <= k.length; i++) {
            rax.insert(java.util.Arrays.copyOf(k, i), i);
        }
        byte[] big = new byte[1 << 20];
        big[big.length - 1] = 1;
        rax.insert(big, -1);
        rax.verify();
        RaxIterator<Integer> it = rax.iterator();
        it.seekLast();
        assertTrue(it.prev());
        assertEquals(-1, it.value());
        assertTrue(it.prev());
        assertEquals(5_000, it.value());
        for (int i = k.length; i >= 1; i -= 2) {
            assertTrue(rax.remove(java.util.Arrays.copyOf(k, i)));
        }
        rax.verify();
        assertEquals(k.length / 2 + 1, rax.size());
        assertTrue(rax.estimatedBytes() > big.length);
    }

    /** Bytes per key of 1 M sequential stream IDs, as estimated by the tree's own arithmetic. */
    @Test
    void streamIdFootprint() {
        Rax<Object> rax = new Rax<>();
        int n = 1_000_000;
        long base = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            rax.insert(streamId(base + (i >> 2), i & 3), null);
        }
        assertEquals(n, rax.size());
        double perKey = (double) rax.estimatedBytes() / n;
        assertTrue(perKey < 60, "bytes per key " + perKey);
        assertTrue(perKey > 24, "a leaf alone is 24 bytes: " + perKey);
    }
}
