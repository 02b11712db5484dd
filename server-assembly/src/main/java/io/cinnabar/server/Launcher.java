package io.cinnabar.server;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.warmup.IdleThreads;
import io.cinnabar.server.internal.warmup.JitWarmup;
import io.cinnabar.server.internal.warmup.Pacer;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.net.EventLoop;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command-line entry point, as {@code redis-server}: {@code [config-file] [--name value ...]}. Prints Redis-style
 * log lines, stops with Redis's message on a config error (exit status 1, no stack trace), and shuts down gracefully
 * on SIGTERM and SIGINT.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** What sentinel mode changes before the file is read (Redis's initSentinelConfig): port 26379, no protected mode. */
    static void sentinelDefaults(Config config) {
        config.sentinelMode = true;
        try {
            config.set(Config.lookup("port"), new ArrayList<>(List.of("26379")), true);
            config.set(Config.lookup("protected-mode"), new ArrayList<>(List.of("no")), true);
        } catch (io.cinnabar.server.internal.config.ConfigException e) {
            throw new IllegalStateException("built-in sentinel defaults were refused", e);
        }
    }

    /**
     * The environment variable that gives cinnabar-jit-warmup its default (yes, background or no; the option's default
     * is no).
     */
    static final String WARMUP_ENV = "CINNABAR_JIT_WARMUP";
    /**
     * The system property by which bin/cinnabar-server gives a standalone server its warm-up ({@code background}):
     * applied only when neither {@link #WARMUP_ENV}, the config file nor the command line names the option, and
     * neither sentinel nor cluster mode is on (a cluster's nodes start together and keep their bus's failure
     * detection: its traffic is not what the warm-up's {@link Pacer} waits on). A server started otherwise (the
     * embedded one, {@code java -jar}) has the option's default, no.
     */
    static final String WARMUP_DEFAULT_PROPERTY = "cinnabar.jitWarmup.default";
    /** Commands the JIT warm-up runs (see {@link JitWarmup}); the measurement behind it is in the README. */
    static final long WARMUP_COMMANDS = Long.getLong("cinnabar.jitWarmup.commands", 300_000);
    /**
     * A safety net on the warm-up's command rounds (wall time): they take about a second of CPU, more wall time on
     * a busy machine, where the server's own start is as slow.
     */
    static final long WARMUP_MAX_NANOS = 30_000_000_000L;
    /** The longest wait for the compilations the rounds queued (wall time). */
    static final long WARMUP_MAX_DRAIN_NANOS = 5_000_000_000L;
    /**
     * The background warm-up's bound on its rounds (wall time, its pauses for the user's load included): past it
     * the warm-up stops where it is, and the user's own requests compile the rest.
     */
    static final long BACKGROUND_MAX_NANOS = 120_000_000_000L;
    /**
     * How long after the background warm-up its native-heap trim waits: HotSpot frees the compiler threads' unused
     * arena chunks to the C library every 5 s.
     */
    static final long TRIM_DELAY_MS = 6_000;
    /**
     * How long after the background warm-up the compiler threads and the slab thread run at SCHED_IDLE (system
     * property {@code cinnabar.jitWarmup.idleMillis}, default a minute; 0: not at all): what the warm-up left to
     * compile, compiled under the user's first load, then waits for an idle core instead of taking the event loop's.
     * Bounded, unlike the warm-up before the listener's: the background warm-up may have compiled less, and on a
     * machine whose cores are all busy the rest would wait for ever.
     */
    static final long IDLE_MS = Long.getLong("cinnabar.jitWarmup.idleMillis", 60_000);

    /**
     * The warm-up mode bin/cinnabar-server asks for (dflt: {@link #WARMUP_DEFAULT_PROPERTY}) when it applies: no
     * {@link #WARMUP_ENV}, the option named neither in the file nor on the command line (probe: read from them with
     * the option's value emptied first), not sentinel, not cluster-enabled; else null.
     */
    static String scriptWarmupDefault(String dflt, String env, Config probe, boolean sentinel) {
        if (dflt == null || dflt.isEmpty() || env != null && !env.isEmpty() || sentinel) {
            return null;
        }
        return probe.get("cinnabar-jit-warmup").isEmpty() && !probe.getBool("cluster-enabled") ? dflt : null;
    }

    /** The JIT warm-up, before the user's server is created; a failure only costs the warm-up (logged at debug). */
    static void warmUp(ServerLog log) {
        warmUp(log, JitWarmup.Plan.full(WARMUP_COMMANDS), Pacer.NONE, WARMUP_MAX_NANOS);
    }

    /**
     * The background JIT warm-up ({@code cinnabar-jit-warmup background}): the lean plan ({@link JitWarmup.Plan#LEAN})
     * on a daemon thread started once the user's server serves, paced by its load ({@link Pacer}). No collection
     * after it (a full collection is a pause the user's clients would see, and the garbage is the young
     * generation's to collect). In the launcher's own process ({@code launcher}) only: the compiler threads and the
     * slab thread run at SCHED_IDLE for {@link #IDLE_MS} after it, where the process may move them back
     * ({@link IdleThreads#restorable}: without that, on a machine whose cores are all busy, they would wait for
     * ever), and the C library's free memory goes back to the kernel {@link #TRIM_DELAY_MS} after it, once the
     * server has run no command for 50 ms ({@link JitWarmup#trimNativeHeap}). Interrupting the thread stops the
     * warm-up (its private server with it): the embedded server's close does.
     */
    static Thread warmUpInBackground(ServerLog log, Server server, boolean launcher) {
        Pacer pacer = new Pacer(server.stats::commandsProcessedFromAnyThread);
        Thread t = new Thread(() -> {
            warmUp(log, JitWarmup.Plan.LEAN, pacer, BACKGROUND_MAX_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                log.log(0, "JIT warm-up (background): stopped with its server");
                return;
            }
            log.log(0, "JIT warm-up (background): waited " + pacer.waits() + " times for the server's load (JVM "
                + "uptime " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
            if (!launcher) {
                return;
            }
            List<Long> idle = IDLE_MS > 0 && IdleThreads.restorable() ? IdleThreads.apply() : List.of();
            long idleEnd = System.nanoTime() + IDLE_MS * 1_000_000;
            if (!idle.isEmpty()) {
                log.log(0, "JIT warm-up (background): " + idle.size() + " threads at SCHED_IDLE for " + IDLE_MS
                    + " ms");
            }
            try { // once the compiler threads' freed arenas reached the C library, in a quiet moment
                Thread.sleep(TRIM_DELAY_MS);
                boolean trimmed = !idle.isEmpty() && trimWhenQuiet(log, pacer, idleEnd);
                if (!idle.isEmpty()) {
                    Thread.sleep(Math.max(0, (idleEnd - System.nanoTime()) / 1_000_000));
                    log.log(0, "JIT warm-up (background): " + IdleThreads.restore(idle) + " threads back at "
                        + "SCHED_OTHER");
                }
                if (!trimmed) {
                    trimWhenQuiet(log, pacer, System.nanoTime() + BACKGROUND_MAX_NANOS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cinnabar-jit-warmup-driver");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Trims the C library's heap once the server is quiet, before the deadline; whether it tried. */
    private static boolean trimWhenQuiet(ServerLog log, Pacer pacer, long deadline) throws InterruptedException {
        if (!pacer.awaitQuiet(deadline)) {
            return false;
        }
        String trimmed = JitWarmup.trimNativeHeap();
        if (trimmed != null) { // null: a JVM or C library that cannot trim
            log.log(0, "JIT warm-up (background): " + trimmed);
        }
        return true;
    }

    private static void warmUp(ServerLog log, JitWarmup.Plan plan, Pacer pacer, long maxNanos) {
        try {
            JitWarmup.Result r = JitWarmup.run(plan, maxNanos, WARMUP_MAX_DRAIN_NANOS, pacer);
            log.log(0, "JIT warm-up: " + r.commands() + " commands in " + r.nanos() / 1_000_000 + " ms, compiler "
                + "queues " + (r.drained() ? "drained" : "not drained") + " after " + r.drainNanos() / 1_000_000
                + " ms more, " + (r.gcNanos() < 0 ? "collection later" : "collection " + r.gcNanos() / 1_000_000
                    + " ms") + ", " + r.syncs() + " replica syncs, "
                + r.connections() + " short connections (JVM uptime "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
        } catch (IOException | RuntimeException e) {
            log.log(0, "JIT warm-up skipped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The names the probe read of the file checks rename-command lines against: the server's commands and, as the
     * file may turn out to be a sentinel's, SENTINEL (the sentinel-mode table checks the lines once it exists).
     */
    private static java.util.Set<String> commandNamesForProbe() {
        java.util.Set<String> names = CommandTable.redisCommandNames();
        names.add("sentinel");
        return names;
    }

    static int run(String[] args) {
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("Redis server v=" + Config.versionString() + " sha=00000000:0 malloc=jvm bits=64 "
                + "build=0000000000000000 (Cinnabar)");
            return 0;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("Usage: ./cinnabar-server [/path/to/redis.conf] [options] [-]\n"
                + "       ./cinnabar-server - (read config from stdin)\n"
                + "       ./cinnabar-server -v or --version\n"
                + "       ./cinnabar-server -h or --help\n\n"
                + "Examples:\n"
                + "       ./cinnabar-server (run the server with default conf)\n"
                + "       ./cinnabar-server /etc/redis/6379.conf\n"
                + "       ./cinnabar-server --port 7777\n"
                + "       ./cinnabar-server /etc/myredis.conf --loglevel verbose\n");
            return 1;
        }
        Path file = null;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            file = Path.of(rest.remove(0));
        }
        boolean sentinel = rest.remove("--sentinel");
        ServerLog log = new ServerLog(System.out);
        Config config = new Config();
        String warmupEnv = System.getenv(WARMUP_ENV);
        String scriptWarmup = null;
        if (warmupEnv != null && !warmupEnv.isEmpty()) {
            try { // the default of cinnabar-jit-warmup: the file and the command line still decide
                config.set(Config.lookup("cinnabar-jit-warmup"), new ArrayList<>(List.of(warmupEnv)), true);
            } catch (io.cinnabar.server.internal.config.ConfigException e) {
                System.err.println(WARMUP_ENV + "=" + warmupEnv + ": " + e.getMessage());
                return 1;
            }
        }
        try {
            if (!sentinel) {
                // sentinel lines in the file also mean sentinel mode (redis-server needs --sentinel for them)
                Config probe = new Config();
                probe.commandNames = commandNamesForProbe();
                probe.putRaw("cinnabar-jit-warmup", ""); // still empty after the load: neither file nor line names it
                ConfigFile.load(probe, file, ConfigFile.optionsToText(rest));
                sentinel = !probe.sentinelLines.isEmpty();
                scriptWarmup = scriptWarmupDefault(System.getProperty(WARMUP_DEFAULT_PROPERTY), warmupEnv, probe,
                    sentinel);
            }
            if (!sentinel) {
                config.commandNames = CommandTable.redisCommandNames(); // rename-command checked at its line
            }
            if (sentinel) {
                sentinelDefaults(config);
                if (file == null) {
                    log.setRole('X');
                    log.warning("Sentinel needs config file on disk to save state. Exiting...");
                    return 1;
                }
                if (!java.nio.file.Files.isWritable(file)) {
                    log.setRole('X');
                    log.warning("Sentinel config file " + file.toAbsolutePath() + " is not writable: Permission "
                        + "denied. Exiting...");
                    return 1;
                }
            }
            ConfigFile.load(config, file, ConfigFile.optionsToText(rest));
            if (scriptWarmup != null) {
                try {
                    config.set(Config.lookup("cinnabar-jit-warmup"), new ArrayList<>(List.of(scriptWarmup)), true);
                } catch (io.cinnabar.server.internal.config.ConfigException e) {
                    System.err.println(WARMUP_DEFAULT_PROPERTY + "=" + scriptWarmup + ": " + e.getMessage());
                    return 1;
                }
            }
            log.configure(config);
        } catch (ConfigFile.FatalConfigError e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("Can't open the log file: " + e.getMessage());
            return 1;
        }
        // as Redis 7: these lines are logged once the configuration (logfile, loglevel) is known
        log.startup("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        log.startup("Redis version=" + Config.versionString() + ", bits=64, commit=00000000, modified=0, pid="
            + ProcessHandle.current().pid() + ", just started");
        if (args.length == 0) {
            log.startup("Warning: no config file specified, using the default config. In order to specify a config "
                + "file use cinnabar-server /path/to/redis.conf");
        } else {
            log.startup("Configuration loaded");
        }
        String warmupMode = sentinel ? "no" : config.get("cinnabar-jit-warmup");
        if (warmupMode.equals("yes")) {
            warmUp(log); // before the user's server exists: see JitWarmup, and the README for why not after
            // what the JIT still compiles, and the slab thread, then wait for an idle core (IdleThreads)
            log.log(0, "SCHED_IDLE threads after the JIT warm-up: " + IdleThreads.apply().size());
        }
        Server server;
        EventLoop loop;
        Assembly assembly;
        try {
            assembly = Assembly.create(config, log);
            server = assembly.server();
            loop = assembly.loop();
            loop.listen(false);
        } catch (IOException e) {
            log.startup(e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Signals.install(server, loop);
        try {
            if (!server.started()) {
                loop.close();
                return 1;
            }
        } catch (IllegalStateException e) {
            loop.close();
            return 1; // a corrupt RDB at startup: logged already, nothing is served
        }
        if (assembly.sentinel() != null) {
            assembly.sentinel().started();
        }
        loop.start();
        if (warmupMode.equals("background")) {
            warmUpInBackground(log, server, true); // a daemon: SHUTDOWN does not wait for it
        }
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stopped();
        return 0;
    }
}
