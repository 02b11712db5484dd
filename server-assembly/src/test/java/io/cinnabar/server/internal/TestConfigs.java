package io.cinnabar.server.internal;

import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;

/** Configurations and a command runner for tests that assemble a server directly. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * Redis's defaults without save points: a test that runs FLUSHALL or SHUTDOWN must not write dump.rdb into the
     * working directory (CinnabarServer's embedded builder does the same).
     */
    public static Config noSave() {
        Config c = new Config();
        try {
            ConfigFile.load(c, null, "save \"\"\n");
        } catch (ConfigFile.FatalConfigError e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /**
     * Runs one command on a detached client of an assembled server (the same path as a connection's command) and
     * returns its raw RESP reply, ISO-8859-1 decoded.
     */
    public static String run(io.cinnabar.server.internal.command.Server server,
            io.cinnabar.server.internal.command.Client c, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        server.execute(c, argv);
        return new String(c.takeReplies(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
