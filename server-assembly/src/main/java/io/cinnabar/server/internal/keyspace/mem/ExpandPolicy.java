package io.cinnabar.server.internal.keyspace.mem;

/**
 * Decides whether a growing {@link OffHeapKeyTable} may reserve the memory of a bigger bucket table: Redis's
 * {@code dictExpandAllowed}, which refuses an expansion that would take used memory over {@code maxmemory}. The
 * table asks only while its load (keys / buckets) is at most 1.618; past that it grows regardless, so chains stay
 * short.
 */
@FunctionalInterface
public interface ExpandPolicy {
    /** Allows every growth (no maxmemory). */
    ExpandPolicy ALWAYS = (moreBytes, load) -> true;

    /**
     * @param moreBytes bytes of the new bucket table (8 per bucket)
     * @param load      keys per bucket of the current table
     * @return whether the table may grow now
     */
    boolean allowed(long moreBytes, double load);
}
