package io.cinnabar.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.lzf.Lzf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DumpPayload#encode(int, boolean, int, java.util.function.Consumer)} and the writer's public primitives. */
class DumpPayloadEncodeTest {
    @Test
    void quicklistWithPrecompressedNodeReadsBack() {
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            elements.add(("element-" + "x".repeat(30) + i).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] node = Listpack.encode(elements);
        byte[] lzf = Lzf.compress(node, node.length);
        byte[] payload = DumpPayload.encode(11, false, RdbFormat.TYPE_LIST_QUICKLIST_2, w -> {
            w.length(2);
            w.length(2);
            w.lzfString(lzf, node.length);
            w.length(1);
            w.string("plain".getBytes(StandardCharsets.US_ASCII));
        });
        assertEquals(RdbFormat.TYPE_LIST_QUICKLIST_2, payload[0]);
        assertEquals(0xc3, payload[3] & 0xff);
        List<byte[]> got = new ArrayList<>();
        DumpPayload.read(payload, new RdbVisitor() {
            @Override
            public void listElement(byte[] e) {
                got.add(e);
            }
        });
        assertEquals(21, got.size());
        assertArrayEquals(elements.get(19), got.get(19));
        assertArrayEquals("plain".getBytes(StandardCharsets.US_ASCII), got.get(20));
    }

    @Test
    void zset2WithBinaryDoublesAndCompressionSwitch() {
        byte[] member = "m".repeat(40).getBytes(StandardCharsets.US_ASCII);
        byte[] plain = DumpPayload.encode(11, false, RdbFormat.TYPE_ZSET_2, w -> {
            w.length(1);
            w.string(member);
            w.binaryDouble(-2.5);
        });
        byte[] packed = DumpPayload.encode(11, true, RdbFormat.TYPE_ZSET_2, w -> {
            w.length(1);
            w.string(member);
            w.binaryDouble(-2.5);
        });
        assertEquals(1 + 1 + 1 + 40 + 8 + 10, plain.length);
        assertEquals(true, packed.length < plain.length);
        for (byte[] p : List.of(plain, packed)) {
            double[] score = new double[1];
            DumpPayload.read(p, new RdbVisitor() {
                @Override
                public void zsetEntry(byte[] m, double s) {
                    assertArrayEquals(member, m);
                    score[0] = s;
                }
            });
            assertEquals(-2.5, score[0]);
        }
    }
}
