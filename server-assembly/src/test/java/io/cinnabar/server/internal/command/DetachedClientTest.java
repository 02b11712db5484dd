package io.cinnabar.server.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client without a socket runs commands through the whole pipeline; its replies land in a buffer. */
class DetachedClientTest {
    private Assembly assembly;
    private Server server;

    @BeforeEach
    void assemble() throws Exception {
        Config config = new Config();
        ConfigFile.load(config, null, "requirepass secret\n");
        assembly = Assembly.create(config, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
    }

    @AfterEach
    void close() throws Exception {
        assembly.loop().shutdown();
    }

    private static String run(Server s, Client c, String... args) {
        return TestConfigs.run(s, c, args);
    }

    @Test
    void runsCommandsAndCollectsTheirReplies() {
        Client c = Client.detached(server);
        assertTrue(c.isDetached());
        assertEquals("+OK\r\n", run(server, c, "SET", "counter", "41")); // authenticated although requirepass is set
        assertEquals(":42\r\n", run(server, c, "INCR", "counter"));
        assertEquals("$2\r\n42\r\n", run(server, c, "GET", "counter"));
        assertEquals(":3\r\n", run(server, c, "RPUSH", "l", "a", "b", "c"));
        assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", run(server, c, "LRANGE", "l", "0", "1"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", run(server, c, "GET"));
        assertEquals("+OK\r\n", run(server, c, "SELECT", "1"));
        assertEquals("$-1\r\n", run(server, c, "GET", "counter"));
        assertEquals(1, server.dbs[0].find("counter".getBytes(StandardCharsets.US_ASCII)) != null ? 1 : 0);
    }

    @Test
    void longArgumentsAndManyOfThemGrowTheBuffers() {
        Client c = Client.detached(server);
        String big = "x".repeat(100_000);
        assertEquals("+OK\r\n", run(server, c, "SET", "big", big));
        assertEquals(":100000\r\n", run(server, c, "STRLEN", "big"));
        String[] args = new String[42];
        args[0] = "SADD";
        args[1] = "s";
        for (int i = 2; i < args.length; i++) {
            args[i] = "m" + i;
        }
        assertEquals(":40\r\n", run(server, c, args));
        assertEquals(":40\r\n", run(server, c, "SCARD", "s"));
    }

    @Test
    void repliesFollowTheClientsProtocol() {
        Client c = Client.detached(server);
        run(server, c, "HELLO", "3");
        run(server, c, "HSET", "h", "f", "v");
        assertEquals("%1\r\n$1\r\nf\r\n$1\r\nv\r\n", run(server, c, "HGETALL", "h"));
    }
}
