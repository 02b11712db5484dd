package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The last-resort guard: a command that needs more than the whole heap (a server JVM with -Xmx64m, no maxmemory)
 * gets Redis's OOM error instead of killing the event loop; the error is logged and the server keeps serving.
 */
class OomGuardTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

    @Test
    void aCommandLargerThanTheHeapIsRefusedAndTheServerKeepsServing() throws Exception {
        Path dir = Files.createTempDirectory("oom-guard");
        int port = RealRedis.freePort();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(javaBin, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
            "io.cinnabar.server.Launcher", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", dir.toString())).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            RespClient c = connect(p, port, dir);
            try {
                assertEquals("+OK\r\n", c.call("SET", "small", "v"));
                assertEquals(OOM, c.call("SETRANGE", "big", "100000000", "x"), "100 MB do not fit a 64 MB heap");
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":0\r\n", c.call("EXISTS", "big"), "the refused SETRANGE created no key");
                assertEquals("$1\r\nv\r\n", c.call("GET", "small"));
                assertEquals(":1048576\r\n", c.call("SETRANGE", "grow", "1048575", "x"), "1 MB still fits");
                assertEquals(":1\r\n", c.call("STRLEN", "small"));
                assertEquals(OOM, c.call("SETRANGE", "big", "100000000", "x"), "again, on the same connection");
                assertEquals("+OK\r\n", c.call("SET", "after", "1"));
                assertEquals("$1\r\n1\r\n", c.call("GET", "after"));
            } catch (IOException e) {
                throw new AssertionError("connection lost: " + Files.readString(dir.resolve("server.log")), e);
            } finally {
                c.close();
            }
            try (RespClient other = new RespClient(port)) {
                assertEquals("+PONG\r\n", other.call("PING"), "new connections are served");
            }
            assertTrue(p.isAlive());
            String log = Files.readString(dir.resolve("server.log"));
            assertTrue(log.contains("Out of memory executing 'setrange'"), log);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static RespClient connect(Process p, int port, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(dir.resolve("server.log")));
            }
            try {
                RespClient c = new RespClient(port);
                if (c.call("PING").equals("+PONG\r\n")) {
                    return c;
                }
                c.close();
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server did not start");
    }
}
