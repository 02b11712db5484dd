package io.cinnabar.server.internal.propagate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.keyspace.Entry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The propagation point: a test consumer registered on an assembled server (no socket: commands run through a
 * detached client) sees writes with owned arguments and their database, not reads or writes that changed
 * nothing, expiry as DEL, and a command's rewrite instead of the original.
 */
class PropagationTest {
    private Assembly assembly;
    private Server server;
    private Client client;
    private final List<String> seen = new ArrayList<>();
    private final List<byte[][]> argvs = new ArrayList<>();

    @BeforeEach
    void assemble() throws Exception {
        assembly = Assembly.create(io.cinnabar.server.internal.TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
        client = Client.detached(server);
        assembly.propagator().addConsumer((db, argv) -> {
            StringBuilder b = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) {
                b.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
            }
            seen.add(b.toString());
            argvs.add(argv);
        });
    }

    @AfterEach
    void close() throws Exception {
        assembly.loop().shutdown();
    }

    private String run(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        server.execute(client, argv);
        return new String(client.takeReplies(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesPropagateWithOwnedArgumentsAndTheirDatabase() {
        assertEquals("+OK\r\n", run("SET", "k", "v1"));
        assertEquals("+OK\r\n", run("SELECT", "3"));
        assertEquals(":1\r\n", run("RPUSH", "list", "a"));
        assertEquals(List.of("0: SET k v1", "3: RPUSH list a"), seen);
        // the arguments are copies: running another command over the same query buffer does not change them
        byte[][] first = argvs.get(0);
        run("SET", "zz", "xx");
        assertEquals("k", new String(first[1], StandardCharsets.ISO_8859_1));
        assertEquals("v1", new String(first[2], StandardCharsets.ISO_8859_1));
        assertNotSame(argvs.get(0), argvs.get(1));
    }

    @Test
    void readsAndWritesThatChangeNothingDoNotPropagate() {
        run("SET", "k", "v");
        seen.clear();
        argvs.clear();
        assertEquals("$1\r\nv\r\n", run("GET", "k"));
        assertEquals(":0\r\n", run("DEL", "missing"));
        assertEquals(":0\r\n", run("SREM", "missing", "m"));
        assertTrue(run("INCR", "k").startsWith("-ERR"));
        assertTrue(run("LPUSH", "k", "x").startsWith("-WRONGTYPE"));
        assertTrue(run("NOSUCHCOMMAND").startsWith("-ERR unknown command"));
        assertEquals(List.of(), seen);
        assertEquals(":1\r\n", run("DEL", "k"));
        assertEquals(List.of("0: DEL k"), seen);
    }

    @Test
    void aLazilyExpiredKeyPropagatesDelBeforeTheCommandThatFoundIt() {
        run("SET", "k", "v");
        Entry e = server.dbs[0].find("k".getBytes(StandardCharsets.ISO_8859_1));
        server.keyspace.setExpire(server.dbs[0], e, 1); // long past
        seen.clear();
        argvs.clear();
        assertEquals("$-1\r\n", run("GET", "k"));
        assertEquals(List.of("0: DEL k"), seen);
        assertEquals(1, server.keyspace.expiredKeys);
    }

    @Test
    void activeExpiryPropagatesDel() {
        run("SELECT", "2");
        run("SET", "k", "v");
        Entry e = server.dbs[2].find("k".getBytes(StandardCharsets.ISO_8859_1));
        server.keyspace.setExpire(server.dbs[2], e, 1);
        seen.clear();
        argvs.clear();
        for (int i = 0; i < server.dbs.length && seen.isEmpty(); i++) {
            server.activeExpireCycle(false);
        }
        assertEquals(List.of("2: DEL k"), seen);
    }

    @Test
    void aRewriteReplacesTheOriginal() {
        run("SET", "k", "v");
        seen.clear();
        argvs.clear();
        assertEquals(":1\r\n", run("PEXPIREAT", "k", "99999999999999"));
        assertEquals(":1\r\n", run("EXPIRE", "k", "100"));
        assertEquals(2, seen.size());
        assertEquals("0: PEXPIREAT k 99999999999999", seen.get(0));
        assertTrue(seen.get(1).startsWith("0: PEXPIREAT k "), seen.get(1));
        long at = Long.parseLong(seen.get(1).substring("0: PEXPIREAT k ".length()));
        assertEquals(server.keyspace.cmdTimeMs + 100_000, at);
        // an expire time in the past deletes the key and propagates DEL
        assertEquals(":1\r\n", run("EXPIRE", "k", "-1"));
        assertEquals("0: DEL k", seen.get(2));
        assertArrayEquals("DEL".getBytes(StandardCharsets.US_ASCII), argvs.get(2)[0]);
    }

    @Test
    void withoutConsumersNothingIsActive() throws Exception {
        Assembly bare = Assembly.create(io.cinnabar.server.internal.TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        try {
            assertFalse(bare.propagator().active());
            Client c = Client.detached(bare.server());
            bare.server().execute(c, "SET".getBytes(StandardCharsets.US_ASCII), new byte[] {'k'}, new byte[] {'v'});
            assertEquals("+OK\r\n", new String(c.takeReplies(), StandardCharsets.US_ASCII));
        } finally {
            bare.loop().shutdown();
        }
    }
}
