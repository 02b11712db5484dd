package io.cinnabar.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyEncoderTest {

    static String s(ReplyEncoder e) {
        return new String(e.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static String dbl(double d) {
        return DoubleReplyTest.d2s(d);
    }

    @Test
    void scalarsResp2AndResp3() {
        ReplyEncoder e = new ReplyEncoder(8);
        e.addStatus("OK").addError("oops\r\nx").addError("-WRONGTYPE Operation").addError("").addLong(-42)
            .addLong(Long.MIN_VALUE).addBulk("héllo").addBulkLong(12).addNull().addNullArray().addBool(true)
            .addDouble(1.5).addBigNumber("123").addVerbatim("hi".getBytes(), 0, 2, "txt")
            .addBlobError("E\nx".getBytes(), 0, 3);
        assertEquals("+OK\r\n-ERR oops  x\r\n-WRONGTYPE Operation\r\n-ERR \r\n:-42\r\n:-9223372036854775808\r\n"
            + "$6\r\nh\u00c3\u00a9llo\r\n$2\r\n12\r\n$-1\r\n*-1\r\n:1\r\n$3\r\n1.5\r\n$3\r\n123\r\n$2\r\nhi\r\n-E x\r\n", s(e));
        e.clear();
        e.protocol(3).addNull().addNullArray().addBool(false).addDouble(Double.NEGATIVE_INFINITY).addBigNumber("-1")
            .addVerbatim("hi".getBytes(), 0, 2, "txt").addBlobError("E\nx".getBytes(), 0, 3);
        assertEquals("_\r\n_\r\n#f\r\n,-inf\r\n(-1\r\n=6\r\ntxt:hi\r\n!3\r\nE\nx\r\n", s(e));
    }

    @Test
    void growthListenerSeesEachGrowthAndMayDropTheReply() {
        ReplyEncoder e = new ReplyEncoder(64);
        java.util.List<Long> seen = new java.util.ArrayList<>();
        e.growthListener((enc, wanted) -> {
            seen.add(wanted);
            if (wanted > 200) {
                enc.clear();
            }
        });
        for (int i = 0; i < 10; i++) {
            e.addBulk("0123456789012345678901234567890123456789");
        }
        assertTrue(seen.size() >= 2 && seen.get(0) > 64, "told when the 64-byte array must grow: " + seen);
        assertTrue(e.array().length < 512, "dropped instead of growing past 200 bytes: " + e.array().length);
        assertTrue(e.length() < 512);
        e.growthListener(null);
        e.clear();
        e.addBulk("x".repeat(300));
        assertEquals(308, e.length()); // "$300\r\n" + 300 bytes + "\r\n"
    }

    @Test
    void aggregatesAndFallbacks() {
        ReplyEncoder e = new ReplyEncoder().protocol(3);
        e.addMapLen(1).addBulk("f").addSetLen(1).addLong(1).addPushLen(0).addAttributeLen(1).addBulk("a")
            .addBulk("b").addLong(7);
        assertEquals("%1\r\n$1\r\nf\r\n~1\r\n:1\r\n>0\r\n|1\r\n$1\r\na\r\n$1\r\nb\r\n:7\r\n", s(e));
        e.clear();
        e.protocol(2).addMapLen(1).addBulk("f").addSetLen(1).addLong(1).addPushLen(0)
            .addAttributeLen(1).addBulk("a").addArrayLen(2).addLong(1).addMapLen(1).addLong(2).addLong(3)
            .addLong(7);
        assertEquals("*2\r\n$1\r\nf\r\n*1\r\n:1\r\n*0\r\n:7\r\n", s(e));
    }

    @Test
    void deferredLengths() {
        ReplyEncoder e = new ReplyEncoder(64).protocol(3);
        e.addStatus("x");
        int outer = e.addDeferredLen();
        int inner = e.addDeferredLen();
        e.addLong(1).addLong(2);
        assertEquals(4, e.flushable());
        e.setDeferredArrayLen(inner, 2);
        for (int i = 0; i < 100; i++) {
            e.addBulk("0123456789");
        }
        e.setDeferredMapLen(outer, 51);
        String out = s(e);
        assertTrue(out.startsWith("+x\r\n%51\r\n*2\r\n:1\r\n:2\r\n$10\r\n0123456789\r\n$10\r\n"), out);
        assertEquals(4 + 5 + 4 + 8 + 100 * 17, out.length());
        assertEquals(e.length() - e.readIndex(), e.flushable());
        // out of order: outer first
        e.clear();
        e.protocol(2);
        outer = e.addDeferredLen();
        inner = e.addDeferredLen();
        e.addLong(1);
        e.setDeferredArrayLen(outer, 1);
        e.setDeferredSetLen(inner, 1);
        assertEquals("*1\r\n*1\r\n:1\r\n", s(e));
    }

    @Test
    void flushesToChannelsAndBuffersInPieces() throws java.io.IOException {
        ReplyEncoder e = new ReplyEncoder(64);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        java.nio.channels.WritableByteChannel ch = java.nio.channels.Channels.newChannel(sink);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            e.addBulkLong(i);
            expected.append('$').append(Long.toString(i).length()).append("\r\n").append(i).append("\r\n");
            if (i % 7 == 0) {
                java.nio.ByteBuffer small = java.nio.ByteBuffer.allocate(5);
                e.writeTo(small);
                sink.write(small.array(), 0, small.position());
            }
        }
        int h = e.addDeferredLen();
        e.addLong(1);
        e.writeTo(ch);
        assertTrue(e.hasPending());
        e.setDeferredArrayLen(h, 1);
        e.writeTo(ch);
        expected.append("*1\r\n:1\r\n");
        assertEquals(0, e.flushable());
        assertEquals(expected.toString(), sink.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void doublesAsRedis72PrintsThem() {
        assertEquals("0", dbl(0.0));
        assertEquals("-0", dbl(-0.0));
        assertEquals("nan", dbl(Double.NaN));
        assertEquals("inf", dbl(Double.POSITIVE_INFINITY));
        assertEquals("1.5", dbl(1.5));
        assertEquals("0.1", dbl(0.1));
        assertEquals("-3.25", dbl(-3.25));
        assertEquals("1000000000000000000", dbl(1e18));
        assertEquals("1e+19", dbl(1e19));
        assertEquals("1.2345678901234567e+30", dbl(1.2345678901234567e30));
        assertEquals("0.000001", dbl(1e-6));
        assertEquals("1e-7", dbl(1e-7));
        assertEquals("1.5e-7", dbl(1.5e-7));
        assertEquals("123456789.123", dbl(123456789.123));
        assertEquals("5e-324", dbl(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", dbl(Double.MAX_VALUE));
        assertEquals("0.30000000000000004", dbl(0.1 + 0.2));
        assertEquals("4611686018427387904", dbl(Math.pow(2, 62)));
        assertEquals("9223372036854776000", dbl(Math.pow(2, 63)));
    }
}
