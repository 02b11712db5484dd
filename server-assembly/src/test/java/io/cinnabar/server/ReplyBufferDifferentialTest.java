package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * DEBUG REPLYBUFFER against redis-server 7.0.15: the replies of every form, and the reply buffer's life as CLIENT
 * LIST shows it (rbs): 16 KB at first; with a 100 ms peak reset an idle client's buffer shrinks to 1 KB; with the
 * reset off, a reply that fills it doubles it once (then the peak no longer reaches the size); with resizing off
 * nothing moves. The same states are reached on both servers (polled, each within 4 s).
 */
class ReplyBufferDifferentialTest {
    private static final Pattern RBS = Pattern.compile(" rbs=(\\d+) rbp=(\\d+)");

    private static List<String> run(int port) throws Exception {
        List<String> out = new ArrayList<>();
        try (RespClient admin = new RespClient(port); RespClient c = new RespClient(port)) {
            for (String[] cmd : new String[][] {
                {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"},
                {"DEBUG", "REPLYBUFFER", "NOSUCH", "1"},
                {"DEBUG", "REPLYBUFFER", "RESIZING"},
                {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset"},
                {"DEBUG", "REPLYBUFFER", "RESIZING", "1"}}) {
                out.add(String.join(" ", cmd) + " => " + admin.call(cmd).trim());
            }
            admin.call("SET", "big", "x".repeat(20_000));
            String id = c.call("CLIENT", "ID").trim().substring(1);
            out.add("start " + rbs(admin, id));
            admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100");
            out.add("idle shrinks to " + waitFor(admin, id, 1024));
            admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never");
            c.call("GET", "big");
            out.add("full buffer doubles to " + waitFor(admin, id, 2048));
            Thread.sleep(1500);
            out.add("then stays " + rbs(admin, id));
            admin.call("DEBUG", "REPLYBUFFER", "RESIZING", "0");
            admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100");
            Thread.sleep(1500);
            out.add("resizing off keeps " + rbs(admin, id));
            admin.call("DEBUG", "REPLYBUFFER", "RESIZING", "1");
            admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset");
        }
        return out;
    }

    /** The client's rbs once it equals want (polled for up to 4 s), else its last value. */
    private static int waitFor(RespClient admin, String id, int want) throws Exception {
        int v = 0;
        for (int i = 0; i < 80; i++) {
            v = rbs(admin, id);
            if (v == want) {
                return v;
            }
            Thread.sleep(50);
        }
        return v;
    }

    private static int rbs(RespClient admin, String id) throws Exception {
        String list = admin.call("CLIENT", "LIST", "ID", id);
        Matcher m = RBS.matcher(list);
        assertTrue(m.find(), list);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void debugReplybufferAndTheBufferLifeEqualRedis() throws Exception {
        List<String> expected;
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes")) {
            expected = run(redis.port());
        }
        List<String> actual;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "")
            .config("enable-debug-command", "yes").start()) {
            actual = run(s.port());
        }
        assertTrue(expected.contains("idle shrinks to 1024"), expected.toString());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }
}
