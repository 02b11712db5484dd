package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the session 11 sweep of Redis 7.0.15's tcl unit files found (server README, "Redis test suite: session 11
 * sweep").
 */
class TclSweep11FindingsTest {
    private static final String TOO_LONG = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    private static final String BAD_OFFSET = "-ERR bit offset is not an integer or out of range\r\n";

    /**
     * string.tcl "SETRANGE with huge offset" in external mode, after list.tcl left proto-max-bulk-len at 10 GB: a
     * string longer than a Java array (2^31 - 1 bytes) got past the length check and the command failed with an
     * internal error (NegativeArraySizeException, ArrayIndexOutOfBoundsException). Redis 7.0.15 grows the string
     * (it replies 2147483648); a value here holds at most {@code Entry.MAX_STRING_LENGTH} bytes, so SETRANGE and
     * APPEND answer the length error and SETBIT / BITFIELD writes the offset error, as past proto-max-bulk-len,
     * and no key is made. Reads at those offsets still answer as Redis (0).
     */
    @Test
    void stringsLongerThanAValueHoldsAreRefusedWithRedisErrors() throws Exception {
        try (CinnabarServer ours = CinnabarServer.builder().port(0).config("proto-max-bulk-len", "10gb").start();
             RespClient c = new RespClient(ours.port())) {
            List<String> t = new ArrayList<>();
            t.add(c.call("SETRANGE", "k", "2147483647", "A"));
            t.add(c.call("SETRANGE", "k", "2147483646", "AB"));
            t.add(c.call("SETRANGE", "k", "9223372036854775807", "A"));
            t.add(c.call("SET", "s", "abc"));
            t.add(c.call("SETRANGE", "s", "2147483647", "A"));
            t.add(c.call("SETBIT", "b", "17179869183", "1"));
            t.add(c.call("SETBIT", "s", "17179869183", "1"));
            t.add(c.call("BITFIELD", "b", "SET", "u8", "#2147483647", "1"));
            t.add(c.call("BITFIELD", "b", "INCRBY", "i64", "17179869120", "1"));
            t.add(c.call("EXISTS", "k", "b"));
            t.add(c.call("GET", "s"));
            t.add(c.call("GETBIT", "s", "17179869183"));
            t.add(c.call("BITFIELD_RO", "s", "GET", "u8", "#2147483647"));
            t.add(c.call("SETRANGE", "s", "5", "x"));
            assertEquals(List.of(TOO_LONG, TOO_LONG, TOO_LONG, "+OK\r\n", TOO_LONG, BAD_OFFSET, BAD_OFFSET,
                BAD_OFFSET, BAD_OFFSET, ":0\r\n", "$3\r\nabc\r\n", ":0\r\n", "*1\r\n:0\r\n", ":6\r\n"), t);
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }
}
