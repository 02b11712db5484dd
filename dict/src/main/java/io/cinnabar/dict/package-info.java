/**
 * Redis's hash table for the JVM.
 *
 * <ul>
 * <li>{@link io.cinnabar.dict.Dict}: chained power-of-two tables, two during a resize, incremental rehashing
 *     (one bucket per operation, at most 10 empty buckets visited), Redis 7.2's grow/shrink rules under a
 *     process-wide {@link io.cinnabar.dict.ResizePolicy}, the reverse-binary SCAN cursor, random sampling for
 *     eviction and expiry, safe and unsafe iterators.</li>
 * <li>{@link io.cinnabar.dict.DictEntry}: 32 bytes per key with compressed oops, with a 64-bit metadata word
 *     for an expire time or LRU/LFU clock.</li>
 * <li>{@link io.cinnabar.dict.SipHash}: SipHash-1-2 (and 2-4) with a random per-process seed; a case-insensitive
 *     variant for command names.</li>
 * </ul>
 *
 * <p>Every class here is single-threaded by design: the server's data thread owns the dicts; nothing locks.
 */
package io.cinnabar.dict;
