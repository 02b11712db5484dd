package io.cinnabar.server;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Hostile requests to a live server, answered as redis-server 7.0.15 answers them (transcripts compared byte for
 * byte): malformed multibulk and bulk headers (huge, negative, non-numeric, over-long count lines), inline lines
 * with bad quoting, and seeded random mutations (bit flips, truncation, length inflation) of valid requests; each
 * one is sent on a fresh connection and the transcript is everything the server wrote until it closed the
 * connection or went quiet. Also the argument checks the fuzzing of commands found different: a database index
 * past int's range, and DEBUG POPULATE with a key count no table can hold.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class HostileInputDifferentialTest {
    private static final String[] HEADERS = {
        "*-1\r\n", "*0\r\n", "*2147483648\r\n", "*9223372036854775807\r\n", "*9223372036854775808\r\n",
        "*-9223372036854775808\r\n", "*-2\r\n", "*abc\r\n", "*\r\n", "*+1\r\n", "* 1\r\n", "*1 \r\n", "*01\r\n",
        "*1\r\n$-1\r\n", "*1\r\n$536870913\r\n", "*1\r\n$9223372036854775808\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n",
        "*1\r\n:1\r\n", "*1\r\n*1\r\n", "*1\r\n$4\r\nPINGxx", "*1\r\n$4\r\nPING\r\n*1\r\n+PING\r\n",
        "*1\r\n$" + "9".repeat(70000), "*" + "1".repeat(70000), "a".repeat(70000),
        "SET a \"b\r\n", "SET a \"b\"c\r\n", "SET a 'b'c\r\n", "ECHO \"\\x4\r\n", "ECHO \"\\xZZ\"\r\n",
        "\r\n\r\nPING\r\n", "\0PING\r\n", "*1\r\n$4\r\nPI\0G\r\n", "PING\n", "*1\n$4\nPING\n",
    };

    @Test
    void malformedRequestsGetRedisProtocolErrors(DifferentialServers servers) throws Exception {
        List<String> redis = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (String h : HEADERS) {
            byte[] b = h.getBytes(StandardCharsets.ISO_8859_1);
            redis.add(Pair.escape(h.length() > 40 ? h.substring(0, 40) : h) + " -> " + transcript(servers.redisPort(), b));
            ours.add(Pair.escape(h.length() > 40 ? h.substring(0, 40) : h) + " -> " + transcript(servers.oursPort(), b));
        }
        Pair.assertSameTranscripts("malformed request headers", redis, ours);
    }

    @Test
    void mutatedRequestsGetTheSameAnswers(DifferentialServers servers) throws Exception {
        Random rnd = new Random(20261205);
        List<String> redis = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] b = mutate(rnd, RespClient.encode("SET", "k" + i, "value-" + i, "EX", "100"));
            String label = Pair.escape(new String(b, StandardCharsets.ISO_8859_1));
            redis.add(label + " -> " + transcript(servers.redisPort(), b));
            ours.add(label + " -> " + transcript(servers.oursPort(), b));
        }
        Pair.assertSameTranscripts("mutated SET requests", redis, ours);
    }

    /** One bit flip, a truncation, or a length digit made huge, in a valid request. */
    private static byte[] mutate(Random rnd, byte[] b) {
        byte[] t = b.clone();
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int bit = rnd.nextInt(t.length * 8);
                t[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            case 1 -> t = java.util.Arrays.copyOf(t, rnd.nextInt(t.length));
            default -> {
                String s = new String(t, StandardCharsets.ISO_8859_1);
                int at = s.indexOf(rnd.nextBoolean() ? '*' : '$', rnd.nextInt(s.length()));
                if (at >= 0) {
                    s = s.substring(0, at + 1) + (rnd.nextBoolean() ? "99999999999" : "-7") + s.substring(at + 2);
                }
                t = s.getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return t;
    }

    /** What the server writes after {@code b} on a fresh connection, until it closes or is quiet for 200 ms. */
    private static String transcript(int port, byte[] b) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(200);
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
                return Pair.escape(out.toString(StandardCharsets.ISO_8859_1)) + " <closed>";
            } catch (SocketTimeoutException e) {
                return Pair.escape(out.toString(StandardCharsets.ISO_8859_1)) + " <open>";
            } catch (IOException e) {
                return Pair.escape(out.toString(StandardCharsets.ISO_8859_1)) + " <reset>";
            }
        }
    }

    /** Redis's getIntFromObjectOrReply: an integer past int's range is "value is out of range, ..." (ours said "not an integer"). */
    @Test
    void hzOutsideItsRangeIsClampedInConfigGet(Pair p) throws Exception {
        p.same("CONFIG", "SET", "hz", "1000");
        p.same("CONFIG", "GET", "hz");
        p.same("CONFIG", "SET", "hz", "0");
        p.same("CONFIG", "GET", "hz");
        p.same("CONFIG", "SET", "hz", "10");
        p.same("CONFIG", "GET", "hz");
        p.assertSame();
    }

    @Test
    void databaseIndexPastIntRangeHasRedisText(Pair p) throws Exception {
        p.same("SET", "k", "v");
        p.same("SELECT", "2147483648");
        p.same("SELECT", "-2147483649");
        p.same("SELECT", "99999999999999999999");
        p.same("SELECT", "x");
        p.same("MOVE", "k", "2147483648");
        p.same("COPY", "k", "k2", "DB", "1099511627776");
        p.same("SELECT", "2147483647");
        p.assertSame();
    }

    /**
     * DEBUG POPULATE with 2^40 keys: ours looped over 2^40 inserts (a hung server); it now answers Redis's text for
     * a table it cannot allocate (redis-server 7.0.15 on a machine with overcommit gets the allocation and hangs the
     * same way, so this is not compared). A value size past proto-max-bulk-len made ours throw
     * NegativeArraySizeException ("internal error"; Redis crashes).
     */
    @Test
    void debugPopulateRefusesWhatNoTableOrStringCanHold(DifferentialServers servers) throws Exception {
        try (RespClient c = new RespClient(servers.oursPort())) {
            org.junit.jupiter.api.Assertions.assertEquals("-ERR OOM in dictTryExpand\r\n",
                c.call("DEBUG", "POPULATE", "1099511627776", "hostile"));
            org.junit.jupiter.api.Assertions.assertEquals(
                "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                c.call("DEBUG", "POPULATE", "1", "hostile", "9223372036854775807"));
            org.junit.jupiter.api.Assertions.assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "2", "ok", "3"));
            org.junit.jupiter.api.Assertions.assertEquals("$3\r\nval\r\n", c.call("GET", "ok:1"));
            c.call("DEL", "ok:0", "ok:1");
        }
    }

    /**
     * A fake master answering PSYNC with hostile lines: an offset past long's range (threw NumberFormatException on
     * the event loop and shut the server down), a short id, a negative or non-numeric RDB length. Each time the
     * replica drops the link (the fake master reads end of stream) and keeps serving.
     */
    @Test
    void aHostileMasterIsDroppedNotFatal(DifferentialServers servers) throws Exception {
        String id = "a".repeat(40);
        String[] replies = {"+FULLRESYNC " + id + " -99999999999999999999\r\n", "+FULLRESYNC short 0\r\n",
            "+FULLRESYNC " + id + " 0\r\n$-5\r\n", "+FULLRESYNC " + id + " 0\r\n$EOF:short\r\n",
            "+FULLRESYNC " + id + " 0\r\n$99x\r\n"};
        try (RespClient c = new RespClient(servers.oursPort())) {
            for (String reply : replies) {
                try (java.net.ServerSocket master = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getByName("127.0.0.1"))) {
                    master.setSoTimeout(20_000);
                    org.junit.jupiter.api.Assertions.assertEquals("+OK\r\n",
                        c.call("REPLICAOF", "127.0.0.1", Integer.toString(master.getLocalPort())));
                    try (Socket link = master.accept()) {
                        link.setSoTimeout(20_000);
                        InputStream in = link.getInputStream();
                        java.io.OutputStream out = link.getOutputStream();
                        for (String cmd; !(cmd = readCommand(in)).equals("PSYNC"); ) {
                            out.write((cmd.equals("PING") ? "+PONG\r\n" : "+OK\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        // the replica closes the link: read to the end of the stream (or its reset)
                        try {
                            while (in.read() >= 0) {
                                // drain
                            }
                        } catch (IOException closed) {
                            // reset by the replica: also a drop
                        }
                    }
                    org.junit.jupiter.api.Assertions.assertEquals("+PONG\r\n", c.call("PING"), reply);
                    org.junit.jupiter.api.Assertions.assertEquals("+OK\r\n", c.call("REPLICAOF", "NO", "ONE"));
                }
            }
        }
    }

    /** Reads one multibulk command and returns its name in upper case. */
    private static String readCommand(InputStream in) throws IOException {
        String head = line(in);
        int n = Integer.parseInt(head.substring(1));
        String name = null;
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            if (i == 0) {
                name = new String(b, 0, len, StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT);
            }
        }
        return name;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int ch; (ch = in.read()) != '\n'; ) {
            if (ch < 0) {
                throw new IOException("end of stream");
            }
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }
}
