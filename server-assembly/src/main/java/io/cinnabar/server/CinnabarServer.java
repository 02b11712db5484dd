package io.cinnabar.server;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.net.EventLoop;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Cinnabar server running in this JVM, for tests and applications that want a real Redis-compatible server
 * without a binary:
 * <pre>{@code
 * try (CinnabarServer server = CinnabarServer.builder().port(0).config("maxclients", "100").start()) {
 *     int port = server.port();   // a free port was chosen
 *     ...                         // connect any Redis client to 127.0.0.1:port
 * }
 * }</pre>
 * Options are Redis's config names and values, validated as a config file's would be. The server runs on its own
 * event-loop thread; {@link #close()} stops it and frees the port.
 * <p><b>Note:</b> This class is threadsafe: {@link #close()} may be called from any thread.
 */
public final class CinnabarServer implements AutoCloseable {
    /** How long close waits for a background JIT warm-up to stop (its private servers' shutdown). */
    private static final long WARMUP_STOP_MS = 10_000;
    private final EventLoop loop;
    /** The background JIT warm-up's thread ({@code cinnabar-jit-warmup background}), or null. */
    private final Thread warmup;

    private CinnabarServer(EventLoop loop, Thread warmup) {
        this.loop = loop;
        this.warmup = warmup;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return loop.port();
    }

    /** Stops the server: closes every connection and listener, then returns. */
    @Override
    public void close() {
        loop.shutdown();
        try {
            if (warmup != null) {
                warmup.interrupt(); // a background warm-up still running stops, its private servers with it
                warmup.join(WARMUP_STOP_MS);
            }
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures and starts an embedded server. */
    public static final class Builder {
        private final List<String> options = new ArrayList<>();
        private boolean randomPort = true;
        private PrintStream log;
        private java.nio.file.Path sentinelFile;

        private Builder() {
        }

        /**
         * Sentinel mode, as {@code cinnabar-server sentinel.conf --sentinel}: the file's {@code sentinel} lines are
         * loaded and the file is rewritten with the sentinel's state; without a port option the port is 26379.
         */
        public Builder sentinel(java.nio.file.Path configFile) {
            this.sentinelFile = configFile;
            return this;
        }

        /** The TCP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            randomPort = port == 0;
            return config("port", Integer.toString(port));
        }

        /** Any Redis configuration option, e.g. {@code config("requirepass", "secret")}. */
        public Builder config(String name, String... values) {
            options.add("--" + name);
            options.addAll(List.of(values));
            return this;
        }

        /** Where log lines go (default: nowhere, unless the "logfile" option is set). */
        public Builder log(PrintStream out) {
            this.log = out;
            return this;
        }

        /**
         * Starts the server and returns once it accepts connections.
         *
         * @throws IllegalArgumentException when an option is invalid (the message is Redis's config error)
         * @throws UncheckedIOException when the port cannot be bound
         */
        public CinnabarServer start() {
            Config config = new Config();
            List<String> opts = new ArrayList<>();
            if (sentinelFile != null) {
                Launcher.sentinelDefaults(config);
            }
            if (randomPort && !options.contains("--port") && sentinelFile == null) {
                opts.add("--port");
                opts.add("0");
            }
            if (!options.contains("--save")) {
                // embedded default: no save points (the launcher keeps Redis's), so a test suite does not start
                // writing dump.rdb into its working directory; config("save", ...) turns them on
                opts.add("--save");
                opts.add("");
            }
            if (!options.contains("--cinnabar-jit-warmup")) {
                // embedded default: no JIT warm-up (test suites start hundreds of servers in one JVM, and the JVM
                // is warm after the first); config("cinnabar-jit-warmup", "yes") runs it before this server exists,
                // "background" beside it (this JVM's threads keep their scheduling either way)
                opts.add("--cinnabar-jit-warmup");
                opts.add("no");
            }
            opts.addAll(options);
            if (sentinelFile == null) {
                config.commandNames = io.cinnabar.server.internal.command.CommandTable.redisCommandNames();
            }
            try {
                ConfigFile.load(config, sentinelFile, ConfigFile.optionsToText(opts));
            } catch (ConfigFile.FatalConfigError e) {
                throw new IllegalArgumentException(e.getMessage().strip());
            }
            PrintStream out = log != null ? log : new PrintStream(OutputStream.nullOutputStream());
            ServerLog serverLog = new ServerLog(out);
            String warmup = sentinelFile == null ? config.get("cinnabar-jit-warmup") : "no";
            if (warmup.equals("yes")) {
                serverLog.setLevel(config.get("loglevel")); // its debug line, before the server applies the option
                Launcher.warmUp(serverLog);
            }
            try {
                Assembly assembly = Assembly.create(config, serverLog);
                Server server = assembly.server();
                EventLoop loop = assembly.loop();
                loop.listen(randomPort);
                if (!server.started()) {
                    loop.close();
                    throw new IllegalStateException("the server could not load its data (see its log)");
                }
                if (assembly.sentinel() != null) {
                    assembly.sentinel().started();
                }
                loop.start();
                Thread background = null;
                if (warmup.equals("background")) {
                    background = Launcher.warmUpInBackground(serverLog, server, false);
                }
                return new CinnabarServer(loop, background);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
