package io.cinnabar.server.internal.type.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Id parsing as Redis 7.2 accepts it, with its error texts, and the 16-byte key order. */
class StreamIdTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String error(Runnable r) {
        return assertThrows(StreamException.class, r::run).getMessage();
    }

    @Test
    void parsesTheFormsRedisTakes() {
        assertEquals(new StreamId(5, 0), StreamId.parse(b("5"), 0));
        assertEquals(new StreamId(5, -1L), StreamId.parse(b("5"), -1L));
        assertEquals(new StreamId(5, 7), StreamId.parse(b("5-7"), 0));
        assertEquals(StreamId.MIN, StreamId.parse(b("-"), 0));
        assertEquals(StreamId.MAX, StreamId.parse(b("+"), 0));
        assertEquals(StreamId.MAX, StreamId.parse(b("18446744073709551615-18446744073709551615"), 0));
        assertEquals(new StreamId(5, 0), StreamId.parse(b("+5"), 0)); // strtoull takes a plus sign
        assertEquals(new StreamId(5, 0), StreamId.parse(b("05"), 0));
        assertEquals(new StreamId(5, 0), StreamId.parse(b("5\0junk"), 0)); // a C string ends at NUL
        for (String bad : new String[] {"", "x", "5-", "-5", "5-x", "5-1-2", "18446744073709551616", "1.5", "5 "}) {
            assertEquals(StreamId.INVALID, error(() -> StreamId.parse(b(bad), 0)), bad);
        }
        assertEquals(StreamId.INVALID, error(() -> StreamId.parse(b("1".repeat(128)), 0)));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseStrict(b("-"), 0)));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseStrict(b("+"), 0)));
    }

    @Test
    void xaddIds() {
        assertFalse(StreamId.parseAdd(b("*")).explicit());
        StreamId.AddId partial = StreamId.parseAdd(b("7-*"));
        assertTrue(partial.explicit());
        assertFalse(partial.seqGiven());
        assertEquals(7, partial.ms());
        assertEquals(new StreamId.AddId(7, 0, true, true), StreamId.parseAdd(b("7")));
        assertEquals(StreamId.XADD_ZERO, error(() -> StreamId.parseAdd(b("0-0"))));
        assertEquals(StreamId.XADD_ZERO, error(() -> StreamId.parseAdd(b("0"))));
        assertEquals(new StreamId.AddId(0, 0, false, true), StreamId.parseAdd(b("0-*")));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseAdd(b("+"))));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseAdd(b("*-1"))));
    }

    @Test
    void intervals() {
        assertEquals(new StreamId(5, 1), StreamId.parseInterval(b("(5-0"), true));
        assertEquals(new StreamId(6, 0), StreamId.parseInterval(b("(5-18446744073709551615"), true));
        assertEquals(new StreamId(4, -1L), StreamId.parseInterval(b("(5-0"), false));
        assertEquals(new StreamId(5, -1L), StreamId.parseInterval(b("5"), false));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseInterval(b("(+"), true)));
        assertEquals(StreamId.INVALID_START,
            error(() -> StreamId.parseInterval(b("(18446744073709551615-18446744073709551615"), true)));
        assertEquals(StreamId.INVALID_END, error(() -> StreamId.parseInterval(b("(0-0"), false)));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseInterval(b("(-"), true)));
        assertEquals(StreamId.INVALID, error(() -> StreamId.parseInterval(b("("), true)));
    }

    /** XREAD's allocation-free parse (ids into a long[] at an offset) agrees with the strict parse, errors too. */
    @Test
    void strictParseIntoArrayMatchesTheObjectParse() {
        String[] inputs = {"0", "0-0", "5", "5-7", "18446744073709551615-18446744073709551615", " 12-3", "+4-2",
            "-1", "1-", "-", "+", "", "x", "1-2-3", "18446744073709551616", "12\u00003", "1".repeat(128)};
        for (String in : inputs) {
            byte[] b = ("??" + in + "?").getBytes(StandardCharsets.ISO_8859_1);
            long[] out = {7, 7, 7, 7};
            StreamId expected;
            try {
                expected = StreamId.parseStrict(in.getBytes(StandardCharsets.ISO_8859_1), 9);
            } catch (StreamException e) {
                StreamException got = assertThrows(StreamException.class,
                    () -> StreamId.parseStrict(b, 2, in.length(), 9, out, 1), in);
                assertEquals(e.getMessage(), got.getMessage(), in);
                continue;
            }
            StreamId.parseStrict(b, 2, in.length(), 9, out, 1);
            assertArrayEquals(new long[] {7, expected.ms(), expected.seq(), 7}, out, in);
        }
    }

    @Test
    void keysSortLikeIds() {
        StreamId a = new StreamId(1, -1L);
        StreamId b = new StreamId(2, 0);
        assertTrue(java.util.Arrays.compareUnsigned(a.toKey(), b.toKey()) < 0);
        assertTrue(a.compareTo(b) < 0);
        assertEquals(b, StreamId.fromKey(b.toKey(), 0));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, b.toKey());
        assertNull(StreamId.MAX.increment());
        assertNull(StreamId.MIN.decrement());
        assertEquals("18446744073709551615-0", new StreamId(-1L, 0).toString());
    }
}
