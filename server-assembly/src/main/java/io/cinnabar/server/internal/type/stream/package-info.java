/**
 * The stream type: its storage, byte for byte Redis 7.2's, the operations the stream commands need, and the
 * commands ({@link io.cinnabar.server.internal.type.stream.StreamCommands}: XADD ... XSETID;
 * {@link io.cinnabar.server.internal.type.stream.StreamGroupCommands}: groups, XREAD/XREADGROUP with BLOCK, claims),
 * which parse and reply while {@link io.cinnabar.server.internal.type.stream.StreamValue},
 * {@link io.cinnabar.server.internal.type.stream.StreamGroup} and
 * {@link io.cinnabar.server.internal.type.stream.StreamId} answer (throwing {@code StreamException} with Redis's text).
 *
 * <h2>Layout</h2>
 * A stream is a rax (module {@code io.cinnabar.rax}) whose keys are 16-byte big-endian ids
 * ({@code ms || seq}, so byte order is id order) and whose values are listpacks (module
 * {@code io.cinnabar.listpack}), one per node. The key of a node is its <em>master id</em>, the id of the entry
 * that created it. Every element below is one listpack element; numbers use listpack integer encodings.
 * <pre>
 *  node listpack:
 *  +-------+---------+------------+---------+-----+---------+---+   master entry: fields of the first entry
 *  | count | deleted | num-fields | field_1 | ... | field_N | 0 |   count = live entries, deleted = marked ones;
 *  +-------+---------+------------+---------+-----+---------+---+   the 0 ends it (an lp-count of 0, see below)
 *
 *  then per entry, either (flags has SAMEFIELDS: fields equal the master's, in order)
 *  +-------+----------+-----------+---------+-----+---------+----------+
 *  | flags | ms-delta | seq-delta | value_1 | ... | value_N | lp-count |       lp-count = N + 3
 *  +-------+----------+-----------+---------+-----+---------+----------+
 *  or
 *  +-------+----------+-----------+------------+---------+---------+-----+---------+---------+----------+
 *  | flags | ms-delta | seq-delta | num-fields | field_1 | value_1 | ... | field_M | value_M | lp-count |
 *  +-------+----------+-----------+------------+---------+---------+-----+---------+---------+----------+
 *                                                                          lp-count = 2M + 4
 *  flags:  bit 0 DELETED (1)    the entry is a tombstone: readers skip it, its bytes stay
 *          bit 1 SAMEFIELDS (2)
 *  id of an entry = (master.ms + ms-delta, master.seq + seq-delta), 64-bit wrapping (seq-delta may be negative)
 *  lp-count counts the entry's elements before it: reading backward, step back lp-count elements to reach the
 *  flags; the master entry's final 0 tells a backward walk that the node's entries are done.
 * </pre>
 * Worked example: {@code XADD s 5-1 temp 20 hum 3} then {@code XADD s 5-2 temp 21 hum 4} make one node keyed
 * {@code 00..05 00..01} holding {@code 2 0 2 "temp" "hum" 0 | 2 0 0 20 3 5 | 2 0 1 21 4 5}.
 *
 * <p>A new node starts when the last one's bytes plus the new entry's fields and values reach
 * {@code stream-node-max-bytes} (0: 1 GiB), or it holds {@code stream-node-max-entries} entries live or
 * deleted (0: no limit). Deleting marks the entry and moves the master counts; the node whose last live entry
 * goes leaves the rax. Exact trimming removes whole head nodes and marks entries of the next one; approximate
 * trimming ({@code ~}) removes whole nodes only, never more than the LIMIT. Besides the nodes a stream keeps its
 * length, last id, first id, max deleted entry id and entries-added counter, which with each group's
 * entries-read give 7.2's lag ({@link io.cinnabar.server.internal.type.stream.StreamValue#lag}).
 *
 * <p>Consumer groups sit in a rax by name. A group's PEL is a rax from 16-byte id to a NACK (delivery time,
 * delivery count, owning consumer); each consumer's PEL is a rax of the same NACK objects. DUMP and RDB go
 * through rdb-format ({@link io.cinnabar.server.internal.type.stream.StreamRdb}): the listpacks are written and
 * adopted as they are.
 *
 * <h2>Costs</h2>
 * Append: O(16) rax steps plus the listpack append (a node is at most a few KiB with the defaults). Range read:
 * one rax seek, then O(elements) per entry read, deleted entries stepped over. Delete by id: one seek and one
 * node walk. Trim: O(removed nodes) plus one node walk when exact. Group reads add O(16) per delivered entry to
 * both PELs. Memory per entry is the listpack bytes: with same fields, three small integers, the values and one
 * lp-count.
 *
 * <p><b>Note:</b> The classes of this package are not threadsafe: one thread owns the data.
 */
package io.cinnabar.server.internal.type.stream;
