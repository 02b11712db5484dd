package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * key-load-delay (a Redis test option): the loader waits after each key, so a load of n keys takes at least n times
 * the delay; 0 (the default) does not wait.
 */
class KeyLoadDelayTest {
    @Test
    void theLoaderWaitsAfterEachKey() throws Exception {
        Path dir = Files.createTempDirectory("key-load-delay");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
                .config("enable-debug-command", "yes").log(new PrintStream(OutputStream.nullOutputStream())).start();
                RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "200"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "key-load-delay", "2000"));
            long t0 = System.nanoTime();
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 400, "200 keys at 2 ms each took " + ms + " ms");
            assertEquals(":200\r\n", c.call("DBSIZE"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "key-load-delay", "0"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(":200\r\n", c.call("DBSIZE"));
        }
    }
}
