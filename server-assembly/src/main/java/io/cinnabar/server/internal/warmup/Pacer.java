package io.cinnabar.server.internal.warmup;

import java.util.function.LongSupplier;

/**
 * What the background JIT warm-up ({@code cinnabar-jit-warmup background}) waits on before each of its rounds and
 * replica syncs: the user's server, which already serves, must have run no command for {@link #QUIET_MS}; until
 * then the warm-up sleeps ({@link #PAUSE_MS} at a time). So it takes the cores only while the user's clients leave
 * them idle: between a start and the first clients, during one long command (a DEBUG POPULATE, a load), in a test
 * suite's pauses. A paused warm-up holds no core: its private server's event loop and its clients wait in the
 * selector or a read, where the JVM reaches a safepoint without them. A first version waited only above one command
 * per millisecond: Redis's tcl files, whose one client sends a command at a time, then ran 22% longer (106 s -> 129
 * s for six files), the warm-up's rounds taking the cores between their commands.
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
    /** How long the user's server must have run no command before a round. */
    static final long QUIET_MS = 50;
    /** How long one wait sleeps before the next look. */
    static final long PAUSE_MS = 10;

    private final LongSupplier commands;
    private long seen;
    /** When {@link #seen} last changed; a start counts as long quiet. */
    private long changedAt;
    private long waits;

    /**
     * @param commands the user's server's count of commands processed, readable from any thread (it may go back to
     *        zero: CONFIG RESETSTAT)
     */
    public Pacer(LongSupplier commands) {
        this.commands = commands;
        this.seen = commands.getAsLong();
        this.changedAt = System.nanoTime() - QUIET_MS * 1_000_000;
    }

    /**
     * Returns once the user's server has run no command for {@link #QUIET_MS} (as far as the looks, one per call
     * and one every {@link #PAUSE_MS} while waiting, can tell), sleeping between looks.
     *
     * @param deadline a {@link System#nanoTime} after which it gives up
     * @return false when the deadline passed with the user's server still busy
     */
    public synchronized boolean awaitQuiet(long deadline) throws InterruptedException {
        while (true) {
            long c = commands.getAsLong();
            long now = System.nanoTime(); // after the read: a change is dated no earlier than it was seen
            if (c != seen) {
                seen = c;
                changedAt = now;
            }
            if (now - changedAt >= QUIET_MS * 1_000_000) {
                return true;
            }
            if (now - deadline >= 0) {
                return false;
            }
            waits++;
            Thread.sleep(PAUSE_MS);
        }
    }

    /** How many times {@link #awaitQuiet} slept (for the warm-up's log line). */
    public synchronized long waits() {
        return waits;
    }
}
