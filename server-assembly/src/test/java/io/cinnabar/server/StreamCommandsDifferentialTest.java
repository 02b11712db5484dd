package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.Crc64;
import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stream commands on the embedded server against a real redis-server 7.0.15, every reply compared as RESP bytes:
 * the type in the keyspace (TYPE, OBJECT ENCODING, SCAN TYPE, COPY, RENAME, DEL, WRONGTYPE, RESTORE of Redis's
 * payloads and of broken ones), XADD/XLEN/XRANGE/XREVRANGE/XDEL/XTRIM/XSETID with their errors, and a seeded
 * random sequence over small nodes (XREAD included: its "anything after this id" test after deletions and trims). IDs are explicit so replies do not depend on the clock, except where a reply
 * is checked for its shape only. DUMP bytes are compared with Redis 7.2's in {@code DumpRestoreTest} (7.0 writes
 * RDB 10 / type 19, 7.2 RDB 11 / type 21).
 * <p>Known 7.2-vs-7.0 differences (COMPATIBILITY.md), not exercised or accepted explicitly: XINFO CONSUMERS has
 * 7.2's {@code inactive} field and XINFO STREAM FULL's consumers 7.2's {@code active-time} (accepted as known
 * differences); XREADGROUP, XCLAIM and XAUTOCLAIM create their
 * consumer even when nothing is read or claimed (visible in XINFO; the tests read something first).
 */
@Differential(server = CinnabarUnderTest.class)
class StreamCommandsDifferentialTest {
    Pair pair;
    RespClient real;
    RespClient ours;

    @BeforeEach
    void connect(Pair pair) {
        this.pair = pair;
        real = pair.redis();
        ours = pair.ours();
    }

    private String same(String... cmd) throws IOException {
        String r = pair.same(cmd);
        pair.assertSame();
        return r;
    }

    private void sameAll(String[]... cmds) throws IOException {
        for (String[] c : cmds) {
            same(c);
        }
    }

