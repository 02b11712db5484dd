package io.cinnabar.intset;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cinnabar.lzf.Lzf;
import io.cinnabar.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntsetTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int RDB_TYPE_SET_INTSET = 11;

    @Test
    void workedExample() {
        Intset s = new Intset();
        assertEquals("0200000000000000", HEX.formatHex(s.toByteArray()));
        assertTrue(s.add(5));
        assertTrue(s.add(-3));
        assertTrue(s.add(300));
        assertFalse(s.add(5));
        assertEquals("0200000003000000" + "fdff" + "0500" + "2c01", HEX.formatHex(s.toByteArray()));
        Intset again = Intset.wrap(HEX.parseHex("0200000003000000fdff05002c01"), true);
        assertEquals(s, again);
        assertArrayEquals(new long[] {-3, 5, 300}, again.toLongArray());
    }

    /** Every intset in the DUMP payloads of Redis 2.8 .. 7.2 decodes to the recorded members and re-encodes identically. */
    @Test
    void everyIntsetInTheFixturesRoundTrips() {
        int seen = 0;
        for (Path file : Fixtures.list("rdb", "-dump-payloads.json")) {
            JsonNode dataset = expectedDataset(file);
            for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
                byte[] p = e.getValue();
                if ((p[0] & 0xff) != RDB_TYPE_SET_INTSET) {
                    continue;
                }
                String where = file.getFileName() + " key " + e.getKey();
                byte[] blob = RdbString.read(p, new int[] {1});
                Intset set = Intset.wrap(blob, true);
                JsonNode entry = find(dataset, e.getKey());
                assertNotNull(entry, where);
                assertEquals("intset", entry.get("encoding").asText(), where);
                List<Long> expected = new ArrayList<>();
                for (byte[] member : Fixtures.b64List(entry.get("value"))) {
                    expected.add(Long.parseLong(new String(member, StandardCharsets.US_ASCII)));
                }
                expected.sort(null);
                assertEquals(expected, Arrays.stream(set.toLongArray()).boxed().toList(), where);
                Intset rebuilt = new Intset();
                for (long v : expected) {
                    assertTrue(rebuilt.add(v));
                }
                assertArrayEquals(blob, rebuilt.toByteArray(), where);
                seen++;
            }
        }
        assertTrue(seen >= 14, "expected intsets in the fixtures of every version, saw " + seen);
    }

    /**
     * {@link Fixtures#expectedDataset} with non-numeric numbers allowed: the datasets record zset scores such as
     * {@code Infinity}, which strict JSON parsing refuses.
     */
    private static JsonNode expectedDataset(Path payloads) {
        Path json = payloads.resolveSibling(payloads.getFileName().toString().replace("-dump-payloads.json", ".json"));
        try {
            return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(json.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode find(JsonNode dataset, String latin1Key) {
        String b64 = java.util.Base64.getEncoder().encodeToString(latin1Key.getBytes(StandardCharsets.ISO_8859_1));
        Iterator<JsonNode> dbs = dataset.get("dbs").elements();
        while (dbs.hasNext()) {
            JsonNode db = dbs.next();
            if (db.has(b64)) {
                return db.get(b64);
            }
        }
        return null;
    }

    @Test
    void upgradesFollowRedis() {
        Intset s = new Intset();
        s.add(32);
        assertEquals(Intset.ENC_INT16, s.encoding());
        s.add(65535);
        assertEquals(Intset.ENC_INT32, s.encoding());
        assertTrue(s.contains(32) && s.contains(65535));
        s.add(-4294967295L);
        assertEquals(Intset.ENC_INT64, s.encoding());
        assertArrayEquals(new long[] {-4294967295L, 32, 65535}, s.toLongArray());
        assertEquals("0800000003000000" + "01000000ffffffff" + "2000000000000000" + "ffff000000000000",
            HEX.formatHex(s.toByteArray()));
        // never downgrade
        assertTrue(s.remove(-4294967295L));
        assertTrue(s.remove(65535));
        assertEquals(Intset.ENC_INT64, s.encoding());
        assertEquals("08000000010000002000000000000000", HEX.formatHex(s.toByteArray()));
    }

    @Test
    void valueEncodingBoundaries() {
        assertEquals(2, Intset.valueEncoding(-32768));
        assertEquals(2, Intset.valueEncoding(32767));
        assertEquals(4, Intset.valueEncoding(-32769));
        assertEquals(4, Intset.valueEncoding(32768));
        assertEquals(4, Intset.valueEncoding(Integer.MIN_VALUE));
        assertEquals(4, Intset.valueEncoding(Integer.MAX_VALUE));
        assertEquals(8, Intset.valueEncoding(Integer.MIN_VALUE - 1L));
        assertEquals(8, Intset.valueEncoding(Integer.MAX_VALUE + 1L));
        assertEquals(8, Intset.valueEncoding(Long.MIN_VALUE));
        assertEquals(8, Intset.valueEncoding(Long.MAX_VALUE));
    }

    @Test
    void readsAndSearches() {
        Intset s = new Intset();
        for (long v : new long[] {10, -10, 0, 7}) {
            s.add(v);
        }
        assertEquals(4, s.size());
        assertEquals(-10, s.min());
        assertEquals(10, s.max());
        assertEquals(7, s.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(4));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(-1));
        assertEquals(2, s.search(7));
        assertEquals(-3, s.search(5));
        assertEquals(-5, s.search(11));
        assertEquals(-1, s.search(-11));
        assertFalse(s.contains(1L << 40));
        assertFalse(s.remove(1L << 40));
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertTrue(s.contains(s.random(r)));
        }
        Intset empty = new Intset();
        assertThrows(NoSuchElementException.class, () -> empty.random(r));
        assertThrows(NoSuchElementException.class, empty::min);
        assertThrows(NoSuchElementException.class, empty::max);
        assertEquals(-1, empty.search(3));
    }

    @Test
    void adoptionDoesNotCopy() {
        byte[] blob = HEX.parseHex("0400000002000000" + "ffffffff" + "00000100");
        Intset s = Intset.wrap(blob, true);
        assertSame(blob, s.array());
        assertArrayEquals(new long[] {-1, 65536}, s.toLongArray());
        Intset c = Intset.copyOf(HEX.parseHex("aa" + "0400000002000000ffffffff00000100" + "bb"), 1, 16, true);
        assertEquals(s, c);
        s.add(3);
        s.trimToSize();
        assertEquals(s.blobLength(), s.array().length);
    }

    @Test
    void validationFollowsIntsetValidateIntegrity() {
        String ok = "0200000002000000" + "01000200";
        assertTrue(Intset.isValid(HEX.parseHex(ok), 0, 12, true));
        // header cut short
        assertInvalid("02000000", false);
        // unknown encoding
        assertInvalid("0300000001000000010000", false);
        assertInvalid("0000000000000000", false);
        // size mismatch, both ways
        assertInvalid("0200000002000000010002", false);
        assertInvalid("020000000200000001000200ff", false);
        // length pointing far past the end (would overflow 32-bit arithmetic)
        assertInvalid("08000000ffffffff0100000000000000", false);
        // empty
        assertInvalid("0200000000000000", false);
        // deep: duplicates and disorder are caught only when asked
        String dup = "0200000002000000" + "01000100";
        assertTrue(Intset.isValid(HEX.parseHex(dup), 0, 12, false));
        assertInvalid(dup, true);
        assertInvalid("0200000002000000" + "02000100", true);
        IntsetFormatException e = assertThrows(IntsetFormatException.class,
            () -> Intset.wrap(HEX.parseHex(dup), true));
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    }

    private static void assertInvalid(String hex, boolean deep) {
        byte[] b = HEX.parseHex(hex);
        assertFalse(Intset.isValid(b, 0, b.length, deep), hex);
        assertThrows(IntsetFormatException.class, () -> Intset.wrap(b, deep), hex);
    }

    /** The subset of RDB string decoding needed to pull an intset blob out of a DUMP payload. */
    static final class RdbString {
        static byte[] read(byte[] b, int[] pos) {
            int first = b[pos[0]] & 0xff;
            if ((first >>> 6) == 3) {
                pos[0]++;
                int special = first & 0x3f;
                if (special == 3) {
                    int clen = (int) length(b, pos);
                    int len = (int) length(b, pos);
                    byte[] out = Lzf.decompress(b, pos[0], clen, len);
                    pos[0] += clen;
                    return out;
                }
                throw new IllegalArgumentException("integer-encoded string where an intset blob was expected");
            }
            int len = (int) length(b, pos);
            byte[] out = Arrays.copyOfRange(b, pos[0], pos[0] + len);
            pos[0] += len;
            return out;
        }

        static long length(byte[] b, int[] pos) {
            int first = b[pos[0]++] & 0xff;
            switch (first >>> 6) {
                case 0:
                    return first & 0x3f;
                case 1:
                    return ((first & 0x3f) << 8) | (b[pos[0]++] & 0xff);
                case 2:
                    int n = first == 0x80 ? 4 : first == 0x81 ? 8 : -1;
                    if (n < 0) {
                        throw new IllegalArgumentException("bad length byte " + first);
                    }
                    long v = 0;
                    for (int i = 0; i < n; i++) {
                        v = (v << 8) | (b[pos[0]++] & 0xff);
                    }
                    return v;
                default:
                    throw new IllegalArgumentException("special encoding where a length was expected");
            }
        }
    }
}
