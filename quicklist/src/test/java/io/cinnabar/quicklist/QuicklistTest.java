package io.cinnabar.quicklist;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.listpack.Listpack;
import io.cinnabar.lzf.Lzf;
import io.cinnabar.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuicklistTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] run(int n, char c) {
        byte[] v = new byte[n];
        Arrays.fill(v, (byte) c);
        return v;
    }

    @Test
    void popIntoASinkSeesWhatPopReturnsAndLeavesTheSameList() {
        // two lists with the same pushes (ints, short strings, plain nodes, compression); one pops with copies, the
        // other through a sink: same elements, and the same node layout afterwards
        Quicklist a = new Quicklist(-2, 1);
        Quicklist b = new Quicklist(-2, 1);
        a.setPackedThreshold(1000);
        b.setPackedThreshold(1000);
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 3000; i++) {
            byte[] v = switch (r.nextInt(3)) {
                case 0 -> b(Long.toString(r.nextLong() >> r.nextInt(64)));
                case 1 -> run(1 + r.nextInt(40), (char) ('a' + r.nextInt(26)));
                default -> r.nextInt(50) == 0 ? run(1500, 'p') : run(200, 'm');
            };
            if (r.nextBoolean()) {
                a.pushHead(v);
                b.pushHead(v);
            } else {
                a.pushTail(v);
                b.pushTail(v);
            }
        }
        byte[][] got = new byte[1][];
        Quicklist.ElementSink sink = new Quicklist.ElementSink() {
            @Override
            public void string(byte[] array, int offset, int length) {
                got[0] = Arrays.copyOfRange(array, offset, offset + length);
            }

            @Override
            public void integer(long value) {
                got[0] = b(Long.toString(value));
            }
        };
        while (a.count() > 0) {
            boolean head = r.nextBoolean();
            byte[] expected = head ? a.popHead() : a.popTail();
            assertTrue(b.pop(head, sink));
            assertArrayEquals(expected, got[0]);
            if (a.count() % 97 == 0) {
                assertEquals(a.toString(), b.toString());
            }
        }
        assertFalse(b.pop(true, sink));
    }

    @Test
    void countFillMakesNodesOfThatManyElements() {
        Quicklist ql = new Quicklist(2, 0);
        for (int i = 0; i < 5; i++) {
            ql.pushTail(b("v" + i));
        }
        assertEquals(3, ql.nodeCount());
        assertEquals(List.of(2, 2, 1), counts(ql));
        ql.pushHead(b("h"));
        assertEquals(List.of(1, 2, 2, 1), counts(ql));
        assertEquals("h", new String(ql.get(0), StandardCharsets.UTF_8));
        assertEquals("v4", new String(ql.get(-1), StandardCharsets.UTF_8));
    }

    @Test
    void sizeFillAndTheSafetyLimit() {
        Quicklist bySize = new Quicklist(-1, 0);
        for (int i = 0; i < 100; i++) {
            bySize.pushTail(run(100, 'x'));
        }
        for (QuicklistNode n = bySize.head(); n != null; n = n.next()) {
            assertTrue(n.size() <= 4096, n::toString);
        }
        assertEquals(3, bySize.nodeCount());
        Quicklist byCount = new Quicklist(128, 0);
        for (int i = 0; i < 100; i++) {
            byCount.pushTail(run(500, 'y'));
        }
        for (QuicklistNode n = byCount.head(); n != null; n = n.next()) {
            assertTrue(n.size() <= Quicklist.SIZE_SAFETY_LIMIT, n::toString);
        }
        assertTrue(byCount.nodeCount() > 1, "8 KiB safety limit splits even below 128 elements");
    }

    @Test
    void largeElementsGoToPlainNodes() {
        Quicklist ql = new Quicklist();
        assertFalse(ql.setPackedThreshold(-1));
        assertFalse(ql.setPackedThreshold((1L << 32)));
        assertTrue(ql.setPackedThreshold(100));
        ql.pushTail(b("a"));
        ql.pushTail(run(100, 'p'));
        ql.pushTail(b("b"));
        assertEquals(3, ql.nodeCount());
        QuicklistNode plain = ql.head().next();
        assertTrue(plain.isPlain());
        assertEquals(QuicklistNode.CONTAINER_PLAIN, plain.container());
        assertArrayEquals(run(100, 'p'), plain.rawBytes());
        assertTrue(ql.replace(1, b("small")));
        assertEquals("small", new String(ql.get(1), StandardCharsets.UTF_8));
        assertTrue(ql.insertAfter(0, run(200, 'q')));
        assertArrayEquals(run(200, 'q'), ql.get(1));
        ql.verify();
        assertTrue(ql.setPackedThreshold(0));
        assertEquals(Quicklist.DEFAULT_PACKED_THRESHOLD, ql.packedThreshold());
    }

    @Test
    void innerNodesAreCompressedAndEndsStayRaw() {
        Quicklist ql = new Quicklist(4, 1);
        for (int i = 0; i < 20; i++) {
            ql.pushTail(run(40, (char) ('a' + i % 3)));
        }
        assertEquals(5, ql.nodeCount());
        assertFalse(ql.head().isCompressed());
        assertFalse(ql.tail().isCompressed());
        for (QuicklistNode n = ql.head().next(); n != ql.tail(); n = n.next()) {
            assertTrue(n.isCompressed(), n::toString);
            byte[] raw = Lzf.decompress(n.compressedBytes(), 0, n.compressedBytes().length, n.size());
            assertEquals(4, Listpack.validate(raw, true));
        }
        // a small node is never compressed: MIN_COMPRESS_BYTES
        Quicklist small = new Quicklist(1, 1);
        for (int i = 0; i < 5; i++) {
            small.pushTail(b("x"));
        }
        for (QuicklistNode n = small.head(); n != null; n = n.next()) {
            assertFalse(n.isCompressed());
        }
        // reading a compressed node does not change it
        byte[] before = ql.head().next().compressedBytes();
        assertArrayEquals(run(40, 'c'), ql.get(5));
        assertTrue(ql.head().next().isCompressed());
        assertArrayEquals(before, ql.head().next().compressedBytes());
    }

    @Test
    void iteratorRemovesInBothDirectionsAndFailsFastOtherwise() {
        Quicklist ql = new Quicklist(3, 1);
        for (int i = 0; i < 30; i++) {
            ql.pushTail(b(Integer.toString(i % 4)));
        }
        try (QuicklistIterator it = ql.iterator(false)) {
            while (it.next()) {
                if (it.isInteger() && it.longValue() == 2) {
                    it.remove();
                }
            }
        }
        assertEquals(23, ql.count());
        ql.verify();
        QuicklistIterator it = ql.iterator(true);
        assertTrue(it.next());
        ql.pushTail(b("x"));
        assertThrows(ConcurrentModificationException.class, it::next);
        QuicklistIterator none = ql.iterator(1000, true);
        assertFalse(none.next());
    }

    @Test
    void limitsAsRedis72AndCopy() {
        assertEquals(4096, Quicklist.nodeSizeLimit(-1));
        assertEquals(65536, Quicklist.nodeSizeLimit(-9));
        assertEquals(Long.MAX_VALUE, Quicklist.nodeSizeLimit(5));
        assertEquals(1, Quicklist.nodeCountLimit(0));
        assertTrue(Quicklist.nodeExceedsLimit(-2, 8193, 1));
        assertFalse(Quicklist.nodeExceedsLimit(-2, 8192, 100_000));
        assertTrue(Quicklist.nodeExceedsLimit(128, 8193, 2));
        assertTrue(Quicklist.nodeExceedsLimit(128, 100, 129));
        assertFalse(Quicklist.nodeExceedsLimit(128, 8192, 128));
        Quicklist ql = new Quicklist(4, 1);
        ql.setPackedThreshold(100);
        for (int i = 0; i < 40; i++) {
            ql.pushTail(i % 10 == 9 ? run(150, 'z') : run(30, (char) ('a' + i % 3)));
        }
        Quicklist c = ql.copy();
        c.verify();
        assertEquals(ql.nodeCount(), c.nodeCount());
        for (QuicklistNode a = ql.head(), d = c.head(); a != null; a = a.next(), d = d.next()) {
            assertEquals(a.isCompressed(), d.isCompressed());
            assertEquals(a.isPlain(), d.isPlain());
            assertArrayEquals(a.rawBytes(), d.rawBytes());
        }
        c.popHead();
        assertEquals(40, ql.count());
        assertEquals(39, c.count());
    }

    @Test
    void deleteRangeFromEitherEnd() {
        Quicklist ql = new Quicklist(2, 0);
        for (int i = 0; i < 10; i++) {
            ql.pushTail(b(Integer.toString(i)));
        }
        assertFalse(ql.deleteRange(0, 0));
        assertFalse(ql.deleteRange(10, 1));
        assertTrue(ql.deleteRange(-3, 100));
        assertTrue(ql.deleteRange(1, 2));
        assertEquals(List.of("0", "3", "4", "5", "6"), strings(ql));
        assertNull(ql.get(5));
        assertEquals("6", new String(ql.popTail(), StandardCharsets.UTF_8));
        assertEquals("0", new String(ql.popHead(), StandardCharsets.UTF_8));
        ql.verify();
    }

    @Test
    void mergeOnDeleteJoinsNodesThatFit() {
        Quicklist redis = new Quicklist(4, 0);
        Quicklist merging = new Quicklist(4, 0);
        merging.setMergeOnDelete(true);
        for (Quicklist ql : List.of(redis, merging)) {
            for (int i = 0; i < 12; i++) {
                ql.pushTail(b(Integer.toString(i)));
            }
            ql.deleteRange(2, 2);
            ql.deleteRange(4, 2);
            ql.verify();
        }
        assertEquals(List.of(2, 2, 4), counts(redis));
        assertEquals(List.of(4, 4), counts(merging));
        assertEquals(strings(redis), strings(merging));
    }

    /** RDB round trip: Redis's quicklist DUMP payloads adopted node by node and emitted back unchanged. */
    @Test
    void adoptsRedisNodesFromDumpPayloads() {
        int lists = 0;
        for (String version : List.of("7.0", "7.2")) {
            var path = Fixtures.fixture("rdb/redis-" + version + "-all-types-dump-payloads.json");
            Map<String, byte[]> payloads = Fixtures.dumpPayloads(path);
            JsonNode expected = lenientJson(path.resolveSibling("redis-" + version + "-all-types.json")).get("dbs").get("0");
            for (var e : payloads.entrySet()) {
                byte[] d = e.getValue();
                if ((d[0] & 0xff) != 18) {
                    continue;
                }
                lists++;
                int[] pos = {1};
                long nodes = readLen(d, pos);
                Quicklist ql = new Quicklist();
                List<byte[]> raws = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    long container = readLen(d, pos);
                    byte[] raw = readString(d, pos);
                    raws.add(raw);
                    if (container == QuicklistNode.CONTAINER_PLAIN) {
                        ql.appendPlain(raw.clone());
                    } else {
                        ql.appendListpack(Listpack.adopt(raw.clone()));
                    }
                }
                ql.verify();
                String key = Base64.getEncoder().encodeToString(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
                List<byte[]> want = Fixtures.b64List(expected.get(key).get("value"));
                List<byte[]> got = ql.toList();
                assertEquals(want.size(), got.size(), e.getKey());
                for (int i = 0; i < want.size(); i++) {
                    assertArrayEquals(want.get(i), got.get(i));
                }
                int i = 0;
                for (QuicklistNode n = ql.head(); n != null; n = n.next(), i++) {
                    assertArrayEquals(raws.get(i), n.rawBytes());
                }
            }
        }
        assertTrue(lists >= 4, "quicklist payloads found: " + lists);
        assertThrows(IllegalArgumentException.class, () -> new Quicklist().appendListpack(new Listpack()));
    }

    /** The dataset JSON holds zset scores such as Infinity, which {@code Fixtures.json} refuses. */
    private static JsonNode lenientJson(java.nio.file.Path p) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build())
                .readTree(p.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long readLen(byte[] d, int[] pos) {
        int b = d[pos[0]++] & 0xff;
        if (b >> 6 == 0) {
            return b & 0x3f;
        }
        if (b >> 6 == 1) {
            return ((b & 0x3f) << 8) | (d[pos[0]++] & 0xff);
        }
        if (b == 0x80) {
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (d[pos[0]++] & 0xff);
            }
            return v;
        }
        throw new IllegalStateException("length byte " + b);
    }

    private static byte[] readString(byte[] d, int[] pos) {
        if ((d[pos[0]] & 0xff) == 0xC3) {
            pos[0]++;
            int clen = (int) readLen(d, pos);
            int len = (int) readLen(d, pos);
            byte[] raw = Lzf.decompress(d, pos[0], clen, len);
            pos[0] += clen;
            return raw;
        }
        int len = (int) readLen(d, pos);
        byte[] raw = Arrays.copyOfRange(d, pos[0], pos[0] + len);
        pos[0] += len;
        return raw;
    }

    private static List<Integer> counts(Quicklist ql) {
        List<Integer> out = new ArrayList<>();
        for (QuicklistNode n = ql.head(); n != null; n = n.next()) {
            out.add(n.count());
        }
        return out;
    }

    private static List<String> strings(Quicklist ql) {
        return ql.toList().stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }
}
