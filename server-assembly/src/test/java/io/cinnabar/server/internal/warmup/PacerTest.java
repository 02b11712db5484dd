package io.cinnabar.server.internal.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The background warm-up's pacer waits while the user's server runs commands, and only then. */
class PacerTest {
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(Pacer.QUIET_MS);

    private static long in(long ms) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void aServerThatRunsNothingIsNotWaitedFor() throws Exception {
        AtomicLong commands = new AtomicLong(1_000);
        Pacer p = new Pacer(commands::get);
        for (int i = 0; i < 20; i++) {
            assertTrue(p.awaitQuiet(in(10_000)));
        }
        assertEquals(0, p.waits());
    }

    @Test
    void oneCommandHoldsTheWarmupForTheQuietTime() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong changed = new AtomicLong();
        Pacer p = new Pacer(commands::get);
        assertTrue(p.awaitQuiet(in(10_000)));
        for (int i = 0; i < 3; i++) { // a client's occasional command: each one holds the next round back
            commands.incrementAndGet();
            changed.set(System.nanoTime());
            long waits = p.waits();
            assertTrue(p.awaitQuiet(in(10_000)));
            assertTrue(System.nanoTime() - changed.get() >= QUIET_NANOS);
            assertTrue(p.waits() > waits);
        }
    }

    @Test
    void aBusyServerIsWaitedForUntilTheDeadline() throws Exception {
        AtomicLong commands = new AtomicLong();
        Pacer p = new Pacer(commands::incrementAndGet); // a command between any two looks
        long t0 = System.nanoTime();
        assertFalse(p.awaitQuiet(in(100)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(p.waits() >= 100 / Pacer.PAUSE_MS - 1, Long.toString(p.waits()));
    }

    @Test
    void theWarmupGoesOnOnceTheLoadStops() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        AtomicLong lastChange = new AtomicLong();
        // busy for the first six looks, then idle
        Pacer p = new Pacer(() -> {
            if (looks.incrementAndGet() <= 6) {
                lastChange.set(System.nanoTime());
                return commands.addAndGet(50_000);
            }
            return commands.get();
        });
        assertTrue(p.awaitQuiet(in(10_000)));
        assertTrue(System.nanoTime() - lastChange.get() >= QUIET_NANOS);
        assertTrue(p.waits() >= 5, Long.toString(p.waits()));
    }

    @Test
    void aResetCounterIsACommandToo() throws Exception {
        AtomicLong looks = new AtomicLong();
        // 5 M commands at the first look; then CONFIG RESETSTAT (and a few commands): 3 from then on
        Pacer p = new Pacer(() -> looks.incrementAndGet() == 1 ? 5_000_000 : 3);
        long t0 = System.nanoTime();
        assertTrue(p.awaitQuiet(in(10_000)));
        assertTrue(System.nanoTime() - t0 >= QUIET_NANOS);
        assertTrue(p.waits() >= 1);
    }

    @Test
    void noneNeverWaits() throws Exception {
        assertTrue(Pacer.NONE.awaitQuiet(System.nanoTime() - 1));
        assertEquals(0, Pacer.NONE.waits());
    }
}
