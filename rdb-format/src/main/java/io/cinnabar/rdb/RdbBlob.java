package io.cinnabar.rdb;

/**
 * The kinds of encoded blobs an RDB value may carry whole. {@link RdbVisitor#blob} receives each before it is
 * decoded; a visitor that adopts the bytes as they are (a server keeping the listpack) returns {@code true} and
 * gets no per-element callbacks for it.
 */
public enum RdbBlob {
    /** Legacy ziplist: list, zset or hash (type 10, 12, 13) or one node of a type 14 quicklist. */
    ZIPLIST,
    /** Legacy zipmap hash (type 9). */
    ZIPMAP,
    /** Intset (type 11). */
    INTSET,
    /** A listpack: set, zset, hash (types 16, 17, 20, 23, 25) or one packed node of a type 18 quicklist. */
    LISTPACK,
    /** One listpack of a stream's rax (types 15, 19, 21); {@link RdbVisitor#streamListpack} gets its master id. */
    STREAM_LISTPACK
}
