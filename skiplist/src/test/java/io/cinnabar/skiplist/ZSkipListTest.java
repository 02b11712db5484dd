package io.cinnabar.skiplist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZSkipListTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<String> all(ZSkipList z) {
        List<String> out = new ArrayList<>();
        for (ZSkipList.Node n = z.first(); n != null; n = n.next()) {
            out.add(n.toString());
        }
        return out;
    }

    @Test
    void ordersByScoreThenUnsignedBytes() {
        ZSkipList z = new ZSkipList(1);
        z.insert(2, b("a"));
        z.insert(1, b("b"));
        z.insert(1, b("a"));
        z.insert(1, new byte[] {(byte) 0xff});
        z.insert(1, b("ab"));
        z.insert(-0.0, b("z"));
        z.insert(0.0, b("y"));
        z.insert(Double.NEGATIVE_INFINITY, b("n"));
        z.validate();
        assertEquals(List.of("-Infinity:n", "0.0:y", "-0.0:z", "1.0:a", "1.0:ab", "1.0:b", "1.0:\u00ff", "2.0:a"),
            all(z));
        assertEquals(8, z.size());
        assertEquals("2.0:a", z.last().toString());
        assertNull(z.first().previous());
        assertEquals("1.0:\u00ff", z.last().previous().toString());
        assertThrows(IllegalArgumentException.class, () -> z.insert(Double.NaN, b("x")));
    }

    @Test
    void ranksAndElementsByRank() {
        ZSkipList z = new ZSkipList(7);
        for (int i = 0; i < 1000; i++) {
            z.insert(i / 10, b(String.format("m%04d", i)));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, z.rank(i / 10, b(String.format("m%04d", i))));
            assertEquals(String.format("m%04d", i), new String(z.byRank(i).member(), StandardCharsets.ISO_8859_1));
        }
        assertEquals(-1, z.rank(5, b("m0001")), "right member, wrong score");
        assertNull(z.byRank(1000));
        assertSame(z.first(), z.byRank(0));
        assertSame(z.last(), z.byRank(999));
        assertEquals(ScoreRange.closed(3, 4).contains(3) ? 20 : 0, z.count(ScoreRange.closed(3, 4)));
    }

    @Test
    void updateScoreInPlaceOrMoved() {
        ZSkipList z = new ZSkipList(3);
        ZSkipList.Node a = z.insert(1, b("a"));
        ZSkipList.Node bNode = z.insert(2, b("b"));
        z.insert(3, b("c"));
        // 2 -> 2.5 stays between 1 and 3: updated in place
        ZSkipList.Node u = z.updateScore(2, b("b"), 2.5);
        assertSame(bNode, u);
        assertSame(a, u.previous());
        // 2.5 -> 3 ties with the next score: moved (reinserted by member order)
        z.updateScore(2.5, b("b"), 3);
        assertEquals(List.of("1.0:a", "3.0:b", "3.0:c"), all(z));
        z.updateScore(1, b("a"), 10);
        assertEquals(List.of("3.0:b", "3.0:c", "10.0:a"), all(z));
        assertSame(a, z.last());
        z.validate();
        assertThrows(IllegalArgumentException.class, () -> z.updateScore(1, b("a"), 2));
        assertThrows(IllegalArgumentException.class, () -> z.updateScore(10, b("a"), Double.NaN));
    }

    @Test
    void deleteReturnsTheNode() {
        ZSkipList z = new ZSkipList(3);
        z.insert(1, b("a"));
        assertNull(z.delete(2, b("a")));
        assertNull(z.delete(1, b("b")));
        assertNotNull(z.delete(1, b("a")));
        assertEquals(0, z.size());
        assertNull(z.first());
        assertNull(z.last());
        assertEquals(1, z.level());
        z.validate();
    }

    @Test
    void scoreRangeParsing() {
        assertEquals(new ScoreRange(1.5, 2, true, false), ScoreRange.parse(b("(1.5"), b("2")));
        assertEquals(ScoreRange.ALL, ScoreRange.parse(b("-inf"), b("+inf")));
        assertEquals(ScoreRange.ALL, ScoreRange.parse(b("-INF"), b("inf")));
        assertEquals(ScoreRange.ALL, ScoreRange.parse(b("-Infinity"), b("infinity")));
        assertEquals(new ScoreRange(16, 0.25, false, true), ScoreRange.parse(b("0x10"), b("(0x1p-2")));
        assertEquals(new ScoreRange(0, 1, true, false), ScoreRange.parse(b("("), b(" 1")));
        assertEquals(new ScoreRange(0, 1e300, false, false), ScoreRange.parse(b(""), b("1e300")));
        assertEquals(Double.POSITIVE_INFINITY, ScoreRange.parse(b("1e400"), b("1")).min());
        assertEquals(new ScoreRange(0.5, 5, false, false), ScoreRange.parse(b(".5"), b("5.")));
        // zslParseRange runs strtod on the C string: a NUL ends the bound
        assertEquals(new ScoreRange(1, 2, true, false), ScoreRange.parse(b("(1\u0000x"), b("2\u0000")));
        for (String bad : new String[] {"nan", "(nan", "abc", "1 ", "1e", "1e+", "((1", "0x", "--1", "inf1", "infinit",
            " ", "1.2.3", "+-1", "0x1p", "1d", "1f", "NaN"}) {
            assertNull(ScoreRange.parse(b(bad), b("1")), bad);
            assertNull(ScoreRange.parse(b("1"), b(bad)), bad);
        }
        assertTrue(new ScoreRange(1, 1, true, false).isEmpty());
        assertTrue(new ScoreRange(2, 1, false, false).isEmpty());
        assertFalse(ScoreRange.closed(1, 1).isEmpty());
    }

    @Test
    void lexRangeParsing() {
        assertEquals(LexRange.ALL, LexRange.parse(b("-"), b("+")));
        LexRange r = LexRange.parse(b("[a"), b("(c"));
        assertNotNull(r);
        assertTrue(r.contains(b("a")));
        assertTrue(r.contains(b("bzz")));
        assertFalse(r.contains(b("c")));
        assertFalse(r.contains(b("A")));
        for (String bad : new String[] {"a", "", "+a", "-a", "{a"}) {
            assertNull(LexRange.parse(b(bad), b("+")), bad);
            assertNull(LexRange.parse(b("-"), b(bad)), bad);
        }
        assertTrue(LexRange.parse(b("-"), b("-")).isEmpty());
        assertTrue(LexRange.parse(b("+"), b("+")).isEmpty());
        assertTrue(LexRange.parse(b("+"), b("-")).isEmpty());
        assertTrue(LexRange.parse(b("(a"), b("[a")).isEmpty());
        assertFalse(LexRange.parse(b("[a"), b("[a")).isEmpty());
        assertTrue(LexRange.parse(b("[b"), b("[a")).isEmpty());
        assertEquals(LexRange.Bound.inclusive(new byte[0]), LexRange.parseBound(b("[")));
        assertTrue(LexRange.parse(b("["), b("+")).contains(new byte[0]));
        assertFalse(LexRange.parse(b("("), b("+")).contains(new byte[0]));
    }

    @Test
    void rangesWithOffsetAndLimit() {
        ZSkipList z = new ZSkipList(5);
        for (int i = 0; i < 10; i++) {
            z.insert(i, b("m" + i));
        }
        List<String> got = new ArrayList<>();
        z.rangeByScore(ScoreRange.parse(b("(2"), b("8")), false, 1, 3, n -> got.add(n.toString()));
        assertEquals(List.of("4.0:m4", "5.0:m5", "6.0:m6"), got);
        got.clear();
        z.rangeByScore(ScoreRange.parse(b("(2"), b("8")), true, 1, -1, n -> got.add(n.toString()));
        assertEquals(List.of("7.0:m7", "6.0:m6", "5.0:m5", "4.0:m4", "3.0:m3"), got);
        got.clear();
        assertEquals(0, z.rangeByScore(ScoreRange.ALL, false, -1, 5, n -> got.add(n.toString())));
        assertEquals(0, z.rangeByScore(ScoreRange.ALL, false, 20, 5, n -> got.add(n.toString())));
        assertEquals(0, z.rangeByScore(ScoreRange.ALL, false, 0, 0, n -> got.add(n.toString())));
        z.rangeByRank(1, 100, true, n -> got.add(n.toString()));
        assertEquals(9, got.size());
        assertEquals("8.0:m8", got.get(0));
        assertThrows(IllegalArgumentException.class, () -> z.rangeByRank(-1, 2, false, n -> { }));
        assertEquals(3, z.deleteRangeByRank(0, 2, n -> { }));
        assertEquals("3.0:m3", z.first().toString());
        z.validate();
    }
}
