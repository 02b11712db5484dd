package io.cinnabar.server;

import io.cinnabar.testkit.Pair;
import org.junit.jupiter.api.Test;

/**
 * The string commands' contract, run against each string encoding ({@link EncodingContract}): the subclass gives
 * a value that SET stores in its encoding ({@code int}, {@code embstr} up to 44 bytes, {@code raw} beyond); the
 * same sequence then reads it, copies it and changes it.
 */
abstract class StringContract extends EncodingContract {
    /** A value that SET stores in {@link #encoding()}. */
    abstract String value();

    @Test
    void reads(Pair pair) throws Exception {
        create(pair, "k", "SET", "k", value());
        same(pair, c("GET", "k"), c("STRLEN", "k"), c("GETRANGE", "k", "0", "2"), c("GETRANGE", "k", "-3", "-1"),
            c("GETRANGE", "k", "2", "1"), c("SUBSTR", "k", "1", "100"), c("GETBIT", "k", "3"), c("GETBIT", "k", "1000"),
            c("BITCOUNT", "k"), c("BITCOUNT", "k", "1", "2"), c("BITPOS", "k", "1"), c("BITPOS", "k", "0", "1"),
            c("EXISTS", "k"), c("TYPE", "k"), c("MGET", "k", "nokey"), c("LCS", "k", "k", "LEN"),
            c("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "3"), c("GETEX", "k"), c("OBJECT", "ENCODING", "k"));
        assertEncoding(pair, "k");
        pair.assertSame();
    }

    @Test
    void counters(Pair pair) throws Exception {
        create(pair, "k", "SET", "k", value());
        same(pair, c("INCR", "k"), c("INCRBY", "k", "10"), c("DECRBY", "k", "3"), c("GET", "k"),
            c("OBJECT", "ENCODING", "k"), c("INCRBYFLOAT", "k", "0.5"), c("GET", "k"), c("OBJECT", "ENCODING", "k"));
    }

    @Test
    void writes(Pair pair) throws Exception {
        create(pair, "k", "SET", "k", value());
        same(pair, c("COPY", "k", "k2"), c("OBJECT", "ENCODING", "k2"), c("GET", "k2"), c("GETSET", "k2", value()),
            c("OBJECT", "ENCODING", "k2"), c("SETRANGE", "k", "1", "Z"), c("GET", "k"), c("OBJECT", "ENCODING", "k"),
            c("APPEND", "k2", "tail"), c("GET", "k2"), c("OBJECT", "ENCODING", "k2"), c("SETBIT", "k2", "0", "1"),
            c("GET", "k2"), c("SET", "k3", value(), "GET"), c("SET", "k3", "x", "GET"), c("GETDEL", "k"),
            c("EXISTS", "k"), c("MSETNX", "k", value(), "k2", "x"), c("GET", "k"), c("STRLEN", "k2"),
            c("LPUSH", "k2", "x"));
    }
}
