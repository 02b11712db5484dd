package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A normal client's output-buffer limit against redis-server 7.0.15 (7.2's networking.c counts the same): Redis's
 * getClientOutputBufferMemoryUsage counts its reply list only, not the 16 KB static buffer that replies fill first,
 * so with {@code client-output-buffer-limit "normal 10 0 0"} (or "normal 100 50 1") a reply of up to 16384 bytes
 * keeps the connection and one byte more closes it; a KEYS or HELP reply goes to the list at once (its deferred
 * length), so even a short one closes it; 1000 pipelined PINGs fit. Then, without limits, what CLIENT INFO of the connection
 * itself says after replies it has not read yet (obl = the static buffer's bytes, oll = list nodes, omem = the
 * list's jemalloc-sized blocks plus 40 bytes a node), and INFO's evicted_clients, which output-buffer closes leave
 * alone. The soft limit: a second 17 KB reply 2.2 s after the first (a PING between) closes the client, 0.2 s after
 * it does not.
 */
class OutputBufferLimitDifferentialTest {
    private static final int[] SIZES = {1024, 15 * 1024, 16374, 16375, 17 * 1024, 100 * 1024};
    private static final Pattern OMEM = Pattern.compile(" obl=(\\d+) oll=(\\d+) omem=(\\d+) ");

    private static List<String> run(int port) throws Exception {
        List<String> out = new ArrayList<>();
        try (RespClient admin = new RespClient(port)) {
            for (int n : SIZES) {
                admin.call("SET", "k" + n, "x".repeat(n));
            }
            for (String limit : new String[] {"normal 10 0 0", "normal 100 50 1"}) {
                admin.call("CONFIG", "SET", "client-output-buffer-limit", limit);
                for (int n : SIZES) {
                    out.add(limit + " GET k" + n + " -> " + outcome(port, RespClient.encode("GET", "k" + n),
                        n + Integer.toString(n).length() + 5));
                }
                out.add(limit + " KEYS * -> " + outcome(port, RespClient.encode("KEYS", "*"), 0));
                out.add(limit + " XINFO HELP -> " + outcome(port, RespClient.encode("XINFO", "HELP"), 0));
                byte[] pings = RespClient.encode("PING");
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int i = 0; i < 1000; i++) {
                    b.write(pings);
                }
                out.add(limit + " 1000 PINGs -> " + outcome(port, b.toByteArray(), 7000));
            }
            // the soft limit (50 bytes, 1 s): checked only while a reply list exists, in whole seconds, and its timer
            // is not reset by writing the reply or by small replies: a second large reply over 1 s later closes
            admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 50 1");
            out.add("soft, GET 17K, PING, 2.2 s, GET 17K -> " + soft(port, 2200));
            out.add("soft, GET 17K, PING, 0.2 s, GET 17K -> " + soft(port, 200));
            admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
            out.add("evicted_clients " + admin.call("INFO", "stats").lines()
                .filter(l -> l.startsWith("evicted_clients:")).findFirst().orElse("-"));
            out.add("GET 1K -> " + selfInfo(port, new String[][] {{"GET", "k1024"}}));
            out.add("GET 100K -> " + selfInfo(port, new String[][] {{"GET", "k102400"}}));
            out.add("GET 17K, GET 15K, GET 1K -> " + selfInfo(port, new String[][] {{"GET", "k17408"},
                {"GET", "k15360"}, {"GET", "k1024"}}));
            out.add("GET 15K x3 -> " + selfInfo(port, new String[][] {{"GET", "k15360"}, {"GET", "k15360"},
                {"GET", "k15360"}}));
            out.add("KEYS * -> " + selfInfo(port, new String[][] {{"KEYS", "*"}}));
            out.add("XINFO HELP -> " + selfInfo(port, new String[][] {{"XINFO", "HELP"}}));
            out.add("GET 1K, KEYS *, GET 100K -> " + selfInfo(port, new String[][] {{"GET", "k1024"}, {"KEYS", "*"},
                {"GET", "k102400"}}));
        }
        return out;
    }

    /**
     * Sends the bytes on a new connection, reads at least want bytes, then checks with a PING that the connection
     * is still served: "replied, kept", or "closed" (with how many bytes came first).
     */
    private static String outcome(int port, byte[] request, int want) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            int got = 0;
            byte[] buf = new byte[65536];
            while (got < Math.max(want, 1)) {
                int r = in.read(buf);
                if (r < 0) {
                    return "closed after " + got + " bytes";
                }
                got += r;
            }
            // the rest of the reply (KEYS: its length is not given), then a PING's answer
            s.getOutputStream().write(RespClient.encode("ECHO", "end-of-test"));
            String tail = "";
            while (!tail.endsWith("end-of-test\r\n")) {
                int r = in.read(buf);
                if (r < 0) {
                    return "closed after " + got + " bytes";
                }
                got += r;
                tail = (tail + new String(buf, 0, r, StandardCharsets.ISO_8859_1));
                tail = tail.substring(Math.max(0, tail.length() - 64));
            }
            return "replied, kept";
        } catch (SocketTimeoutException e) {
            return "timeout";
        }
    }

    /** GET k17408, PING, a pause (the soft limit's seconds: what is tested), GET k17408 again: its outcome. */
    private static String soft(int port, long pauseMs) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            s.getOutputStream().write(RespClient.encode("GET", "k17408"));
            String first = readN(in, 17408 + 9);
            s.getOutputStream().write(RespClient.encode("PING"));
            String ping = readN(in, 7);
            Thread.sleep(pauseMs);
            s.getOutputStream().write(RespClient.encode("GET", "k17408"));
            return first + ", " + ping + ", " + readN(in, 17408 + 9);
        }
    }

    private static String readN(InputStream in, int n) throws IOException {
        byte[] buf = new byte[65536];
        int got = 0;
        while (got < n) {
            int r = in.read(buf, 0, Math.min(buf.length, n - got));
            if (r < 0) {
                return "closed after " + got + " bytes";
            }
            got += r;
        }
        return "read " + got;
    }

    /** The commands then CLIENT INFO in one write: the connection's obl, oll and omem while the replies wait. */
    private static String selfInfo(int port, String[][] commands) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] c : commands) {
            b.write(RespClient.encode(c));
        }
        b.write(RespClient.encode("CLIENT", "INFO"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(b.toByteArray());
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            while (true) {
                int r = in.read(buf);
                assertTrue(r > 0, "connection closed");
                got.write(buf, 0, r);
                Matcher m = OMEM.matcher(got.toString(StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    return "obl=" + m.group(1) + " oll=" + m.group(2) + " omem=" + m.group(3);
                }
            }
        }
    }

    @Test
    void normalClientLimitsCountTheReplyListOnly() throws Exception {
        List<String> expected;
        try (RealRedis redis = RealRedis.start()) {
            expected = run(redis.port());
        }
        List<String> actual;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").start()) {
            actual = run(s.port());
        }
        // the oracle closes at 16375, keeps 16374 (the static buffer's 16384 bytes), and closes a short KEYS
        assertTrue(expected.contains("normal 10 0 0 GET k16374 -> replied, kept"), expected.toString());
        assertTrue(expected.get(3).startsWith("normal 10 0 0 GET k16375 -> closed"), expected.toString());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }
}
