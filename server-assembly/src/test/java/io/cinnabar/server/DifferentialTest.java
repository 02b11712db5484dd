package io.cinnabar.server;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Normalizer;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Resp;
import org.junit.jupiter.api.Test;

/**
 * Sends the same command sequences to the embedded server and to a real redis-server 7.0.15 and compares the raw
 * reply bytes: values, integers, nulls, error texts (wrong arity, syntax, types, overflow), encodings.
 * Replies that depend on time or randomness are not compared here (see the integration tests). KEYS and CONFIG GET
 * are compared with their elements sorted (their order is unspecified).
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class DifferentialTest {
    static String[] c(String... a) {
        return a;
    }

    /** Steps starting with "!" run on both without comparing the replies (version, ids). */
    private static void same(Pair pair, String[]... steps) throws Exception {
        pair.normalize(Normalizer.unordered(1, "KEYS")).normalize(Normalizer.unordered(2, "CONFIG GET"));
        for (String[] step : steps) {
            if (step[0].startsWith("!")) {
                String[] cmd = step.clone();
                cmd[0] = cmd[0].substring(1);
                pair.both(cmd);
            } else {
                pair.same(step);
            }
        }
        pair.assertSame();
    }

    @Test
    void getSetAndVariants(Pair pair) throws Exception {
        same(pair, c("GET", "k"), c("SET", "k", "v"), c("GET", "k"), c("SET", "k", "v2", "NX"), c("SET", "k", "v3", "XX"),
            c("GET", "k"), c("SET", "n", "v", "XX"), c("SET", "k", "x", "NX", "XX"), c("SET", "k", "x", "EX"),
            c("SET", "k", "x", "EX", "0"), c("SET", "k", "x", "EX", "-5"), c("SET", "k", "x", "PX", "abc"),
            c("SET", "k", "x", "EX", "10", "PX", "10"), c("SET", "k", "x", "KEEPTTL", "EX", "10"),
            c("SET", "k", "x", "EX", "9223372036854775807"), c("SET", "k", "x", "GET"), c("SET", "k2", "y", "GET"),
            c("SET", "k", "z", "NX", "GET"), c("SET", "k", "x", "FOO"), c("SET", "k"), c("GET"),
            c("SET", "k", "v", "EX", "100"), c("SET", "k", "v2", "KEEPTTL"), c("PERSIST", "k"),
            c("SETNX", "k", "a"), c("SETNX", "new", "a"), c("GETSET", "k", "b"), c("GETSET", "none", "b"),
            c("GETDEL", "k"), c("GETDEL", "k"), c("SETEX", "k", "0", "v"), c("SETEX", "k", "abc", "v"),
            c("PSETEX", "k", "-1", "v"), c("SETEX", "k", "100", "v"), c("GETEX", "k", "PERSIST"), c("TTL", "k"),
            c("GETEX", "k", "EX", "0"), c("GETEX", "k", "FOO"), c("GETEX", "nokey"), c("GETEX", "k", "PERSIST", "EX", "1"),
            c("MSET", "a", "1", "b", "2"), c("MSET", "a"), c("MSET", "a", "1", "b"), c("MGET", "a", "b", "nokey"),
            c("MSETNX", "a", "1", "c", "3"), c("MSETNX", "c", "3", "d", "4"), c("MGET", "c", "d"),
            c("STRLEN", "a"), c("STRLEN", "nokey"), c("ECHO", "hi"), c("PING"), c("PING", "x"), c("PING", "a", "b"));
    }

    @Test
    void countersAndOverflow(Pair pair) throws Exception {
        same(pair, c("INCR", "n"), c("INCRBY", "n", "10"), c("DECR", "n"), c("DECRBY", "n", "5"), c("INCRBY", "n", "x"),
            c("SET", "s", "abc"), c("INCR", "s"), c("SET", "big", "9223372036854775807"), c("INCR", "big"),
            c("DECRBY", "big", "-1"), c("SET", "small", "-9223372036854775808"), c("DECR", "small"),
            c("DECRBY", "n", "-9223372036854775808"), c("INCRBY", "n", "9223372036854775808"),
            c("SET", "sp", " 1"), c("INCR", "sp"), c("SET", "lz", "01"), c("INCR", "lz"), c("SET", "plus", "+1"),
            c("INCR", "plus"), c("OBJECT", "ENCODING", "n"), c("INCRBYFLOAT", "f", "10.5"),
            c("INCRBYFLOAT", "f", "0.1"), c("INCRBYFLOAT", "f", "-5e2"), c("INCRBYFLOAT", "f", "abc"),
            c("INCRBYFLOAT", "f", "1.0e+3"), c("GET", "f"), c("OBJECT", "ENCODING", "f"), c("INCRBYFLOAT", "s", "1"),
            c("INCRBYFLOAT", "f", "inf"), c("INCRBYFLOAT", "f", " 1"), c("SET", "i", "3"), c("INCRBYFLOAT", "i", "1.5"),
            c("INCRBYFLOAT", "i", "0.5"), c("GET", "i"), c("OBJECT", "ENCODING", "i"), c("INCR", "i"),
            c("INCRBYFLOAT", "g", "3.0"), c("INCRBYFLOAT", "g", "0.000001"), c("INCRBYFLOAT", "g", "1e-20"),
            c("INCRBYFLOAT", "h", "1.23456789012345678901"), c("INCRBYFLOAT", "h", "1e30"));
    }

    @Test
    void rangesAppendLcs(Pair pair) throws Exception {
        same(pair, c("APPEND", "k", "hello"), c("OBJECT", "ENCODING", "k"), c("APPEND", "k", " world"),
            c("OBJECT", "ENCODING", "k"), c("GETRANGE", "k", "0", "4"), c("GETRANGE", "k", "-5", "-1"),
            c("GETRANGE", "k", "5", "2"), c("GETRANGE", "k", "-1", "-5"), c("GETRANGE", "k", "0", "100"),
            c("GETRANGE", "nokey", "0", "1"), c("GETRANGE", "k", "a", "1"), c("SUBSTR", "k", "0", "2"),
            c("SETRANGE", "k", "6", "WORLD"), c("GET", "k"), c("SETRANGE", "k", "-1", "x"),
            c("SETRANGE", "new", "3", "ab"), c("GET", "new"), c("OBJECT", "ENCODING", "new"),
            c("SETRANGE", "empty", "0", ""), c("EXISTS", "empty"), c("SETRANGE", "k", "0", ""),
            c("SET", "num", "123"), c("APPEND", "num", "4"), c("OBJECT", "ENCODING", "num"),
            c("APPEND", "fresh", "42"), c("OBJECT", "ENCODING", "fresh"), c("SETRANGE", "num", "0", "9"),
            c("SETRANGE", "k", "536870912", "x"), c("SET", "a", "ohmytext"), c("SET", "b", "mynewtext"),
            c("LCS", "a", "b"), c("LCS", "a", "b", "LEN"), c("LCS", "a", "b", "IDX"),
            c("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"), c("LCS", "a", "b", "LEN", "IDX"),
            c("LCS", "a", "nokey"), c("LCS", "a", "b", "FOO"), c("LCS", "a", "b", "MINMATCHLEN", "x"));
    }

    @Test
    void encodings(Pair pair) throws Exception {
        String s44 = "x".repeat(44);
        String s45 = "x".repeat(45);
        same(pair, c("SET", "a", "12345"), c("OBJECT", "ENCODING", "a"), c("SET", "a", "-12345"),
            c("OBJECT", "ENCODING", "a"), c("SET", "a", "012"), c("OBJECT", "ENCODING", "a"),
            c("SET", "a", "99999999999999999999"), c("OBJECT", "ENCODING", "a"), c("SET", "a", s44),
            c("OBJECT", "ENCODING", "a"), c("SET", "a", s45), c("OBJECT", "ENCODING", "a"), c("SET", "a", ""),
            c("OBJECT", "ENCODING", "a"), c("OBJECT", "ENCODING", "nokey"), c("OBJECT", "REFCOUNT", "nokey"),
            c("SET", "b", "100"), c("OBJECT", "REFCOUNT", "b"), c("SET", "b", "10000"), c("OBJECT", "REFCOUNT", "b"),
            c("OBJECT", "FREQ", "b"), c("OBJECT", "FOO", "b"), c("OBJECT"), c("TYPE", "b"), c("TYPE", "nokey"),
            c("SET", "c", "-0"), c("OBJECT", "ENCODING", "c"), c("SET", "c", "9223372036854775808"),
            c("OBJECT", "ENCODING", "c"));
    }

    @Test
    void keyspace(Pair pair) throws Exception {
        same(pair, c("MSET", "a", "1", "b", "2", "c", "3"), c("EXISTS", "a", "b", "nokey", "a"), c("DEL", "a", "nokey"),
            c("UNLINK", "b"), c("DBSIZE"), c("RENAME", "c", "d"), c("RENAME", "nokey", "x"), c("RENAME", "d", "d"),
            c("RENAMENX", "d", "d"), c("SET", "e", "5"), c("RENAMENX", "d", "e"), c("RENAMENX", "d", "f"),
            c("GET", "f"), c("COPY", "f", "g"), c("COPY", "f", "g"), c("COPY", "f", "g", "REPLACE"),
            c("COPY", "f", "f"), c("COPY", "f", "h", "DB", "99"), c("COPY", "f", "h", "DB", "x"),
            c("COPY", "f", "h", "DB", "1"), c("COPY", "f", "h", "FOO"), c("MOVE", "f", "1"), c("MOVE", "g", "0"),
            c("MOVE", "g", "x"), c("MOVE", "g", "16"), c("MOVE", "g", "2"), c("SELECT", "2"), c("GET", "g"),
            c("SELECT", "1"), c("KEYS", "*"), c("SELECT", "0"), c("SELECT", "16"), c("SELECT", "-1"),
            c("SELECT", "x"), c("SWAPDB", "0", "1"), c("KEYS", "*"), c("SWAPDB", "0", "x"), c("SWAPDB", "x", "0"),
            c("SWAPDB", "0", "16"), c("TOUCH", "e", "h", "nokey"), c("FLUSHDB", "FOO"), c("FLUSHDB", "ASYNC"),
            c("DBSIZE"), c("FLUSHALL", "SYNC"), c("RANDOMKEY"), c("SET", "only", "1"), c("RANDOMKEY"),
            c("SCAN", "0", "COUNT", "0"), c("SCAN", "x"), c("SCAN", "0", "FOO", "1"), c("SCAN", "0", "TYPE", "list"),
            c("SCAN", "0", "MATCH", "o*"), c("SCAN", "0", "TYPE", "string"), c("SCAN", "18446744073709551616"),
            c("DEL"), c("EXISTS"));
    }

    @Test
    void globPatterns(Pair pair) throws Exception {
        same(pair, c("MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "h[a]llo", "1",
                "h*llo", "1", "a\\b", "1"),
            c("KEYS", "h?llo"), c("KEYS", "h*llo"), c("KEYS", "h[ae]llo"), c("KEYS", "h[^e]llo"),
            c("KEYS", "h[a-b]llo"), c("KEYS", "h[b-a]llo"), c("KEYS", "h\\*llo"), c("KEYS", "h\\[a\\]llo"),
            c("KEYS", "h[a"), c("KEYS", "*\\\\*"), c("KEYS", "h[\\]]llo"), c("KEYS", "**o"), c("KEYS", "nomatch"));
    }

    @Test
    void expiry(Pair pair) throws Exception {
        same(pair, c("SET", "k", "v"), c("EXPIRE", "k", "100"), c("TTL", "k"), c("EXPIRE", "k", "200", "NX"),
            c("EXPIRE", "k", "200", "XX"), c("EXPIRE", "k", "50", "GT"), c("EXPIRE", "k", "300", "GT"),
            c("EXPIRE", "k", "400", "LT"), c("EXPIRE", "k", "100", "LT"), c("TTL", "k"),
            c("EXPIRE", "k", "10", "NX", "XX"), c("EXPIRE", "k", "10", "GT", "LT"), c("EXPIRE", "k", "10", "FOO"),
            c("EXPIRE", "k", "abc"), c("EXPIRE", "nokey", "10"), c("EXPIRE", "k", "9223372036854775807"),
            c("PEXPIRE", "k", "9223372036854775807"), c("PERSIST", "k"), c("PERSIST", "k"), c("TTL", "k"),
            c("PTTL", "nokey"), c("EXPIRETIME", "k"), c("PEXPIRETIME", "nokey"), c("EXPIREAT", "k", "4102444800"),
            c("EXPIRETIME", "k"), c("PEXPIRETIME", "k"), c("PEXPIREAT", "k", "4102444800123"),
            c("PEXPIRETIME", "k"), c("EXPIRETIME", "k"), c("SET", "p", "v"), c("EXPIRE", "p", "200", "LT"),
            c("TTL", "p"), c("SET", "q", "v"), c("EXPIRE", "q", "200", "GT"), c("TTL", "q"),
            c("EXPIRE", "k", "-1"), c("EXISTS", "k"), c("SET", "k", "v"), c("EXPIREAT", "k", "1"),
            c("GET", "k"), c("SET", "k", "v", "PXAT", "1"), c("GET", "k"), c("SET", "k", "v", "EXAT", "4102444800"),
            c("EXPIRETIME", "k"), c("SET", "k", "v2"), c("TTL", "k"),
            c("SET", "r", "v", "EX", "100"), c("SET", "s", "v", "EX", "200"), c("RENAME", "r", "r2"), c("TTL", "r2"),
            c("DEL", "s"), c("TTL", "r2"), c("COPY", "r2", "r3"), c("TTL", "r3"), c("MOVE", "r2", "1"),
            c("SWAPDB", "0", "1"), c("TTL", "r2"), c("TTL", "r3"), c("SWAPDB", "0", "1"), c("PERSIST", "r3"),
            c("TTL", "r3"), c("SET", "g", "v", "EX", "100"), c("GETSET", "g", "w"), c("TTL", "g"),
            c("SET", "g", "v", "EX", "100"), c("MSET", "g", "x"), c("TTL", "g"), c("SET", "g", "v", "EX", "100"),
            c("APPEND", "g", "y"), c("TTL", "g"), c("INCR", "n"), c("EXPIRE", "n", "100"), c("INCR", "n"),
            c("TTL", "n"), c("DBSIZE"), c("SELECT", "1"), c("DBSIZE"), c("FLUSHDB"), c("SELECT", "0"));
    }

    @Test
    void unknownCommandsAndArity(Pair pair) throws Exception {
        same(pair, c("FOO"), c("FOO", "a", "b"), c("foo", "x".repeat(200)), c("GET", "a", "b"), c("SET", "a"),
            c("CONFIG"), c("CONFIG", "FOO"), c("CONFIG", "GET"), c("CLIENT", "FOO"), c("OBJECT", "ENCODING"),
            c("EXPIRE", "a"), c("TTL"), c("DEBUG", "FOO"), c("SELECT"), c("MGET"), c("MSETNX", "a"),
            c("CONFIG", "SET", "maxclients"), c("CONFIG", "SET", "foo", "bar"),
            c("CONFIG", "SET", "maxclients", "abc"), c("CONFIG", "SET", "maxclients", "0"),
            c("CONFIG", "SET", "daemonize", "yes"), c("CONFIG", "SET", "appendfsync", "bad"),
            c("CONFIG", "SET", "activerehashing", "maybe"), c("CONFIG", "SET", "maxmemory", "1x"),
            c("CONFIG", "SET", "maxmemory", "10mb", "maxmemory", "1"), c("CONFIG", "SET", "dir", "/tmp"),
            c("CONFIG", "SET", "hz", "20", "maxclients", "x"), c("CONFIG", "GET", "hz"),
            c("CONFIG", "GET", "maxmemory"), c("CONFIG", "SET", "maxmemory", "1gb"), c("CONFIG", "GET", "maxmemory"),
            c("CONFIG", "SET", "maxmemory", "0"), c("CONFIG", "GET", "maxclients", "timeout"),
            c("CONFIG", "GET", "save"), c("CONFIG", "GET", "hash-max-*"), c("CONFIG", "GET", "nomatch"),
            c("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 x"),
            c("CONFIG", "SET", "notify-keyspace-events", "KEA"), c("CONFIG", "GET", "notify-keyspace-events"),
            c("CONFIG", "SET", "notify-keyspace-events", "Kq"), c("CONFIG", "SET", "notify-keyspace-events", ""),
            c("AUTH", "x"), c("AUTH", "default", "x"), c("AUTH", "a", "b", "c"), c("HELLO", "4"), c("HELLO", "x"),
            c("HELLO", "2", "FOO"), c("CLIENT", "SETNAME", "a b"), c("CLIENT", "SETNAME", "ok"),
            c("CLIENT", "GETNAME"), c("CLIENT", "NO-EVICT", "maybe"), c("CLIENT", "REPLY", "FOO"),
            c("CLIENT", "PAUSE", "x"), c("CLIENT", "PAUSE", "-1"), c("CLIENT", "KILL", "1.2.3.4:5"),
            c("CLIENT", "KILL", "ID", "0"), c("CLIENT", "KILL", "ID", "9999"),
            c("CLIENT", "UNBLOCK", "1"), c("CLIENT", "UNBLOCK", "x"), c("SLOWLOG", "GET", "-2"),
            c("SLOWLOG", "FOO"), c("LATENCY", "RESET"), c("LATENCY", "HISTORY", "command"),
            c("COMMAND", "GETKEYS", "GET", "k"), c("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"),
            c("COMMAND", "GETKEYS", "PING", "x"), c("COMMAND", "GETKEYS", "NOSUCH", "x"),
            c("COMMAND", "GETKEYS", "GET", "a", "b"), c("COMMAND", "GETKEYS", "SET", "k", "v", "GET"),
            c("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"), c("COMMAND", "INFO", "get", "nosuchcommand"),
            c("COMMAND", "INFO", "config|get"), c("COMMAND", "FOO"), c("SHUTDOWN", "ABORT"),
            c("SHUTDOWN", "FOO"), c("DEBUG", "PROTOCOL", "map"), c("DEBUG", "PROTOCOL", "attrib"),
            c("DEBUG", "OBJECT", "nokey"), c("OBJECT", "HELP"), c("CONFIG", "RESETSTAT"));
    }

    @Test
    void resp3(@Resp(3) Pair pair) throws Exception {
        same(pair, c("SET", "k", "v"), c("GET", "k"), c("GET", "nokey"),
            c("MGET", "k", "nokey"), c("CONFIG", "GET", "maxclients"), c("COMMAND", "INFO", "get", "set", "mset"),
            c("LCS", "k", "k", "IDX"), c("DEBUG", "PROTOCOL", "map"), c("DEBUG", "PROTOCOL", "set"),
            c("DEBUG", "PROTOCOL", "true"), c("DEBUG", "PROTOCOL", "verbatim"), c("OBJECT", "ENCODING", "nokey"),
            c("SET", "k", "v", "GET"), c("SET", "z", "v", "NX", "GET"), c("GET", "nokey"));
    }
}
