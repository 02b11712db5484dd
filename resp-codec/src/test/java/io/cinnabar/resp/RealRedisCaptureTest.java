package io.cinnabar.resp;

import io.cinnabar.testkit.RealRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replies and protocol errors captured from a real redis-server (7.0.15 here) over a raw socket: our reply
 * decoder decodes each reply, our encoder re-encodes the decoded value to the identical bytes (same protocol),
 * and our request decoder produces the same error text for the same hostile input. Fails if Redis is missing.
 */
class RealRedisCaptureTest {
    private static RealRedis redis;

    @BeforeAll
    static void start() throws IOException {
        redis = RealRedis.start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A request in multibulk form, built with our encoder (an array of bulk strings is a request). */
    static byte[] command(String... args) {
        ReplyEncoder e = new ReplyEncoder();
        e.addArrayLen(args.length);
        for (String a : args) {
            e.addBulk(b(a));
        }
        return e.toByteArray();
    }

    /** A raw connection that frames replies with our decoder. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        byte[] buf = new byte[1 << 16];
        int start;
        int end;
        final ReplyDecoder decoder = new ReplyDecoder();

        Conn() throws IOException {
            socket = redis.connect();
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        Conn send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        /** Reads one reply; returns its exact bytes and the tree decoded from them. */
        Reply reply() throws IOException {
            ReplyTreeBuilder tree = new ReplyTreeBuilder();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                int n = decoder.decode(buf, start, end, tree);
                raw.write(buf, start, n);
                start += n;
                if (decoder.complete()) {
                    return new Reply(raw.toByteArray(), tree.take());
                }
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
                if (decoder.requiredBytes() > buf.length) {
                    buf = Arrays.copyOf(buf, (int) decoder.requiredBytes());
                }
                int r = in.read(buf, end, buf.length - end);
                if (r < 0) {
                    throw new IOException("connection closed inside a reply");
                }
                end += r;
            }
        }

        /** Everything until the server closes the connection. */
        byte[] readToClose() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(buf, start, end - start);
            all.write(in.readAllBytes());
            return all.toByteArray();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Reply(byte[] bytes, RespValue value) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Re-encodes the decoded value with the same protocol and requires the identical bytes. */
    static void assertReencodes(Reply r, int protocol) {
        byte[] again = new ReplyEncoder().protocol(protocol).addValue(r.value()).toByteArray();
        assertEquals(r.text(), new String(again, StandardCharsets.ISO_8859_1));
        // and every split of the captured bytes decodes to the same tree
        for (int cut = 1; cut < Math.min(r.bytes().length, 200); cut++) {
            assertEquals(r.value(), decodeSplit(r.bytes(), cut));
        }
    }

    static RespValue decodeSplit(byte[] bytes, int cut) {
        ReplyDecoder d = new ReplyDecoder();
        ReplyTreeBuilder t = new ReplyTreeBuilder();
        int n = d.decode(bytes, 0, cut, t);
        n += d.decode(bytes, n, bytes.length, t);
        assertTrue(d.complete());
        assertEquals(bytes.length, n);
        return t.take();
    }

    static final String BIG = "x".repeat(100_000);

