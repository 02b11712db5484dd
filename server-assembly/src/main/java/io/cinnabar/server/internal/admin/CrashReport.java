package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;

import java.util.Map;
import java.util.Set;

/**
 * Redis's crash report (debug.c's bugReportStart / sigsegvHandler / _serverAssert / _serverPanic / bugReportEnd),
 * as far as a JVM can give one: the report's start and end banners and Redis's header lines ("Redis VERSION crashed
 * by signal: N, si_code: C", "=== ASSERTION FAILED ===", "Guru Meditation: ..."), then, when
 * {@code crash-log-enabled} is yes, a {@code ------ STACK TRACE ------} section with the Java stack of every thread
 * and, when the report is made on the event loop, the INFO output. The process then ends by SIGABRT with the
 * default disposition, as Redis's assert and panic end in abort(). A JVM cannot survive a real SIGSEGV in its own
 * code, so DEBUG SEGFAULT writes the report Redis writes for signal 11 (SEGV_ACCERR) and then aborts; there are no
 * registers, no "Accessing address" and no code dump.
 * <p><b>Note:</b> This class is threadsafe: a report is written at most once per process.
 */
public final class CrashReport {
    private static final int SIGABRT = 6;
    private static final int SIGSEGV = 11;
    private static final int SEGV_ACCERR = 2;
    private static final Object LOCK = new Object();
    private static boolean started;

    private CrashReport() {
    }

    /** DEBUG SEGFAULT: the report of a write to a read-only page (signal 11, si_code 2), then abort. */
    static void segfault(Server s) {
        signal(s, SIGSEGV, SEGV_ACCERR, true);
    }

    /**
     * A fatal signal the server can catch (SIGABRT, SIGBUS): logs Redis's report for it (si_code 0, SI_USER, as
     * {@code kill} sends it) unless crash-log-enabled is no, then dies by SIGABRT. Called on the signal's thread,
     * so the report has no INFO section (the keyspace belongs to the event loop).
     */
    public static void fatalSignal(Server s, int sig) {
        if (!s.config.getBool("crash-log-enabled")) {
            abort();
        }
        signal(s, sig, 0, false);
    }

    private static void signal(Server s, int sig, int code, boolean onLoop) {
        start(s);
        s.log.warning("Redis " + Config.VERSION + " crashed by signal: " + sig + ", si_code: " + code);
        if (s.config.getBool("crash-log-enabled")) {
            stackTrace(s);
            if (onLoop) {
                info(s);
            }
        }
        end(s, true);
    }

    /** DEBUG ASSERT: Redis's serverAssertWithInfo(c, argv[0], 1 == 2). */
    static void assertion(Server s, String file, int line, String expr) {
        start(s);
        s.log.warning("=== ASSERTION FAILED ===");
        s.log.warning("==> " + file + ":" + line + " '" + expr + "' is not true");
        crashLog(s);
        end(s, false);
    }

    /** DEBUG PANIC: Redis's serverPanic with its "Guru Meditation" lines. */
    static void panic(Server s, String msg, String file, int line) {
        start(s);
        s.log.warning("------------------------------------------------");
        s.log.warning("!!! Software Failure. Press left mouse button to continue");
        s.log.warning("Guru Meditation: " + msg + " #" + file + ":" + line);
        crashLog(s);
        end(s, false);
    }

    private static void crashLog(Server s) {
        if (s.config.getBool("crash-log-enabled")) {
            stackTrace(s);
            info(s);
        }
    }

    private static void start(Server s) {
        synchronized (LOCK) {
            if (started) {
                return;
            }
            started = true;
        }
        s.log.raw("\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===\n");
    }

    private static void stackTrace(Server s) {
        StringBuilder b = new StringBuilder("\n------ STACK TRACE ------\n");
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            b.append("\nThread ").append(t.getKey().threadId()).append(" (").append(t.getKey().getName())
                .append("):\n");
            for (StackTraceElement e : t.getValue()) {
                b.append("  ").append(e).append('\n');
            }
        }
        s.log.raw(b.toString());
    }

    private static void info(Server s) {
        String text;
        try {
            text = Info.generate(s, Set.of("server", "clients", "memory", "persistence", "stats", "replication",
                "cpu", "commandstats", "errorstats", "keyspace"));
        } catch (RuntimeException e) {
            text = "(INFO failed: " + e + ")";
        }
        s.log.raw("\n------ INFO OUTPUT ------\n" + text.replace("\r\n", "\n") + "\n");
    }

    /** Redis's bugReportEnd: the banner, then _exit(1) with use-exit-on-panic (assert, panic) or abort. */
    private static void end(Server s, boolean viaSignal) {
        s.log.raw("\n=== REDIS BUG REPORT END. Make sure to include from START to END. ===\n\n"
            + "       Please report the crash by opening an issue on github:\n\n"
            + "           http://github.com/redis/redis/issues\n\n"
            + "  If a Redis module was involved, please open in the module's repo instead.\n\n"
            + "  Suspect RAM error? Use redis-server --test-memory to verify it.\n\n"
            + "  Some other issues could be detected by redis-server --check-system\n");
        if (!viaSignal && s.config.getBool("use-exit-on-panic")) {
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        abort();
    }

    /** Dies by SIGABRT with the default disposition (a core dump where the limits allow), like C's abort(). */
    private static void abort() {
        System.out.flush();
        try {
            sun.misc.Signal abrt = new sun.misc.Signal("ABRT");
            sun.misc.Signal.handle(abrt, sun.misc.SignalHandler.SIG_DFL);
            sun.misc.Signal.raise(abrt);
        } catch (IllegalArgumentException e) {
            // SIGABRT not available here: fall through to a plain non-zero exit
        }
        Runtime.getRuntime().halt(128 + SIGABRT);
    }
}
