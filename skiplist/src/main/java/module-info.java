/**
 * Redis's sorted-set skip list ({@code zskiplist} in {@code t_zset.c}) for the JVM: spans for rank in
 * O(log N), score and lex ranges, backward links. See {@link io.cinnabar.skiplist.ZSkipList}.
 *
 * <p>Requires sds for one thing: score ranges ({@code zslParseRange}) read their bounds with C's {@code strtod},
 * and sds holds the one Java implementation of it ({@code io.cinnabar.sds.Strtod}, shared with {@code string2d}
 * and SORT), rather than a third copy here.
 */
module io.cinnabar.skiplist {
    requires io.cinnabar.sds;

    exports io.cinnabar.skiplist;
}
