package io.cinnabar.server.internal.warmup;

import java.util.function.LongSupplier;

/**
 * What the background JIT warm-up ({@code cinnabar-jit-warmup background}) waits on before each of its rounds and
 * replica syncs: while the user's server, which already serves, runs more than {@link #BUSY_PER_MS} commands per
 * millisecond, the warm-up sleeps ({@link #PAUSE_MS} at a time), so it takes the cores only while the user's
 * clients leave them idle: between a start and the first clients, during one long command (a DEBUG POPULATE, a
 * load), between a test suite's commands. A paused warm-up holds no core: its private server's event loop and its
 * clients wait in the selector or a read, where the JVM reaches a safepoint without them.
 * <p>
 * {@link #NONE} never waits (the warm-up before the listener, the only server in the JVM then).
 * <p><b>Note:</b> This class is threadsafe: {@link #awaitQuiet} is synchronized (the rounds and the replica reader
 * share one pacer).
 */
public class Pacer {
    /** A pacer that never waits. */
    public static final Pacer NONE = new Pacer(() -> 0) {
        @Override
        public boolean awaitQuiet(long deadline) {
            return true;
        }
    };
    /** The user's command rate (per millisecond, since the previous look) above which the warm-up waits. */
    static final long BUSY_PER_MS = 1;
    /** How long one wait sleeps before the next look. */
    static final long PAUSE_MS = 10;
    /**
     * A look longer than this after the previous one (the warm-up waited for its compilations meanwhile) says
     * little about now: a burst that began a moment ago is diluted over it, so the pacer samples afresh.
     */
    static final long WINDOW_MS = 50;
    /** The fresh sample's length. */
    static final long SAMPLE_MS = 5;

    private final LongSupplier commands;
    private long seen;
    private long seenAt;
    private long waits;

    /**
     * @param commands the user's server's count of commands processed, readable from any thread (it may go back to
     *        zero: CONFIG RESETSTAT)
     */
    public Pacer(LongSupplier commands) {
        this.commands = commands;
        this.seen = commands.getAsLong();
        this.seenAt = System.nanoTime();
    }

    /**
     * Returns once the user's server ran at most {@link #BUSY_PER_MS} commands per millisecond since the previous
     * look, sleeping {@link #PAUSE_MS} between looks (a look more than {@link #WINDOW_MS} after the previous one
     * first samples {@link #SAMPLE_MS} afresh).
     *
     * @param deadline a {@link System#nanoTime} after which it gives up
     * @return false when the deadline passed with the user's server still busy
     */
    public synchronized boolean awaitQuiet(long deadline) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            long c = commands.getAsLong();
            long ran = c >= seen ? c - seen : c; // a reset counts what ran since it
            long ms = (now - seenAt) / 1_000_000;
            seen = c;
            seenAt = now;
            if (ms > WINDOW_MS) {
                Thread.sleep(SAMPLE_MS);
                continue;
            }
            if (ran <= BUSY_PER_MS * Math.max(1, ms)) {
                return true;
            }
            if (now - deadline >= 0) {
                return false;
            }
            waits++;
            Thread.sleep(PAUSE_MS);
        }
    }

    /**
     * Returns once the user's server has been quiet ({@link #awaitQuiet}) for {@code ms} without a break: the pause of
     * a full collection is for a server with no client waiting, not for the gap between two benchmark runs.
     *
     * @return false when the deadline passed first
     */
    public synchronized boolean awaitQuietFor(long ms, long deadline) throws InterruptedException {
        long since = System.nanoTime();
        while (true) {
            long waited = waits;
            if (!awaitQuiet(deadline)) {
                return false;
            }
            long now = System.nanoTime();
            if (waits != waited) {
                since = now; // busy meanwhile: the quiet time starts again
            } else if (now - since >= ms * 1_000_000) {
                return true;
            }
            Thread.sleep(PAUSE_MS);
        }
    }

    /** How many times {@link #awaitQuiet} slept (for the warm-up's log line). */
    public synchronized long waits() {
        return waits;
    }
}
