package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis 7.2 behaviour of the aggregate types that the 7.0.15 oracle cannot show: listpack lists and their
 * conversion back from quicklist, listpack sets, ZRANK/ZREVRANK WITHSCORE; plus thresholds changed with CONFIG SET,
 * TYPE, COPY and RENAME of every type.
 */
class TypesEncodingTest {
    static CinnabarServer server;
    static RespClient c;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        c = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        c.close();
        server.close();
    }

    @BeforeEach
    void reset() throws Exception {
        c.call("FLUSHALL");
        c.call("CONFIG", "RESETSTAT");
        for (String[] kv : new String[][] {{"list-max-listpack-size", "-2"}, {"set-max-intset-entries", "512"},
                {"set-max-listpack-entries", "128"}, {"set-max-listpack-value", "64"},
                {"hash-max-listpack-entries", "512"}, {"hash-max-listpack-value", "64"},
                {"zset-max-listpack-entries", "128"}, {"zset-max-listpack-value", "64"}}) {
            c.call("CONFIG", "SET", kv[0], kv[1]);
        }
    }

    static String enc(String key) throws Exception {
        return c.call("OBJECT", "ENCODING", key);
    }

    static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void listsAreListpacksUntilTheLimitAndComeBackAtHalf() throws Exception {
        c.call("RPUSH", "l", "a", "b", "c");
        assertEquals(bulk("listpack"), enc("l"));
        String big = "x".repeat(1000);
        for (int i = 0; i < 9; i++) {
            c.call("RPUSH", "l", big);
        }
        assertEquals(bulk("quicklist"), enc("l"));
        c.call("LTRIM", "l", "0", "4"); // one node of about 2 KB is left: at most half of 8 KB -> listpack
        assertEquals(bulk("listpack"), enc("l"));
        assertEquals("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n" + bulk(big) + bulk(big),
            c.call("LRANGE", "l", "0", "-1"));
        // a count-based fill: 3 elements per node
        c.call("CONFIG", "SET", "list-max-listpack-size", "3");
        c.call("DEL", "l");
        c.call("RPUSH", "l", "1", "2", "3");
        assertEquals(bulk("listpack"), enc("l"));
        c.call("RPUSH", "l", "4");
        assertEquals(bulk("quicklist"), enc("l"));
        c.call("RPOP", "l", "3"); // one element left: at most half of 3 (1) -> listpack
        assertEquals(bulk("listpack"), enc("l"));
        assertEquals(":1\r\n", c.call("LLEN", "l"));
    }

    @Test
    void setsTakeTheListpackStepOf72() throws Exception {
        c.call("SADD", "s", "1", "2", "3");
        assertEquals(bulk("intset"), enc("s"));
        c.call("SADD", "s", "a");
        assertEquals(bulk("listpack"), enc("s"));
        c.call("SADD", "s2", "a", "b");
        assertEquals(bulk("listpack"), enc("s2"));
        c.call("SADD", "s2", "y".repeat(65));
        assertEquals(bulk("hashtable"), enc("s2"));
        c.call("CONFIG", "SET", "set-max-listpack-entries", "2");
        c.call("SADD", "s3", "a", "b");
        assertEquals(bulk("listpack"), enc("s3"));
        c.call("SADD", "s3", "c");
        assertEquals(bulk("hashtable"), enc("s3"));
        c.call("CONFIG", "SET", "set-max-intset-entries", "2");
        c.call("SADD", "s4", "1", "2", "3");
        assertEquals(bulk("hashtable"), enc("s4"));
        assertEquals("+set\r\n", c.call("TYPE", "s4"));
    }

    /**
     * Lettuce's SetCommandIntegrationTests.sscanMultiple (written against 7.0) expects 100 non-integer members to
     * need several SSCAN calls; in 7.2 they are a listpack set, and SSCAN of a listpack answers all of it with
     * cursor 0, whatever COUNT says. Past set-max-listpack-entries the hashtable is scanned in steps again.
     */
    @Test
    void sscanOfAListpackSetAnswersEveryMemberAtOnce() throws Exception {
        for (int i = 0; i < 100; i++) {
            c.call("SADD", "s", "value" + i);
        }
        assertEquals(bulk("listpack"), enc("s"));
        String whole = c.call("SSCAN", "s", "0", "COUNT", "5");
        assertEquals("*2\r\n$1\r\n0\r\n*100\r\n", whole.substring(0, "*2\r\n$1\r\n0\r\n*100\r\n".length()));
        c.call("CONFIG", "SET", "set-max-listpack-entries", "64");
        for (int i = 0; i < 100; i++) {
            c.call("SADD", "t", "value" + i);
        }
        assertEquals(bulk("hashtable"), enc("t"));
        String step = c.call("SSCAN", "t", "0", "COUNT", "5");
        assertFalse(step.startsWith("*2\r\n$1\r\n0\r\n"), step);
    }

    @Test
    void hashesAndSortedSetsFollowConfigSet() throws Exception {
        c.call("CONFIG", "SET", "hash-max-listpack-entries", "2");
        c.call("HSET", "h", "a", "1", "b", "2");
        assertEquals(bulk("listpack"), enc("h"));
        c.call("HSET", "h", "c", "3");
        assertEquals(bulk("hashtable"), enc("h"));
        c.call("CONFIG", "SET", "zset-max-listpack-value", "3");
        c.call("ZADD", "z", "1", "abc");
        assertEquals(bulk("listpack"), enc("z"));
        c.call("ZADD", "z", "2", "abcd");
        assertEquals(bulk("skiplist"), enc("z"));
        c.call("ZREM", "z", "abcd");
        assertEquals(bulk("skiplist"), enc("z"));
        c.call("ZUNIONSTORE", "z2", "1", "z");
        assertEquals(bulk("listpack"), enc("z2"));
        assertEquals("+hash\r\n", c.call("TYPE", "h"));
        assertEquals("+zset\r\n", c.call("TYPE", "z"));
    }

    @Test
    void zrankWithScore() throws Exception {
        c.call("ZADD", "z", "1.5", "a", "2", "b", "3", "c");
        assertEquals("*2\r\n:0\r\n$3\r\n1.5\r\n", c.call("ZRANK", "z", "a", "WITHSCORE"));
        assertEquals("*2\r\n:0\r\n$1\r\n3\r\n", c.call("ZREVRANK", "z", "c", "withscore"));
        assertEquals("*-1\r\n", c.call("ZRANK", "z", "nope", "WITHSCORE"));
        assertEquals("*-1\r\n", c.call("ZRANK", "missing", "a", "WITHSCORE"));
        assertEquals("$-1\r\n", c.call("ZRANK", "z", "nope"));
        assertEquals("-ERR syntax error\r\n", c.call("ZRANK", "z", "a", "WITHSCORES"));
        c.call("HELLO", "3");
        assertEquals("*2\r\n:1\r\n,2\r\n", c.call("ZRANK", "z", "b", "WITHSCORE"));
        assertEquals("_\r\n", c.call("ZRANK", "z", "nope", "WITHSCORE"));
        c.call("HELLO", "2");
    }

    @Test
    void copyAndRenameKeepValuesAndEncodings() throws Exception {
        c.call("RPUSH", "l", "a", "b");
        c.call("SADD", "s", "1", "x");
        c.call("HSET", "h", "f", "v");
        c.call("ZADD", "z", "1", "m");
        for (String k : new String[] {"l", "s", "h", "z"}) {
            assertEquals(":1\r\n", c.call("COPY", k, k + "2"));
            assertEquals(enc(k), enc(k + "2"));
        }
        c.call("RPUSH", "l2", "c");
        assertEquals(":2\r\n", c.call("LLEN", "l"));
        c.call("SREM", "s2", "x");
        assertEquals(":2\r\n", c.call("SCARD", "s"));
        assertEquals("+OK\r\n", c.call("RENAME", "h", "h3"));
        assertEquals(bulk("v"), c.call("HGET", "h3", "f"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            c.call("GET", "z"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            c.call("LPUSH", "z", "x"));
    }
}
