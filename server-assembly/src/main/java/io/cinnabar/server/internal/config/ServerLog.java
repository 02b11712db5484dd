package io.cinnabar.server.internal.config;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Redis-style log lines: {@code <pid>:<role> <dd Mon yyyy HH:mm:ss.SSS> <level> <message>}, where role is
 * {@code C} (before the server is initialized) or {@code M}, and the level mark is {@code .} debug, {@code -}
 * verbose, {@code *} notice, {@code #} warning. Lines go to stdout, or appended to {@code logfile}.
 * <p><b>Note:</b> This class is threadsafe only in that each line is written with one call.
 */
public final class ServerLog {
    static final int DEBUG = 0;
    static final int VERBOSE = 1;
    static final int NOTICE = 2;
    static final int WARNING = 3;
    private static final String MARKS = ".-*#";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);

    private final long pid = ProcessHandle.current().pid();
    private volatile int level = NOTICE;
    private volatile char role = 'C';
    private PrintStream out;
    /** The stream given at construction: the process's stdout in the launcher, even when a logfile is set. */
    private final PrintStream console;

    public ServerLog(PrintStream out) {
        this.out = out;
        this.console = out;
    }

    public void setLevel(String name) {
        level = switch (name) {
            case "debug" -> DEBUG;
            case "verbose" -> VERBOSE;
            case "warning" -> WARNING;
            case "nothing" -> 4;
            default -> NOTICE;
        };
    }

    private String file;

    public void setFile(String path) throws IOException {
        if (path != null && !path.isEmpty() && !path.equals(file)) {
            out = new PrintStream(new FileOutputStream(path, true), true, "UTF-8");
            file = path;
        }
    }

    /** Applies the logfile and loglevel options. */
    public void configure(Config config) throws IOException {
        setFile(logPath(config));
        setLevel(config.get("loglevel"));
    }

    /**
     * The logfile option as a path: a relative name is relative to {@code dir}, as in Redis, which changes its
     * working directory to {@code dir} before it opens the log. Empty: log to stdout.
     */
    public static String logPath(Config config) {
        String f = config.get("logfile");
        if (f.isEmpty()) {
            return f;
        }
        return java.nio.file.Path.of(config.get("dir")).resolve(f).toString();
    }

    public void setRole(char r) {
        role = r;
    }

    public long pid() {
        return pid;
    }

    /** Writes text as it is, without a log prefix (what Redis prints on stdout, e.g. DEBUG LISTPACK). */
    public void raw(String text) {
        out.print(text);
        out.flush();
    }

    /**
     * Writes text as it is to stdout (the construction stream), never to the logfile: what Redis prints with
     * printf, such as the redis-check-rdb report of a corrupt RDB file.
     */
    public void stdout(String text) {
        console.print(text);
        console.flush();
    }

    /** Logs msg at level lvl (0 debug, 1 verbose, 2 notice, 3 warning). */
    public void log(int lvl, String msg) {
        if (lvl < level) {
            return;
        }
        String line = pid + ":" + role + " " + TS.format(ZonedDateTime.now()) + " " + MARKS.charAt(lvl) + " " + msg;
        out.println(line);
        out.flush();
    }

    /**
     * A warning from a signal handler, in Redis's serverLogFromHandler form: {@code pid:signal-handler (unixtime)
     * msg}, without level mark or date.
     */
    public void fromHandler(String msg) {
        if (WARNING < level) {
            return;
        }
        out.println(pid + ":signal-handler (" + System.currentTimeMillis() / 1000 + ") " + msg);
        out.flush();
    }

    /** A notice logged before the server is initialized (role C). */
    public void startup(String msg) {
        log(NOTICE, msg);
    }

    public void notice(String msg) {
        log(NOTICE, msg);
    }

    public void warning(String msg) {
        log(WARNING, msg);
    }

    public void verbose(String msg) {
        log(VERBOSE, msg);
    }
}
