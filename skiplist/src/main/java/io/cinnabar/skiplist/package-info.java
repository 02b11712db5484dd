/**
 * Redis's sorted-set skip list for the JVM.
 *
 * <ul>
 * <li>{@link io.cinnabar.skiplist.ZSkipList}: ordered by score then member bytes (unsigned), up to 32 levels
 *     with p = 1/4, spans on every link for rank in O(log N), backward links, score updates in place when the
 *     order holds, range queries and deletions by score, lex and rank.</li>
 * <li>{@link io.cinnabar.skiplist.ScoreRange} and {@link io.cinnabar.skiplist.LexRange}: the range specs of
 *     ZRANGEBYSCORE / ZRANGEBYLEX and their parsers, with Redis's rules for what is invalid.</li>
 * </ul>
 *
 * <p>Every class here is single-threaded by design: the server's data thread owns the sorted sets.
 */
package io.cinnabar.skiplist;