    private static String[] c(String... a) {
        return a;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bulkBytes(String reply) {
        int e = reply.indexOf("\r\n");
        return reply.substring(e + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void typeInTheKeyspace() throws Exception {
        sameAll(
            c("XADD", "s", "1-1", "a", "1", "b", "2"),
            c("XADD", "s", "1-2", "a", "3", "b", "4"),
            c("XADD", "s", "2-0", "c", "5"),
            c("TYPE", "s"),
            c("OBJECT", "ENCODING", "s"),
            c("SET", "str", "v"),
            c("HSET", "h", "f", "v"),
            c("SCAN", "0", "TYPE", "stream"),
            c("EXISTS", "s"),
            c("GET", "s"),
            c("HSET", "s", "f", "v"),
            c("LPUSH", "s", "x"),
            c("SADD", "s", "x"),
            c("ZADD", "s", "1", "x"),
            c("INCR", "s"),
            c("XADD", "str", "1-1", "a", "1"),
            c("XADD", "h", "*", "a", "1"),
            c("XLEN", "str"),
            c("XRANGE", "h", "-", "+"),
            c("XDEL", "h", "1-1"),
            c("XTRIM", "h", "MAXLEN", "0"),
            c("XSETID", "h", "5-5"),
            c("COPY", "s", "s2"),
            c("XRANGE", "s2", "-", "+"),
            c("XADD", "s2", "3-0", "d", "6"),
            c("XLEN", "s"),
            c("XLEN", "s2"),
            c("COPY", "s", "s2"),
            c("COPY", "s", "s2", "REPLACE"),
            c("XRANGE", "s2", "-", "+"),
            c("RENAME", "s2", "s3"),
            c("TYPE", "s3"),
            c("XREVRANGE", "s3", "+", "-"),
            c("DEL", "s3"),
            c("TYPE", "s3"),
            c("OBJECT", "ENCODING", "s3"));
    }

    @Test
    void restoreRedisPayloads() throws Exception {
        sameAll(
            c("XADD", "s", "1-1", "a", "1", "b", "2"),
            c("XADD", "s", "1-2", "a", "3", "b", "4"),
            c("XADD", "s", "2-0", "other", "5"),
            c("XADD", "s", "3-0", "a", "6", "b", "7"),
            c("XDEL", "s", "1-2"),
            c("XSETID", "s", "9-9", "ENTRIESADDED", "10", "MAXDELETEDID", "4-0"));
        byte[] payload = bulkBytes(real.call("DUMP", "s"));
        // a 7.0 payload (RDB 10, type 19) restores on both; the stream reads back the same
        assertEquals("+OK\r\n", real.call("RESTORE", "r", "0", latin1(payload)));
        assertEquals("+OK\r\n", ours.call("RESTORE", "r", "0", latin1(payload)));
        sameAll(
            c("TYPE", "r"),
            c("XLEN", "r"),
            c("XRANGE", "r", "-", "+"),
            c("XREVRANGE", "r", "+", "-", "COUNT", "2"),
            c("XADD", "r", "9-9", "x", "1"),
            c("XADD", "r", "9-10", "x", "1"),
            c("XSETID", "r", "3-0"),
            c("RESTORE", "r", "0", latin1(payload)),
            c("XLEN", "r"));
        // our own DUMP restores on ours (7.0 cannot read RDB 11) and reads back the same
        byte[] own = bulkBytes(ours.call("DUMP", "s"));
        assertEquals("+OK\r\n", ours.call("RESTORE", "own", "0", latin1(own)));
        assertEquals(ours.call("XRANGE", "s", "-", "+"), ours.call("XRANGE", "own", "-", "+"));
        assertEquals(latin1(own), latin1(bulkBytes(ours.call("DUMP", "own"))));

        // broken payloads with a valid checksum: Redis's "Bad data format" (deep checks on, as 7.0 may crash
        // on a corrupt stream without them)
        pair.config("sanitize-dump-payload", "yes");
        int broken = 0;
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] p = payload.clone();
            int at = 1 + rnd.nextInt(p.length - 11);
            p[at] = (byte) rnd.nextInt(256);
            fixCrc(p);
            String a = real.call("RESTORE", "b", "0", latin1(p), "REPLACE");
            String b = ours.call("RESTORE", "b", "0", latin1(p), "REPLACE");
            if (a.startsWith("-")) {
                assertEquals(a, b, "corrupt byte " + at);
                broken++;
            } else if (b.startsWith("-")) {
                // Redis's shallow check can accept a payload ours refuses; never the other way round
                assertEquals("-ERR Bad data format\r\n", b);
            } else {
                assertEquals(real.call("XRANGE", "b", "-", "+"), ours.call("XRANGE", "b", "-", "+"));
            }
        }
        assertTrue(broken > 10, "broken payloads tried: " + broken);
    }

    /** Writes the CRC64 of everything before the last 8 bytes into them. */
    private static void fixCrc(byte[] p) {
        long crc = Crc64.of(p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) {
            p[p.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
    }

    /**
     * The server reuses one range reader for every XRANGE/XREVRANGE/XREAD of the same stream: reads in both
     * directions after the stream changed under it (new nodes, deletions, trims that drop nodes), reads of another
     * stream in between, and of a key deleted and created again (another stream object) reply as Redis does.
     */
    @Test
    void rangeReadsAfterChanges() throws Exception {
        pair.config("stream-node-max-entries", "2");
        sameAll(
            c("XADD", "r", "1-1", "a", "1"),
            c("XADD", "r", "1-2", "a", "2", "b", "3"),
            c("XRANGE", "r", "-", "+"),
            c("XADD", "r", "2-1", "a", "4"),
            c("XADD", "r", "2-2", "c", "5"),
            c("XADD", "r", "3-0", "a", "6"),
            c("XREVRANGE", "r", "+", "-", "COUNT", "3"),
            c("XRANGE", "r", "(1-2", "+", "COUNT", "2"),
            c("XADD", "other", "5-0", "x", "y"),
            c("XRANGE", "other", "-", "+"),
            c("XDEL", "r", "2-1", "1-1"),
            c("XRANGE", "r", "-", "+"),
            c("XREVRANGE", "r", "(3-0", "-"),
            c("XREAD", "COUNT", "2", "STREAMS", "r", "other", "1-2", "0-0"),
            c("XTRIM", "r", "MAXLEN", "1"),
            c("XRANGE", "r", "-", "+"),
            c("XREAD", "STREAMS", "r", "0-0"),
            c("XREAD", "STREAMS", "r", "3-0"),
            c("DEL", "r"),
            c("XRANGE", "r", "-", "+"),
            c("XADD", "r", "9-0", "z", "1"),
            c("XADD", "r", "9-1", "z", "2"),
            c("XADD", "r", "9-2", "z", "3"),
            c("XREVRANGE", "r", "+", "-"),
            c("XRANGE", "r", "9-1", "9-1"),
            c("XREAD", "COUNT", "1", "STREAMS", "r", "9-0"));
    }

    @Test
    void xaddArgumentsAndErrors() throws Exception {
        sameAll(
            c("XADD", "s"),
            c("XADD", "s", "1-1"),
            c("XADD", "s", "1-1", "a"),
            c("XADD", "s", "1-1", "a", "1", "b"),
            c("XADD", "s", "0-0", "a", "1"),
            c("XADD", "s", "0-0", "a"),
            c("XADD", "s", "0", "a", "1"),
            c("XADD", "s", "0-*", "a", "1"),
            c("XADD", "s", "-", "a", "1"),
            c("XADD", "s", "+", "a", "1"),
            c("XADD", "s", "abc", "a", "1"),
            c("XADD", "s", "1-abc", "a", "1"),
            c("XADD", "s", "1-*", "a", "1"),
            c("XADD", "s", "1-*", "a", "1"),
            c("XADD", "s", "1", "a", "1"),
            c("XADD", "s", "1-2", "a", "1"),
            c("XADD", "s", "5", "a", "1"),
            c("XADD", "s", "5-0", "a", "1"),
            c("XADD", "s", "4-9", "a", "1"),
            c("XADD", "s", "18446744073709551615-18446744073709551614", "a", "1"),
            c("XADD", "s", "18446744073709551615-*", "a", "1"),
            c("XADD", "s", "18446744073709551615-*", "a", "1"),
            c("XADD", "s", "18446744073709551616-0", "a", "1"),
            c("XLEN", "s"),
            c("XADD", "nomk", "NOMKSTREAM", "1-1", "a", "1"),
            c("EXISTS", "nomk"),
            c("XADD", "t", "NOMKSTREAM", "MAXLEN", "2", "1-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "2", "1-1", "a", "1"),
            c("XADD", "t", "NOMKSTREAM", "MAXLEN", "=", "2", "2-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "2", "3-1", "a", "1"),
            c("XRANGE", "t", "-", "+"),
            c("XADD", "t", "MAXLEN", "-1", "4-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "x", "4-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "~", "x", "4-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "1", "LIMIT", "5", "4-1", "a", "1"),
            c("XADD", "t", "LIMIT", "5", "4-1", "a", "1"),
            c("XADD", "t", "LIMIT", "0", "4-1", "a", "1"),
            c("XADD", "t", "LIMIT", "-1", "4-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "~", "1", "LIMIT", "-1", "5-1", "a", "1"),
            c("XADD", "t", "MAXLEN", "~", "1", "LIMIT", "5", "5-1", "a", "1"),
            c("XADD", "t", "MINID", "5", "6-1", "a", "1"),
            c("XADD", "t", "MINID", "~", "5", "7-1", "a", "1"),
            c("XADD", "t", "MINID", "=", "7", "8-1", "a", "1"),
            c("XADD", "t", "MINID", "-", "9-1", "a", "1"),
            c("XADD", "t", "MINID", "abc", "9-1", "a", "1"),
            c("XADD", "t", "MINID"),
            c("XADD", "t", "MAXLEN"),
            c("XADD", "t", "MAXLEN", "1"),
            c("XRANGE", "t", "-", "+"),
            c("XADD", "t", "MAXLEN", "1", "MINID", "0", "10-1", "a", "1"),
            c("XLEN", "t"),
            c("XADD", "u", "MAXLEN", "0", "1-1", "a", "1"),
            c("EXISTS", "u"),
            c("XLEN", "u"),
            c("XADD", "u", "2-1", "a\u0000b", "\u00ff"),
            c("XRANGE", "u", "-", "+"),
            c("XADD", "v", "1\u00002", "a", "1"));
        // generated ids: the reply is an id, the next ms-* keeps the ms
        String a = real.call("XADD", "gen", "*", "f", "v");
        String b = ours.call("XADD", "gen", "*", "f", "v");
        assertTrue(a.matches("\\$\\d+\r\n\\d+-0\r\n") && b.matches("\\$\\d+\r\n\\d+-0\r\n"), a + " / " + b);
        sameAll(c("XLEN", "gen"));
    }

    @Test
    void rangeDeleteTrimSetid() throws Exception {
        for (int i = 1; i <= 12; i++) {
            same("XADD", "s", i + "-" + (i % 3), "f", "v" + i, "g", Integer.toString(i));
        }
        sameAll(
            c("XRANGE", "s"),
            c("XRANGE", "s", "-", "+"),
            c("XRANGE", "s", "-", "+", "COUNT"),
            c("XRANGE", "s", "-", "+", "COUNT", "3"),
            c("XRANGE", "s", "-", "+", "COUNT", "0"),
            c("XRANGE", "s", "-", "+", "COUNT", "-5"),
            c("XRANGE", "s", "-", "+", "COUNT", "x"),
            c("XRANGE", "s", "-", "+", "LIMIT", "3"),
            c("XRANGE", "s", "3", "5"),
            c("XRANGE", "s", "(3-0", "(5-2"),
            c("XRANGE", "s", "(3-0", "5"),
            c("XRANGE", "s", "(", "5"),
            c("XRANGE", "s", "(-", "+"),
            c("XRANGE", "s", "-", "(+"),
            c("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"),
            c("XRANGE", "s", "-", "(0-0"),
            c("XRANGE", "s", "5", "3"),
            c("XRANGE", "s", "x", "+"),
            c("XRANGE", "s", "-", "y"),
            c("XRANGE", "nokey", "-", "+"),
            c("XRANGE", "nokey", "-", "+", "COUNT", "0"),
            c("XRANGE", "nokey", "x", "+"),
            c("XREVRANGE", "s", "+", "-"),
            c("XREVRANGE", "s", "+", "-", "COUNT", "4"),
            c("XREVRANGE", "s", "(9-0", "(4-1"),
            c("XREVRANGE", "s", "-", "+"),
            c("XREVRANGE", "s", "7", "7"),
            c("XDEL", "s"),
            c("XDEL", "s", "x"),
            c("XDEL", "s", "3-0", "x"),
            c("XLEN", "s"),
            c("XDEL", "s", "3-0", "4-1", "99-0", "3-0"),
            c("XDEL", "s", "-"),
            c("XDEL", "nokey", "x"),
            c("XRANGE", "s", "-", "+"),
            c("XTRIM", "s"),
            c("XTRIM", "s", "MAXLEN"),
            c("XTRIM", "s", "FOO", "1"),
            c("XTRIM", "s", "LIMIT", "1"),
            c("XTRIM", "s", "MAXLEN", "8", "LIMIT", "1"),
            c("XTRIM", "s", "MAXLEN", "8", "NOMKSTREAM"),
            c("XTRIM", "s", "MAXLEN", "*"),
            c("XTRIM", "nokey", "MAXLEN", "1"),
            c("XTRIM", "nokey", "FOO"),
            c("XTRIM", "s", "MAXLEN", "~", "8"),
            c("XTRIM", "s", "MAXLEN", "8"),
            c("XRANGE", "s", "-", "+"),
            c("XTRIM", "s", "MINID", "(7"),
            c("XTRIM", "s", "MINID", "8-0"),
            c("XRANGE", "s", "-", "+"),
            c("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "0"),
            c("XLEN", "s"),
            c("XSETID", "s"),
            c("XSETID", "s", "x"),
            c("XSETID", "s", "1-0"),
            c("XSETID", "s", "12-0"),
            c("XSETID", "s", "12-2"),
            c("XSETID", "s", "13-0", "ENTRIESADDED"),
            c("XSETID", "s", "13-0", "ENTRIESADDED", "-1"),
            c("XSETID", "s", "13-0", "ENTRIESADDED", "x"),
            c("XSETID", "s", "13-0", "ENTRIESADDED", "1"),
            c("XSETID", "s", "13-0", "MAXDELETEDID", "14-0"),
            c("XSETID", "s", "13-0", "MAXDELETEDID", "x"),
            c("XSETID", "s", "13-0", "FOO", "1"),
            c("XSETID", "s", "13-0", "ENTRIESADDED", "20", "MAXDELETEDID", "12-1"),
            c("XSETID", "s", "12-5"),
            c("XSETID", "s", "15-0", "MAXDELETEDID", "0-0"),
            c("XADD", "s", "14-0", "a", "1"),
            c("XADD", "s", "15-0", "a", "1"),
            c("XSETID", "nokey", "1-0"),
            c("XSETID", "nokey", "x"),
            c("XSETID", "s", "-"),
            c("XDEL", "s", "15-1", "15-0", "11-1", "12-0"),
            c("XSETID", "s", "14-0"),
            c("XRANGE", "s", "-", "+"),
            c("XREVRANGE", "s", "+", "-", "COUNT", "1"));
    }

    /** Idle times of XPENDING's extended form depend on the clock: compared as 0. */
    private static final java.util.regex.Pattern IDLE =
        java.util.regex.Pattern.compile("(\\*4\r\n\\$\\d+\r\n[^\r]*\r\n\\$\\d+\r\n[^\r]*\r\n):\\d+\r\n");

    @Test
    void consumerGroupsAndReads() throws Exception {
        pair.normalize((command, reply) -> command.get(0).equalsIgnoreCase("XPENDING") && command.size() > 3
            ? IDLE.matcher(reply).replaceAll("$1:0\r\n") : reply);
        sameAll(
            c("XGROUP", "CREATE", "s", "g", "$"),
            c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
            c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
            c("XGROUP", "CREATE", "s", "g", "x"),
            c("XGROUP", "CREATE", "s", "g2", "0", "FOO"),
            c("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD"),
            c("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2"),
            c("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "x"),
            c("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "0"),
            c("XGROUP", "CREATE", "str", "g", "$"),
            c("SET", "str", "v"),
            c("XGROUP", "CREATE", "str", "g", "$", "MKSTREAM"),
            c("XGROUP", "CREATE", "s"),
            c("XADD", "s", "1-1", "a", "1"),
            c("XADD", "s", "2-1", "b", "2"),
            c("XADD", "s", "3-1", "c", "3"),
            c("XADD", "s", "4-1", "d", "4"),
            c("XGROUP", "CREATECONSUMER", "s", "g", "alice"),
            c("XGROUP", "CREATECONSUMER", "s", "g", "alice"),
            c("XGROUP", "CREATECONSUMER", "s", "nog", "alice"),
            c("XGROUP", "CREATECONSUMER", "nokey", "g", "alice"),
            c("XGROUP", "SETID", "s", "nog", "0"),
            c("XGROUP", "SETID", "s", "g", "0", "FOO", "1"),
            c("XGROUP", "SETID", "s", "g", "x"),
            c("XGROUP", "SETID", "s", "g", "0"),
            c("XGROUP", "FOO", "s", "g"),
            c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"),
            c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "1-1"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "$"),
            c("XREADGROUP", "GROUP", "nog", "alice", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "nokey", ">"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "str", ">"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s"),
            c("XREADGROUP", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "alice", "FOO", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "x"),
            c("XPENDING", "s", "g"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XPENDING", "s", "g", "-", "+", "10", "alice"),
            c("XPENDING", "s", "g", "-", "+", "10", "nobody"),
            c("XPENDING", "s", "g", "(1-1", "+", "1"),
            c("XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"),
            c("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"),
            c("XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"),
            c("XPENDING", "s", "g", "IDLE", "1", "-", "+"),
            c("XPENDING", "s", "g", "-"),
            c("XPENDING", "s", "g", "-", "+", "x"),
            c("XPENDING", "s", "g", "x", "+", "1"),
            c("XPENDING", "s", "nog"),
            c("XPENDING", "nokey", "g"),
            c("XPENDING", "str", "g"),
            c("XACK", "s", "g"),
            c("XACK", "s", "g", "x"),
            c("XACK", "s", "g", "1-1", "9-9", "1-1"),
            c("XACK", "s", "nog", "x"),
            c("XACK", "nokey", "g", "x"),
            c("XACK", "str", "g", "x"),
            c("XPENDING", "s", "g"),
            c("XDEL", "s", "3-1"),
            c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XGROUP", "DELCONSUMER", "s", "g", "bob"),
            c("XGROUP", "DELCONSUMER", "s", "g", "bob"),
            c("XGROUP", "DELCONSUMER", "s", "nog", "bob"),
            c("XPENDING", "s", "g"),
            c("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">"),
            c("XADD", "s", "5-1", "e", "5"),
            c("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">"),
            c("XPENDING", "s", "g"),
            c("XGROUP", "CREATE", "t", "g", "0", "MKSTREAM"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "t", ">", ">"),
            c("XGROUP", "SETID", "s", "g", "$"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
            c("XGROUP", "DESTROY", "s", "g"),
            c("XGROUP", "DESTROY", "s", "g"),
            c("XGROUP", "DESTROY", "nokey", "g"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
            c("XREAD", "STREAMS", "s", "0"),
            c("XREAD", "COUNT", "2", "STREAMS", "s", "0"),
            c("XREAD", "COUNT", "2", "STREAMS", "s", "t", "nokey", "1-1", "0", "0"),
            c("XREAD", "STREAMS", "s", "$"),
            c("XREAD", "STREAMS", "s", "5-1"),
            c("XREAD", "STREAMS", "nokey", "0"),
            c("XREAD", "STREAMS", "s", ">"),
            c("XREAD", "STREAMS", "s"),
            c("XREAD", "STREAMS", "s", "x"),
            c("XREAD", "STREAMS", "str", "0"),
            c("XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"),
            c("XREAD", "NOACK", "STREAMS", "s", "0"),
            c("XREAD", "COUNT", "x", "STREAMS", "s", "0"),
            c("XREAD", "BLOCK", "x", "STREAMS", "s", "0"),
            c("XREAD", "BLOCK", "-1", "STREAMS", "s", "0"),
            c("XREAD", "BLOCK", "0", "STREAMS", "s", "0"),
            c("XREAD", "COUNT", "1"),
            c("XREAD", "FOO", "STREAMS", "s", "0"));
        // RESP3: XREAD replies a map of key to entries
        assertEquals(real.call("HELLO", "3").charAt(0), ours.call("HELLO", "3").charAt(0));
        sameAll(
            c("XREAD", "STREAMS", "s", "t", "0", "0"),
            c("XREAD", "COUNT", "1", "STREAMS", "nokey", "s", "0", "4-1"),
            c("XREAD", "STREAMS", "s", "$"),
            c("XPENDING", "s", "nog"));
    }

    @Test
    void claims() throws Exception {
        pair.normalize((command, reply) -> command.get(0).equalsIgnoreCase("XPENDING") && command.size() > 3
            ? IDLE.matcher(reply).replaceAll("$1:0\r\n") : reply);
        sameAll(
            c("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"),
            c("XADD", "s", "1-1", "a", "1"),
            c("XADD", "s", "2-1", "b", "2"),
            c("XADD", "s", "3-1", "c", "3"),
            c("XADD", "s", "4-1", "d", "4"),
            c("XADD", "s", "5-1", "e", "5"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "2-1"),
            c("XCLAIM", "s", "g", "bob", "0", "3-1", "JUSTID"),
            c("XCLAIM", "s", "g", "bob", "3600000", "4-1"),
            c("XCLAIM", "s", "g", "bob", "0", "4-1", "RETRYCOUNT", "7", "IDLE", "0"),
            c("XCLAIM", "s", "g", "bob", "0", "9-9", "FORCE"),
            c("XCLAIM", "s", "g", "bob", "0", "9-9"),
            c("XCLAIM", "s", "g", "bob", "x", "1-1"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "IDLE", "x"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "TIME", "x"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "RETRYCOUNT", "x"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "LASTID", "x"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "FOO"),
            c("XCLAIM", "s", "g", "bob", "0", "1-1", "IDLE"),
            c("XCLAIM", "s", "nog", "bob", "0", "1-1"),
            c("XCLAIM", "nokey", "g", "bob", "0", "1-1"),
            c("XCLAIM", "s", "g", "bob", "0", "x"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XDEL", "s", "2-1"),
            c("XCLAIM", "s", "g", "carol", "0", "1-1", "2-1", "5-1"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XADD", "s", "6-1", "f", "6"),
            c("XCLAIM", "s", "g", "carol", "0", "6-1", "FORCE", "JUSTID"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XCLAIM", "s", "g", "bob", "0", "4-1", "LASTID", "5-1"),
            c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
            c("XAUTOCLAIM", "s", "g", "dave", "0", "0"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "2"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "(3-1", "COUNT", "2", "JUSTID"),
            c("XAUTOCLAIM", "s", "g", "erin", "3600000", "0"),
            c("XDEL", "s", "4-1", "5-1"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "-", "JUSTID"),
            c("XPENDING", "s", "g", "-", "+", "10"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "0"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "x"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "0", "FOO"),
            c("XAUTOCLAIM", "s", "g", "erin", "x", "0"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "x"),
            c("XAUTOCLAIM", "s", "g", "erin", "0", "(18446744073709551615-18446744073709551615"),
            c("XAUTOCLAIM", "s", "nog", "erin", "0", "0"),
            c("XAUTOCLAIM", "nokey", "g", "erin", "0", "0"),
            c("XPENDING", "s", "g"));
    }

    private static final java.util.regex.Pattern CONSUMER_IDLE = java.util.regex.Pattern.compile("\\$4\r\nidle\r\n:\\d+");
    private static final java.util.regex.Pattern INACTIVE = java.util.regex.Pattern.compile("\\$8\r\ninactive\r\n:-?\\d+\r\n");

    @Test
    void xinfo() throws Exception {
        pair.normalize((command, reply) -> command.get(0).equalsIgnoreCase("XINFO")
            ? CONSUMER_IDLE.matcher(reply).replaceAll("\\$4\r\nidle\r\n:0") : reply);
        // 7.2's XINFO CONSUMERS has "inactive" (time since the last successful read or claim), 7.0 has not
        pair.allow(new io.cinnabar.testkit.KnownDifference("7.2 XINFO CONSUMERS adds inactive",
            (command, redis, ours) -> command.get(1).equalsIgnoreCase("CONSUMERS")
                && redis.equals(INACTIVE.matcher(ours).replaceAll("").replace("*8\r\n$4\r\nname", "*6\r\n$4\r\nname"))));
        sameAll(
            c("XINFO", "STREAM", "s"),
            c("XINFO", "GROUPS", "s"),
            c("XADD", "s", "1-1", "a", "1"),
            c("XINFO", "STREAM", "s"),
            c("XINFO", "STREAM", "s", "FOO"),
            c("XINFO", "GROUPS", "s"),
            c("XINFO", "CONSUMERS", "s", "g"),
            c("XINFO", "FOO", "s"),
            c("SET", "str", "v"),
            c("XINFO", "STREAM", "str"),
            c("XINFO", "GROUPS", "nokey"));
        for (int i = 2; i <= 250; i++) {
            pair.same("XADD", "s", i + "-" + (i % 4), "field" + (i % 3), "value" + i);
        }
        sameAll(
            c("XGROUP", "CREATE", "s", "g", "0"),
            c("XGROUP", "CREATE", "s", "g2", "$"),
            c("XGROUP", "CREATE", "s", "g3", "100", "ENTRIESREAD", "5"),
            c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">"),
            c("XGROUP", "CREATECONSUMER", "s", "g", "bob"),
            c("XINFO", "STREAM", "s"),
            c("XINFO", "GROUPS", "s"),
            c("XINFO", "CONSUMERS", "s", "g"),
            c("XINFO", "CONSUMERS", "s", "nog"),
            c("XDEL", "s", "10-2", "200-0"),
            c("XTRIM", "s", "MAXLEN", "~", "150"),
            c("XINFO", "STREAM", "s"),
            c("XINFO", "GROUPS", "s"),
            // (7.2 creates carol even when XREADGROUP reads nothing, 7.0 does not: the read here delivers one)
            c("XADD", "s", "300-0", "x", "y"),
            c("XREADGROUP", "GROUP", "g2", "carol", "STREAMS", "s", ">"),
            c("XINFO", "GROUPS", "s"),
            c("XDEL", "s", "250-2", "300-0"),
            c("XINFO", "STREAM", "s"),
            c("XINFO", "GROUPS", "s"));
        pair.assertSame();
    }

    private static final java.util.regex.Pattern FULL_TIMES = java.util.regex.Pattern.compile(
        "(\\$9\r\nseen-time\r\n|\\$11\r\nactive-time\r\n"
            + "|\\*4\r\n\\$\\d+\r\n[^\r]*\r\n\\$\\d+\r\n[^\r]*\r\n|\\*3\r\n\\$\\d+\r\n[^\r]*\r\n):\\d+\r\n");
    private static final java.util.regex.Pattern ACTIVE_TIME =
        java.util.regex.Pattern.compile("\\$11\r\nactive-time\r\n:-?\\d+\r\n");

    @Test
    void xinfoStreamFull() throws Exception {
        // seen-time, active-time and the PEL's delivery-time are absolute ms: normalized to 0 (a -1 stays -1)
        pair.normalize((command, reply) -> command.get(0).equalsIgnoreCase("XINFO")
            ? FULL_TIMES.matcher(reply).replaceAll("$1:0\r\n") : reply);
        // 7.2's FULL consumers have "active-time", 7.0's have not
        pair.allow(new io.cinnabar.testkit.KnownDifference("7.2 XINFO STREAM FULL consumers add active-time",
            (command, redis, ours) -> command.get(1).equalsIgnoreCase("STREAM")
                && redis.equals(ACTIVE_TIME.matcher(ours).replaceAll("")
                    .replace("*10\r\n$4\r\nname", "*8\r\n$4\r\nname")
                    .replace("%5\r\n$4\r\nname", "%4\r\n$4\r\nname"))));
        String[][] full = {
            c("XINFO", "STREAM", "s", "FULL"),
            c("XINFO", "STREAM", "s", "full", "COUNT", "3"),
            c("XINFO", "STREAM", "s", "FULL", "count", "0"),
            c("XINFO", "STREAM", "s", "FULL", "COUNT", "-7"),
            c("XINFO", "STREAM", "s", "FULL", "COUNT", "1")};
        sameAll(
            c("XINFO", "STREAM", "nokey", "FULL"),
            c("XADD", "s", "1-1", "a", "1"),
            c("XINFO", "STREAM", "s", "FULL"),
            c("XINFO", "STREAM", "s", "FULL", "COUNT"),
            c("XINFO", "STREAM", "s", "FULL", "COUNT", "x"),
            c("XINFO", "STREAM", "s", "FULL", "COUNT", "99999999999999999999"),
            c("XINFO", "STREAM", "s", "FULL", "LIMIT", "3"),
            c("XINFO", "stream", "s", "FULL", "COUNT", "3", "x"),
            c("XINFO", "STREAM", "s", "NOTFULL"),
            c("SET", "str", "v"),
            c("XINFO", "STREAM", "str", "FULL"));
        for (int i = 2; i <= 40; i++) {
            pair.same("XADD", "s", i + "-" + (i % 3), "field" + (i % 4), "value" + i);
        }
        sameAll(full);
        sameAll(
            c("XGROUP", "CREATE", "s", "g", "0"),
            c("XGROUP", "CREATE", "s", "empty", "$"),
            c("XGROUP", "CREATE", "s", "g3", "5-0", "ENTRIESREAD", "3"),
            c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "14", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"),
            c("XREADGROUP", "GROUP", "g3", "carol", "COUNT", "1", "STREAMS", "s", ">"),
            c("XGROUP", "CREATECONSUMER", "s", "g3", "dave"),
            c("XCLAIM", "s", "g", "bob", "0", "2-2", "3-0"),
            c("XACK", "s", "g", "4-1", "5-2"),
            c("XDEL", "s", "6-0", "39-0"));
        sameAll(full);
        // RESP3: the stream, each group and each consumer are maps
        assertEquals(real.call("HELLO", "3").charAt(0), ours.call("HELLO", "3").charAt(0));
        sameAll(full);
        sameAll(
            c("XINFO", "STREAM", "s", "FULL", "COUNT", "x"),
            c("XTRIM", "s", "MAXLEN", "0"),
            c("XINFO", "STREAM", "s", "FULL"));
        pair.assertSame();
    }

    @ParameterizedTest(name = "random seed={0} node-entries={1} node-bytes={2}")
    @CsvSource({"1,3,4096", "2,100,4096", "3,0,64", "4,5,0"})
    void randomOperations(long seed, int nodeEntries, int nodeBytes) throws Exception {
        pair.config("stream-node-max-entries", Integer.toString(nodeEntries));
        pair.config("stream-node-max-bytes", Integer.toString(nodeBytes));
        Random r = new Random(seed);
        long ms = 1;
        long seq = 0;
        List<String> added = new ArrayList<>();
        String[] keys = {"a", "b"};
        for (int step = 0; step < 1500 && pair.clean(); step++) {
            String k = keys[r.nextInt(keys.length)];
            int op = r.nextInt(22);
            if (op < 9) {
                if (r.nextInt(3) == 0) {
                    ms += r.nextInt(3);
                    seq = 0;
                } else {
                    seq++;
                }
                String id = r.nextInt(5) == 0 ? ms + "-*" : ms + "-" + seq;
                List<String> cmd = new ArrayList<>(List.of("XADD", k));
                if (r.nextInt(6) == 0) {
                    cmd.addAll(List.of("MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(30))));
                } else if (r.nextInt(8) == 0) {
                    cmd.addAll(List.of("MINID", r.nextBoolean() ? "~" : "=", Math.max(0, ms - 3) + "-0"));
                }
                cmd.add(id);
                int fields = 1 + r.nextInt(3);
                for (int f = 0; f < fields; f++) {
                    cmd.add(r.nextInt(4) == 0 ? "x" + r.nextInt(3) : "f" + f);
                    cmd.add(r.nextInt(3) == 0 ? Integer.toString(r.nextInt(100000) - 500) : "v" + r.nextInt(50));
                }
                String reply = pair.same(cmd.toArray(new String[0]));
                if (reply.startsWith("$")) {
                    String got = new String(bulkBytes(reply), StandardCharsets.ISO_8859_1);
                    added.add(got);
                    seq = Long.parseLong(got.substring(got.indexOf('-') + 1));
                }
            } else if (op < 12 && !added.isEmpty()) {
                List<String> cmd = new ArrayList<>(List.of("XDEL", k));
                for (int i = r.nextInt(3); i >= 0; i--) {
                    cmd.add(added.get(r.nextInt(added.size())));
                }
                pair.same(cmd.toArray(new String[0]));
            } else if (op < 13) {
                boolean approx = r.nextBoolean();
                pair.same("XTRIM", k, "MAXLEN", approx ? "~" : "=", Integer.toString(r.nextInt(40)),
                    approx ? "LIMIT" : "MAXLEN", approx ? Integer.toString(r.nextInt(10)) : Integer.toString(r.nextInt(40)));
            } else if (op < 14) {
                pair.same("XTRIM", k, "MINID", r.nextBoolean() ? "~" : "=", Math.max(0, ms - r.nextInt(10)) + "-"
                    + r.nextInt(3));
            } else if (op < 17 && !added.isEmpty()) {
                String a = added.get(r.nextInt(added.size()));
                String b = added.get(r.nextInt(added.size()));
                String ex = r.nextInt(4) == 0 ? "(" : "";
                if (r.nextBoolean()) {
                    pair.same("XRANGE", k, ex + a, b, "COUNT", Integer.toString(r.nextInt(10)));
                } else {
                    pair.same("XREVRANGE", k, b, ex + a);
                }
            } else if (op < 18) {
                pair.same("XLEN", k);
            } else if (op < 19) {
                pair.same("XRANGE", k, "-", "+");
            } else if (op < 20) {
                pair.same("XREVRANGE", k, "+", "-", "COUNT", Integer.toString(1 + r.nextInt(5)));
            } else {
                // XREAD after an id: one added (maybe the last one, maybe deleted since), around the newest, or 0-0
                String a = added.isEmpty() || r.nextInt(4) == 0 ? "0-0" : added.get(r.nextInt(added.size()));
                String b = r.nextBoolean() ? ms + "-" + r.nextInt((int) seq + 2) : Math.max(0, ms - 1) + "-0";
                if (r.nextBoolean()) {
                    pair.same("XREAD", "COUNT", Integer.toString(1 + r.nextInt(4)), "STREAMS", k, r.nextBoolean() ? a : b);
                } else {
                    pair.same("XREAD", "STREAMS", "a", "b", a, b);
                }
            }
        }
        for (String k : keys) {
            pair.same("XRANGE", k, "-", "+");
            pair.same("XLEN", k);
        }
        pair.assertSame();
        assertTrue(pair.steps() >= 1500, "steps: " + pair.steps());
    }
}
