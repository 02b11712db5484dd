package io.cinnabar.server.internal.keyspace.mem;

/**
 * Counters of defragmentation work, as Redis reports them in INFO stats: allocations moved ({@code hits}) and
 * examined but left in place ({@code misses}), keys with at least one allocation moved ({@code keyHits}) and keys
 * examined with none moved ({@code keyMisses}).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class DefragStats {
    public long hits;
    public long misses;
    public long keyHits;
    public long keyMisses;

    /** One key examined: allocations of it visited, and how many of them moved. */
    void count(int visited, long moved) {
        hits += moved;
        misses += visited - moved;
        if (moved > 0) {
            keyHits++;
        } else {
            keyMisses++;
        }
    }

    /** CONFIG RESETSTAT. */
    public void reset() {
        hits = 0;
        misses = 0;
        keyHits = 0;
        keyMisses = 0;
    }
}
