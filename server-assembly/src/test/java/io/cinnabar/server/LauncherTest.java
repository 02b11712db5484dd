package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher as a separate process: config files, includes, command-line options, errors, log lines, signals. */
class LauncherTest {
    private static Process launch(Path dir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
            "io.cinnabar.server.Launcher"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile())
            .redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void badDirectiveStopsWithRedisMessage() throws Exception {
        Path dir = Files.createTempDirectory("launcher");
        Files.writeString(dir.resolve("r.conf"), "# comment\n\nport 7000\nfoo bar\n");
        Process p = launch(dir, "r.conf");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 4\n"
            + ">>> 'foo bar'\nBad directive or wrong number of arguments\n", read(dir.resolve("err.log")));
    }

    @Test
    void invalidValueFromCommandLine() throws Exception {
        Path dir = Files.createTempDirectory("launcher");
        Process p = launch(dir, "--maxmemory", "lots");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n"
            + ">>> 'maxmemory \"lots\"'\nargument must be a memory value\n", read(dir.resolve("err.log")));
    }

    @Test
    void startsServesAndStopsOnSigterm() throws Exception {
        Path dir = Files.createTempDirectory("launcher");
        int port = freePort();
        Files.writeString(dir.resolve("extra.conf"), "maxclients 77\n");
        Files.writeString(dir.resolve("r.conf"), "port 1\ninclude " + dir.resolve("extra.conf") + "\n"
            + "save 900 1\nsave 300 10\nrequirepass \"p w\"\n");
        Process p = launch(dir, "r.conf", "--port", Integer.toString(port), "--bind", "127.0.0.1", "::1");
        try {
            String log = "";
            for (int i = 0; i < 300 && !log.contains("Ready to accept connections tcp"); i++) {
                Thread.sleep(100);
                log = read(dir.resolve("out.log"));
            }
            long pid = p.pid();
            assertTrue(log.contains(pid + ":C "), log);
            assertTrue(log.contains("Redis version=7.2.4, bits=64, commit=00000000, modified=0, pid=" + pid
                + ", just started"), log);
            assertTrue(log.contains("PID: " + pid), log);
            assertTrue(log.matches("(?s).*" + pid + ":M \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
                + "\\* Server initialized.*"), log);
            try (RespClient c = new RespClient(port)) {
                assertEquals("+OK\r\n", c.call("AUTH", "p w"));
                assertEquals("*2\r\n$10\r\nmaxclients\r\n$2\r\n77\r\n", c.call("CONFIG", "GET", "maxclients"));
                assertEquals("*2\r\n$4\r\nsave\r\n$12\r\n900 1 300 10\r\n", c.call("CONFIG", "GET", "save"));
                assertEquals("*2\r\n$4\r\nbind\r\n$13\r\n127.0.0.1 ::1\r\n", c.call("CONFIG", "GET", "bind"));
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxclients", "55"));
                assertEquals("+OK\r\n", c.call("CONFIG", "REWRITE"));
            }
            String rewritten = read(dir.resolve("r.conf"));
            assertTrue(rewritten.contains("maxclients 55"), rewritten);
            assertTrue(rewritten.contains("requirepass \"p w\""), rewritten);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            log = read(dir.resolve("out.log"));
            assertTrue(log.contains("Received SIGTERM scheduling shutdown..."), log);
            assertTrue(log.contains("Redis is now ready to exit, bye bye..."), log);
            // save points exist: SIGTERM saves first, as Redis
            assertTrue(log.contains("Saving the final RDB snapshot before exiting."), log);
            assertTrue(log.contains("DB saved on disk"), log);
            assertTrue(Files.exists(dir.resolve("dump.rdb")));
        } finally {
            p.destroyForcibly();
        }
    }
}
