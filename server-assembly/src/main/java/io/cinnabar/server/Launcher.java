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
        ServerLog log = new ServerLog(System.out);
        Config config = new Config();
        try {
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
        try {
            Assembly assembly = Assembly.create(config, log);
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
