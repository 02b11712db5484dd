package io.cinnabar.server;

import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import org.junit.jupiter.api.Test;

/** The sorted-set commands' contract, run against each sorted-set encoding ({@link EncodingContract}). */
abstract class ZsetContract extends EncodingContract {
    @Override
    void prepare(Pair pair) {
        pair.normalize((cmd, r) -> cmd.get(0).equals("ZRANDMEMBER") // a count covering the set: all of it
            ? Replies.sorted(r, cmd.contains("WITHSCORES") ? 2 : 1) : r);
    }

    @Test
    void ranksScoresAndRanges(Pair pair) throws Exception {
        create(pair, "z", "ZADD", "z", "1", "a", "2", "b", "3", "c", "2.5", "d", "-1", "e", "2", "bb");
        same(pair, c("ZCARD", "z"), c("ZSCORE", "z", "d"), c("ZSCORE", "z", "nope"), c("ZMSCORE", "z", "a", "x", "e"),
            c("ZRANK", "z", "c"), c("ZREVRANK", "z", "c"), c("ZRANK", "z", "nope"), c("ZRANGE", "z", "0", "-1"),
            c("ZRANGE", "z", "0", "-1", "WITHSCORES"), c("ZRANGE", "z", "-2", "-1", "REV"),
            c("ZRANGE", "z", "(1", "2.5", "BYSCORE", "WITHSCORES"), c("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV",
                "LIMIT", "1", "2"), c("ZRANGEBYSCORE", "z", "-inf", "(2"), c("ZREVRANGEBYSCORE", "z", "3", "2"),
            c("ZCOUNT", "z", "2", "3"), c("ZCOUNT", "z", "(2", "+inf"), c("ZRANGE", "z", "5", "1"),
            c("ZRANGE", "z", "x", "1", "BYSCORE"), c("ZRANDMEMBER", "z", "100", "WITHSCORES"));
        assertEncoding(pair, "z");
        pair.assertSame();
    }

    @Test
    void lexRanges(Pair pair) throws Exception {
        create(pair, "z", "ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
        same(pair, c("ZRANGEBYLEX", "z", "-", "+"), c("ZRANGEBYLEX", "z", "[b", "(d"),
            c("ZREVRANGEBYLEX", "z", "+", "[c", "LIMIT", "0", "2"), c("ZLEXCOUNT", "z", "(a", "[e"),
            c("ZRANGE", "z", "[a", "[c", "BYLEX"), c("ZRANGEBYLEX", "z", "b", "c"),
            c("ZREMRANGEBYLEX", "z", "[a", "(c"), c("ZRANGE", "z", "0", "-1"));
        assertEncoding(pair, "z");
        pair.assertSame();
    }

    @Test
    void updates(Pair pair) throws Exception {
        create(pair, "z", "ZADD", "z", "1", "a", "2", "b", "3", "c");
        same(pair, c("ZADD", "z", "NX", "5", "a", "4", "d"), c("ZADD", "z", "XX", "CH", "6", "a", "7", "e"),
            c("ZADD", "z", "GT", "CH", "1", "b", "9", "c"), c("ZADD", "z", "LT", "0", "b"),
            c("ZADD", "z", "INCR", "2", "b"), c("ZADD", "z", "NX", "XX", "1", "a"), c("ZADD", "z", "1", "a", "2"),
            c("ZADD", "z", "x", "a"), c("ZINCRBY", "z", "1.5", "a"), c("ZINCRBY", "z", "1", "new"),
            c("ZREM", "z", "new", "nope"), c("ZRANGE", "z", "0", "-1", "WITHSCORES"), c("ZPOPMIN", "z"),
            c("ZPOPMAX", "z", "2"), c("ZRANGE", "z", "0", "-1", "WITHSCORES"), c("ZADD", "z", "1", "a", "2", "b"),
            c("ZREMRANGEBYSCORE", "z", "-inf", "1"), c("ZREMRANGEBYRANK", "z", "-1", "-1"),
            c("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        assertEncoding(pair, "z");
        pair.assertSame();
    }

    @Test
    void storesAndAlgebra(Pair pair) throws Exception {
        create(pair, "z", "ZADD", "z", "1", "a", "2", "b", "3", "c");
        same(pair, c("ZADD", "y", "10", "b", "20", "c", "30", "d"), c("ZUNION", "2", "z", "y", "WITHSCORES"),
            c("ZINTER", "2", "z", "y", "WEIGHTS", "2", "1", "WITHSCORES"), c("ZDIFF", "2", "z", "y"),
            c("ZINTERCARD", "2", "z", "y"), c("ZUNIONSTORE", "d", "2", "z", "y", "AGGREGATE", "MAX"),
            c("ZRANGE", "d", "0", "-1", "WITHSCORES"), c("ZRANGESTORE", "r", "z", "0", "1"),
            c("ZRANGE", "r", "0", "-1", "WITHSCORES"), c("ZINTERSTORE", "i", "2", "z", "y"), c("ZCARD", "i"),
            c("ZDIFFSTORE", "df", "2", "z", "y"), c("ZRANGE", "df", "0", "-1"), c("COPY", "z", "z2"),
            c("OBJECT", "ENCODING", "z2"), c("ZRANGE", "z2", "0", "-1", "WITHSCORES"), c("ZMPOP", "2", "nokey", "z",
                "MIN", "COUNT", "2"), c("ZRANGE", "z", "0", "-1"), c("SET", "str", "x"), c("ZADD", "str", "1", "a"),
            c("ZUNIONSTORE", "d", "2", "z", "str"));
    }
}
