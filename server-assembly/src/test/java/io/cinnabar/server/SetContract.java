package io.cinnabar.server;

import io.cinnabar.testkit.Normalizer;
import io.cinnabar.testkit.Pair;
import org.junit.jupiter.api.Test;

/**
 * The set commands' contract, run against each set encoding ({@link EncodingContract}). The members are integers,
 * so that one sequence fits the intset encoding too; a string member converts at the end of {@link #conversion}.
 * Set replies are compared as multisets: 7.0 keeps the sets that 7.2 keeps as listpacks as hashtables.
 */
abstract class SetContract extends EncodingContract {
    @Override
    void prepare(Pair pair) {
        pair.normalize(Normalizer.unordered(1, "SMEMBERS", "SINTER", "SUNION", "SDIFF", "SPOP", "SRANDMEMBER"));
        pair.normalize((cmd, r) -> cmd.get(0).equals("SSCAN") ? HashContract.sortedScan(r, 1) : r);
    }

    @Test
    void membership(Pair pair) throws Exception {
        create(pair, "s", "SADD", "s", "1", "2", "3", "-5", "100", "3");
        same(pair, c("SADD", "s", "2", "7"), c("SCARD", "s"), c("SISMEMBER", "s", "1"), c("SISMEMBER", "s", "4"),
            c("SISMEMBER", "s", "abc"), c("SMISMEMBER", "s", "1", "4", "100", "x"), c("SMEMBERS", "s"),
            c("SREM", "s", "2", "99"), c("SREM", "s", "x"), c("SCARD", "s"), c("SMEMBERS", "s"),
            c("SRANDMEMBER", "s", "100"), c("SRANDMEMBER", "s", "0"), c("SRANDMEMBER", "s", "x"),
            c("SSCAN", "s", "0"), c("SSCAN", "s", "0", "MATCH", "1*"), c("SADD", "s"), c("SCARD", "nokey"),
            c("SMEMBERS", "nokey"), c("SISMEMBER", "nokey", "1"));
        assertEncoding(pair, "s");
        pair.assertSame();
    }

    @Test
    void algebra(Pair pair) throws Exception {
        create(pair, "s", "SADD", "s", "1", "2", "3", "4", "5");
        same(pair, c("SADD", "t", "4", "5", "6"), c("SINTER", "s", "t"), c("SUNION", "s", "t"), c("SDIFF", "s", "t"),
            c("SINTER", "s", "nokey"), c("SUNION", "s", "nokey"), c("SDIFF", "s", "nokey"),
            c("SINTERCARD", "2", "s", "t"), c("SINTERCARD", "2", "s", "t", "LIMIT", "1"),
            c("SINTERSTORE", "d", "s", "t"), c("SMEMBERS", "d"), c("SUNIONSTORE", "d", "s", "t"), c("SCARD", "d"),
            c("SDIFFSTORE", "d", "s", "t"), c("SMEMBERS", "d"), c("SINTERSTORE", "d", "s", "nokey"), c("EXISTS", "d"),
            c("SET", "str", "x"), c("SINTER", "s", "str"), c("SUNIONSTORE", "d", "s", "str"));
        assertEncoding(pair, "s");
        pair.assertSame();
    }

    @Test
    void movesPopsAndCopies(Pair pair) throws Exception {
        create(pair, "s", "SADD", "s", "10", "20", "30");
        same(pair, c("SMOVE", "s", "t", "10"), c("SMOVE", "s", "t", "99"), c("SMEMBERS", "t"), c("SMEMBERS", "s"),
            c("SISMEMBER", "t", "10"), c("COPY", "s", "s2"), c("SMEMBERS", "s2"), c("SCARD", "s2"),
            c("SPOP", "s2", "100"), c("EXISTS", "s2"), c("SPOP", "nokey"), c("SPOP", "s", "0"), c("SPOP", "s", "-1"),
            c("SREM", "s", "20", "30"), c("EXISTS", "s"), c("TYPE", "t"));
    }

    @Test
    void conversion(Pair pair) throws Exception {
        create(pair, "s", "SADD", "s", "1", "2", "3");
        assertEncoding(pair, "s");
        same(pair, c("SADD", "s", "abc"), c("SMEMBERS", "s"), c("SISMEMBER", "s", "abc"), c("SISMEMBER", "s", "2"),
            c("SREM", "s", "abc"), c("SCARD", "s"), c("SMEMBERS", "s"));
    }
}
