package io.cinnabar.server.internal.command;

import io.cinnabar.server.internal.config.ServerLog;

import java.util.concurrent.locks.LockSupport;

/**
 * Redis's software watchdog (debug.c, the hidden {@code watchdog-period} option, in milliseconds, 0 = off): when
 * serverCron has not run for a whole period, the log gets
 * <pre>
 * pid:signal-handler (unixtime)
 * --- WATCHDOG TIMER EXPIRED ---
 *
 * ------ STACK TRACE ------
 * EIP:
 * (the frame the event-loop thread is in)
 *
 * Backtrace:
 * (its stack, innermost first)
 * pid:signal-handler (unixtime) --------
 * </pre>
 * Redis arms a one-shot SIGALRM timer at the start of every serverCron and logs from the signal handler. Here
 * serverCron stamps a volatile time ({@link #arm}, hz times a second: nothing on the per-command path) and a daemon
 * thread compares the stamp with the period, then samples the event-loop thread's stack. As with Redis's timer, an
 * expiry fires once per stamp: a loop stuck for ten periods logs once, and again only after a cron ran. The signal
 * also cut short a DEBUG SLEEP in progress (nanosleep returns EINTR and Redis does not resume it): {@link #sleep}
 * does the same, the watchdog thread unparks the sleeping event-loop thread.
 * <p>
 * Applying a period (CONFIG SET, the config file) arms it at once, as Redis's applyWatchdogPeriod, and raises it to
 * twice the cron interval ({@code (1000 / hz) * 2} ms): the stored value, which CONFIG GET shows, is the raised one.
 * <p><b>Note:</b> {@link #apply}, {@link #arm} and {@link #sleep} run on the event-loop thread; the watchdog thread
 * reads the volatile period and stamp only.
 */
public final class Watchdog implements Runnable {
    private final ServerLog log;
    /** The thread whose stack is logged (the event loop). */
    private volatile Thread target;
    /** The period in nanoseconds, 0 when off. */
    private volatile long periodNs;
    /** System.nanoTime() of the last arming (cron, or applying the period). */
    private volatile long armedNs;
    /** Expiries so far (written by the watchdog thread only): a DEBUG SLEEP ends when it moves. */
    private volatile long expiries;
    private volatile boolean closed;
    private Thread thread;

    public Watchdog(ServerLog log) {
        this.log = log;
    }

    /** The thread to watch: the event loop's. */
    public void watch(Thread loopThread) {
        target = loopThread;
    }

    /**
     * Applies watchdog-period ms (0 turns it off): returns the period in effect, at least {@code (1000 / hz) * 2}
     * when on, and arms the timer.
     */
    public long apply(long ms, int hz) {
        if (ms <= 0) {
            periodNs = 0;
            return 0;
        }
        long min = (1000 / hz) * 2L;
        long p = Math.max(ms, min);
        armedNs = System.nanoTime();
        periodNs = p * 1_000_000L;
        if (thread == null) {
            thread = new Thread(this, "cinnabar-watchdog");
            thread.setDaemon(true);
            thread.start();
        } else {
            LockSupport.unpark(thread); // a parked (off) watchdog wakes to the new period
        }
        return p;
    }

    /** Whether a period is set (cron calls {@link #arm} only then). */
    public boolean enabled() {
        return periodNs != 0;
    }

    /** serverCron ran: the period starts again. */
    public void arm() {
        armedNs = System.nanoTime();
    }

    /** How many times the timer expired (a DEBUG SLEEP ends when this moves). */
    public long expiries() {
        return expiries;
    }

    /** Stops the watchdog thread (the server stopped). */
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * DEBUG SLEEP: parks the calling (event-loop) thread for ns nanoseconds, or until the watchdog expires meanwhile
     * (Redis's nanosleep interrupted by SIGALRM), or until the thread is interrupted.
     */
    public void sleep(long ns) {
        long seen = expiries;
        long start = System.nanoTime();
        long left = ns;
        while (left > 0 && expiries == seen && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(this, left);
            left = ns - (System.nanoTime() - start);
        }
    }

    @Override
    public void run() {
        long firedFor = 0; // the stamp whose period already expired
        boolean fired = false;
        while (!closed) {
            long p = periodNs;
            if (p == 0) {
                LockSupport.park(this); // off: wait for apply (or close)
                continue;
            }
            long armed = armedNs;
            if (fired && armed == firedFor) {
                LockSupport.parkNanos(this, p); // expired already: wait for the next arming
                continue;
            }
            long left = armed + p - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
                continue;
            }
            if (armedNs != armed || periodNs == 0 || closed) {
                continue; // armed again, or turned off, meanwhile
            }
            fired = true;
            firedFor = armed;
            expire();
        }
    }

    private void expire() {
        Thread t = target;
        StackTraceElement[] stack = t == null ? new StackTraceElement[0] : t.getStackTrace();
        StringBuilder b = new StringBuilder("\n------ STACK TRACE ------\nEIP:\n");
        if (stack.length > 0) {
            b.append(stack[0]).append('\n');
        }
        b.append("\nBacktrace:\n");
        for (StackTraceElement e : stack) {
            b.append(e).append('\n');
        }
        log.fromHandler("\n--- WATCHDOG TIMER EXPIRED ---");
        log.raw(b.toString());
        log.fromHandler("--------\n");
        expiries++; // one writer: this thread
        if (t != null) {
            LockSupport.unpark(t); // ends a DEBUG SLEEP, as the signal ends Redis's nanosleep
        }
    }
}
