package io.cinnabar.server.internal.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
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
 * What scripts propagate, seen by a test consumer on an assembled server: effects, not the EVAL/FCALL command
 * (Redis 7's only mode), wrapped in MULTI/EXEC when more than one, alone otherwise, nothing for read-only scripts;
 * the databases the script selected, rewrites (EXPIRE as PEXPIREAT), redis.set_repl(REPL_NONE), the effects
 * made before a runtime error, and a script inside MULTI/EXEC joining the transaction's one block.
 */
class ScriptPropagationTest {
    private Assembly assembly;
    private Server server;
    private Client client;
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void assemble() throws Exception {
        assembly = Assembly.create(new Config(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
        client = Client.detached(server);
        assembly.propagator().addConsumer((db, argv) -> {
            StringBuilder b = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) {
                b.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
            }
            seen.add(b.toString());
        });
    }

    @AfterEach
    void close() {
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
    void effectsWrappedInMultiExec() {
        assertEquals(":2\r\n", run("EVAL", "redis.call('set', KEYS[1], '1') return redis.call('incr', KEYS[1])",
            "1", "k"));
        assertEquals(List.of("0: MULTI", "0: set k 1", "0: incr k", "0: EXEC"), seen);
    }

    @Test
    void oneWriteAloneAndReadsNothing() {
        run("EVAL", "return redis.call('set', 'a', 'x')", "0");
        run("EVAL", "return redis.call('get', 'a')", "0");
        run("EVAL", "return redis.call('del', 'nokey')", "0");
        assertEquals(List.of("0: set a x"), seen);
    }

    @Test
    void selectAndRewritesInsideTheScript() {
        run("EVAL", "redis.call('set', 'a', '1') redis.call('select', '3') redis.call('set', 'b', '2') "
            + "redis.call('expire', 'b', '100')", "0");
        assertEquals(5, seen.size(), seen.toString());
        assertEquals("0: MULTI", seen.get(0));
        assertEquals("0: set a 1", seen.get(1));
        assertEquals("3: set b 2", seen.get(2));
        assertTrue(seen.get(3).startsWith("3: PEXPIREAT b "), seen.toString());
        assertEquals("3: EXEC", seen.get(4));
        assertEquals("$1\r\n1\r\n", run("GET", "a")); // the caller's database did not change
    }

    @Test
    void setReplNoneSuppresses() {
        run("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'hidden', '1') "
            + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'shown', '2')", "0");
        assertEquals(List.of("0: set shown 2"), seen);
        run("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'x', '1')", "0");
        run("SET", "after", "1"); // suppression ends with the script
        assertEquals(List.of("0: set shown 2", "0: SET after 1"), seen);
    }

    @Test
    void effectsBeforeAnErrorPropagate() {
        String r = run("EVAL", "redis.call('set', 'a', '1') redis.call('lpush', 'a', 'x')", "0");
        assertTrue(r.startsWith("-WRONGTYPE"), r);
        assertEquals(List.of("0: set a 1"), seen);
    }

    @Test
    void scriptInsideExecJoinsTheTransactionBlock() {
        run("MULTI");
        run("SET", "t", "1");
        run("EVAL", "redis.call('incr', 't') redis.call('incr', 't')", "0");
        run("FCALL_RO", "nosuch", "0");
        run("EXEC");
        assertEquals(List.of("0: MULTI", "0: SET t 1", "0: incr t", "0: incr t", "0: EXEC"), seen);
    }

    @Test
    void functionsPropagateTheirEffects() {
        String code = "#!lua name=p\nredis.register_function('two', function(keys) "
            + "redis.call('set', keys[1], 'a') redis.call('append', keys[1], 'b') end)";
        run("FUNCTION", "LOAD", code);
        assertEquals(List.of("0: FUNCTION LOAD " + code), seen, "FUNCTION LOAD propagates as it is");
        seen.clear();
        run("FCALL", "two", "1", "fk");
        assertEquals(List.of("0: MULTI", "0: set fk a", "0: append fk b", "0: EXEC"), seen);
        seen.clear();
        run("FUNCTION", "DELETE", "nosuch");
        run("SCRIPT", "LOAD", "return 1");
        run("FUNCTION", "DELETE", "p");
        assertEquals(List.of("0: FUNCTION DELETE p"), seen);
    }
}
