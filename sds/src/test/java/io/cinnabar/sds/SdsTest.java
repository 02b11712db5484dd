package io.cinnabar.sds;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis's own sds.c self-test cases, plus the growth policy. */
class SdsTest {

    @Test
    void redisSelfTestCases() {
        Sds x = Sds.of("foo");
        assertEquals(3, x.length());
        x = Sds.of(new byte[] {'f', 'o', 'o'}, 0, 2).append("bar".getBytes(StandardCharsets.US_ASCII));
        assertEquals("fobar", x.toString());
        x.set(new byte[] {'a'}, 0, 1);
        assertEquals("a", x.toString());
        assertEquals("", Sds.of(" x ").trim(" x").toString());
        assertEquals("x", Sds.of(" x ").trim(" ").toString());
        Sds ciao = Sds.of("xxciaoyyy").trim("xy");
        assertEquals("ciao", ciao.toString());
        assertEquals("i", ciao.copy().range(1, 1).toString());
        assertEquals("iao", ciao.copy().range(1, -1).toString());
        assertEquals("ao", ciao.copy().range(-2, -1).toString());
        assertEquals("", ciao.copy().range(2, 1).toString());
        assertEquals("iao", ciao.copy().range(1, 100).toString());
        assertEquals("", ciao.copy().range(100, 100).toString());
        assertEquals("", ciao.copy().range(4, 6).toString());
        assertEquals("o", ciao.copy().range(3, 6).toString());
        assertTrue(Sds.of("foo").compareTo(Sds.of("foa")) > 0);
        assertEquals(0, Sds.of("bar").compareTo(Sds.of("bar")));
        assertTrue(Sds.of("aar").compareTo(Sds.of("bar")) < 0);
        assertEquals("HelloWorld", Sds.of("AA...AA.a.aa.aHelloWorld     :::").trim("Aa. :").toString());
    }

    @Test
    void rangeWithIndexesBeforeTheStartFollowsRedis7() {
        assertEquals("", Sds.of("ciao").range(-100, 100).toString());
        assertEquals("", Sds.of("ciao").range(0, -100).toString());
        assertEquals("ciao", Sds.of("ciao").range(-4, -1).toString());
        assertEquals("", Sds.empty().range(0, -1).toString());
        assertEquals("ciao", Sds.of("ciao").range(0, Long.MAX_VALUE).toString());
        assertEquals("", Sds.of("ciao").range(Long.MIN_VALUE, Long.MAX_VALUE).toString());
        assertEquals("", Sds.of("ciao").range(Long.MAX_VALUE, Long.MIN_VALUE).toString());
    }

    @Test
    void trimAlwaysRemovesNulBytesAsRedisStrchrDoes() {
        Sds s = Sds.of(new byte[] {0, 'a', 0, 'b', 0});
        assertArrayEquals(new byte[] {'a', 0, 'b'}, s.trim("").toByteArray());
    }

    @Test
    void compareIsUnsignedMemcmpThenLength() {
        assertTrue(Sds.of(new byte[] {(byte) 0x80}).compareTo(Sds.of(new byte[] {0x7f})) > 0);
        assertTrue(Sds.of("ab").compareTo(Sds.of("abc")) < 0);
        assertTrue(Sds.of("abc").compareTo(Sds.of("ab")) > 0);
    }

    @Test
    void splitFollowsSdssplitlen() {
        assertEquals(Arrays.asList("foo", "bar"), strings(Sds.of("foo_-_bar").split(b("_-_"))));
        assertEquals(Arrays.asList("a", "b", ""), strings(Sds.of("a,b,").split(b(","))));
        assertEquals(Arrays.asList("", ""), strings(Sds.of(",").split(b(","))));
        assertEquals(Arrays.asList("abc"), strings(Sds.of("abc").split(b("abcd"))));
        assertEquals(0, Sds.empty().split(b(",")).length);
        assertEquals(Arrays.asList("", "", "", "", "", "", "", ""), strings(Sds.of(",,,,,,,").split(b(","))));
        assertThrows(IllegalArgumentException.class, () -> Sds.of("a").split(new byte[0]));
    }

