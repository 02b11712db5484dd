/**
 * Helpers shared by the type packages: the listpack blob of list/hash/set/zset values, SCAN options and cursors,
 * LMPOP/ZMPOP arguments, random sampling, the
 * quicksort of SORT and GEO.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}, {@code propagate}, {@code blocking}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.type;
