package io.cinnabar.server;

import io.cinnabar.testkit.Normalizer;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import org.junit.jupiter.api.Test;

/** The hash commands' contract, run against each hash encoding ({@link EncodingContract}). */
abstract class HashContract extends EncodingContract {
    @Override
    void prepare(Pair pair) {
        if (!encoding().equals("listpack")) { // a hashtable's iteration order is unspecified
            pair.normalize(Normalizer.unordered(2, "HGETALL")).normalize(Normalizer.unordered(1, "HKEYS", "HVALS"));
        }
        pair.normalize((cmd, r) -> cmd.get(0).equals("HRANDFIELD") // a count covering the hash: all of it
            ? Replies.sorted(r, cmd.contains("WITHVALUES") ? 2 : 1) : r);
    }

    @Test
    void readsAndWrites(Pair pair) throws Exception {
        create(pair, "h", "HSET", "h", "f1", "v1", "f2", "v2", "f3", "3", "f4", "-4", "", "empty");
        same(pair, c("HGET", "h", "f1"), c("HGET", "h", "nope"), c("HGET", "h", ""),
            c("HMGET", "h", "f1", "nope", "f3"),
            c("HLEN", "h"), c("HEXISTS", "h", "f2"), c("HEXISTS", "h", "zz"), c("HSTRLEN", "h", "f1"),
            c("HSTRLEN", "h", "f3"), c("HSTRLEN", "h", "nope"), c("HSETNX", "h", "f1", "x"),
            c("HSETNX", "h", "f5", "v5"), c("HSET", "h", "f1", "v1b", "f6", "v6"), c("HMSET", "h", "f7", "7"),
            c("HGETALL", "h"), c("HKEYS", "h"), c("HVALS", "h"), c("HLEN", "h"), c("HRANDFIELD", "h", "100"),
            c("HRANDFIELD", "h", "100", "WITHVALUES"), c("HRANDFIELD", "h", "0"));
        assertEncoding(pair, "h");
        pair.assertSame();
    }

    @Test
    void counters(Pair pair) throws Exception {
        create(pair, "h", "HSET", "h", "n", "10", "s", "text", "f", "1.5", "big", "9223372036854775807");
        same(pair, c("HINCRBY", "h", "n", "5"), c("HINCRBY", "h", "n", "-20"), c("HINCRBY", "h", "new", "7"),
            c("HINCRBY", "h", "s", "1"), c("HINCRBY", "h", "big", "1"), c("HINCRBY", "h", "n", "x"),
            c("HINCRBY", "h", "f", "1"), c("HINCRBYFLOAT", "h", "f", "0.25"), c("HINCRBYFLOAT", "h", "n", "1e2"),
            c("HINCRBYFLOAT", "h", "nf", "-3.5"), c("HINCRBYFLOAT", "h", "s", "1"), c("HINCRBYFLOAT", "h", "f", "inf"),
            c("HGET", "h", "n"), c("HGET", "h", "f"), c("HGET", "h", "nf"), c("HGETALL", "h"));
        assertEncoding(pair, "h");
        pair.assertSame();
    }

    @Test
    void deletesCopiesAndErrors(Pair pair) throws Exception {
        create(pair, "h", "HSET", "h", "a", "1", "b", "2", "c", "3");
        same(pair, c("HDEL", "h", "a", "nope"), c("HDEL", "h", "nope"), c("HLEN", "h"), c("COPY", "h", "h2"),
            c("OBJECT", "ENCODING", "h2"), c("HGETALL", "h2"), c("RENAME", "h2", "h3"), c("HGETALL", "h3"),
            c("HSET", "h"), c("HSET", "h", "f"), c("HSET", "h", "f", "v", "g"), c("HGET", "h"),
            c("SET", "s", "x"), c("HGET", "s", "f"), c("HSET", "s", "f", "v"), c("HGETALL", "s"), c("HLEN", "nokey"),
            c("HGETALL", "nokey"), c("HDEL", "h", "b", "c"), c("EXISTS", "h"), c("TYPE", "h3"));
    }

    @Test
    void scanReturnsEveryField(Pair pair) throws Exception {
        create(pair, "h", "HSET", "h", "m1", "1", "m2", "2", "x1", "3", "m3", "4");
        // small hashes come back whole in one call from either encoding (cursor 0)
        pair.normalize((cmd, r) -> cmd.get(0).equals("HSCAN") ? sortedScan(r, 2) : r);
        same(pair, c("HSCAN", "h", "0"), c("HSCAN", "h", "0", "MATCH", "m*"), c("HSCAN", "h", "0", "COUNT", "1000"),
            c("HSCAN", "h", "x"), c("HSCAN", "nokey", "0"));
    }

    /** A *SCAN reply with its element array sorted (groups of width kept together). */
    static String sortedScan(String reply, int width) {
        java.util.List<String> e = io.cinnabar.testkit.Replies.elements(reply);
        return e.size() == 2 ? e.get(0) + io.cinnabar.testkit.Replies.sorted(e.get(1), width) : reply;
    }
}
