package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.Replies;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Redis's own unit/scripting.tcl found, checked against redis-server 7.0.15 where the behaviour is observable.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes",
    "enable-protected-configs", "yes"})
class ScriptSuiteFindingsTest {
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * A table that contains itself: Redis nests arrays (maps, sets) until its Lua stack check fails and answers
     * "-ERR reached lua stack limit" there (7995 levels for an array); the connection stays in step. Ours overflowed
     * the event loop's Java stack and stopped answering.
     */
    @Test
    void selfContainingTablesNestUntilLuaStackLimit(DifferentialServers servers) throws Exception {
        String[] scripts = {
            "local a = {}; local b = {a}; a[1] = b; return a",
            "local a = {}; a.map = {x = a}; return a",
            "local a = {}; a.map = {}; a.map[a] = 1; return a",
            "local a = {}; a.set = {}; a.set[a] = true; return a",
            "local a = {}; local b = {a, 'x'}; a[1] = b; a[2] = 'y'; return a",
            "local a = {}; a[1] = {err = 'x'}; a[2] = a; return a",
        };
        for (String script : scripts) {
            for (int resp : new int[] {2, 3}) {
                byte[] hello = RespClient.encode("HELLO", Integer.toString(resp));
                byte[] eval = RespClient.encode("EVAL", (resp == 3 ? "redis.setresp(3); " : "") + script, "0");
                byte[] redis = exchange(servers.redisPort(), hello, eval);
                byte[] ours = exchange(servers.oursPort(), hello, eval);
                assertTrue(ours.length > 7000, script);
                assertTrue(redis.length > 7000, script);
                assertArrayEquals(redis, ours, script + " RESP" + resp);
            }
        }
        String lib = "#!lua name=rec\nredis.register_function('rec', function(KEYS, ARGV)\n"
                + " local a = {}; local b = {a}; a[1] = b; return a \nend)";
        byte[] load = RespClient.encode("FUNCTION", "LOAD", "REPLACE", lib);
        byte[] fcall = RespClient.encode("FCALL", "rec", "0");
        assertArrayEquals(exchange(servers.redisPort(), null, load, fcall),
                exchange(servers.oursPort(), null, load, fcall));
    }

    /**
     * A client blocked on a key that a timed-out script pushed to is served after the script ends (with what the
     * script pushed last), not while the script serves other clients (here a HELLO, which BUSY allows): Redis's
     * isInsideYieldingLongCommand. Ours served it with the script's first push.
     */
    @Test
    void aTimedOutScriptDoesNotServeBlockedClients(DifferentialServers servers) throws Exception {
        String redis = blockedDuringBusyScript(servers.redisPort());
        String ours = blockedDuringBusyScript(servers.oursPort());
        assertEquals("*2\r\n$1\r\nx\r\n$1\r\nz\r\n", redis);
        assertEquals(redis, ours);
    }

    private static String blockedDuringBusyScript(int port) throws Exception {
        try (RespClient c = new RespClient(port); RespClient blocked = new RespClient(port);
                RespClient scripted = new RespClient(port); RespClient other = new RespClient(port)) {
            c.call("FLUSHALL");
            blocked.sendRaw(RespClient.encode("BLPOP", "x", "0"));
            waitFor(c, "INFO", "clients", "blocked_clients:1");
            c.call("DEBUG", "set-disable-deny-scripts", "1");
            c.call("CONFIG", "SET", "busy-reply-threshold", "10");
            try {
                scripted.sendRaw(RespClient.encode("EVAL", "redis.call('lpush', KEYS[1], 'y') "
                    + "while not string.find(redis.call('client', 'list'), 'abortscript') do end "
                    + "redis.call('lpush', KEYS[1], 'z') return 'done'", "1", "x"));
                waitForBusy(c);
                other.call("HELLO", "2", "SETNAME", "abortscript");
                String served = blocked.read();
                assertEquals("$4\r\ndone\r\n", scripted.read());
                return served;
            } finally {
                c.call("CONFIG", "SET", "busy-reply-threshold", "5000");
                c.call("DEBUG", "set-disable-deny-scripts", "0");
            }
        }
    }

    /** SHUTDOWN without NOSAVE while a script is busy: the BUSY error (only SHUTDOWN NOSAVE may stop it). */
    @Test
    void shutdownWithoutNosaveDuringABusyScriptIsRefused(DifferentialServers servers) throws Exception {
        for (String[] shutdown : List.of(new String[] {"SHUTDOWN"}, new String[] {"SHUTDOWN", "SAVE"},
                new String[] {"SHUTDOWN", "NOW"})) {
            String redis = shutdownDuringBusyScript(servers.redisPort(), shutdown);
            String ours = shutdownDuringBusyScript(servers.oursPort(), shutdown);
            assertTrue(redis.startsWith("-BUSY"), redis);
            assertEquals(redis, ours);
        }
    }

