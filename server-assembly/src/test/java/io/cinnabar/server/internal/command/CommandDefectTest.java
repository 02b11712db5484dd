package io.cinnabar.server.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A defect in one command's code (an unexpected RuntimeException, as SETRANGE's offset overflow once was) answers
 * that client with an error, is logged with its stack, and leaves the server serving: it used to escape the event
 * loop and stop it for every client.
 */
class CommandDefectTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private Assembly a;
    private Server server;
    private Client c;

    @BeforeEach
    void start() throws Exception {
        a = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(logged, true)));
        server = a.server();
        c = Client.detached(server);
    }

    @AfterEach
    void stop() {
        a.loop().shutdown();
    }

    private String run(String... args) {
        return TestConfigs.run(server, c, args);
    }

    @Test
    void aThrowingCommandAnswersAnErrorAndTheServerGoesOn() {
        server.commands.impl("lastsave", cl -> {
            throw new IllegalStateException("defect under test");
        });
        assertEquals("-ERR internal error executing 'lastsave': IllegalStateException\r\n", run("LASTSAVE"));
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Internal error executing 'lastsave'") && log.contains("defect under test")
            && log.contains("CommandDefectTest"), log);
        assertEquals("+OK\r\n", run("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", run("GET", "k"));
        // the failure is counted as Redis counts a rejected call's error reply
        assertTrue(run("INFO", "stats").contains("total_error_replies:1"));
    }

    @Test
    void insideMultiAndScriptsTheDefectIsThatCommandsError() {
        server.commands.impl("lastsave", cl -> {
            throw new IllegalArgumentException("defect under test");
        });
        assertEquals("+OK\r\n", run("MULTI"));
        assertEquals("+QUEUED\r\n", run("LASTSAVE"));
        assertEquals("+QUEUED\r\n", run("INCR", "n"));
        assertEquals("*2\r\n-ERR internal error executing 'lastsave': IllegalArgumentException\r\n:1\r\n", run("EXEC"));
        String r = run("EVAL", "return redis.pcall('lastsave')", "0");
        assertTrue(r.startsWith("-ERR internal error executing 'lastsave'"), r);
        assertEquals(":2\r\n", run("INCR", "n"));
    }
}
