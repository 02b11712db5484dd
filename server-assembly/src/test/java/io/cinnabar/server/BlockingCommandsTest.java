package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BLPOP ... BZMPOP against the embedded server with several real socket clients: wake-ups by pushes from other
 * connections, FIFO order, timeouts (sub-second included), disconnects, CLIENT UNBLOCK both ways, CLIENT KILL,
 * BLMOVE wake-up chains, pipelined input held back while blocked, databases, and the INFO / CLIENT LIST view.
 * A client is known to be blocked when INFO says so ({@link #awaitBlocked}); no assertion is about time.
 */
class BlockingCommandsTest {
    static CinnabarServer server;
    static RespClient admin;
    final List<RespClient> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        admin = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws IOException {
        admin.close();
        server.close();
    }

    @BeforeEach
    void clean() throws Exception {
        for (RespClient c : opened) {
            c.close();
        }
        opened.clear();
        awaitBlocked(0);
        assertEquals("+OK\r\n", admin.call("FLUSHALL"));
        assertEquals("+OK\r\n", admin.call("CONFIG", "RESETSTAT"));
    }

    RespClient client() throws IOException {
        RespClient c = new RespClient(server.port());
        opened.add(c);
        return c;
    }

    static String info(String field) throws IOException {
        String r = admin.call("INFO", "clients");
        for (String line : r.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field + " in " + r);
    }

    /** Polls INFO until exactly n clients are blocked (fails after 10 s). */
    static void awaitBlocked(int n) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (!info("blocked_clients").equals(Integer.toString(n))) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("blocked_clients never reached " + n + ": " + info("blocked_clients"));
            }
            Thread.sleep(2);
        }
    }

    /** Sends a command without reading its reply, then waits until n clients are blocked. */
    static void block(RespClient c, int n, String... cmd) throws Exception {
        c.sendRaw(RespClient.encode(cmd));
        awaitBlocked(n);
    }

    static String arr(String... bulks) {
        StringBuilder b = new StringBuilder("*" + bulks.length + "\r\n");
        for (String s : bulks) {
            b.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        return b.toString();
    }

    static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void aPushFromAnotherClientServesTheBlockedOne() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BLPOP", "k", "0");
        assertEquals(":2\r\n", b.call("RPUSH", "k", "x", "y"));
        assertEquals(arr("k", "x"), a.read());
        assertEquals(arr("y"), b.call("LRANGE", "k", "0", "-1"));
        block(a, 1, "BRPOP", "none", "k2", "0");
        assertEquals(":2\r\n", b.call("LPUSH", "k2", "1", "2"));
        assertEquals(arr("k2", "1"), a.read());
        awaitBlocked(0);
    }

    @Test
    void anExistingListIsPoppedWithoutBlocking() throws Exception {
        RespClient a = client();
        a.call("RPUSH", "b", "1", "2");
        assertEquals(arr("b", "1"), a.call("BLPOP", "a", "b", "0"));
        assertEquals(arr("b", "2"), a.call("BRPOP", "a", "b", "0"));
        assertEquals(":0\r\n", a.call("EXISTS", "b"));
        a.call("SET", "s", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            a.call("BLPOP", "a", "s", "0"));
        assertEquals("*0\r\n", a.call("ZPOPMIN", "nothing"));
    }

    @Test
    void clientsAreServedInTheOrderTheyBlocked() throws Exception {
        RespClient[] w = {client(), client(), client()};
        for (int i = 0; i < 3; i++) {
            block(w[i], i + 1, "BLPOP", "q", "0");
        }
        RespClient p = client();
        assertEquals(":2\r\n", p.call("RPUSH", "q", "1", "2"));
        assertEquals(arr("q", "1"), w[0].read());
        assertEquals(arr("q", "2"), w[1].read());
        awaitBlocked(1);
        assertEquals(":1\r\n", p.call("RPUSH", "q", "3"));
        assertEquals(arr("q", "3"), w[2].read());
        awaitBlocked(0);
        assertEquals(":0\r\n", p.call("EXISTS", "q"));
    }

    @Test
    void timeoutsReplyANullArrayInBothProtocols() throws Exception {
        RespClient a = client();
        assertEquals("*-1\r\n", a.call("BLPOP", "k", "0.01"));
        assertEquals("*-1\r\n", a.call("BRPOP", "k", "k2", "0.05"));
        assertEquals("*-1\r\n", a.call("BRPOPLPUSH", "k", "d", "0.01"));
        assertEquals("*-1\r\n", a.call("BLMOVE", "k", "d", "LEFT", "RIGHT", "0.01"));
        assertEquals("*-1\r\n", a.call("BLMPOP", "0.01", "2", "k", "k2", "LEFT", "COUNT", "3"));
        assertEquals("*-1\r\n", a.call("BZPOPMIN", "z", "0.01"));
        assertEquals("*-1\r\n", a.call("BZPOPMAX", "z", "0.01"));
        assertEquals("*-1\r\n", a.call("BZMPOP", "0.01", "1", "z", "MAX"));
        assertEquals("*-1\r\n", a.call("BLPOP", "k", "0x1p-6"));
        a.call("HELLO", "3");
        assertEquals("_\r\n", a.call("BLPOP", "k", "0.01"));
        assertEquals("_\r\n", a.call("BZPOPMIN", "z", "0.001"));
        assertEquals("0", info("blocked_clients"));
        assertEquals("0", info("clients_in_timeout_table"));
        String stats = admin.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_blpop:calls=3,"), stats);
    }

    @Test
    void timeoutArgumentErrors() throws Exception {
        RespClient a = client();
        String notFloat = "-ERR timeout is not a float or out of range\r\n";
        String negative = "-ERR timeout is negative\r\n";
        String range = "-ERR timeout is out of range\r\n";
        assertEquals(notFloat, a.call("BLPOP", "k", "abc"));
        assertEquals(notFloat, a.call("BLPOP", "k", ""));
        assertEquals(notFloat, a.call("BLPOP", "k", " 1"));
        assertEquals(notFloat, a.call("BLPOP", "k", "1 "));
        assertEquals(notFloat, a.call("BLPOP", "k", "nan"));
        assertEquals(negative, a.call("BLPOP", "k", "-1"));
        assertEquals(negative, a.call("BRPOPLPUSH", "k", "d", "-0.5"));
        assertEquals(negative, a.call("BZPOPMIN", "k", "-inf"));
        assertEquals(range, a.call("BLPOP", "k", "inf"));
        assertEquals(range, a.call("BLPOP", "k", "1e300"));
        assertEquals(range, a.call("BLPOP", "k", "9223372036854775"));
        assertEquals(notFloat, a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "x"));
        assertEquals("-ERR syntax error\r\n", a.call("BLMOVE", "k", "d", "UP", "LEFT", "x"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", a.call("BLMPOP", "x", "0", "k", "LEFT"));
        assertEquals(notFloat, a.call("BLMPOP", "x", "1", "k", "LEFT"));
        assertEquals("-ERR count should be greater than 0\r\n", a.call("BZMPOP", "1", "1", "k", "MIN", "COUNT", "0"));
        assertEquals("0", info("blocked_clients"));
    }

    @Test
    void aDisconnectedClientIsRemovedAndNothingIsPoppedForIt() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BLPOP", "k", "0");
        block(b, 2, "BZPOPMIN", "z", "100");
        a.close();
        b.close();
        awaitBlocked(0);
        assertEquals("0", info("total_blocking_keys"));
        assertEquals("0", info("clients_in_timeout_table"));
        RespClient p = client();
        assertEquals(":1\r\n", p.call("RPUSH", "k", "v"));
        assertEquals(":1\r\n", p.call("ZADD", "z", "1", "m"));
        assertEquals(":1\r\n", p.call("LLEN", "k"));
        assertEquals(":1\r\n", p.call("ZCARD", "z"));
    }

    @Test
    void clientUnblockTimeoutAndError() throws Exception {
        RespClient a = client();
        String id = a.call("CLIENT", "ID").substring(1).trim();
        assertEquals(":0\r\n", admin.call("CLIENT", "UNBLOCK", id));
        block(a, 1, "BLPOP", "k", "0");
        assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id));
        assertEquals("*-1\r\n", a.read());
        block(a, 1, "BZPOPMAX", "z", "0");
        assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
        assertEquals("*-1\r\n", a.read());
        block(a, 1, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
        assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id, "error"));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", a.read());
        assertEquals(":0\r\n", admin.call("CLIENT", "UNBLOCK", id, "ERROR"));
        assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
            admin.call("CLIENT", "UNBLOCK", id, "later"));
        assertEquals("+PONG\r\n", a.call("PING"));
        assertEquals(":0\r\n", a.call("EXISTS", "k", "d"));
        String stats = admin.call("INFO", "errorstats");
        assertTrue(stats.contains("errorstat_UNBLOCKED:count=1"), stats);
        // Redis 7.2 counts an UNBLOCK TIMEOUT as a completed call, an UNBLOCK ERROR as a failed one
        stats = admin.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_blpop:calls=1,") && stats.contains("rejected_calls=0,failed_calls=0"), stats);
        assertTrue(stats.contains("cmdstat_blmove:calls=1,"), stats);
        assertTrue(stats.contains("rejected_calls=0,failed_calls=1"), stats);
    }

    @Test
    void clientKillOfABlockedClient() throws Exception {
        RespClient a = client();
        String id = a.call("CLIENT", "ID").substring(1).trim();
        block(a, 1, "BLPOP", "k", "0");
        assertEquals(":1\r\n", admin.call("CLIENT", "KILL", "ID", id));
        assertTrue(a.closedByServer());
        awaitBlocked(0);
        assertEquals(":1\r\n", admin.call("RPUSH", "k", "v"));
        assertEquals(":1\r\n", admin.call("LLEN", "k"));
    }

    @Test
    void blmoveWakesTheClientsBlockedOnItsDestination() throws Exception {
        RespClient mover = client();
        RespClient second = client();
        RespClient last = client();
        block(mover, 1, "BLMOVE", "src", "mid", "RIGHT", "LEFT", "0");
        block(second, 2, "BRPOPLPUSH", "mid", "dst", "0");
        block(last, 3, "BLPOP", "dst", "0");
        RespClient p = client();
        assertEquals(":1\r\n", p.call("LPUSH", "src", "v"));
        assertEquals(bulk("v"), mover.read());
        assertEquals(bulk("v"), second.read());
        assertEquals(arr("dst", "v"), last.read());
        awaitBlocked(0);
        assertEquals(":0\r\n", p.call("EXISTS", "src", "mid", "dst"));
    }

    @Test
    void aBlockedClientDoesNotRunItsPipelinedCommandsUntilServed() throws Exception {
        RespClient a = client();
        a.sendRaw(concat(RespClient.encode("BLPOP", "k", "0"), RespClient.encode("RPUSH", "k", "self"),
            RespClient.encode("PING")));
        awaitBlocked(1);
        RespClient b = client();
        assertEquals(":0\r\n", b.call("LLEN", "k"));
        assertEquals("1", info("blocked_clients"));
        assertEquals(":1\r\n", b.call("RPUSH", "k", "other"));
        assertEquals(arr("k", "other"), a.read());
        assertEquals(":1\r\n", a.read());
        assertEquals("+PONG\r\n", a.read());
        assertEquals(arr("self"), b.call("LRANGE", "k", "0", "-1"));
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void aKeyOfAnotherTypeLeavesTheClientBlocked() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BLPOP", "k", "0");
        assertEquals("+OK\r\n", b.call("SET", "k", "string"));
        assertEquals(":1\r\n", b.call("ZADD", "z", "1", "m"));
        assertEquals("+OK\r\n", b.call("RENAME", "z", "k"));
        assertEquals("1", info("blocked_clients"));
        assertEquals(":1\r\n", b.call("DEL", "k"));
        assertEquals(":1\r\n", b.call("RPUSH", "k", "v"));
        assertEquals(arr("k", "v"), a.read());
    }

    @Test
    void redis72ReexecutesTheCommandSoAWrongTypeEarlierKeyIsReported() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BLPOP", "k1", "k2", "0");
        b.call("SET", "k1", "string");
        b.call("RPUSH", "k2", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", a.read());
        assertEquals(":1\r\n", b.call("LLEN", "k2"));
    }

    @Test
    void databasesAreRespectedAndMoveRenameSwapdbWake() throws Exception {
        RespClient a = client();
        RespClient b = client();
        a.call("SELECT", "1");
        block(a, 1, "BLPOP", "k", "0");
        assertEquals(":1\r\n", b.call("RPUSH", "k", "db0"));
        assertEquals("1", info("blocked_clients"));
        assertEquals(":1\r\n", b.call("MOVE", "k", "1"));
        assertEquals(arr("k", "db0"), a.read());

        block(a, 1, "BZPOPMIN", "z", "0");
        b.call("SELECT", "1");
        b.call("ZADD", "tmp", "2", "two", "1", "one");
        assertEquals("+OK\r\n", b.call("RENAME", "tmp", "z"));
        assertEquals(arr("z", "one", "1"), a.read());

        block(a, 1, "BRPOP", "s", "0");
        b.call("SELECT", "0");
        b.call("RPUSH", "s", "from0");
        assertEquals("1", info("blocked_clients"));
        assertEquals("+OK\r\n", b.call("SWAPDB", "0", "1"));
        assertEquals(arr("s", "from0"), a.read());

        block(a, 1, "BLPOP", "f", "0");
        assertEquals("+OK\r\n", b.call("FLUSHALL"));
        assertEquals("1", info("blocked_clients"));
        b.call("SELECT", "1");
        b.call("LPUSH", "f", "after");
        assertEquals(arr("f", "after"), a.read());
    }

    @Test
    void sortedSetAndMpopReplies() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BZPOPMAX", "z1", "z2", "0");
        b.call("ZADD", "z2", "1", "a", "2", "b");
        assertEquals(arr("z2", "b", "2"), a.read());
        block(a, 1, "BZMPOP", "0", "2", "z0", "z3", "MIN", "COUNT", "5");
        b.call("ZADD", "z3", "1.5", "x", "3", "y");
        assertEquals("*2\r\n" + bulk("z3") + "*2\r\n" + arr("x", "1.5") + arr("y", "3"), a.read());
        block(a, 1, "BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2");
        b.call("RPUSH", "l", "1", "2", "3");
        assertEquals("*2\r\n" + bulk("l") + arr("3", "2"), a.read());
        a.call("HELLO", "3");
        block(a, 1, "BZPOPMIN", "z4", "0");
        b.call("ZADD", "z4", "7", "m");
        assertEquals("*3\r\n" + bulk("z4") + bulk("m") + ",7\r\n", a.read());
        block(a, 1, "BZMPOP", "0", "1", "z5", "MAX");
        b.call("ZADD", "z5", "7", "m");
        assertEquals("*2\r\n" + bulk("z5") + "*1\r\n*2\r\n" + bulk("m") + ",7\r\n", a.read());
    }

    @Test
    void infoAndClientListShowBlockedClients() throws Exception {
        RespClient a = client();
        RespClient b = client();
        block(a, 1, "BLPOP", "k1", "k2", "k1", "0");
        block(b, 2, "BZPOPMIN", "k2", "z", "30");
        assertEquals("2", info("blocked_clients"));
        assertEquals("3", info("total_blocking_keys"));
        assertEquals("0", info("total_blocking_keys_on_nokey"));
        assertEquals("1", info("clients_in_timeout_table"));
        String list = admin.call("CLIENT", "LIST");
        assertTrue(list.contains("flags=b db=0 sub=0 psub=0 ssub=0 multi=-1"), list);
        assertTrue(list.contains("cmd=blpop "), list);
        assertTrue(list.contains("cmd=bzpopmin "), list);
        // a list on k2 serves only the client waiting for a list there
        admin.call("RPUSH", "k2", "v");
        assertEquals(arr("k2", "v"), a.read());
        awaitBlocked(1);
        assertEquals("2", info("total_blocking_keys"));
        admin.call("ZADD", "z", "1", "m");
        assertEquals(arr("z", "m", "1"), b.read());
        awaitBlocked(0);
        assertEquals("0", info("total_blocking_keys"));
        String stats = admin.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_blpop:calls=1,"), stats);
        assertTrue(stats.contains("cmdstat_bzpopmin:calls=1,"), stats);
    }

    @Test
    void oneElementServesTheFirstClientAndTheSecondStillTimesOut() throws Exception {
        RespClient a = client();
        RespClient b = client();
        RespClient p = client();
        block(a, 1, "BLPOP", "k", "0");
        block(b, 2, "BLPOP", "k", "0.3");
        // one element for two clients: the first is served, the second stays blocked and still times out
        assertEquals(":1\r\n", p.call("RPUSH", "k", "v"));
        assertEquals(arr("k", "v"), a.read());
        assertEquals("*-1\r\n", b.read());
        awaitBlocked(0);
    }
}