    private static String shutdownDuringBusyScript(int port, String[] shutdown) throws Exception {
        try (RespClient c = new RespClient(port); RespClient scripted = new RespClient(port)) {
            c.call("CONFIG", "SET", "busy-reply-threshold", "10");
            try {
                scripted.sendRaw(RespClient.encode("EVAL", "while true do end", "0"));
                waitForBusy(c);
                String reply = c.call(shutdown);
                c.call("SCRIPT", "KILL");
                String killed = scripted.read();
                assertTrue(killed.startsWith("-ERR Script killed by user with SCRIPT KILL"), killed);
                return reply;
            } finally {
                c.call("CONFIG", "SET", "busy-reply-threshold", "5000");
            }
        }
    }

    /**
     * SHUTDOWN NOSAVE while a script that wrote is busy: the server stops (its port refuses connections once the
     * SHUTDOWN connection closed) and the script's partial write reaches neither the AOF nor anything else, as
     * Redis exits inside the script. Ours answered BUSY-less but kept running the script.
     */
    @Test
    void shutdownNosaveStopsABusyScriptAndDropsItsWrites() throws Exception {
        try (ChildServer s = ChildServer.start("scriptsuite-shutdown", List.of("-Xss512k"), "--appendonly", "yes",
                "--busy-reply-threshold", "10")) {
            try (RespClient c = new RespClient(s.port()); RespClient scripted = new RespClient(s.port())) {
                assertEquals("+OK\r\n", c.call("SET", "before", "1"));
                scripted.sendRaw(RespClient.encode("EVAL", "redis.call('set', 'partial', 1) while true do end", "0"));
                waitForBusy(c);
                c.sendRaw(RespClient.encode("SHUTDOWN", "NOSAVE"));
                assertTrue(c.closedByServer());
            }
            assertTrue(s.process().waitFor(60, TimeUnit.SECONDS), "the server did not exit");
            assertEquals(0, s.process().exitValue());
            try (ChildServer again = ChildServer.start(s.dir(), RealRedis.freePort(), List.of(), "--appendonly",
                    "yes");
                    RespClient c = new RespClient(again.port())) {
                assertEquals("$1\r\n1\r\n", c.call("GET", "before"));
                assertEquals("$-1\r\n", c.call("GET", "partial"));
            }
        }
    }

    /** SORT of a set without an order inside a script sorts alphabetically (Redis's CLIENT_SCRIPT rule). */
    @Test
    void sortByConstantOfASetInAScriptIsOrdered(Pair p) throws Exception {
        p.same("SADD", "myset", "a", "b", "c", "d", "e", "f", "g", "h", "i", "l", "m", "n", "o", "p", "q", "r", "s",
            "t", "u", "v", "z", "aa", "aaa", "azz");
        p.same("EVAL", "return redis.call('sort', KEYS[1], 'by', '_')", "1", "myset");
        p.same("EVAL", "return redis.call('sort', KEYS[1], 'by', '_', 'get', '#', 'get', '_:*')", "1", "myset");
        p.same("EVAL", "return redis.call('sort', KEYS[1], 'by', '_', 'desc')", "1", "myset");
        p.same("RPUSH", "mylist", "c", "a", "b");
        p.same("EVAL", "return redis.call('sort', KEYS[1], 'by', '_')", "1", "mylist");
        p.assertSame();
    }

    /**
     * redis.set_repl: REPL_NONE reaches neither replicas nor the AOF, REPL_AOF only the AOF, REPL_REPLICA only
     * replicas (ours sent REPL_AOF and REPL_REPLICA commands to both). A replica of each master (one of ours in
     * a child JVM: a 7.0.15 replica cannot load our 7.2 RDB) sees a, d and e; each master's AOF reloads a, c, d.
     */
    @Test
    void setReplSendsEachCommandWhereItWasAsked(DifferentialServers servers, @TempDir Path aofDir) throws Exception {
        String script = "redis.call('set', 'a', '1') redis.set_repl(redis.REPL_NONE) redis.call('set', 'b', '2') "
            + "redis.set_repl(redis.REPL_AOF) redis.call('set', 'c', '3') redis.set_repl(redis.REPL_REPLICA) "
            + "redis.call('set', 'e', '5') redis.set_repl(redis.REPL_ALL) redis.call('set', 'd', '4')";
        try (ChildServer replica = ChildServer.start("scriptsuite-replica", List.of());
                RespClient r = new RespClient(replica.port())) {
            for (int port : new int[] {servers.redisPort(), servers.oursPort()}) {
                RespClient m = new RespClient(port);
                r.call("REPLICAOF", "127.0.0.1", Integer.toString(port));
                m.call("FLUSHALL");
                String dir = Replies.bulk(Replies.elements(m.call("CONFIG", "GET", "dir")).get(1));
                Path own = Files.createDirectory(aofDir.resolve("m" + port)); // not the module directory
                assertEquals("+OK\r\n", m.call("CONFIG", "SET", "dir", own.toString()));
                assertEquals("+OK\r\n", m.call("CONFIG", "SET", "appendonly", "yes"));
                try {
                    waitFor(m, "INFO", "persistence", "aof_rewrite_in_progress:0");
                    waitFor(r, "INFO", "replication", "master_link_status:up");
                    m.call("EVAL", script, "0");
                    waitFor(r, "EXISTS", "d", ":1");
                    assertEquals("*5\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n4\r\n$1\r\n5\r\n",
                        r.call("MGET", "a", "b", "c", "d", "e"), "replica of " + port);
                    assertEquals("+OK\r\n", m.call("DEBUG", "LOADAOF"));
                    assertEquals("*5\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$1\r\n4\r\n$-1\r\n",
                        m.call("MGET", "a", "b", "c", "d", "e"), "AOF of " + port);
                } finally {
                    r.call("REPLICAOF", "NO", "ONE");
                    m.call("CONFIG", "SET", "appendonly", "no");
                    m.call("FLUSHALL");
                    m.call("CONFIG", "SET", "dir", dir);
                    m.close();
                }
            }
        }
    }

