package io.cinnabar.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Worked examples from the Javadoc diagrams, and the CRC64 check value. */
class FormatTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void crc64CheckValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(b, 0, b.length));
        long split = Crc64.update(Crc64.of(b, 0, 4), b, 4, 5);
        assertEquals(0xe9c6d914c4b8d9caL, split);
    }

    @Test
    void ziplistWorkedExample() {
        List<String> out = new ArrayList<>();
        int n = Ziplist.decode(hex("0f000000 0c000000 0200 00f3 02f1 ff"), 0, b -> out.add(new String(b)));
        assertEquals(2, n);
        assertEquals(List.of("2", "0"), out);
    }

    @Test
    void ziplistRejectsBadPrevlen() {
        RdbException e = assertThrows(RdbException.class, () -> Ziplist.validate(hex("0f000000 0c000000 0200 00f3 03f1 ff")));
        assertEquals(12, e.offset());
    }

    @Test
    void zipmapWorkedExample() {
        List<String> out = new ArrayList<>();
        Zipmap.decode(hex("02 01 61 01 00 31 01 62 01 00 32 ff"), 0, (f, v) -> out.add(new String(f) + "=" + new String(v)));
        assertEquals(List.of("a=1", "b=2"), out);
    }

    @Test
    void moduleIdNames() {
        // "hellotype" encoding version 0: 9 characters of 6 bits then 10 bits of version
        String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (char c : "hellotype".toCharArray()) {
            id = (id << 6) | charset.indexOf(c);
        }
        id = (id << 10) | 3;
        assertEquals("hellotype", RdbFormat.moduleName(id));
        assertEquals(3, RdbFormat.moduleVersion(id));
    }

    @Test
    void dumpPayloadWorkedExample() {
        byte[] p = DumpPayload.string(11, "hi".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(hex("00 02 68 69 0b 00"), java.util.Arrays.copyOf(p, 6));
        assertEquals(14, p.length);
        Collect c = new Collect();
        assertEquals(RdbFormat.TYPE_STRING, DumpPayload.read(p, c));
        assertTrue(c.keys.values().iterator().next().contains(Collect.b64("hi".getBytes())));
        p[3] ^= 1;
        assertThrows(RdbException.class, () -> DumpPayload.read(p, new Collect()));
    }

    @Test
    void writerStringEncodings() {
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        RdbWriter w = RdbWriter.create(bo, 11);
        w.string("12".getBytes());
        w.string("-129".getBytes());
        w.string("100000".getBytes());
        w.string("012".getBytes());
        w.string("2147483648".getBytes());
        w.crcSoFar();
        assertArrayEquals(hex("c00c c17fff c2a0860100 03303132 0a32313437343833363438"), bo.toByteArray());
    }
}
