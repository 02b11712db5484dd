package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The last-resort guard: a command that needs more than the whole heap (a server JVM with -Xmx64m, no maxmemory)
 * gets Redis's OOM error instead of killing the event loop; the error is logged and the server keeps serving.
 */
class OomGuardTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

    @Test
    void aCommandLargerThanTheHeapIsRefusedAndTheServerKeepsServing() throws Exception {
        try (ChildServer s = ChildServer.start("oom-guard", List.of("-Xmx64m"))) {
            int port = s.port();
            RespClient c = new RespClient(port);
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
                throw new AssertionError("connection lost: " + s.output(), e);
            } finally {
                c.close();
            }
            try (RespClient other = new RespClient(port)) {
                assertEquals("+PONG\r\n", other.call("PING"), "new connections are served");
            }
            assertTrue(s.process().isAlive());
            String log = s.output();
            assertTrue(log.contains("Out of memory executing 'setrange'"), log);
        }
    }
}
