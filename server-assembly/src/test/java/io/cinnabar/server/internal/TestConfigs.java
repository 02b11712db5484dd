package io.cinnabar.server.internal;

import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;

/** Configurations for tests that assemble a server directly. */
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
}
