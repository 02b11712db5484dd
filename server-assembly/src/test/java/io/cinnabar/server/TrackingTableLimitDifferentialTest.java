package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * tests/unit/tracking.tcl "Tracking gets notification on tracking table key eviction", against redis-server 7.0.15:
 * a CONFIG SET that lowers tracking-table-max-keys below the tracked keys evicts keys from the table (each
 * invalidated) from the cron, with no further command (Redis's serverCron calls trackingLimitUsedSlots as
 * processCommand does); before, ours waited for the next command.
 */
class TrackingTableLimitDifferentialTest {
    private static String run(int port) throws Exception {
        try (RespClient r = new RespClient(port); Socket redirect = new Socket("127.0.0.1", port)) {
            redirect.setSoTimeout(5000);
            InputStream in = redirect.getInputStream();
            redirect.getOutputStream().write(RespClient.encode("CLIENT", "ID"));
            String id = line(in).substring(1);
            redirect.getOutputStream().write(RespClient.encode("SUBSCRIBE", "__redis__:invalidate"));
            for (int i = 0; i < 6; i++) {
                line(in); // *3 $9 subscribe $20 __redis__:invalidate :1
            }
            r.call("CLIENT", "TRACKING", "on", "REDIRECT", id, "NOLOOP");
            r.call("MSET", "key1{t}", "1", "key2{t}", "2");
            r.call("MGET", "key1{t}", "key2{t}");
            String before = r.call("CONFIG", "SET", "tracking-table-max-keys", "1").strip();
            // nothing more is sent: the eviction must come by itself
            StringBuilder got = new StringBuilder();
            try {
                for (int i = 0; i < 8; i++) { // *3 $7 message $20 __redis__:invalidate *1 $7 key
                    got.append(line(in)).append(' ');
                }
            } catch (SocketTimeoutException e) {
                got.append("(no invalidation within 5 s)");
            }
            String key = got.toString().contains("key1{t}") ? "key1 or key2"
                : got.toString().contains("key2{t}") ? "key1 or key2" : got.toString();
            String keys = r.call("INFO", "stats").lines().filter(l -> l.startsWith("tracking_total_keys:"))
                .findFirst().orElse("-");
            r.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            return before + " | invalidated " + key + " | " + keys;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString().strip();
    }

    @Test
    void aLowerTableLimitEvictsWithoutAnotherCommand() throws Exception {
        String expected;
        try (RealRedis redis = RealRedis.start()) {
            expected = run(redis.port());
        }
        String actual;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").start()) {
            actual = run(s.port());
        }
        assertEquals("+OK | invalidated key1 or key2 | tracking_total_keys:1", expected);
        assertEquals(expected, actual);
    }
}
