package io.cinnabar.tools;

import java.io.Console;
import java.io.PrintStream;

/**
 * A progress bar on standard error for long reads ({@code rdb stats} of a large file): percent of the file read,
 * throughput and an estimate of the time left, redrawn in place at most five times a second and erased at the end.
 * Shown only when the tool runs on a terminal and the file is at least {@link #MIN_BYTES}, or when forced with
 * {@code --progress}; {@code --no-progress} turns it off.
 */
final class Progress {
    static final long MIN_BYTES = 32L << 20;
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    Progress(PrintStream err, long total) {
        this.err = err;
        this.total = total;
    }

    /** A progress bar for a file of {@code total} bytes, or null when none should be shown. */
    static Progress forFile(long total, Main.Opts o, PrintStream err) {
        boolean on = o.flag("progress") || (!o.flag("no-progress") && total >= MIN_BYTES && interactive());
        return on && total > 0 ? new Progress(err, total) : null;
    }

    /** Whether standard output and input are a terminal (JDK 22+ tells; on 21 a console means a terminal). */
    static boolean interactive() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Reports that {@code done} bytes of the file have been read; cheap when no redraw is due. */
    void update(long done) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        err.print('\r' + line(done, now - start));
        err.flush();
        drawn = true;
    }

    /** Erases the bar. */
    void finish() {
        if (drawn) {
            err.print('\r' + " ".repeat(WIDTH + 50) + '\r');
            err.flush();
        }
    }

    String line(long done, long elapsedNanos) {
        double f = Math.min(1.0, Math.max(0.0, done / (double) total));
        int filled = (int) Math.round(f * WIDTH);
        double secs = Math.max(elapsedNanos / 1e9, 1e-9);
        double mbps = done / secs / (1 << 20);
        long left = f > 0 ? Math.round(secs / f - secs) : -1;
        return String.format("[%s%s] %5.1f%%  %7.1f MB/s  %s left", "#".repeat(filled), ".".repeat(WIDTH - filled),
            f * 100, mbps, left < 0 ? "?" : left + " s");
    }
}