    @Test
    void greedyGrowthDoublesBelowOneMegabyteThenAddsOneMegabyte() {
        Sds s = Sds.empty();
        s.append(new byte[10]);
        assertEquals(20, s.alloc()); // newlen 10 -> 20
        s.append(new byte[10]);
        assertEquals(20, s.alloc()); // fits
        s.append(new byte[1]);
        assertEquals(42, s.alloc());
        Sds big = Sds.withCapacity(0);
        big.append(new byte[Sds.MAX_PREALLOC - 1]);
        assertEquals(2 * (Sds.MAX_PREALLOC - 1), big.alloc());
        Sds huge = Sds.empty().append(new byte[Sds.MAX_PREALLOC]);
        assertEquals(2 * Sds.MAX_PREALLOC, huge.alloc()); // newlen == 1 MB is not below the limit: + 1 MB
        huge.append(new byte[Sds.MAX_PREALLOC + 1]);
        assertEquals(2 * Sds.MAX_PREALLOC + 1 + Sds.MAX_PREALLOC, huge.alloc());
        Sds exact = Sds.empty().makeRoomForNonGreedy(7);
        assertEquals(7, exact.alloc());
        assertEquals(0, exact.removeFreeSpace().alloc());
    }

    @Test
    void numbersAppendWithoutCopies() {
        Sds s = Sds.of("v=").appendLong(-42).append((byte) ',').appendDouble(0.1).append((byte) ',')
            .appendDouble(1e20);
        assertEquals("v=-42,0.1,1e+20", s.toString());
        assertEquals("9223372036854775807", Sds.fromLong(Long.MAX_VALUE).toString());
        assertEquals("\0\0\0", Sds.empty().growZero(3).toString());
        assertEquals("HELLO", Sds.of("hello").toUpperCase().toString());
        assertEquals("hello", Sds.of("HeLLo").toLowerCase().toString());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static java.util.List<String> strings(Sds[] parts) {
        return Arrays.stream(parts).map(Sds::toString).toList();
    }

    @Test
    void splitArgsFollowsSdssplitargs() {
        assertEquals(Arrays.asList("set", "a b", "c d"), args("set \"a b\" 'c d'"));
        assertEquals(Arrays.asList("AB", "x\ny", "q\"", "tab\t"), args("\"\\x41\\x42\" \"x\\ny\" \"q\\\"\" \"tab\\t\""));
        assertEquals(Arrays.asList("it's", "a\\nb"), args("'it\\'s' 'a\\nb'"));
        assertEquals(Arrays.asList("a", "b", "c"), args("  a\tb\r\nc  "));
        assertEquals(Arrays.asList("xZZ"), args("\"\\xZZ\"")); // not a hex escape: backslash-x is x
        assertEquals(Arrays.asList(), args("   "));
        assertEquals(Arrays.asList("ab"), args("ab\u0000cd"));
        for (String bad : new String[] {"\"foo\"bar", "'foo'bar", "\"unterminated", "'unterminated", "a \"b"}) {
            assertEquals(null, Sds.splitArgs(b(bad), 0, bad.length()), bad);
        }
    }

    @Test
    void appendReprFollowsSdscatrepr() {
        byte[] x = {7, '\n', 0, 'f', 'o', 'o', '\r'};
        assertEquals("\"\\a\\n\\x00foo\\r\"", Sds.empty().appendRepr(x, 0, x.length).toString());
        byte[] y = {'"', '\\', (byte) 0xff, ' ', 8, '\t'};
        assertEquals("\"\\\"\\\\\\xff \\b\\t\"", Sds.empty().appendRepr(y, 0, y.length).toString());
    }

    private static java.util.List<String> args(String line) {
        Sds[] a = Sds.splitArgs(b(line), 0, line.length());
        return a == null ? null : strings(a);
    }
}
