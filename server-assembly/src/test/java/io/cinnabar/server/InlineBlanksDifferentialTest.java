package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Inline commands holding {@code \v} and {@code \f}, on the embedded server and a real redis-server 7.0.15: as in
 * Redis's {@code sdssplitargs}, both are skipped between arguments but stay inside an unquoted argument, so
 * {@code SET k\vx v} writes the key {@code "k\vx"}. Replies are compared as raw RESP, and the keys written are read
 * back with RESP (multibulk) commands so a wrong split shows up as a different key.
 */
@Differential(server = CinnabarUnderTest.class)
class InlineBlanksDifferentialTest {
    private static String inline(RespClient c, String line) throws IOException {
        c.sendRaw((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return c.read();
    }

    private static void both(Pair pair, String line, String expected) throws IOException {
        String real = inline(pair.redis(), line);
        String ours = inline(pair.ours(), line);
        assertEquals(real, ours, line);
        assertEquals(expected, real, "real redis-server: " + line);
    }

    private static void sameCall(Pair pair, String expected, String... cmd) throws IOException {
        String real = pair.redis().call(cmd);
        assertEquals(real, pair.ours().call(cmd), String.join(" ", cmd));
        assertEquals(expected, real, "real redis-server: " + String.join(" ", cmd));
    }

    @Test
    void verticalTabAndFormFeedAsRedisSplitsThem(Pair pair) throws IOException {
        both(pair, "\u000b\u000cSET\ta 1 \u000b\u000c", "+OK\r\n");           // skipped around arguments
        both(pair, "SET k\u000bx v\u000cw", "+OK\r\n");                        // kept inside them
        both(pair, "SET \"q\"\u000b\u000c'r'", "+OK\r\n");                     // blank after a closing quote
        sameCall(pair, "$1\r\n1\r\n", "GET", "a");
        sameCall(pair, "$3\r\nv\u000cw\r\n", "GET", "k\u000bx");
        sameCall(pair, "$-1\r\n", "GET", "k");
        sameCall(pair, "$1\r\nr\r\n", "GET", "q");
        // a closing quote followed by \v is fine; by another byte an error (which also closes the connection)
        both(pair, "SET \"q\"x 1", "-ERR Protocol error: unbalanced quotes in request\r\n");
    }
}
