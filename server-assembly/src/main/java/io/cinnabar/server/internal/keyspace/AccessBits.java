package io.cinnabar.server.internal.keyspace;

/**
 * The arithmetic of a key's 24 access bits ({@link Entry#lruBits()}), Redis's {@code evict.c} LRU clock and LFU
 * counter, as pure functions (the keyspace applies them; tests check them against a model).
 * <pre>
 *   LRU policies (and noeviction):   [ lru clock: unix seconds mod 2^24 (24 bits)                   ]
 *   LFU policies:                    [ last decrement time: unix minutes mod 2^16 (16) | counter (8) ]
 * </pre>
 * LRU: the idle time is the clock distance, unwrapped once (the clock wraps every 194 days), at 1 s resolution
 * ({@code LRU_CLOCK_RESOLUTION} 1000 ms). LFU: a new key starts at {@link #LFU_INIT_VAL} 5; an access first
 * applies the decay (one per {@code lfu-decay-time} minutes elapsed, never below 0), then increments with
 * probability {@code 1 / ((counter - 5) * lfu-log-factor + 1)} (always below 5), saturating at 255.
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
public final class AccessBits {
    /** LRU_CLOCK_MAX: the largest value of the 24-bit clock. */
    public static final int LRU_MAX = (1 << 24) - 1;
    /** LFU_INIT_VAL: the counter of a new key, so that it is not evicted before it has a chance to be used. */
    public static final int LFU_INIT_VAL = 5;

    private AccessBits() {
    }

    /** The LRU clock at unix time nowMs (seconds, 24 bits). */
    public static int lruClock(long nowMs) {
        return (int) ((nowMs / 1000) & LRU_MAX);
    }

    /** Idle time in ms of a key whose bits are lru, at clock now (Redis's estimateObjectIdleTime). */
    public static long idleMs(int now, int lru) {
        long d = now >= lru ? now - lru : (long) LRU_MAX - lru + now;
        return d * 1000;
    }

    /** The LFU time: unix minutes, 16 bits (LFUGetTimeInMinutes). */
    public static int lfuMinutes(long nowMs) {
        return (int) ((nowMs / 60000) & 0xFFFF);
    }

    /** Minutes elapsed since ldt, unwrapped once (LFUTimeElapsed). */
    public static int lfuElapsed(int nowMinutes, int ldt) {
        return nowMinutes >= ldt ? nowMinutes - ldt : 65535 - ldt + nowMinutes;
    }

    /** The counter after decay, without storing it (LFUDecrAndReturn). */
    public static int lfuDecayed(int bits, int nowMinutes, long decayTime) {
        int ldt = bits >>> 8;
        int counter = bits & 0xFF;
        long periods = decayTime > 0 ? lfuElapsed(nowMinutes, ldt) / decayTime : 0;
        return periods > counter ? 0 : (int) (counter - periods);
    }

    /** The logarithmic increment (LFULogIncr): r is a uniform random number in [0, 1). */
    public static int lfuLogIncr(int counter, double r, long logFactor) {
        if (counter >= 255) {
            return 255;
        }
        double base = Math.max(0, counter - LFU_INIT_VAL);
        double p = 1.0 / (base * logFactor + 1);
        return r < p ? counter + 1 : counter;
    }

    /** The bits after an access at nowMinutes (updateLFU): decay, then increment. */
    public static int lfuAccess(int bits, int nowMinutes, long decayTime, long logFactor, double r) {
        int counter = lfuLogIncr(lfuDecayed(bits, nowMinutes, decayTime), r, logFactor);
        return (nowMinutes << 8) | counter;
    }

    /** The bits of a new key under an LFU policy. */
    public static int lfuInit(int nowMinutes) {
        return (nowMinutes << 8) | LFU_INIT_VAL;
    }
}
