/**
 * Off-heap storage of the keyspace (issue #12): keys, their expire and metadata, and int/embstr string values live
 * in memory the server allocates and frees itself, outside the GC heap. Every database
 * ({@link io.cinnabar.server.internal.keyspace.Db}) is an {@code OffHeapKeyTable} over a {@code SlabAllocator} of
 * its own (FLUSHDB drops both in O(1)), seen by the commands through
 * {@link io.cinnabar.server.internal.keyspace.Entry} views; raw strings (in heap arrays that APPEND/SETRANGE/SETBIT/
 * BITFIELD/PFADD edit in place, {@code ENC_HEAP_RAW}) and aggregates in their big encodings stay in the table's
 * object slots; lists, sets, sorted sets and hashes in their small encodings (listpack, intset) are off-heap blobs
 * ({@code EntryLayout.ENC_LISTPACK}/{@code ENC_INTSET}) that an entry view loads into a reused heap value for the
 * length of a command and stores back after it. The cron runs
 * each database's {@code DefragCycle} under {@code activedefrag}; INFO memory reports the allocators
 * ({@code allocator_*}, {@code used_memory_offheap}) apart from the heap, and used_memory counts their bytes.
 *
 * <h2>Parts</h2>
 * <ul>
 * <li>{@link io.cinnabar.server.internal.keyspace.mem.SlabAllocator}: slabs of 64 KiB (direct
 *     {@link java.nio.ByteBuffer}s), each serving one of 36
 *     {@linkplain io.cinnabar.server.internal.keyspace.mem.SizeClasses size classes} (8..64 by 8, 80..128 by 16, then
 *     four per doubling up to 8 KiB) through a bitmap; larger requests get a page-rounded buffer of their own.
 *     Addresses are {@code long} handles ({@code slab id << 32 | offset}); no Java object exists per allocation.
 *     Empty slabs go to a pool of 16 that every class reuses, the rest back to the JVM. Accounting: allocated,
 *     active, footprint bytes and the fragmentation ratio (active / allocated), i.e. Redis's
 *     {@code allocator_allocated}, {@code allocator_active}, {@code allocator_resident},
 *     {@code allocator_frag_ratio}. Defragmentation hook: {@code shouldRelocate(h)} / {@code relocate(h)} move an
 *     allocation out of a slab used no more than its class's average into the current one (Redis's activedefrag hint).</li>
 * <li>{@link io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable}: Redis's dict for one database, with each
 *     key's dictEntry, sds key, robj and embstr folded into one allocation
 *     ({@link io.cinnabar.server.internal.keyspace.mem.EntryLayout}). Raw strings have an allocation of their own
 *     (with sds-like spare room for APPEND), and so has the listpack or intset blob of a small aggregate
 *     ({@code setBlob}, {@code blobBuffer}/{@code blobIndex}: the entry's word is its handle, aux its length);
 *     aggregates in a big encoding (quicklist, hashtable, skiplist) and streams stay heap objects in a slot
 *     array the table owns, so the GC sees one {@code Object[]}, the {@code long[8192]} chunks of the array of
 *     keys with an expire ({@link io.cinnabar.server.internal.keyspace.mem.VolatileArray}) and the
 *     {@code long[8192]} chunks of the bucket tables ({@link io.cinnabar.server.internal.keyspace.mem.Buckets}:
 *     allocated on first write, so a growth never allocates or zeroes a big array at once; the rehash hands each
 *     emptied old chunk to the new table), none of which it has to trace per key.</li>
 * <li>{@link io.cinnabar.server.internal.keyspace.mem.DefragCycle}: Redis's active defragmentation over the tables
 *     of one allocator ({@code activedefrag}, {@code active-defrag-ignore-bytes}, {@code -threshold-lower/upper},
 *     {@code -cycle-min/max}): measured once a second, an effort in percent of CPU interpolated between the
 *     thresholds, cron-sized time slices walking the tables in SCAN cursor order, counted in
 *     {@link io.cinnabar.server.internal.keyspace.mem.DefragStats} (INFO {@code active_defrag_*}).</li>
 * </ul>
 *
 * <h2>An entry</h2>
 * <pre>
 *   0        8       12      16      20            32        40
 *   +--------+-------+-------+-------+-------------+---------+-----------+---------------+
 *   | next   | meta  | klen  | aux   | expire, vol | word    | key bytes | embstr bytes  |
 *   +--------+-------+-------+-------+-------------+---------+-----------+---------------+
 *     handle   lru:24  len:30  vlen    only with     int, raw  klen        only embstr
 *     or 0     type:4  +SNAP   or      an expire     value
 *              enc:4   +HAS_   slot    (8 + 4)       handle,
 *                      EXPIRE                        or heap
 *                                                    raw length
 * </pre>
 * A 10-byte key with a 32-byte embstr value is 20 + 10 + 32 = 62 bytes: one 64-byte region, plus its share of the
 * bucket array (8 bytes per bucket, load between 1/2 and 1). Redis 7.2 spends about 105 bytes of RSS per such key.
 *
 * <h2>Bounds</h2>
 * <ul>
 * <li>Allocate and free are O(1) amortized (bitmap search resumes at a per-slab hint; choosing a new current slab
 *     examines at most 17 candidates).</li>
 * <li>Rehash: two tables during a resize; each lookup, insert and delete moves one bucket, visiting at most 10
 *     empty buckets; {@code rehash(n)} moves n buckets and visits at most 10n empty ones. Moving a bucket hashes its
 *     keys again from their off-heap bytes (the hash is not stored). Starting a resize is O(buckets / 8192); a new
 *     key goes to the old table while its bucket there has not moved yet (a growth moves its first bucket at once).
 *     With maxmemory, a growth that would exceed it waits until the load passes 1.618 ({@code ExpandPolicy},
 *     Redis's dictExpandAllowed). While a background job's child exists (a snapshot runs), Redis's
 *     DICT_RESIZE_AVOID: no growth until the load passes 5, no shrink, a resize in progress waits unless the tables
 *     differ 5-fold ({@code setResizeAvoid}).</li>
 * <li>An overwrite stays in place when the entry keeps its layout and size class; otherwise the entry is copied to
 *     a new allocation and relinked (one extra walk of its chain).</li>
 * <li>SCAN and defrag visit one cursor's buckets: O(the chains visited).</li>
 * </ul>
 *
 * <h2>What stays valid</h2>
 * A rehash only relinks entries, so entry handles survive it; SCAN's reverse-binary cursor returns every key
 * present for the whole scan at least once across grows and shrinks, and rehashing pauses while a SCAN visitor
 * runs (the visitor may delete or rewrite the entry it is given). Value setters, {@code setExpire},
 * {@code removeExpire}, {@code append} and {@code defrag} may move an entry: they return the handle to use
 * afterwards, and the table itself updates the bucket chain and the volatile array. A snapshot that walks the
 * table in SCAN slices therefore keeps its cursor across everything, but must not hold an entry handle across a
 * write to that key or a defrag step. {@code forEach} requires that nothing is added, deleted or moved.
 *
 * <h2>Why direct buffers</h2>
 * {@code java.lang.foreign} is final only from Java 22 and the build is {@code --release 21}; moving
 * server-assembly alone would force the benchmarks module (which reads its classes) along. Agrona's
 * {@code UnsafeBuffer} goes through {@code sun.misc.Unsafe}, which the project rules out. Direct buffers give
 * bounds-checked, unaligned little-endian access at --release 21; their one cost is that a released slab's native
 * memory returns to the OS when the collector clears the buffer, which is why empty slabs are pooled.
 *
 * <p>Every class here is single-threaded by design: the server's data thread owns the keyspace; nothing locks.
 */
package io.cinnabar.server.internal.keyspace.mem;
