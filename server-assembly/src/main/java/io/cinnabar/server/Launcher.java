package io.cinnabar.server;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.net.EventLoop;
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
        try {
            if (!sentinel) {
                // sentinel lines in the file also mean sentinel mode (redis-server needs --sentinel for them)
                Config probe = new Config();
                ConfigFile.load(probe, file, ConfigFile.optionsToText(rest));
                sentinel = !probe.sentinelLines.isEmpty();
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
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stopped();
        return 0;
    }
}
