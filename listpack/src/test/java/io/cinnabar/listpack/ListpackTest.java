package io.cinnabar.listpack;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListpackTest {
    private static final HexFormat HEX = HexFormat.of();

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static List<String> strings(Listpack lp) {
        List<String> out = new ArrayList<>();
        lp.toList().forEach(x -> out.add(s(x)));
        return out;
    }

    /** Redis's own test list (listpack.c createList): hello foo quux 1024, the example drawn in Listpack. */
    static Listpack createList() {
        Listpack lp = new Listpack();
        lp.append(b("foo"));
        lp.append(b("quux"));
        lp.prepend(b("hello"));
        lp.append(b("1024"));
        return lp;
    }

    @Test
    void workedExample() {
        Listpack lp = createList();
        String hex = "1c000000" + "0400"
            + "8568656c6c6f" + "06"
            + "83666f6f" + "04"
            + "8471757578" + "05"
            + "c400" + "02"
            + "ff";
        assertEquals(hex, HEX.formatHex(lp.toByteArray()));
        assertEquals(List.of("hello", "foo", "quux", "1024"), strings(lp));
        assertEquals(4, Listpack.validate(lp.toByteArray(), true));
        assertArrayEquals(lp.toByteArray(), Listpack.encode(List.of(b("hello"), b("foo"), b("quux"), b("1024"))));
    }

    @Test
    void backlenOfA200ByteString() {
        byte[] s = new byte[200];
        Arrays.fill(s, (byte) 'x');
        Listpack lp = Listpack.of(s);
        byte[] bytes = lp.toByteArray();
        // e0 c8 <200 bytes> 01 ca ff: 12-bit string header, 202 = 1*128 + 74 written as 01, 74|0x80
        assertEquals("e0c8", HEX.formatHex(bytes, 6, 8));
        assertEquals("01caff", HEX.formatHex(bytes, bytes.length - 3, bytes.length));
        assertEquals(0, lp.prev(lp.last()) + 1);
        assertEquals(6, lp.last());
    }

    /** Redis's listpack.c test "Replace with same size" / "Replace with different size", bytes from Redis. */
    @Test
    void replaceAsRedisDoes() {
        Listpack lp = createList();
        lp.replace(lp.seek(0), b("zoink"), 0, 5);
        lp.replace(lp.seek(3), b("y"), 0, 1);
        lp.replace(lp.seek(1), b("65536"), 0, 5);
        assertEquals("857a6f696e6b06" + "f20000010" + "4" + "84717575780" + "5" + "817902" + "ff",
            HEX.formatHex(lp.toByteArray(), 6, lp.bytes()));
        Listpack lp2 = createList();
        lp2.replace(lp2.seek(1), b("squirrel"), 0, 8);
        assertEquals("8568656c6c6f06" + "88737175697272656c09" + "847175757805" + "c40002" + "ff",
            HEX.formatHex(lp2.toByteArray(), 6, lp2.bytes()));
        assertEquals(List.of("hello", "squirrel", "quux", "1024"), strings(lp2));
    }

    @Test
    void everyIntegerEncodingAtItsBounds() {
        Object[][] cases = {
            {"0", "00"}, {"127", "7f"}, {"128", "c080"}, {"-1", "dfff"}, {"4095", "cfff"}, {"-4096", "d000"},
            {"4096", "f10010"}, {"-4097", "f1ffef"}, {"32767", "f1ff7f"}, {"-32768", "f10080"},
            {"32768", "f2008000"}, {"8388607", "f2ffff7f"}, {"-8388608", "f2000080"},
            {"8388608", "f300008000"}, {"2147483647", "f3ffffff7f"}, {"-2147483648", "f300000080"},
            {"2147483648", "f40000008000000000"}, {"9223372036854775807", "f4ffffffffffffff7f"},
            {"-9223372036854775808", "f40000000000000080"},
        };
        for (Object[] c : cases) {
            String text = (String) c[0];
            Listpack lp = Listpack.of(b(text));
            String enc = (String) c[1];
            String expected = enc + String.format("%02x", enc.length() / 2) + "ff";
            assertEquals(expected, HEX.formatHex(lp.toByteArray(), 6, lp.bytes()), text);
            assertTrue(lp.isInteger(lp.first()), text);
            assertEquals(Long.parseLong(text), lp.getLong(lp.first()), text);
            assertEquals(text, s(lp.getBytes(lp.first())));
            Listpack viaLong = new Listpack();
            viaLong.appendLong(Long.parseLong(text));
            assertEquals(lp, viaLong, text);
        }
    }

    @Test
    void nonCanonicalNumbersStayStrings() {
        for (String text : List.of("", "-", "-0", "00", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808",
            "-9223372036854775809", "99999999999999999999", "0x10", "1e3", "--1", "-01", "１")) {
            byte[] t = text.getBytes(StandardCharsets.UTF_8);
            assertFalse(ListpackLayout.isCanonicalInt(t, 0, t.length), text);
            Listpack lp = Listpack.of(t);
            assertFalse(lp.isInteger(lp.first()), text);
            assertArrayEquals(t, lp.getBytes(lp.first()), text);
        }
        assertThrows(NumberFormatException.class, () -> ListpackLayout.parseCanonicalInt(b("-0"), 0, 2));
        assertEquals(Long.MIN_VALUE, ListpackLayout.parseCanonicalInt(b("-9223372036854775808"), 0, 20));
    }

    @Test
    void stringEncodingsAtTheirBounds() {
        for (int len : new int[] {0, 63, 64, 4095, 4096, 70000}) {
            byte[] s = new byte[len];
            Arrays.fill(s, (byte) 'a');
            Listpack lp = Listpack.of(s);
            int first = lp.array()[6] & 0xFF;
            int expected = len < 64 ? 0x80 : len < 4096 ? 0xE0 : 0xF0;
            assertEquals(expected, len < 64 ? first & 0xC0 : len < 4096 ? first & 0xF0 : first, "len " + len);
            assertEquals(len, lp.stringLength(lp.first()));
            assertEquals(lp.first(), lp.last());
            assertEquals(1, Listpack.validate(lp.toByteArray(), true));
        }
    }

    @Test
    void backlenThresholdsMatchRedis() {
        long[][] cases = {{127, 1}, {128, 2}, {16382, 2}, {16383, 3}, {2097150, 3}, {2097151, 4},
            {268435454, 4}, {268435455, 5}};
        for (long[] c : cases) {
            assertEquals(c[1], ListpackLayout.backlenSize(c[0]), "l=" + c[0]);
            byte[] buf = new byte[8];
            int n = ListpackLayout.writeBacklen(buf, 1, c[0]);
            assertEquals(c[1], n);
            assertEquals(c[0], ListpackLayout.readBacklen(buf, n, 0));
        }
        // a string whose entry is exactly 16383 bytes: 3-byte back-length as in Redis
        byte[] s = new byte[16383 - 5];
        Listpack lp = Listpack.of(s, b("x"));
        assertEquals(5 + s.length + 3, lp.entrySize(lp.first()));
        assertEquals(lp.first(), lp.prev(lp.last()));
    }

    @Test
    void navigationAndSeek() {
        Listpack lp = createList();
        assertEquals("hello", s(lp.getBytes(lp.seek(0))));
        assertEquals("1024", s(lp.getBytes(lp.seek(3))));
        assertEquals("1024", s(lp.getBytes(lp.seek(-1))));
        assertEquals("hello", s(lp.getBytes(lp.seek(-4))));
        assertEquals(-1, lp.seek(4));
        assertEquals(-1, lp.seek(-5));
        List<String> back = new ArrayList<>();
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            back.add(s(lp.getBytes(p)));
        }
        assertEquals(List.of("1024", "quux", "foo", "hello"), back);
        ListpackEntry e = new ListpackEntry();
        lp.get(lp.last(), e);
        assertTrue(e.isInteger());
        assertEquals(1024, e.longValue());
        assertTrue(e.contentEquals(b("1024"), 0, 4));
        lp.get(lp.first(), e);
        assertFalse(e.isInteger());
        assertEquals("hello", e.toString());
        assertTrue(lp.contentEquals(lp.last(), b("1024"), 0, 4));
        assertFalse(lp.contentEquals(lp.last(), b("1025"), 0, 4));
        assertFalse(lp.contentEquals(lp.first(), b("hella"), 0, 5));
    }

    @Test
    void longListIndices() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 1000; i++) {
            lp.append(b(Integer.toString(i)));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, lp.getLong(lp.seek(i)));
            assertEquals(999 - i, lp.getLong(lp.seek(-i - 1)));
        }
    }

    @Test
    void deleteRangeAsRedisTests() {
        Listpack lp = createList();
        lp.deleteRange(0, Long.MAX_VALUE);
        assertEquals(0, lp.count());
        assertEquals(7, lp.bytes());

        lp = createList();
        lp.deleteRange(-4, 4);
        assertEquals(7, lp.bytes());

        lp = createList();
        lp.deleteRange(0, 1);
        assertEquals(List.of("foo", "quux", "1024"), strings(lp));

        lp = createList();
        lp.deleteRange(1, 2);
        assertEquals(List.of("hello", "1024"), strings(lp));

        lp = createList();
        lp.deleteRange(5, 1);
        assertEquals(4, lp.count());

        lp = createList();
        lp.deleteRange(1, 5);
        assertEquals(List.of("hello"), strings(lp));

        lp = createList();
        int p = lp.deleteRangeAt(lp.seek(1), 2);
        assertEquals("1024", s(lp.getBytes(p)));
        assertEquals(List.of("hello", "1024"), strings(lp));
        assertEquals(-1, lp.deleteRangeAt(lp.seek(1), 99));
        assertEquals(List.of("hello"), strings(lp));
        assertEquals(Listpack.of(b("hello")), lp);
    }

    @Test
    void deleteWhileIterating() {
        Listpack lp = createList();
        for (int p = lp.first(); p >= 0; ) {
            p = lp.contentEquals(p, b("foo"), 0, 3) ? lp.delete(p) : lp.next(p);
        }
        assertEquals(List.of("hello", "quux", "1024"), strings(lp));
        int p = lp.last();
        assertEquals(-1, lp.delete(p));
        while (lp.first() >= 0) {
            lp.delete(lp.first());
        }
        assertEquals(new Listpack(), lp);
    }

    @Test
    void findWithSkip() {
        Listpack lp = Listpack.of(b("abc"), b("def"), b("123"), b("456"), b("def"), b("x"));
        assertEquals(lp.seek(0), lp.find(b("abc"), 1));
        assertEquals(lp.seek(2), lp.find(b("123"), 1));
        assertEquals(lp.seek(4), lp.find(b("def"), 1)); // "def" at index 1 is a value, skipped
        assertEquals(lp.seek(1), lp.find(b("def"), 0));
        assertEquals(-1, lp.find(b("456"), 1));
        assertEquals(lp.seek(3), lp.find(b("456"), 0));
        assertEquals(-1, lp.find(b("0123"), 0));
        assertEquals(-1, new Listpack().find(b("x"), 0));
    }

    @Test
    void batchInsertAndAppend() {
        Listpack lp = createList();
        int p = lp.batchInsert(lp.seek(1), false, List.of(b("a"), b("7"), b("-70000")));
        assertEquals("a", s(lp.getBytes(p)));
        p = lp.batchInsert(lp.last(), true, List.of(b("z")));
        assertEquals("z", s(lp.getBytes(p)));
        lp.batchAppend(b("tail1"), b("tail2"));
        List<String> expected = List.of("hello", "a", "7", "-70000", "foo", "quux", "1024", "z", "tail1", "tail2");
        assertEquals(expected, strings(lp));
        List<byte[]> bytes = new ArrayList<>();
        expected.forEach(x -> bytes.add(b(x)));
        assertArrayEquals(Listpack.encode(bytes), lp.toByteArray());
        assertEquals(10, lp.count());
    }

    @Test
    void insertAtIndexAndAppendAll() {
        Listpack lp = new Listpack();
        lp.insert(0, b("b"));
        lp.insert(0, b("a"));
        lp.insert(2, b("d"));
        lp.insert(2, b("c"));
        assertEquals(List.of("a", "b", "c", "d"), strings(lp));
        assertThrows(IndexOutOfBoundsException.class, () -> lp.insert(6, b("x")));
        Listpack other = Listpack.of(b("e"), b("5"));
        lp.appendAll(other);
        assertEquals(List.of("a", "b", "c", "d", "e", "5"), strings(lp));
        assertEquals(6, Listpack.validate(lp.toByteArray(), true));
    }

    @Test
    void insertingOwnBytesIsSafe() {
        Listpack lp = createList();
        int p = lp.first();
        lp.append(lp.array(), lp.stringOffset(p), lp.stringLength(p));
        lp.batchAppend(List.of(lp.array()).subList(0, 0));
        assertEquals(List.of("hello", "foo", "quux", "1024", "hello"), strings(lp));
    }

    @Test
    void batchDeleteAndCopy() {
        Listpack lp = Listpack.of(b("a"), b("1"), b("b"), b("2"), b("c"), b("3"));
        Listpack copy = lp.copy();
        int[] offsets = {lp.seek(0), lp.seek(1), lp.seek(4), 0};
        lp.batchDelete(offsets, 3);
        assertEquals(List.of("b", "2", "3"), strings(lp));
        assertArrayEquals(Listpack.of(b("b"), b("2"), b("3")).toByteArray(), lp.toByteArray());
        assertEquals(6, copy.count());
        int[] last = {copy.last()};
        copy.batchDelete(last, 1);
        assertEquals(List.of("a", "1", "b", "2", "c"), strings(copy));
        int[] bad = {copy.seek(1), copy.seek(0)};
        assertThrows(IllegalArgumentException.class, () -> copy.batchDelete(bad, 2));
    }

    @Test
    void deletingMostElementsGivesMemoryBack() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 2000; i++) {
            lp.append(b("element-" + i));
        }
        int grown = lp.array().length;
        lp.deleteRange(10, 5000);
        assertTrue(lp.array().length < grown / 4, "array of " + lp.array().length + " after shrinking from " + grown);
        assertEquals(10, Listpack.validate(lp.toByteArray(), true));
        for (int i = 0; i < 2000; i++) {
            lp.delete(lp.first());
            lp.append(b("x" + i));
        }
        assertEquals(10, lp.count());
    }

    @Test
    void randomSamplesPickWholeGroups() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 50; i++) {
            lp.append(b("f" + i));
            lp.appendLong(i);
        }
        java.util.Random r = new java.util.Random(3);
        int[] out = new int[500];
        lp.randomSample(500, 2, r, out);
        int[] hits = new int[50];
        for (int p : out) {
            String field = s(lp.getBytes(p));
            int i = Integer.parseInt(field.substring(1));
            assertEquals(i, lp.getLong(lp.next(p)));
            hits[i]++;
        }
        for (int h : hits) {
            assertTrue(h > 0, "every pair is picked at least once in 500 draws of 50: " + Arrays.toString(hits));
        }
        int[] unique = new int[80];
        assertEquals(50, lp.randomSampleUnique(80, 2, r, unique));
        for (int i = 0; i < 50; i++) {
            assertEquals("f" + i, s(lp.getBytes(unique[i])));
        }
        int picked = lp.randomSampleUnique(10, 2, r, unique);
        assertEquals(10, picked);
        for (int i = 1; i < picked; i++) {
            assertTrue(unique[i] > unique[i - 1]);
            assertTrue(s(lp.getBytes(unique[i])).startsWith("f"));
        }
        Listpack set = Listpack.of(b("a"), b("b"), b("c"));
        set.randomSample(5, 1, r, out);
        for (int i = 0; i < 5; i++) {
            assertTrue(List.of("a", "b", "c").contains(s(set.getBytes(out[i]))));
        }
        assertThrows(IllegalArgumentException.class, () -> new Listpack().randomSample(1, 2, r, out));
        assertEquals(0, new Listpack().randomSampleUnique(3, 2, r, out));
    }

    /**
     * Fuzz finding (ListpackFuzzPropertiesTest): a shallowly adopted listpack whose second entry claims a
     * 4-billion-byte string made getBytes throw IllegalArgumentException from Arrays.copyOfRange. Now every
     * read and walk of a corrupt entry throws ListpackException.
     */
    @Test
    void regressionHugeStringLengthInAShallowlyAdoptedListpack() {
        byte[] bytes = HEX.parseHex("10000000" + "0200" + "816102" + "f0f0ffffff00" + "ff");
        Listpack.validate(bytes, false);
        assertThrows(ListpackException.class, () -> Listpack.validate(bytes, true));
        Listpack lp = Listpack.adopt(bytes, false);
        assertEquals("a", s(lp.getBytes(lp.first())));
        assertThrows(ListpackException.class, () -> lp.getBytes(9));
        assertThrows(ListpackException.class, () -> lp.get(9, new ListpackEntry()));
        assertThrows(ListpackException.class, () -> lp.stringLength(9));
        assertThrows(ListpackException.class, () -> lp.next(9));
        assertThrows(ListpackException.class, () -> lp.find(b("zz"), 0));
    }

    @Test
    void unknownCountIsWalkedAndFixed() {
        byte[] bytes = createList().toByteArray();
        bytes[4] = (byte) 0xFF;
        bytes[5] = (byte) 0xFF;
        Listpack lp = Listpack.adopt(bytes);
        assertEquals("1024", s(lp.getBytes(lp.seek(-1))));
        assertEquals("hello", s(lp.getBytes(lp.seek(-4))));
        assertEquals(-1, lp.seek(-5));
        lp.append(b("x"));
        assertEquals(0xFFFF, (bytes[4] & 0xFF) | (bytes[5] & 0xFF) << 8, "header stays unknown as in Redis");
        assertEquals(5, lp.count());
        assertEquals(5, lp.array()[4]);
    }

    @Test
    void moreThan65534ElementsKeepTheHeaderUnknown() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 70000; i++) {
            lp.appendLong(i % 100);
        }
        assertEquals(70000, lp.count());
        assertEquals(-1, lp.array()[4]);
        assertEquals(-1, lp.array()[5]);
        assertEquals(70000, Listpack.validate(lp.toByteArray(), true));
        Listpack adopted = Listpack.adopt(lp.toByteArray());
        assertEquals(70000, adopted.count());
        assertEquals(99, adopted.getLong(adopted.seek(69999)));
        adopted.deleteRange(10, 69980);
        assertEquals(20, adopted.count());
        assertEquals(20, Listpack.validate(adopted.toByteArray(), true));
    }

    @Test
    void validationRejectsWithOffsets() {
        byte[] good = createList().toByteArray();
        assertEquals(0, assertThrows(ListpackException.class, () -> Listpack.validate(new byte[6], true)).offset());
        byte[] shortTotal = good.clone();
        shortTotal[0]--;
        assertEquals(0, assertThrows(ListpackException.class, () -> Listpack.validate(shortTotal, false)).offset());
        byte[] noEof = good.clone();
        noEof[noEof.length - 1] = 0;
        assertEquals(27, assertThrows(ListpackException.class, () -> Listpack.validate(noEof, false)).offset());
        byte[] badCount = good.clone();
        badCount[4] = 3;
        Listpack.validate(badCount, false);
        assertEquals(4, assertThrows(ListpackException.class, () -> Listpack.validate(badCount, true)).offset());
        byte[] badBacklen = good.clone();
        badBacklen[12] = 7;
        assertEquals(12, assertThrows(ListpackException.class, () -> Listpack.validate(badBacklen, true)).offset());
        byte[] badEncoding = good.clone();
        badEncoding[13] = (byte) 0xF5;
        assertEquals(13, assertThrows(ListpackException.class, () -> Listpack.validate(badEncoding, true)).offset());
        byte[] earlyEof = good.clone();
        earlyEof[24] = (byte) 0xFF;
        assertThrows(ListpackException.class, () -> Listpack.validate(earlyEof, true));
        byte[] hugeString = good.clone();
        hugeString[6] = (byte) 0xF0;
        assertEquals(6, assertThrows(ListpackException.class, () -> Listpack.adopt(hugeString)).offset());
        assertEquals(4, Listpack.validate(good, true));
        assertEquals(-1, Listpack.validate(good, false));
    }

    /**
     * Regression (found by ListpackFuzzPropertiesTest once it stopped accepting IndexOutOfBoundsException): a
     * shallowly adopted listpack whose second entry's encoding (a 64-bit integer, a 32-bit string length) runs past
     * the terminator. Reading it read past the array; now every read throws ListpackException.
     */
    @Test
    void shallowlyAdoptedEntryHeaderPastTheEndThrowsListpackException() {
        for (String hex : List.of(
                "160000000200f4fd55f135a20e000009f400000000ff", // truncated by the fuzzer: 2nd entry is a 64-bit int
                "0c000000020001 01f00000ff".replace(" ", ""))) { // 1, then a 32-bit string header cut short
            byte[] raw = HEX.parseHex(hex);
            assertThrows(ListpackException.class, () -> Listpack.validate(raw, true), hex);
            Listpack lp = Listpack.adopt(raw.clone(), false);
            int second = lp.next(lp.first());
            assertTrue(second > 0, hex);
            assertThrows(ListpackException.class, () -> lp.get(second, new ListpackEntry()), hex);
            assertThrows(ListpackException.class, () -> lp.getBytes(second), hex);
            assertThrows(ListpackException.class, () -> lp.next(second), hex);
            assertThrows(ListpackException.class, () -> lp.toList(), hex);
            assertThrows(ListpackException.class, () -> lp.find(lp.first(), b("x"), 0, 1, 0), hex);
            assertThrows(ListpackException.class, () -> lp.contentEquals(second, b("1"), 0, 1), hex);
        }
    }
}
