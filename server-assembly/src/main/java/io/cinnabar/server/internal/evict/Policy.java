package io.cinnabar.server.internal.evict;

/**
 * The eight values of {@code maxmemory-policy} (Redis's MAXMEMORY_* with its flag bits): which keys may be evicted
 * (all, or only those with an expire) and how the best candidate is chosen.
 * <p><b>Note:</b> This enum is immutable and threadsafe.
 */
public enum Policy {
    VOLATILE_LRU("volatile-lru", false, Rank.LRU),
    VOLATILE_LFU("volatile-lfu", false, Rank.LFU),
    VOLATILE_RANDOM("volatile-random", false, Rank.RANDOM),
    VOLATILE_TTL("volatile-ttl", false, Rank.TTL),
    ALLKEYS_LRU("allkeys-lru", true, Rank.LRU),
    ALLKEYS_LFU("allkeys-lfu", true, Rank.LFU),
    ALLKEYS_RANDOM("allkeys-random", true, Rank.RANDOM),
    NOEVICTION("noeviction", false, Rank.NONE);

    /** How candidates are ranked: by idle time, by inverted frequency, by nearest expire, at random, not at all. */
    public enum Rank { LRU, LFU, TTL, RANDOM, NONE }

    public final String configName;
    /** Keys without an expire may be evicted too (MAXMEMORY_FLAG_ALLKEYS). */
    public final boolean allKeys;
    public final Rank rank;

    Policy(String configName, boolean allKeys, Rank rank) {
        this.configName = configName;
        this.allKeys = allKeys;
        this.rank = rank;
    }

    /** Whether candidates go through the eviction pool (LRU, LFU, TTL). */
    public boolean pooled() {
        return rank == Rank.LRU || rank == Rank.LFU || rank == Rank.TTL;
    }

    /** The policy named by a maxmemory-policy value (the config layer has validated it). */
    public static Policy of(String name) {
        for (Policy p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown maxmemory-policy " + name);
    }
}
