/**
 * Redis's HyperLogLog as a library: {@link io.cinnabar.hll.HyperLogLog} adds elements to, merges and counts the
 * exact string Redis stores for {@code PFADD}/{@code PFMERGE}/{@code PFCOUNT} (sparse or dense, cached
 * cardinality included), so the bytes move through {@code GET}/{@code SET}, {@code DUMP}/{@code RESTORE} and RDB
 * files unchanged in both directions. Untrusted strings go through
 * {@link io.cinnabar.hll.HyperLogLog#validate(byte[], int, int, boolean)}, which throws
 * {@link io.cinnabar.hll.HllFormatException} and nothing else.
 * <p>
 * The hash (MurmurHash64A) and the estimator (Ertl's improved raw estimator) are implementation classes in the
 * non-exported package {@code io.cinnabar.hll.internal}; {@link io.cinnabar.hll.HyperLogLog#hash} exposes the
 * hash for callers that need Redis's register choice.
 */
package io.cinnabar.hll;
