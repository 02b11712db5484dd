package io.cinnabar.server.internal.config;

/**
 * Cached values of the encoding thresholds of the aggregate types, refreshed when the configuration changes
 * (CONFIG SET applies at once; existing values convert on their next write, as in Redis).
 * <pre>
 *   hash-max-listpack-entries 512   hash-max-listpack-value 64
 *   set-max-intset-entries    512   set-max-listpack-entries 128   set-max-listpack-value 64
 *   zset-max-listpack-entries 128   zset-max-listpack-value 64
 *   list-max-listpack-size    -2    list-compress-depth 0
 *   hll-sparse-max-bytes      3000
 * </pre>
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class TypeLimits {
    static final String[] NAMES = {
        "hash-max-listpack-entries", "hash-max-listpack-value", "set-max-intset-entries", "set-max-listpack-entries",
        "set-max-listpack-value", "zset-max-listpack-entries", "zset-max-listpack-value", "list-max-listpack-size",
        "list-compress-depth"};

    public long hashEntries = 512;
    public long hashValue = 64;
    public long setIntsetEntries = 512;
    public long setEntries = 128;
    public long setValue = 64;
    public long zsetEntries = 128;
    public long zsetValue = 64;
    public int listSize = -2;
    public int listCompressDepth;
    public long hllSparseMaxBytes = 3000;
    public long streamNodeMaxBytes = 4096;
    public long streamNodeMaxEntries = 100;
    /** Elements at least this long go to plain quicklist nodes (DEBUG QUICKLIST-PACKED-THRESHOLD; not a config). */
    public long listPackedThreshold = io.cinnabar.quicklist.Quicklist.DEFAULT_PACKED_THRESHOLD;

    /** Refreshes every threshold from the configuration. */
    public void load(Config config) {
        hashEntries = config.getLong("hash-max-listpack-entries");
        hashValue = config.getLong("hash-max-listpack-value");
        setIntsetEntries = config.getLong("set-max-intset-entries");
        setEntries = config.getLong("set-max-listpack-entries");
        setValue = config.getLong("set-max-listpack-value");
        zsetEntries = config.getLong("zset-max-listpack-entries");
        zsetValue = config.getLong("zset-max-listpack-value");
        listSize = (int) config.getLong("list-max-listpack-size");
        listCompressDepth = (int) config.getLong("list-compress-depth");
        hllSparseMaxBytes = config.getLong("hll-sparse-max-bytes");
        streamNodeMaxBytes = config.getLong("stream-node-max-bytes");
        streamNodeMaxEntries = config.getLong("stream-node-max-entries");
    }
}
