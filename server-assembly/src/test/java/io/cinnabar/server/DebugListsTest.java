package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DEBUG QUICKLIST-PACKED-THRESHOLD and DEBUG LISTPACK against a real redis-server 7.0.15: replies and errors equal,
 * the threshold sends large elements to plain nodes the same way (DUMP bodies equal), and the layout printed for
 * the same listpacks equals what Redis prints on its stdout, except the addresses.
 */
class DebugListsTest {
    private static final String PLAIN = "qwertyuiopasdfghjklzxcvbnm1234";

    private static String body(String dump) {
        int e = dump.indexOf("\r\n");
        String b = dump.substring(e + 2, dump.length() - 2);
        return b.substring(0, b.length() - 10);
    }

    /** The printed blocks with the addr lines left out. */
    private static List<String> withoutAddresses(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            if (!l.startsWith("\taddr: 0x")) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void repliesAndEffectsEqualRedis() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
        String ourLayouts;
        try (CinnabarServer server = CinnabarServer.builder().port(0).config("save", "")
                 .config("enable-debug-command", "yes").log(new PrintStream(log, true, StandardCharsets.UTF_8)).start();
             RespClient real = new RespClient(redis.port()); RespClient ours = new RespClient(server.port())) {
            List<RespClient> both = List.of(real, ours);
            for (String v : new String[] {"10", "5gb", "abc", "0", "-1", "", "kb", "1kb", "2M", "4293918720",
                "4293918721", "4294967296", "1gb", "18446744073709551616"}) {
                assertEquals(real.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", v),
                    ours.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", v), v);
            }
            assertEquals(real.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD"), ours.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD"));

            // large elements go to plain nodes: same quicklist on both (count fill, so node boundaries agree)
            for (RespClient c : both) {
                c.call("CONFIG", "SET", "list-max-listpack-size", "2");
                assertEquals("+OK\r\n", c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "20"));
            }
            for (String e : new String[] {"a", "b", "c", PLAIN, "d", "e", "y".repeat(25), "f"}) {
                assertEquals(real.call("RPUSH", "big", e), ours.call("RPUSH", "big", e));
            }
            assertEquals(real.call("LPUSH", "big", "z".repeat(40)), ours.call("LPUSH", "big", "z".repeat(40)));
            assertEquals(real.call("LRANGE", "big", "0", "-1"), ours.call("LRANGE", "big", "0", "-1"));
            String theirs = real.call("DUMP", "big");
            assertEquals(body(theirs), body(ours.call("DUMP", "big")));
            // plain nodes are container 1 in the payload: the incompressible 30-byte element follows "01" raw
            assertTrue(theirs.contains("\u0001\u001e" + PLAIN), theirs);
            for (RespClient c : both) {
                assertEquals("+OK\r\n", c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"));
                c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
            }
            assertEquals(real.call("RPUSH", "small", "x".repeat(30)), ours.call("RPUSH", "small", "x".repeat(30)));
            assertEquals(body(real.call("DUMP", "small")), body(ours.call("DUMP", "small")));

            // DEBUG LISTPACK: replies
            for (RespClient c : both) {
                c.call("HSET", "h", "a", "1", "bb", "hello", "ccc", "123456789", "neg", "-70000", "long",
                    "a fairly long value that is more than forty bytes long", "i64", "9007199254740993");
                c.call("ZADD", "z", "1.5", "m", "-3", "n", "100000", "o");
                c.call("SET", "s", "v");
                c.call("HSET", "hh", "f", "x".repeat(100));
            }
            for (String k : new String[] {"h", "z", "nosuch", "s", "hh"}) {
                assertEquals(real.call("DEBUG", "LISTPACK", k), ours.call("DEBUG", "LISTPACK", k), k);
            }
            assertEquals(real.call("DEBUG", "LISTPACK"), ours.call("DEBUG", "LISTPACK"));
            // 7.2: a small list is a listpack here (a quicklist in 7.0)
            assertEquals("+Listpack structure printed on stdout\r\n", ours.call("DEBUG", "LISTPACK", "small"));
            ourLayouts = log.toString(StandardCharsets.UTF_8);
        }
        redis.close();
        String redisOut = Files.readString(redis.dir().resolve("stdout.log"), StandardCharsets.ISO_8859_1);
        // Redis printed h and z; we printed h, z and the list
        int end = ourLayouts.lastIndexOf("{total bytes");
        String ours2 = ourLayouts.substring(ourLayouts.indexOf("{total bytes"), end);
        String theirs2 = redisOut.substring(redisOut.indexOf("{total bytes"));
        theirs2 = theirs2.substring(0, theirs2.lastIndexOf("{end}") + 7);
        assertEquals(withoutAddresses(theirs2), withoutAddresses(ours2));
        assertTrue(ours2.contains("\t[str]a fairly long value that is more than fo...\n"), ours2);
        assertTrue(ourLayouts.substring(end).startsWith("{total bytes 39} {num entries 1}\n"), ourLayouts.substring(end));
    }
}
