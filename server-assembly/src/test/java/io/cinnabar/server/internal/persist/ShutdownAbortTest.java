package io.cinnabar.server.internal.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * SHUTDOWN ABORT as Redis's abortShutdown: a signal's shutdown the event loop has not run yet is cancelled
 * ({@code +OK}, {@code Shutdown manually aborted.} logged, the loop then keeps serving); with nothing pending,
 * {@code ERR No shutdown in progress.}; ABORT with another flag is a syntax error. The signal's flags come from
 * {@code shutdown-on-sigterm}: {@code nosave} skips the final save a save point would cause.
 */
class ShutdownAbortTest {
    private static String run(Server server, Client c, String... args) {
        return TestConfigs.run(server, c, args);
    }

    @Test
    void abortCancelsAPendingSignal() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Assembly a = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(log, true, StandardCharsets.UTF_8)));
        try {
            Server s = a.server();
            Client c = Client.detached(s);
            assertEquals("-ERR No shutdown in progress.\r\n", run(s, c, "SHUTDOWN", "ABORT"));
            s.requestShutdown("SIGTERM");
            assertEquals("-ERR syntax error\r\n", run(s, c, "SHUTDOWN", "ABORT", "NOSAVE"));
            assertEquals("+OK\r\n", run(s, c, "SHUTDOWN", "ABORT"));
            assertFalse(s.shutdownAsap);
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("Shutdown manually aborted."));
            assertEquals("-ERR No shutdown in progress.\r\n", run(s, c, "SHUTDOWN", "ABORT"));
        } finally {
            a.loop().shutdown();
        }
    }

    @Test
    void signalUsesShutdownOnSigtermFlags() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("shutdown-flags");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        io.cinnabar.server.internal.config.Config config = new io.cinnabar.server.internal.config.Config();
        io.cinnabar.server.internal.config.ConfigFile.load(config, null, "save \"3600 1\"\ndir " + dir + "\n");
        Assembly a = Assembly.create(config, new ServerLog(new PrintStream(log, true, StandardCharsets.UTF_8)));
        try {
            Server s = a.server();
            Client c = Client.detached(s);
            assertEquals("+OK\r\n", run(s, c, "CONFIG", "SET", "shutdown-on-sigterm", "nosave"));
            run(s, c, "SET", "k", "v");
            s.requestShutdown("SIGTERM");
            assertTrue(s.shutdownFromLoop(), "the loop stops");
            assertFalse(log.toString(StandardCharsets.UTF_8).contains("Saving the final RDB snapshot"));
            assertFalse(java.nio.file.Files.exists(dir.resolve("dump.rdb")), "nosave: no final save");
        } finally {
            a.loop().shutdown();
        }
    }
}