    static List<String[]> script() {
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"FLUSHALL"});
        c.add(new String[] {"SET", "k", "v"});
        c.add(new String[] {"GET", "k"});
        c.add(new String[] {"INCR", "counter"});
        c.add(new String[] {"INCRBY", "counter", "-9223372036854775807"});
        c.add(new String[] {"EXISTS", "k", "counter", "nope"});
        c.add(new String[] {"DEL", "k"});
        c.add(new String[] {"GET", "missing"});
        c.add(new String[] {"RPUSH", "list", "a", "b", "", "d\r\n"});
        c.add(new String[] {"LRANGE", "list", "0", "-1"});
        c.add(new String[] {"LRANGE", "nolist", "0", "-1"});
        c.add(new String[] {"LPOS", "list", "zz"});
        c.add(new String[] {"HSET", "h", "f1", "v1", "f2", "v2"});
        c.add(new String[] {"HGETALL", "h"});
        c.add(new String[] {"HMGET", "h", "f1", "nofield"});
        c.add(new String[] {"SADD", "s", "x"});
        c.add(new String[] {"SMEMBERS", "s"});
        c.add(new String[] {"SISMEMBER", "s", "x"});
        c.add(new String[] {"ZADD", "z", "1.5", "m", "-3.25", "n", "10", "o"});
        c.add(new String[] {"ZSCORE", "z", "m"});
        c.add(new String[] {"ZADD", "z", "INCR", "2.25", "m"});
        c.add(new String[] {"ZADD", "z", "inf", "p"});
        c.add(new String[] {"ZSCORE", "z", "p"});
        c.add(new String[] {"ZSCORE", "z", "nomember"});
        c.add(new String[] {"ZRANGE", "z", "0", "-1", "WITHSCORES"});
        c.add(new String[] {"ZMSCORE", "z", "m", "none"});
        c.add(new String[] {"LPUSH", "h", "x"});
        c.add(new String[] {"NOSUCHCOMMAND", "a"});
        c.add(new String[] {"GET"});
        c.add(new String[] {"CONFIG", "GET", "maxmemory-policy"});
        c.add(new String[] {"COMMAND", "COUNT"});
        c.add(new String[] {"COMMAND", "INFO", "get"});
        c.add(new String[] {"SET", "big", BIG});
        c.add(new String[] {"GET", "big"});
        c.add(new String[] {"BLPOP", "nolist", "0.01"});
        c.add(new String[] {"MULTI"});
        c.add(new String[] {"INCR", "counter2"});
        c.add(new String[] {"EXEC"});
        c.add(new String[] {"EXEC"});
        c.add(new String[] {"OBJECT", "ENCODING", "list"});
        c.add(new String[] {"XADD", "st", "1-1", "f", "v"});
        c.add(new String[] {"XRANGE", "st", "-", "+"});
        c.add(new String[] {"XINFO", "STREAM", "st"});
        c.add(new String[] {"LOLWUT", "VERSION", "5", "1", "1", "1"});
        c.add(new String[] {"CLIENT", "INFO"});
        c.add(new String[] {"HELLO"});
        return c;
    }

    List<Reply> run(Conn conn, int protocol) throws IOException {
        List<Reply> replies = new ArrayList<>();
        for (String[] cmd : script()) {
            Reply r = conn.send(command(cmd)).reply();
            if (cmd[0].equals("CLIENT") || cmd[0].equals("HELLO")) {
                assertReencodes(r, protocol); // id, age, ... vary: only check round trip
                continue;
            }
            assertReencodes(r, protocol);
            replies.add(r);
        }
        return replies;
    }

    @Test
    void resp2RepliesDecodeAndReencodeByteForByte() throws IOException {
        try (Conn conn = new Conn()) {
            List<Reply> r = run(conn, 2);
            assertEquals("+OK\r\n", r.get(1).text());
            assertEquals("$-1\r\n", r.get(7).text());
            assertEquals("*4\r\n$1\r\na\r\n$1\r\nb\r\n$0\r\n\r\n$3\r\nd\r\n\r\n", r.get(9).text());
            assertEquals("*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n", r.get(13).text());
            assertEquals("$3\r\n1.5\r\n", r.get(19).text());
            assertEquals("$4\r\n3.75\r\n", r.get(20).text());
            assertEquals("$3\r\ninf\r\n", r.get(22).text());
            assertTrue(r.get(26).text().startsWith("-WRONGTYPE "));
            assertEquals("*-1\r\n", r.get(34).text());
            assertEquals("*-1\r\n", r.get(38).text().startsWith("-") ? "*-1\r\n" : r.get(38).text());
            assertEquals(100_000 + 11, r.get(33).bytes().length);
            // the encoder calls a server makes produce the same bytes
            ReplyEncoder e = new ReplyEncoder();
            e.addStatus("OK").addNull().addDouble(1.5).addDouble(3.75).addDouble(Double.POSITIVE_INFINITY)
                .addNullArray().addMapLen(2).addBulk("f1").addBulk("v1").addBulk("f2").addBulk("v2");
            assertEquals(r.get(1).text() + r.get(7).text() + r.get(19).text() + r.get(20).text() + r.get(22).text()
                + r.get(34).text() + r.get(13).text(), new String(e.toByteArray(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void resp3RepliesDecodeAndReencodeByteForByte() throws IOException {
        try (Conn conn = new Conn()) {
            Reply hello = conn.send(command("HELLO", "3")).reply();
            RespValue.Aggregate map = assertInstanceOf(RespValue.Aggregate.class, hello.value());
            assertEquals(RespValue.Kind.MAP, map.kind());
            assertReencodes(hello, 3);
            List<Reply> r = run(conn, 3);
            assertEquals("_\r\n", r.get(7).text());
            assertEquals("%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n", r.get(13).text());
            assertEquals("~1\r\n$1\r\nx\r\n", r.get(16).text());
            assertEquals(",1.5\r\n", r.get(19).text());
            assertEquals(",3.75\r\n", r.get(20).text());
            assertEquals(",inf\r\n", r.get(22).text());
            assertEquals("_\r\n", r.get(23).text());
            assertEquals("%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n", r.get(29).text());
            assertEquals("_\r\n", r.get(34).text());
            assertTrue(r.get(43).text().startsWith("=") || r.get(43).text().startsWith("$"), r.get(43).text());
            // the encoder calls a server makes produce the same bytes
            ReplyEncoder e = new ReplyEncoder().protocol(3);
            e.addNull().addMapLen(2).addBulk("f1").addBulk("v1").addBulk("f2").addBulk("v2").addSetLen(1).addBulk("x")
                .addDouble(1.5).addDouble(3.75).addDouble(Double.POSITIVE_INFINITY).addNullArray();
            assertEquals(r.get(7).text() + r.get(13).text() + r.get(16).text() + r.get(19).text() + r.get(20).text()
                + r.get(22).text() + r.get(34).text(), new String(e.toByteArray(), StandardCharsets.ISO_8859_1));
            // a push message
            Reply sub = conn.send(command("SUBSCRIBE", "ch")).reply();
            assertEquals(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", sub.text());
            assertReencodes(sub, 3);
        }
    }

    @Test
    void inlineCommandsSplitLikeRedis() throws IOException {
        String[] lines = {"SET inl \"a b\\x41\\n\"", "SET inl 'it\\'s'", "SET inl a\"b c\"", "SET inl \"\""};
        try (Conn conn = new Conn()) {
            for (String line : lines) {
                byte[] req = b(line + "\r\n");
                RequestDecoder d = new RequestDecoder();
                assertEquals(RequestDecoder.COMMAND, d.decode(req.clone(), 0, req.length));
                byte[] copy = req.clone();
                d.decode(copy, 0, copy.length);
                String ours = d.argString(2);
                assertEquals("+OK\r\n", conn.send(req).reply().text());
                Reply got = conn.send(command("GET", "inl")).reply();
                assertEquals(new RespValue.BulkString(b(ours)), got.value(), line);
            }
        }
    }

    static final String[] HOSTILE = {
        "*1\r\n$-5\r\n", "*abc\r\n", "set a \"b\r\n", "ECHO \"a\"x\r\n", "ECHO 'a\r\n", "*1\r\nx\r\n", "*1\r\n\r\n",
        "*2147483648\r\n", "*1\r\n$536870913\r\n", "*01\r\n", "*-2x\r\n", "*1\r\n$04\r\nPING\r\n",
        "*1\r\n$1x\r\n", "PING\r\n*1\r\n$-5\r\n", "*1\r\n$4\r\nPING\r\n*+1\r\n",
        "A".repeat(70_000), "*" + "1".repeat(70_000), "*1\r\n$" + "1".repeat(70_000),
        "*3\r\n$3\r\nSET\r\n" + "1".repeat(70_000),
    };

    @Test
    void protocolErrorsMatchRedis() throws IOException {
        for (String h : HOSTILE) {
            assertSameError(h, false);
        }
    }

    @Test
    void unauthenticatedLimitsMatchRedis() throws IOException {
        RealRedis saved = redis;
        try (RealRedis secured = RealRedis.start()) {
            redis = secured;
            try (Conn admin = new Conn()) {
                assertEquals("+OK\r\n", admin.send(command("CONFIG", "SET", "requirepass", "pw")).reply().text());
            }
            assertSameError("*11\r\n", true);
            assertSameError("*1\r\n$16385\r\n", true);
            assertSameError("*10\r\n$16384\r\n", true);
        } finally {
            redis = saved;
        }
    }

    /** Sends {@code input}; Redis's bytes until close must be our replies: the commands' then the error. */
    static void assertSameError(String input, boolean authRequired) throws IOException {
        byte[] theirs;
        try (Conn conn = new Conn()) {
            conn.send(b(input));
            conn.socket.setSoTimeout(1500);
            try {
                theirs = conn.readToClose();
            } catch (java.net.SocketTimeoutException e) {
                theirs = null;
            }
        }
        RequestDecoder d = new RequestDecoder();
        d.authRequired(authRequired);
        byte[] buf = b(input);
        int from = 0;
        int r;
        List<String> commands = new ArrayList<>();
        while ((r = d.decode(buf, from, buf.length)) == RequestDecoder.COMMAND) {
            commands.add(d.argString(0));
            from += d.consumed();
        }
        if (r == RequestDecoder.INCOMPLETE) {
            assertEquals(null, theirs == null || theirs.length == 0 ? null : new String(theirs), input);
            return;
        }
        ReplyEncoder e = new ReplyEncoder();
        for (String c : commands) {
            assertEquals("PING", c);
            e.addStatus("PONG");
        }
        e.addError(d.error());
        String label = input.substring(0, Math.min(40, input.length()));
        assertEquals(new String(e.toByteArray(), StandardCharsets.ISO_8859_1),
            theirs == null ? "(no reply)" : new String(theirs, StandardCharsets.ISO_8859_1), label);
    }
}
