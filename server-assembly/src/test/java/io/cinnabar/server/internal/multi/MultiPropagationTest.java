package io.cinnabar.server.internal.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an EXEC propagates, seen by a test consumer on an assembled server (commands run through detached
 * clients): its writes as one block wrapped in MULTI ... EXEC when there is more than one entry (Redis 7.2's
 * propagatePendingCommands), a lone write unwrapped, nothing for a read-only, aborted or discarded transaction,
 * databases as the commands ran, rewrites (EXPIRE as PEXPIREAT) inside the block.
 */
class MultiPropagationTest {
    private Assembly assembly;
    private Server server;
    private Client client;
    private Client other;
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void assemble() throws Exception {
        assembly = Assembly.create(io.cinnabar.server.internal.TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
        client = Client.detached(server);
        other = Client.detached(server);
        assembly.propagator().addConsumer((db, argv) -> {
            StringBuilder b = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) {
                b.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
            }
            seen.add(b.toString());
        });
    }

    @AfterEach
    void close() throws Exception {
        assembly.loop().shutdown();
    }

    private String run(Client c, String... args) {
        return TestConfigs.run(server, c, args);
    }

    @Test
    void execPropagatesItsWritesWrappedInMultiExec() {
        assertEquals("+OK\r\n", run(client, "MULTI"));
        assertEquals("+QUEUED\r\n", run(client, "SET", "a", "1"));
        assertEquals("+QUEUED\r\n", run(client, "GET", "a"));
        assertEquals("+QUEUED\r\n", run(client, "INCR", "n"));
        assertEquals(List.of(), seen); // nothing before EXEC
        assertEquals("*3\r\n+OK\r\n$1\r\n1\r\n:1\r\n", run(client, "EXEC"));
        assertEquals(List.of("0: MULTI", "0: SET a 1", "0: INCR n", "0: EXEC"), seen);
    }

    @Test
    void selectAndRewritesInsideTheBlock() {
        run(client, "MULTI");
        run(client, "SET", "a", "1");
        run(client, "SELECT", "2");
        run(client, "SET", "b", "2");
        run(client, "EXPIRE", "b", "100");
        run(client, "EXEC");
        assertEquals(5, seen.size(), seen.toString());
        assertEquals("0: MULTI", seen.get(0));
        assertEquals("0: SET a 1", seen.get(1));
        assertEquals("2: SET b 2", seen.get(2));
        assertEquals(true, seen.get(3).startsWith("2: PEXPIREAT b "), seen.get(3));
        assertEquals("2: EXEC", seen.get(4));
    }

    @Test
    void aLoneWriteIsNotWrapped() {
        run(client, "MULTI");
        run(client, "SET", "a", "1");
        run(client, "GET", "a");
        run(client, "EXEC");
        assertEquals(List.of("0: SET a 1"), seen);
    }

    @Test
    void readOnlyAbortedAndDiscardedTransactionsPropagateNothing() {
        run(client, "MULTI");
        run(client, "GET", "a");
        run(client, "PING");
        assertEquals("*2\r\n$-1\r\n+PONG\r\n", run(client, "EXEC"));
        run(client, "MULTI");
        run(client, "SET", "a", "1");
        assertEquals("+OK\r\n", run(client, "DISCARD"));
        run(client, "MULTI");
        run(client, "SET", "a", "1");
        run(client, "NOSUCHCOMMAND");
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", run(client, "EXEC"));
        assertEquals(List.of(), seen);
        run(client, "WATCH", "w");
        run(other, "SET", "w", "x");
        run(client, "MULTI");
        run(client, "SET", "a", "1");
        run(client, "SET", "b", "1");
        assertEquals("*-1\r\n", run(client, "EXEC"));
        assertEquals(List.of("0: SET w x"), seen);
        assertEquals(0, run(client, "EXISTS", "a", "b").indexOf(":0"));
    }

    @Test
    void closingTheConnectionForgetsTheWatches() {
        run(client, "WATCH", "a", "b");
        assertEquals(2, server.transactions.totalWatchedKeys());
        assertEquals(1, server.transactions.watchingClients());
        server.transactions.clientFreed(client);
        assertEquals(0, server.transactions.totalWatchedKeys());
        assertEquals(0, server.transactions.watchingClients());
        run(other, "WATCH", "a");
        run(other, "UNWATCH");
        assertEquals(0, server.transactions.totalWatchedKeys());
    }
}
