package io.cinnabar.resp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestDecoderTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Decodes a whole stream: the commands (args joined by '|'), then "ERR:..." if it fails. */
    static List<String> decodeAll(RequestDecoder d, byte[] in) {
        byte[] buf = in.clone();
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int r = d.decode(buf, from, buf.length);
            if (r == RequestDecoder.ERROR) {
                out.add("ERR:" + d.error());
                return out;
            }
            from += d.consumed();
            if (r == RequestDecoder.INCOMPLETE) {
                if (from != buf.length) {
                    out.add("PARTIAL:" + (buf.length - from));
                }
                return out;
            }
            out.add(join(d));
        }
    }

    static String join(RequestDecoder d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.argc(); i++) {
            if (i > 0) {
                sb.append('|');
            }
            sb.append(d.argString(i));
        }
        return sb.toString();
    }

    static List<String> decodeAll(String s) {
        return decodeAll(new RequestDecoder(), b(s));
    }

    @Test
    void multibulk() {
        assertEquals(List.of("SET|k|v", "GET|k"), decodeAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
        assertEquals(List.of("PING"), decodeAll("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"));
        // the smallest long is a count <= 0 to Redis, not string2ll's rejection (was "invalid multibulk length")
        assertEquals(List.of("PING"), decodeAll("*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid multibulk length"), decodeAll("*-9223372036854775809\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid multibulk length"), decodeAll("*\r\n"));
        assertEquals(List.of("", "a"), decodeAll("*1\r\n$0\r\n\r\n*1\r\n$1\r\na\r\n"));
        // Redis does not check the two bytes after a payload, nor the byte after a count's \r
        assertEquals(List.of("PING", "PING"), decodeAll("*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n"));
    }

    @Test
    void inline() {
        assertEquals(List.of("SET|k|v"), decodeAll("SET k v\r\n"));
        assertEquals(List.of("PING"), decodeAll("\r\n\n   \r\nPING\n"));
        assertEquals(List.of("ECHO|a\nb\"c\u0041\\q"), decodeAll("ECHO \"a\\nb\\\"c\\x41\\\\q\"\r\n"));
        assertEquals(List.of("ECHO|a'b"), decodeAll("ECHO 'a\\'b'\r\n"));
        assertEquals(List.of("ECHO|ab c"), decodeAll("ECHO a\"b c\"\r\n"));
        assertEquals(List.of("ECHO|a\u000bb"), decodeAll("ECHO a\u000bb\r\n"));
        assertEquals(List.of("ECHO|x4"), decodeAll("ECHO \"\\x4\"\r\n"));
        assertEquals(List.of("ECHO||x"), decodeAll("ECHO \"\" x\r\n"));
        assertEquals(List.of("a|b"), decodeAll("a\tb\r\n"));
    }

    @Test
    void errorsMatchRedis() {
        assertEquals(List.of("ERR:Protocol error: invalid bulk length"), decodeAll("*1\r\n$-5\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid multibulk length"), decodeAll("*abc\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid multibulk length"), decodeAll("*2147483648\r\n"));
        assertEquals(List.of("PARTIAL:13"), decodeAll("*2147483647\r\n"));
        assertEquals(List.of("ERR:Protocol error: unbalanced quotes in request"), decodeAll("set a \"b\r\n"));
        assertEquals(List.of("ERR:Protocol error: unbalanced quotes in request"), decodeAll("ECHO \"a\"x\r\n"));
        assertEquals(List.of("ERR:Protocol error: expected '$', got 'x'"), decodeAll("*1\r\nx\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid bulk length"), decodeAll("*1\r\n$536870913\r\n"));
        assertEquals(List.of("PARTIAL:16"), decodeAll("*1\r\n$536870912\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid multibulk length"), decodeAll("*01\r\n"));
        assertEquals(List.of("ERR:Protocol error: invalid bulk length"), decodeAll("*1\r\n$-0\r\n"));
        assertEquals(List.of("ERR:Protocol error: too big mbulk count string"), decodeAll("*" + "1".repeat(70000)));
        assertEquals(List.of("ERR:Protocol error: too big inline request"), decodeAll("A".repeat(70000)));
        assertEquals(List.of("ERR:Protocol error: too big bulk count string"), decodeAll("*1\r\n$" + "1".repeat(70000)));
        assertEquals(List.of("PARTIAL:12"), decodeAll("ECHO a\u0000b c\r\n"));
    }

    @Test
    void unauthenticatedLimits() {
        RequestDecoder d = new RequestDecoder();
        d.authRequired(true);
        assertEquals(List.of("ERR:Protocol error: unauthenticated multibulk length"), decodeAll(d, b("*11\r\n")));
        d = new RequestDecoder();
        d.authRequired(true);
        assertEquals(List.of("ERR:Protocol error: unauthenticated bulk length"), decodeAll(d, b("*1\r\n$16385\r\n")));
        d = new RequestDecoder();
        d.authRequired(true);
        assertEquals(List.of("PARTIAL:12"), decodeAll(d, b("*1\r\n$16384\r\n")));
    }

    @Test
    void keepsItsPlaceAcrossChunksAndCompaction() {
        String stream = "*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$11\r\nhello world\r\nPING\r\nECHO \"x y\"\r\n";
        byte[] all = b(stream);
        List<String> expected = decodeAll(new RequestDecoder(), all);
        for (int chunk = 1; chunk < all.length; chunk++) {
            RequestDecoder d = new RequestDecoder();
            byte[] buf = new byte[all.length];
            int start = 0;
            int end = 0;
            int fed = 0;
            List<String> got = new ArrayList<>();
            while (fed < all.length || start < end) {
                int n = Math.min(chunk, all.length - fed);
                System.arraycopy(all, fed, buf, end, n);
                fed += n;
                end += n;
                int r;
                while ((r = d.decode(buf, start, end)) == RequestDecoder.COMMAND) {
                    got.add(join(d));
                    start += d.consumed();
                }
                start += d.consumed();
                // compact: move the unconsumed bytes to the front
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
                if (fed == all.length && r == RequestDecoder.INCOMPLETE) {
                    break;
                }
            }
            assertEquals(expected, got, "chunk " + chunk);
        }
    }

    @Test
    void requiredBytesForLargeBulk() {
        RequestDecoder d = new RequestDecoder();
        byte[] buf = b("*2\r\n$3\r\nGET\r\n$100000\r\nabc");
        assertEquals(RequestDecoder.INCOMPLETE, d.decode(buf, 0, buf.length));
        assertEquals(0, d.consumed());
        assertEquals(4 + 9 + 9 + 100000 + 2, d.requiredBytes());
    }

    @Test
    void heapByteBuffer() {
        RequestDecoder d = new RequestDecoder();
        ByteBuffer bb = ByteBuffer.wrap(b("xx*1\r\n$4\r\nPING\r\n"));
        bb.position(2);
        assertEquals(RequestDecoder.COMMAND, d.decode(bb));
        assertEquals(16, bb.position());
        assertEquals(10, d.argOffset(0));
        assertTrue(d.argEqualsIgnoreCase(0, b("ping")));
    }
}
