package io.cinnabar.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyDecoderTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static RespValue parse(String s) {
        return RespValue.parse(b(s));
    }

    @Test
    void everyType() {
        assertEquals("+OK", parse("+OK\r\n").toString());
        assertEquals("-ERR x", parse("-ERR x\r\n").toString());
        assertEquals(":-9223372036854775808", parse(":-9223372036854775808\r\n").toString());
        assertEquals("$a\r\nb", parse("$4\r\na\r\nb\r\n").toString());
        assertEquals("null(BULK)", parse("$-1\r\n").toString());
        assertEquals("null(ARRAY)", parse("*-1\r\n").toString());
        assertEquals("null(RESP3)", parse("_\r\n").toString());
        assertEquals(new RespValue.Dbl(Double.NEGATIVE_INFINITY), parse(",-inf\r\n"));
        assertEquals(new RespValue.Dbl(Double.NaN), parse(",nan\r\n"));
        assertEquals(new RespValue.Dbl(1.5e-7), parse(",1.5e-7\r\n"));
        assertEquals("#t", parse("#t\r\n").toString());
        assertEquals("!SYNTAX x", parse("!8\r\nSYNTAX x\r\n").toString());
        assertEquals("=txt:Some string", parse("=15\r\ntxt:Some string\r\n").toString());
        assertEquals("(3492890328409238509324850943850943825024385", parse("(3492890328409238509324850943850943825024385\r\n").toString());
        assertEquals("MAP[+first, :1, +second, :2]", parse("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n").toString());
        assertEquals("SET[+a, :1]", parse("~2\r\n+a\r\n:1\r\n").toString());
        assertEquals("PUSH[$message, $ch, $hi]", parse(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n").toString());
        assertEquals("ARRAY[]", parse("*0\r\n").toString());
    }

    @Test
    void attributesWrapTheValueTheyDescribe() {
        // the example of the RESP3 specification: an attribute before the reply, and one inside an array
        RespValue v = parse("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n");
        assertTrue(v instanceof RespValue.Attributed);
        assertEquals("ARRAY[:2039123, :9543892]", ((RespValue.Attributed) v).value().toString());
        RespValue inner = parse("*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n");
        assertEquals("ARRAY[|[+ttl, :3600]:1, :2]", inner.toString());
        byte[] again = new ReplyEncoder().protocol(3).addValue(inner).toByteArray();
        assertEquals("*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n", new String(again, StandardCharsets.ISO_8859_1));
        assertEquals("*2\r\n:1\r\n:2\r\n", new String(new ReplyEncoder().addValue(inner).toByteArray(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void streamed() {
        assertEquals("$Hello world", parse("$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;2\r\nld\r\n;0\r\n").toString());
        assertEquals("ARRAY[:1, $ab]", parse("*?\r\n:1\r\n$2\r\nab\r\n.\r\n").toString());
        assertEquals("MAP[+a, :1]", parse("%?\r\n+a\r\n:1\r\n.\r\n").toString());
    }

    @Test
    void stopsAfterEachTopLevelReplyAndReportsNeededBytes() {
        ReplyDecoder d = new ReplyDecoder();
        ReplyTreeBuilder t = new ReplyTreeBuilder();
        byte[] in = b("+OK\r\n:1\r\n$10\r\nabc");
        assertEquals(5, d.decode(in, 0, in.length, t));
        assertTrue(d.complete());
        assertEquals("+OK", t.take().toString());
        assertEquals(4, d.decode(in, 5, in.length, t));
        assertEquals(0, d.decode(in, 9, in.length, t));
        assertFalse(d.complete());
        assertEquals(5 + 10 + 2, d.requiredBytes());
    }

    @Test
    void malformedRepliesAreProtocolErrors() {
        for (String bad : List.of("$3\r\nabcd\r\n", ".\r\n", ";3\r\nabc\r\n", ":12a\r\n", ":\r\n",
            ":99999999999999999999\r\n", "#x\r\n", "_x\r\n", ",1.2.3\r\n", ",Infinity\r\n", "=3\r\ntxt\r\n",
            "(12a\r\n", "$-2\r\n", "*-2\r\n", "%-1\r\n", "|?\r\n", "?\r\n", "+a\rb\r\n", "+a\nb\r\n",
            "$?\r\n+x\r\n", "$?\r\n;-1\r\n")) {
            RespProtocolException e = assertThrows(RespProtocolException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Protocol error: "), e.getMessage());
        }
    }

    @Test
    void limits() {
        ReplyDecoder d = new ReplyDecoder(new ReplyDecoder.Limits(10, 8, 5, 2));
        ReplyTreeBuilder t = new ReplyTreeBuilder();
        assertThrows(RespProtocolException.class, () -> d.decode(b("$11\r\n"), 0, 5, t));
        d.reset();
        assertThrows(RespProtocolException.class, () -> d.decode(b("*6\r\n"), 0, 4, t));
        d.reset();
        assertThrows(RespProtocolException.class, () -> d.decode(b("*1\r\n*1\r\n*1\r\n"), 0, 12, t));
        d.reset();
        assertThrows(RespProtocolException.class, () -> d.decode(b("+0123456789"), 0, 11, t));
    }

    @Test
    void incompleteInputIsNotAnError() {
        ReplyDecoder d = new ReplyDecoder();
        byte[] in = b("*2\r\n:1\r");
        assertEquals(4, d.decode(in, 0, in.length, new ReplyTreeBuilder()));
        assertFalse(d.complete());
        assertThrows(RespProtocolException.class, () -> RespValue.parse(in));
    }
}
