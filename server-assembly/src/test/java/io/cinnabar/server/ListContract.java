package io.cinnabar.server;

import io.cinnabar.testkit.Pair;
import org.junit.jupiter.api.Test;

/** The list commands' contract, run against each list encoding ({@link EncodingContract}). */
abstract class ListContract extends EncodingContract {
    @Test
    void indexAndRanges(Pair pair) throws Exception {
        create(pair, "l", "RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "-100");
        same(pair, c("LLEN", "l"), c("LINDEX", "l", "0"), c("LINDEX", "l", "-1"), c("LINDEX", "l", "3"),
            c("LINDEX", "l", "100"), c("LINDEX", "l", "x"), c("LRANGE", "l", "0", "-1"), c("LRANGE", "l", "2", "4"),
            c("LRANGE", "l", "-3", "100"), c("LRANGE", "l", "5", "2"), c("LPOS", "l", "c"),
            c("LPOS", "l", "c", "RANK", "-1"), c("LPOS", "l", "c", "COUNT", "0"), c("LPOS", "l", "1", "MAXLEN", "2"),
            c("LPOS", "l", "c", "RANK", "0"), c("LPOS", "l", "zz"), c("LPOS", "nokey", "a"));
        assertEncoding(pair, "l");
        pair.assertSame();
    }

    @Test
    void pushesSetsAndInserts(Pair pair) throws Exception {
        create(pair, "l", "RPUSH", "l", "a", "b", "c", "d");
        same(pair, c("LPUSH", "l", "z", "y"), c("RPUSH", "l", "5"), c("LPUSHX", "l", "x"), c("RPUSHX", "nokey", "x"),
            c("LSET", "l", "1", "Y"), c("LSET", "l", "-1", "55"), c("LSET", "l", "100", "v"),
            c("LSET", "nokey", "0", "v"),
            c("LINSERT", "l", "BEFORE", "c", "bc"), c("LINSERT", "l", "AFTER", "55", "56"),
            c("LINSERT", "l", "AFTER", "nope", "q"), c("LINSERT", "l", "MIDDLE", "c", "q"), c("LRANGE", "l", "0", "-1"),
            c("LREM", "l", "0", "nope"), c("RPUSH", "l", "a", "a", "a"), c("LREM", "l", "2", "a"),
            c("LREM", "l", "-1", "a"), c("LRANGE", "l", "0", "-1"), c("LLEN", "l"));
        assertEncoding(pair, "l");
        pair.assertSame();
    }

    @Test
    void popsMovesAndTrims(Pair pair) throws Exception {
        create(pair, "l", "RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8");
        same(pair, c("LPOP", "l"), c("RPOP", "l", "2"), c("LPOP", "l", "0"), c("RPOP", "l", "-1"),
            c("LMOVE", "l", "m", "LEFT", "RIGHT"), c("RPOPLPUSH", "l", "m"), c("LMOVE", "l", "l", "RIGHT", "LEFT"),
            c("LRANGE", "l", "0", "-1"), c("LRANGE", "m", "0", "-1"),
            c("LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "2"),
            c("LTRIM", "m", "1", "-1"), c("LRANGE", "m", "0", "-1"), c("LTRIM", "m", "5", "1"), c("EXISTS", "m"),
            c("COPY", "l", "l2"), c("LRANGE", "l2", "0", "-1"), c("LPOP", "l", "100"), c("EXISTS", "l"),
            c("LPOP", "nokey"), c("LPOP", "nokey", "2"));
    }

    @Test
    void wrongTypesAndArity(Pair pair) throws Exception {
        create(pair, "l", "RPUSH", "l", "a", "b", "c");
        same(pair, c("SET", "s", "x"), c("LPUSH", "s", "a"), c("LRANGE", "s", "0", "-1"), c("LMOVE", "l", "s", "LEFT",
            "LEFT"), c("LRANGE", "l", "0", "-1"), c("LPUSH", "l"), c("LRANGE", "l", "0"), c("LINDEX", "l"),
            c("LPOP", "l", "1", "2"), c("TYPE", "l"));
        assertEncoding(pair, "l");
        pair.assertSame();
    }
}
