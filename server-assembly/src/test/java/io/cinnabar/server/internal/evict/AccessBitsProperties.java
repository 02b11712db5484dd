package io.cinnabar.server.internal.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.keyspace.AccessBits;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The LFU counter and the LRU clock ({@link AccessBits}) against a model written from Redis's description
 * (redis.conf and evict.c): a counter that starts at 5, loses one per lfu-decay-time minutes elapsed (the
 * 16-bit minute clock wraps), then gains one with probability 1 / ((counter - 5) * lfu-log-factor + 1) (always
 * below 5), never above 255; and the idle time of a 24-bit second clock that wraps.
 */
class AccessBitsProperties {
    /** One access: the random draw and the minutes elapsed since the previous access. */
    record Access(double r, int minutes) {
    }

    @Provide
    Arbitrary<List<Access>> accesses() {
        Arbitrary<Access> one = Combinators.combine(Arbitraries.doubles().between(0, 1).ofScale(6)
                .filter(d -> d < 1),
            Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(200, 70000))))
            .as(Access::new);
        return one.list().ofMaxSize(400);
    }

    /** The model: the counter as plain integers and doubles, time as absolute minutes. */
    static int modelAccess(int counter, long elapsedMinutes, long decay, long factor, double r) {
        if (decay > 0) {
            counter = (int) Math.max(0, counter - elapsedMinutes / decay);
        }
        if (counter < 255) {
            double p = counter < 5 ? 1.0 : 1.0 / ((counter - 5) * (double) factor + 1);
            if (r < p) {
                counter++;
            }
        }
        return counter;
    }

    @Property(tries = 300)
    void lfuCounterFollowsTheModel(@ForAll("accesses") List<Access> seq, @ForAll @IntRange(min = 0, max = 100) int factor,
                                   @ForAll @IntRange(min = 0, max = 10) int decay,
                                   @ForAll @IntRange(min = 0, max = 65535) int startMinute) {
        int bits = AccessBits.lfuInit(startMinute);
        int model = 5;
        long now = startMinute;
        for (Access a : seq) {
            long elapsed = Math.min(a.minutes(), 65535); // the clock cannot tell more than one wrap apart
            int lastMinutes = (int) (now & 0xFFFF);
            now += elapsed;
            int nowMinutes = (int) (now & 0xFFFF);
            // Redis's LFUTimeElapsed: 65535 - ldt + now across a wrap of the 16-bit minute clock (one minute short)
            long redisElapsed = nowMinutes >= lastMinutes ? nowMinutes - lastMinutes : 65535 - lastMinutes + nowMinutes;
            bits = AccessBits.lfuAccess(bits, nowMinutes, decay, factor, a.r());
            model = modelAccess(model, redisElapsed, decay, factor, a.r());
            assertEquals(model, bits & 0xFF);
            assertEquals(nowMinutes, bits >>> 8);
            assertEquals(model, AccessBits.lfuDecayed(bits, nowMinutes, decay)); // no time passed: no decay
        }
    }

    @Property
    void decayIsOnePerPeriodAndNeverNegative(@ForAll @IntRange(min = 0, max = 255) int counter,
                                             @ForAll @IntRange(min = 0, max = 65535) int ldt,
                                             @ForAll @IntRange(min = 0, max = 65534) int elapsed,
                                             @ForAll @IntRange(min = 0, max = 100) int decay) {
        int now = (ldt + elapsed) & 0xFFFF;
        int got = AccessBits.lfuDecayed(ldt << 8 | counter, now, decay);
        // Redis's LFUTimeElapsed unwraps the 16-bit minute clock with 65535 - ldt + now: one minute short across a wrap
        int redisElapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        int expected = decay == 0 ? counter : Math.max(0, counter - redisElapsed / decay);
        assertEquals(expected, got);
    }

    @Property
    void idleTimeUnwrapsTheClockOnce(@ForAll @IntRange(min = 0, max = (1 << 24) - 1) int lru,
                                     @ForAll @IntRange(min = 0, max = (1 << 24) - 2) int seconds) {
        int now = (lru + seconds) & AccessBits.LRU_MAX;
        long idle = AccessBits.idleMs(now, lru);
        // Redis unwraps with LRU_CLOCK_MAX (2^24 - 1), so across a wrap the idle time is one second shorter
        long expected = now >= lru ? seconds : seconds - 1;
        assertEquals(expected * 1000, idle);
    }

    @Property(tries = 50)
    void counterNeverExceeds255(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 999) Integer> draws) {
        int c = 250;
        for (int d : draws) {
            c = AccessBits.lfuLogIncr(c, d / 1000.0, 0);
            assertTrue(c <= 255);
        }
    }

    /** Redis's redis.conf table for lfu-log-factor 10: 100 hits -> 10, 1K -> 18, 100K -> 142 (about). */
    @Test
    void hitsToCounterMatchesRedisTable() {
        Random r = new Random(42);
        int c = AccessBits.LFU_INIT_VAL;
        long[] marks = {100, 1000, 100_000};
        int[] redis = {10, 18, 142};
        int m = 0;
        for (long hits = 1; hits <= 100_000; hits++) {
            c = AccessBits.lfuLogIncr(c, r.nextDouble(), 10);
            if (hits == marks[m]) {
                assertTrue(Math.abs(c - redis[m]) <= redis[m] / 4 + 1, hits + " hits: " + c + " vs Redis's " + redis[m]);
                m++;
                if (m == marks.length) {
                    break;
                }
            }
        }
    }
}
