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
}
