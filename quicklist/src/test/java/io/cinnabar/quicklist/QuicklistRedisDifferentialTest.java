package io.cinnabar.quicklist;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same random list commands on a real redis-server and on a {@link Quicklist} doing what Redis's
 * {@code t_list.c} does for each command; then the node layout in Redis's {@code DUMP} payload (one entry per
 * node: container, and the listpack or element bytes, LZF-compressed exactly when the node is compressed) must
 * equal ours byte for byte, after every command. The oracle is Redis 7.0.15, whose lists are always quicklists;
 * its merge estimate differs from 7.2's by 4 bytes, which the test sets ({@code mergeEstimateSlack}).
 */
class QuicklistRedisDifferentialTest {
    private static final int RDB_TYPE_LIST_QUICKLIST_2 = 18;
    private int compressedSeen;
    private int plainSeen;

    @Test
    void sameNodesAsRedisAfterTheSameCommands() throws IOException {
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes", "--rdbcompression", "no");
             Socket socket = redis.connect()) {
            RespObjectClient resp = new RespObjectClient(socket);
            int run = 0;
            for (int fill : new int[] {-2, -1, 1, 3, 128}) {
                for (int depth = 0; depth <= 2; depth++) {
                    for (long threshold : new long[] {0, 700}) {
                        runOne(resp, fill, depth, threshold, new Random(1000 + run++));
                    }
                }
            }
            assertTrue(compressedSeen > 1000, "compressed nodes compared: " + compressedSeen);
            assertTrue(plainSeen > 1000, "plain nodes compared: " + plainSeen);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void runOne(RespObjectClient resp, int fill, int depth, long threshold, Random r) throws IOException {
        resp.call("DEL", "k");
        resp.call("CONFIG", "SET", "list-max-listpack-size", Integer.toString(fill));
        resp.call("CONFIG", "SET", "list-compress-depth", Integer.toString(depth));
        resp.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", Long.toString(threshold == 0 ? 1L << 30 : threshold));
        Quicklist ql = new Quicklist(fill, depth);
        ql.mergeEstimateSlack = 11; // the oracle is Redis 7.0, whose merge estimate subtracts 11 (7.2: 7)
        ql.setPackedThreshold(threshold);
        List<byte[]> model = new ArrayList<>();
        String where = "fill " + fill + " depth " + depth + " threshold " + threshold;
        for (int step = 0; step < 1000; step++) {
            String op = command(resp, ql, model, r);
            compare(resp, ql, where + " after step " + step + " (" + op + ")");
        }
        compare(resp, ql, where + " at the end");
    }

    private static byte[] value(Random r) {
        int kind = r.nextInt(100);
        if (kind < 25) {
            return b(Integer.toString(r.nextInt(2_000_000) - 1_000_000));
        }
        int n = kind < 75 ? 1 + r.nextInt(30) : kind < 95 ? 30 + r.nextInt(400) : 650 + r.nextInt(300);
        byte[] v = new byte[n];
        int alphabet = kind < 75 ? 26 : 3;
        for (int i = 0; i < n; i++) {
            v[i] = (byte) ('a' + r.nextInt(alphabet));
        }
        return v;
    }

    /** Runs one random command on both sides; returns its name. */
    private String command(RespObjectClient resp, Quicklist ql, List<byte[]> model, Random r) throws IOException {
        int size = model.size();
        int c = r.nextInt(100);
        if (size == 0 || c < 45) {
            byte[] v = value(r);
            if (r.nextBoolean()) {
                resp.call(b("RPUSH"), b("k"), v);
                ql.pushTail(v);
                model.add(v);
                return "RPUSH";
            }
            resp.call(b("LPUSH"), b("k"), v);
            ql.pushHead(v);
            model.add(0, v);
            return "LPUSH";
        }
        if (c < 55) {
            boolean left = r.nextBoolean();
            Object got = resp.call(left ? "LPOP" : "RPOP", "k");
            byte[] ours = left ? ql.popHead() : ql.popTail();
            assertArrayEquals((byte[]) got, ours);
            model.remove(left ? 0 : size - 1);
            return "POP";
        }
        if (c < 65) {
            int i = r.nextInt(size) - (r.nextBoolean() ? size : 0);
            byte[] v = value(r);
            resp.call(b("LSET"), b("k"), b(Integer.toString(i)), v);
            ql.replace(i, v);
            model.set(i < 0 ? size + i : i, v);
            return "LSET";
        }
        if (c < 75) {
            byte[] pivot = model.get(r.nextInt(size));
            byte[] v = value(r);
            boolean after = r.nextBoolean();
            resp.call(b("LINSERT"), b("k"), b(after ? "AFTER" : "BEFORE"), pivot, v);
            try (QuicklistIterator it = ql.iterator(0, true)) {
                int i = 0;
                while (it.next()) {
                    if (it.valueEquals(pivot)) {
                        if (after) {
                            it.insertAfter(v);
                        } else {
                            it.insertBefore(v);
                        }
                        model.add(after ? i + 1 : i, v);
                        break;
                    }
                    i++;
                }
            }
            return "LINSERT";
        }
        if (c < 85) {
            byte[] victim = model.get(r.nextInt(size));
            int count = r.nextInt(5) - 2;
            resp.call(b("LREM"), b("k"), b(Integer.toString(count)), victim);
            int removed = 0;
            try (QuicklistIterator it = count < 0 ? ql.iterator(-1, false) : ql.iterator(0, true)) {
                while (it.next()) {
                    if (it.valueEquals(victim)) {
                        it.remove();
                        removed++;
                        if (count != 0 && removed == Math.abs(count)) {
                            break;
                        }
                    }
                }
            }
            int left = removed;
            for (int i = count < 0 ? size - 1 : 0; left > 0 && i >= 0 && i < model.size(); i += count < 0 ? -1 : 1) {
                if (Arrays.equals(model.get(i), victim)) {
                    model.remove(i);
                    left--;
                    if (count >= 0) {
                        i--;
                    }
                }
            }
            return "LREM";
        }
        if (c < 90) {
            int start = r.nextInt(4) - 1;
            int end = -1 - r.nextInt(4);
            resp.call("LTRIM", "k", Integer.toString(start), Integer.toString(end));
            ltrim(ql, model, start, end);
            return "LTRIM";
        }
        int i = r.nextInt(size);
        Object got = resp.call("LINDEX", "k", Integer.toString(i));
        assertArrayEquals((byte[]) got, ql.get(i));
        return "LINDEX";
    }

    /** Redis's ltrimCommand: two range deletes. */
    private static void ltrim(Quicklist ql, List<byte[]> model, long start, long end) {
        long llen = model.size();
        if (start < 0) {
            start += llen;
        }
        if (end < 0) {
            end += llen;
        }
        if (start < 0) {
            start = 0;
        }
        long ltrim;
        long rtrim;
        if (start > end || start >= llen) {
            ltrim = llen;
            rtrim = 0;
        } else {
            if (end >= llen) {
                end = llen - 1;
            }
            ltrim = start;
            rtrim = llen - end - 1;
        }
        ql.deleteRange(0, ltrim);
        ql.deleteRange(-rtrim, rtrim);
        model.subList((int) (llen - rtrim), (int) llen).clear();
        model.subList(0, (int) ltrim).clear();
    }

    private void compare(RespObjectClient resp, Quicklist ql, String where) throws IOException {
        Object dump = resp.call("DUMP", "k");
        if (dump == null) {
            assertEquals(0, ql.count(), where + ": Redis has no key");
            return;
        }
        byte[] d = (byte[]) dump;
        int[] pos = {0};
        assertEquals(RDB_TYPE_LIST_QUICKLIST_2, d[pos[0]++] & 0xff, where);
        long nodes = readLen(d, pos);
        assertEquals(nodes, ql.nodeCount(), where + ": node count; ours " + ql);
        QuicklistNode n = ql.head();
        for (int i = 0; i < nodes; i++, n = n.next()) {
            String at = where + ": node " + i + " of " + nodes + " ours " + n;
            compressedSeen += n.isCompressed() ? 1 : 0;
            plainSeen += n.isPlain() ? 1 : 0;
            assertEquals(readLen(d, pos), n.container(), at + " container");
            int first = d[pos[0]] & 0xff;
            if ((first & 0xC0) == 0xC0) {
                assertEquals(0xC3, first, at);
                pos[0]++;
                int clen = (int) readLen(d, pos);
                int len = (int) readLen(d, pos);
                assertEquals(true, n.isCompressed(), at + ": Redis compressed it");
                assertEquals(len, n.size(), at);
                assertArrayEquals(Arrays.copyOfRange(d, pos[0], pos[0] + clen), n.compressedBytes(), at);
                pos[0] += clen;
            } else {
                int len = (int) readLen(d, pos);
                assertEquals(false, n.isCompressed(), at + ": Redis did not compress it");
                assertArrayEquals(Arrays.copyOfRange(d, pos[0], pos[0] + len), n.rawBytes(), at);
                pos[0] += len;
            }
        }
    }

    private static long readLen(byte[] d, int[] pos) {
        int b = d[pos[0]++] & 0xff;
        switch (b >> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return ((b & 0x3f) << 8) | (d[pos[0]++] & 0xff);
            default:
                if (b == 0x80) {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | (d[pos[0]++] & 0xff);
                    }
                    return v;
                }
                fail("unexpected length byte " + b);
                return -1;
        }
    }
}