    /**
     * A script that already wrote is not failed by the server's state changing under it: here its only replica
     * drops while it runs with min-replicas-to-write 1, and its second write still runs (Redis's
     * SCRIPT_WRITE_DIRTY). Ours raised NOREPLICAS at the second write.
     */
    @Test
    void aScriptThatWroteKeepsWritingWhenReplicasDrop(DifferentialServers servers) throws Exception {
        String script = "redis.call('set', 'x', 'script value') while true do "
            + "local info = redis.call('info', 'replication') "
            + "if string.match(info, 'connected_slaves:0') then redis.call('set', 'x', 'after') break end end "
            + "return 1";
        try (ChildServer replica = ChildServer.start("scriptsuite-replica", List.of());
                RespClient r = new RespClient(replica.port())) {
            for (int port : new int[] {servers.redisPort(), servers.oursPort()}) {
                RespClient m = new RespClient(port);
                RespClient scripted = new RespClient(port);
                r.call("REPLICAOF", "127.0.0.1", Integer.toString(port));
                m.call("CONFIG", "SET", "min-replicas-to-write", "1");
                try {
                    waitFor(m, "INFO", "replication", "min_slaves_good_slaves:1");
                    m.call("CONFIG", "SET", "busy-reply-threshold", "10");
                    scripted.sendRaw(RespClient.encode("EVAL", script, "1", "x"));
                    waitForBusy(m);
                    assertEquals("+OK\r\n", r.call("REPLICAOF", "NO", "ONE"));
                    assertEquals(":1\r\n", scripted.read(), "master " + port);
                    assertEquals("$5\r\nafter\r\n", m.call("GET", "x"), "master " + port);
                } finally {
                    m.call("CONFIG", "SET", "min-replicas-to-write", "0");
                    m.call("CONFIG", "SET", "busy-reply-threshold", "5000");
                    m.close();
                    scripted.close();
                }
            }
        }
    }

    private static void waitForBusy(RespClient c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.call("PING").startsWith("-BUSY")) {
            assertTrue(System.nanoTime() < deadline, "the script never became busy");
            Thread.sleep(5);
        }
    }

    /** Polls the command until its reply contains want (30 s at most). */
    private static void waitFor(RespClient c, String... cmdThenWant) throws Exception {
        String[] cmd = Arrays.copyOf(cmdThenWant, cmdThenWant.length - 1);
        String want = cmdThenWant[cmdThenWant.length - 1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String got;
        while (!(got = c.call(cmd)).contains(want)) {
            assertTrue(System.nanoTime() < deadline, String.join(" ", cmd) + " never gave " + want + ": " + got);
            Thread.sleep(10);
        }
    }

    /**
     * On a new connection sends the preamble (its replies are read and dropped), then the commands and a PING;
     * returns every byte of the commands' replies up to the PING's.
     */
    private static byte[] exchange(int port, byte[] preamble, byte[]... commands) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            if (preamble != null) {
                s.getOutputStream().write(preamble);
                s.getOutputStream().write(RespClient.encode("PING"));
                untilPong(s.getInputStream());
            }
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            for (byte[] c : commands) {
                req.write(c);
            }
            req.write(RespClient.encode("PING"));
            s.getOutputStream().write(req.toByteArray());
            s.getOutputStream().flush();
            return untilPong(s.getInputStream());
        }
    }

    private static byte[] untilPong(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!endsWith(got, PONG)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed after " + got.size() + " bytes");
            }
            got.write(buf, 0, n);
        }
        return got.toByteArray();
    }

    private static boolean endsWith(ByteArrayOutputStream b, byte[] tail) {
        byte[] a = b.toByteArray();
        return a.length >= tail.length && Arrays.equals(a, a.length - tail.length, a.length, tail, 0, tail.length);
    }
}
