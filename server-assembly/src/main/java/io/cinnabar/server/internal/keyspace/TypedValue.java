package io.cinnabar.server.internal.keyspace;

import io.cinnabar.server.internal.config.TypeLimits;

/**
 * The value of a list, set, sorted set or hash key. Each implementation holds one of Redis's encodings of its type
 * and converts between them at Redis's thresholds ({@link TypeLimits}).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public interface TypedValue {
    /** The name OBJECT ENCODING reports: "listpack", "hashtable", "intset", "skiplist", "quicklist". */
    String encodingName();

    /** A deep copy in the same encoding (COPY). */
    TypedValue copy();

    /**
     * What Redis's {@code objectComputeSize} reports for this value (the robj included), computed with Redis's
     * allocator sizes ({@link RedisSizes}) so that it compares with a real Redis holding the same data. Large
     * encodings sample their first {@code samples} elements (at least one) and scale the average to the whole,
     * as Redis does; {@code Long.MAX_VALUE} samples everything. O(samples) plus, for streams, O(rax nodes).
     */
    long memoryUsage(long samples);

    /**
     * Redis's lazyfreeGetFreeEffort: about how many allocations freeing this value releases (1 for a single-block
     * encoding: listpack, intset). A value above 64 (LAZYFREE_THRESHOLD) is freed by the lazy-free thread when
     * the deletion is lazy. O(1) (O(consumer groups) for a stream).
     */
    default long freeEffort() {
        return 1;
    }
}
