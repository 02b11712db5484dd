/**
 * Redis's sorted-set skip list ({@code zskiplist} in {@code t_zset.c}) for the JVM: spans for rank in
 * O(log N), score and lex ranges, backward links. See {@link io.cinnabar.skiplist.ZSkipList}.
 */
module io.cinnabar.skiplist {
    exports io.cinnabar.skiplist;
}
