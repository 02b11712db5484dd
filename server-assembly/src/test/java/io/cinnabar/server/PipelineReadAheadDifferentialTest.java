package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event loop reads ahead the keys of a pipeline's next commands (PipelineKeys, Db#readAhead): a hint that must
 * change no reply. The same pipeline, sent in the same pieces to real Redis and to Cinnabar, gets the same bytes
 * back: SET/GET/INCR/APPEND/DEL/EXISTS/TYPE on keys of every shape (empty, with CR LF, long, int-looking), SELECT
 * between them (the same key in two databases), a transaction, inline commands, commands without a key, expiring
 * keys, MGET/MSET/DEL/UNLINK/EXISTS of up to 80 keys (their own keys are read ahead in windows, arity errors
 * too), and pieces cut at every kind of place (inside a length, inside an argument, between CR and LF).
 */
@Differential(server = CinnabarUnderTest.class)
class PipelineReadAheadDifferentialTest {
    private static final String[] KEYS = {"", "k\r\nx", "a", "12345", "key:" + "y".repeat(70), "*2\r\n$3", "b"};

    @Test
    void pipelinedRepliesAreRedis(DifferentialServers servers) throws Exception {
        byte[] pipeline = pipeline(new Random(42), 3000);
        for (long seed = 1; seed <= 3; seed++) {
            byte[] redis = run(servers.redisPort(), pipeline, new Random(seed));
            byte[] ours = run(servers.oursPort(), pipeline, new Random(seed));
            assertEquals(new String(redis, StandardCharsets.ISO_8859_1), new String(ours, StandardCharsets.ISO_8859_1),
                    "replies with pieces of seed " + seed);
        }
    }

    private static byte[] pipeline(Random r, int n) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        cmd(o, "FLUSHALL");
        cmd(o, "SELECT", "0");
        for (int i = 0; i < n; i++) {
            String k = KEYS[r.nextInt(KEYS.length)];
            switch (r.nextInt(18)) {
                case 0, 1 -> cmd(o, "SET", k, "v" + i);
                case 2, 3 -> cmd(o, "GET", k);
                case 4 -> cmd(o, "INCR", k);
                case 5 -> cmd(o, "APPEND", k, "x".repeat(r.nextInt(60)));
                case 6 -> cmd(o, "DEL", k, KEYS[r.nextInt(KEYS.length)]);
                case 7 -> cmd(o, "EXISTS", k);
                case 8 -> cmd(o, "SELECT", Integer.toString(r.nextInt(2)));
                case 9 -> {
                    cmd(o, "MULTI");
                    cmd(o, "SET", k, "m" + i);
                    cmd(o, "GET", k);
                    cmd(o, "EXEC");
                }
                case 10 -> o.writeBytes("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                case 11 -> cmd(o, "DBSIZE");
                case 12 -> cmd(o, "SET", k, Integer.toString(i), "PX", "100000");
                case 13 -> cmd(o, many(r, "MGET", 1));
                case 14 -> cmd(o, many(r, "MSET", 2));
                case 15 -> cmd(o, many(r, r.nextBoolean() ? "DEL" : "UNLINK", 1));
                case 16 -> cmd(o, many(r, "EXISTS", 1));
                default -> cmd(o, "TYPE", k);
            }
        }
        cmd(o, "ECHO", "done-marker");
        return o.toByteArray();
    }

    /** A command of 0 to 80 keys (with a value after each when perKey is 2): windows of keys read ahead. */
    private static String[] many(Random r, String name, int perKey) {
        int keys = r.nextInt(81);
        String[] args = new String[1 + keys * perKey];
        args[0] = name;
        for (int j = 0; j < keys; j++) {
            args[1 + j * perKey] = r.nextInt(4) == 0 ? KEYS[r.nextInt(KEYS.length)] : "m" + r.nextInt(60);
            if (perKey == 2) {
                args[2 + j * perKey] = "w" + r.nextInt(1000);
            }
        }
        return args;
    }

    private static void cmd(ByteArrayOutputStream o, String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        o.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the pipeline in pieces of 1 to 400 bytes and returns every reply byte up to the marker's echo. */
    private static byte[] run(int port, byte[] pipeline, Random r) throws IOException {
        byte[] end = "$11\r\ndone-marker\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int p = 0; p < pipeline.length; ) {
                int len = Math.min(pipeline.length - p, 1 + r.nextInt(400));
                out.write(pipeline, p, len);
                out.flush();
                p += len;
                while (in.available() > 0) { // keep the replies flowing while writing
                    got.write(buf, 0, in.read(buf));
                }
            }
            while (!endsWith(got.toByteArray(), end)) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("closed after " + got.size() + " reply bytes");
                }
                got.write(buf, 0, n);
            }
            return got.toByteArray();
        }
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        if (a.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (a[a.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
