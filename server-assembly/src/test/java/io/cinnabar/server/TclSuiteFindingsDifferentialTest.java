package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mismatches found by running Redis's own tcl test suite against Cinnabar (see the server README, "Redis test
 * suite"), each checked here against a real redis-server 7.0.15 with our own commands: the reply of both servers
 * must be the same, and the real server's reply is pinned so that a test cannot pass with both servers gone wrong.
 */
@Differential(server = CinnabarUnderTest.class)
class TclSuiteFindingsDifferentialTest {
    private static void same(Pair pair, String expected, String... cmd) throws IOException {
        String real = pair.same(cmd);
        assertEquals(expected, real, "real redis-server: " + String.join(" ", cmd));
        pair.assertSame();
    }

    /** string.tcl "SETRANGE with huge offset": offset + length overflowed a long and the write crashed the server. */
    @Test
    void setrangeOffsetThatOverflowsIsRefused(Pair pair) throws IOException {
        String tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
        same(pair, tooBig, "SETRANGE", "k", "9223372036854775807", "A");
        same(pair, tooBig, "SETRANGE", "k", "2147483647", "A");
        same(pair, ":0\r\n", "EXISTS", "k");
        same(pair, "+OK\r\n", "SET", "k", "abc");
        same(pair, tooBig, "SETRANGE", "k", "9223372036854775807", "A");
        same(pair, tooBig, "SETRANGE", "k", "9223372036854775806", "AB");
        same(pair, "$3\r\nabc\r\n", "GET", "k");
    }

    /** sort.tcl "SORT extracts STORE correctly": COMMAND GETKEYS finds SORT's (last) STORE key as sortGetKeys does. */
    @Test
    void commandGetkeysOfSortFindsTheStoreKey(Pair pair) throws IOException {
        same(pair, "*2\r\n$3\r\nabc\r\n$3\r\ndef\r\n", "COMMAND", "GETKEYS", "SORT", "abc", "STORE", "def");
        same(pair, "*2\r\n$3\r\nabc\r\n$3\r\ndef\r\n", "COMMAND", "GETKEYS", "SORT", "abc", "STORE", "invalid",
            "STORE", "stillbad", "STORE", "def");
        same(pair, "*1\r\n$3\r\nabc\r\n", "COMMAND", "GETKEYS", "SORT", "abc", "BY", "store", "GET", "store",
            "LIMIT", "0", "store");
        same(pair, "*1\r\n$3\r\nabc\r\n", "COMMAND", "GETKEYS", "SORT_RO", "abc");
        String real = pair.same("COMMAND", "GETKEYSANDFLAGS", "SORT", "abc", "STORE", "def");
        assertEquals("*2\r\n*2\r\n$3\r\nabc\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$3\r\ndef\r\n*2\r\n+OW\r\n"
            + "+update\r\n", real);
        pair.assertSame();
    }

    /** stream-cgroups.tcl "XAUTOCLAIM COUNT must be > 0": every argument is checked before the key is looked up. */
    @Test
    void xautoclaimChecksItsArgumentsBeforeTheKey(Pair pair) throws IOException {
        same(pair, "-ERR COUNT must be > 0\r\n", "XAUTOCLAIM", "key", "group", "consumer", "1", "1", "COUNT", "0");
        same(pair, "-ERR syntax error\r\n", "XAUTOCLAIM", "key", "group", "consumer", "1", "1", "BOGUS");
        same(pair, "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", "XAUTOCLAIM", "key", "group", "c",
            "x", "1");
        same(pair, "-NOGROUP No such key 'key' or consumer group 'group'\r\n", "XAUTOCLAIM", "key", "group", "c",
            "1", "1", "COUNT", "5");
        same(pair, "+OK\r\n", "SET", "str", "v");
        same(pair, "-ERR COUNT must be > 0\r\n", "XAUTOCLAIM", "str", "group", "consumer", "1", "1", "COUNT", "-1");
        same(pair, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "XAUTOCLAIM", "str",
            "group", "consumer", "1", "1");
    }

    private static final Pattern CHANGES = Pattern.compile("rdb_changes_since_last_save:(\\d+)");

    private static long changes(RespClient c) throws IOException {
        Matcher m = CHANGES.matcher(c.call("INFO", "persistence"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The change counter's growth over cmd on each server (INFO rdb_changes_since_last_save). */
    private static void sameChanges(Pair pair, long expected, String... cmd) throws IOException {
        long r0 = changes(pair.redis());
        long o0 = changes(pair.ours());
        pair.same(cmd);
        long dr = changes(pair.redis()) - r0;
        long dou = changes(pair.ours()) - o0;
        assertEquals(expected, dr, "real redis-server: " + String.join(" ", cmd));
        assertEquals(dr, dou, String.join(" ", cmd));
    }

    /** bitops.tcl "SETBIT/BITFIELD only increase dirty when the value changed". */
    @Test
    void bitfieldCountsAChangeOnlyWhenTheValueChangedOrTheKeyGrew(Pair pair) throws IOException {
        sameChanges(pair, 1, "BITFIELD", "bf", "SET", "i5", "0", "0");             // created
        sameChanges(pair, 0, "BITFIELD", "bf", "SET", "i5", "0", "0");             // same value
        sameChanges(pair, 1, "BITFIELD", "bf", "SET", "i5", "0", "1");
        sameChanges(pair, 2, "BITFIELD", "bf", "SET", "u8", "100", "0", "SET", "u8", "0", "0"); // grew: both count
        sameChanges(pair, 1, "BITFIELD", "bf", "SET", "u8", "0", "8", "INCRBY", "u8", "8", "0");
        sameChanges(pair, 0, "BITFIELD", "bf", "INCRBY", "i64", "0", "0");
        sameChanges(pair, 1, "BITFIELD", "bf", "SET", "i64", "0", "-1");
        sameChanges(pair, 0, "BITFIELD", "bf", "SET", "i64", "0", "-1");
        sameChanges(pair, 0, "BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9");
        sameChanges(pair, 0, "SETBIT", "bf", "0", "1");
        sameChanges(pair, 1, "SETBIT", "bf", "0", "0");
        pair.assertSame();
    }

    /** dump.tcl "MIGRATE is caching connections": INFO stats migrate_cached_sockets counts the cached connections. */
    @Test
    void migrateCachedSocketsIsCounted(DifferentialServers servers) throws IOException {
        try (Pair pair = servers.open(2)) {
            migrateBothWays(pair, servers);
        }
    }

    private static void migrateBothWays(Pair pair, DifferentialServers servers) throws IOException {
        same(pair, "+OK\r\n", "SET", "mk", "v");
        String toOurs = pair.redis().call("MIGRATE", "127.0.0.1", Integer.toString(servers.oursPort()), "mk", "9",
            "5000");
        String toReal = pair.ours().call("MIGRATE", "127.0.0.1", Integer.toString(servers.redisPort()), "mk", "9",
            "5000");
        assertEquals("+OK\r\n", toOurs);
        assertEquals("+OK\r\n", toReal);
        String field = "migrate_cached_sockets:1\r\n";
        org.junit.jupiter.api.Assertions.assertTrue(pair.redis().call("INFO", "stats").contains(field));
        org.junit.jupiter.api.Assertions.assertTrue(pair.ours().call("INFO", "stats").contains(field));
        same(pair, ":0\r\n", "EXISTS", "mk");
        same(pair, "+OK\r\n", "SELECT", "9");
        same(pair, ":1\r\n", "EXISTS", "mk");
        same(pair, ":1\r\n", "DEL", "mk");
    }
}
