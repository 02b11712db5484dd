package io.cinnabar.server.internal.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The background warm-up's pacer waits while the user's server runs commands, and only then. */
class PacerTest {
    private static long in(long ms) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void aQuietServerIsNotWaitedFor() throws Exception {
        AtomicLong commands = new AtomicLong(1_000);
        Pacer p = new Pacer(commands::get);
        for (int i = 0; i < 20; i++) {
            commands.incrementAndGet(); // one command per look: a client's occasional command
            assertTrue(p.awaitQuiet(in(10_000)));
        }
        assertEquals(0, p.waits());
    }

    @Test
    void aBusyServerIsWaitedForUntilTheDeadline() throws Exception {
        AtomicLong commands = new AtomicLong();
        Pacer p = new Pacer(() -> commands.addAndGet(100_000)); // 100 000 commands between any two looks
        long t0 = System.nanoTime();
        assertFalse(p.awaitQuiet(in(100)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(p.waits() >= 100 / Pacer.PAUSE_MS - 1, Long.toString(p.waits()));
    }

    @Test
    void theWarmupGoesOnOnceTheLoadStops() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        // busy for the first five looks, then idle
        Pacer p = new Pacer(() -> looks.incrementAndGet() <= 6 ? commands.addAndGet(50_000) : commands.get());
        assertTrue(p.awaitQuiet(in(10_000)));
        assertTrue(p.waits() >= 4, Long.toString(p.waits()));
    }

    @Test
    void aStaleLookSamplesAfreshInsteadOfAveragingABurstAway() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        Pacer p = new Pacer(() -> {
            long n = looks.incrementAndGet();
            // the first look after a long gap sees 1 000 commands, and the load goes on for two more looks
            return n >= 2 && n <= 4 ? commands.addAndGet(1_000) : commands.get();
        });
        Thread.sleep(1_500); // 1 000 commands over 1.5 s would pass for a quiet server (under one per ms)
        assertTrue(p.awaitQuiet(in(10_000)));
        assertTrue(p.waits() >= 1, "the burst seen afresh was waited for: " + p.waits());
    }

    @Test
    void aResetCounterCountsWhatRanSinceTheReset() throws Exception {
        AtomicLong looks = new AtomicLong();
        // 5 M commands at the first look; then CONFIG RESETSTAT and 40 000 commands at once; then quiet
        Pacer p = new Pacer(() -> looks.incrementAndGet() == 1 ? 5_000_000 : 40_000);
        assertTrue(p.awaitQuiet(in(10_000)));
        assertEquals(1, p.waits());
    }

    @Test
    void aQuietStretchRestartsAfterABurst() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        AtomicLong burstEnd = new AtomicLong();
        // quiet, then a burst at the fifth and sixth looks (about 40 ms in), then quiet for good
        Pacer p = new Pacer(() -> {
            long n = looks.incrementAndGet();
            if (n == 5 || n == 6) {
                burstEnd.set(System.nanoTime());
                return commands.addAndGet(100_000);
            }
            return commands.get();
        });
        assertTrue(p.awaitQuietFor(150, in(10_000)));
        long after = System.nanoTime() - burstEnd.get();
        assertTrue(after >= TimeUnit.MILLISECONDS.toNanos(150), "a full quiet stretch after the burst: " + after);
        assertTrue(p.waits() >= 1);

        Pacer busy = new Pacer(() -> commands.addAndGet(100_000));
        assertFalse(busy.awaitQuietFor(10, in(100)));
    }

    @Test
    void noneNeverWaits() throws Exception {
        assertTrue(Pacer.NONE.awaitQuiet(System.nanoTime() - 1));
        assertEquals(0, Pacer.NONE.waits());
    }
}
