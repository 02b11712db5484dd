package io.cinnabar.lzf;

import io.cinnabar.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LzfTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Redis compressed these bytes itself (DUMP payloads from real servers); we must read and rewrite them. */
    @Test
    void everyLzfStringFromRedis32AndLaterRoundTripsByteForByte() {
        everyLzfString(false);
    }

    @Test
    void redis28LzfStringsDecompress() {
        everyLzfString(true);
    }

    void everyLzfString(boolean only28) {
        int seen = 0;
        for (Path file : Fixtures.list("rdb", "-dump-payloads.json")) {
            if (only28 != file.getFileName().toString().startsWith("redis-2.8")) {
                continue;
            }
            for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
                byte[] p = e.getValue();
                if ((p[1] & 0xff) != 0xC3) {
                    continue;
                }
                int[] pos = {2};
                int clen = (int) rdbLength(p, pos);
                int len = (int) rdbLength(p, pos);
                Lzf.validate(p, pos[0], clen, len, true);
                byte[] plain = Lzf.decompress(p, pos[0], clen, len);
                if (only28) {
                    seen++;
                    continue;
                }
                byte[] again = Lzf.compress(plain, plain.length - 4);
                assertArrayEquals(java.util.Arrays.copyOfRange(p, pos[0], pos[0] + clen), again,
                    file.getFileName() + " key " + e.getKey());
                seen++;
            }
        }
        assertTrue(seen >= (only28 ? 5 : 30), "expected LZF strings in the fixtures, saw " + seen);
    }

    /** The RDB length encoding, enough to find the LZF blob inside a payload. */
    static long rdbLength(byte[] b, int[] pos) {
        int first = b[pos[0]++] & 0xff;
        switch (first >>> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((first & 0x3f) << 8) | (b[pos[0]++] & 0xff);
            default:
                if (first == 0x80) {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | (b[pos[0]++] & 0xff);
                    }
                    return v;
                }
                throw new IllegalArgumentException("unexpected length byte " + first);
        }
    }

    @Test
    void workedExamples() {
        // A run: one literal 'a', then a reference one byte back copying 9 bytes... as Redis writes it.
        byte[] run = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
        byte[] c = Lzf.compress(run, run.length - 4);
        assertEquals("016161e01b00016161", HEX.formatHex(c)); // DUMP of SET k <40 x a> on redis 7.0.15
        assertArrayEquals(run, Lzf.decompress(c, 0, c.length, run.length));
        // Incompressible input does not fit in len - 4 bytes.
        assertNull(Lzf.compress("abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII), 22));
        // Hand-made stream: literal "ab", then back reference distance 2, length 6 -> "abababab".
        byte[] hand = HEX.parseHex("016162" + "8001");
        assertArrayEquals("abababab".getBytes(StandardCharsets.US_ASCII), Lzf.decompress(hand, 0, hand.length, 8));
    }

    @Test
    void hostileInputsFailWithOffsets() {
        // literal announces 32 bytes, 1 present
        LzfException e = assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("1f41"), 0, 2, 32));
        assertEquals(0, e.offset());
        // reference before the start of the output
        e = assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("0041" + "2005"), 0, 4, 4));
        assertEquals(2, e.offset());
        // reference cut short
        assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("0041e0"), 0, 3, 10));
        // output longer than announced
        assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("016162" + "8001"), 0, 5, 7));
        // output shorter than announced
        assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("016162"), 0, 3, 3));
        // implausible expansion is refused before allocating
        assertThrows(LzfException.class, () -> Lzf.decompress(HEX.parseHex("0041"), 0, 2, Integer.MAX_VALUE));
        for (String s : List.of("1f41", "00412005", "0041e0", "0161628001")) {
            byte[] b = HEX.parseHex(s);
            assertThrows(LzfException.class, () -> Lzf.validate(b, 0, b.length, 7, true));
        }
    }
}
