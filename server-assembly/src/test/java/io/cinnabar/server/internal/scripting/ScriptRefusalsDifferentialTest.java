package io.cinnabar.server.internal.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The refusals of script.c that depend on the server's role, against real Redis configured the same way: a
 * replica whose master is a closed port (stale with replica-serve-stale-data no, read-only, then writable), and a
 * cluster node serving slots 0-8000 only (cluster-require-full-coverage no), where scripts touch keys of another
 * node's slot, of two slots, or declare no-cluster / allow-cross-slot-keys. Every reply is compared byte for byte
 * (error texts with their "script: sha, on @user_script:N." suffixes), then the error and command statistics.
 */
class ScriptRefusalsDifferentialTest {
    private static final String[] STALE_SCRIPTS = {
        "return 1",
        "#!lua\nreturn 1",
        "#!lua flags=allow-stale\nreturn 1",
        "#!lua flags=no-writes\nreturn 1",
        "#!lua flags=allow-stale,no-writes\nreturn redis.call('get','x')",
        "#!lua flags=allow-stale,no-writes\nreturn redis.pcall('get','x')",
        "#!lua flags=allow-stale,no-writes\nreturn redis.call('ping')",
        "#!lua flags=allow-stale,no-writes\nreturn redis.call('info','nosuchsection')",
        "#!lua flags=allow-stale,no-writes\nreturn redis.pcall('set','x','1')",
        "#!lua flags=allow-stale\nreturn redis.call('set','x',1)",
    };

    private static final String[] REPLICA_SCRIPTS = {
        "return 1",
        "#!lua\nreturn 1",
        "#!lua flags=no-writes\nreturn redis.call('get','x')",
        "return redis.call('get','x')",
        "return redis.call('set','x',1)",
        "return redis.pcall('set','x',1)",
        "return {pcall(redis.call, 'incr', 'x')}",
        "#!lua flags=no-writes\nreturn redis.call('set','x',1)",
        "#!lua flags=no-writes\nreturn redis.pcall('del','x')",
    };

    /** Keys of this test's cluster node: bar (5061) and k2 (449) are local, foo (12182) is not. */
    private static final String[] CLUSTER_SCRIPTS = {
        "#!lua\nredis.call('set','bar','1'); return redis.call('set','k2','2')",
        "redis.call('set','bar','1'); return redis.call('set','k2','2')",
        "#!lua flags=allow-cross-slot-keys\nredis.call('set','bar','1'); return redis.call('set','k2','2')",
        "#!lua flags=no-cluster\nreturn 1",
        "#!lua flags=no-cluster,no-writes\nreturn 1",
        "return redis.call('get','foo')",
        "return redis.pcall('get','foo')",
        "#!lua\nreturn redis.call('get','foo')",
        "#!lua flags=no-writes\nreturn redis.call('mget','bar','k2')",
        "return redis.call('mget','bar','k2')",
        "return redis.pcall('mget','bar','foo')",
        "#!lua\nreturn {redis.pcall('get','bar'), redis.pcall('get','k2'), redis.pcall('get','bar')}",
        "return redis.call('time') ~= nil",
        "#!lua\nreturn redis.call('ping')",
    };

    private static String[] eval(String script, String... keysThenArgs) {
        return eval(script, 0, keysThenArgs);
    }

    private static String[] eval(String script, int numkeys, String... keysThenArgs) {
        List<String> l = new ArrayList<>(List.of("EVAL", script, Integer.toString(numkeys)));
        l.addAll(List.of(keysThenArgs));
        return l.toArray(new String[0]);
    }

    private static void same(RespClient theirs, RespClient mine, String... cmd) throws Exception {
        assertEquals(theirs.call(cmd), mine.call(cmd), String.join(" ", cmd));
    }

    /** The error and command statistics (the latencies removed). */
    private static void sameStats(RespClient theirs, RespClient mine, String... names) throws Exception {
        assertEquals(theirs.call("INFO", "errorstats"), mine.call("INFO", "errorstats"));
        for (String name : names) {
            assertEquals(stat(theirs, name), stat(mine, name), name);
        }
    }

    private static String stat(RespClient c, String name) throws Exception {
        for (String line : c.call("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_" + name + ":")) {
                return line.replaceAll("usec=\\d+,usec_per_call=[0-9.]+,", "");
            }
        }
        return "";
    }

    @Test
    void staleAndReadOnlyReplica() throws Exception {
        int closed = RealRedis.freePort();
        Path dir = Files.createTempDirectory("script-replica");
        try (RealRedis redis = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(closed));
             CinnabarServer ours = CinnabarServer.builder().config("dir", dir.toString())
                 .config("replicaof", "127.0.0.1", Integer.toString(closed)).start();
             RespClient theirs = new RespClient(redis.port());
             RespClient mine = new RespClient(ours.port())) {
            // set after the start: RealRedis waits for a PONG, which a stale replica does not give
            theirs.call("CONFIG", "SET", "replica-serve-stale-data", "no");
            mine.call("CONFIG", "SET", "replica-serve-stale-data", "no");
            for (String s : STALE_SCRIPTS) {
                same(theirs, mine, eval(s));
                same(theirs, mine, "EVAL_RO", s, "0");
            }
            same(theirs, mine, "FUNCTION", "LOAD", "#!lua name=lib\n"
                + "redis.register_function('w', function(k, a) return redis.call('set', 'x', '1') end)\n"
                + "redis.register_function{function_name='r', callback=function(k, a) return redis.call('get', 'x') "
                + "end, flags={'no-writes'}}\n"
                + "redis.register_function{function_name='s', callback=function(k, a) return redis.pcall('get', 'x') "
                + "end, flags={'no-writes', 'allow-stale'}}");
            for (String f : new String[] {"w", "r", "s"}) {
                same(theirs, mine, "FCALL", f, "0");
                same(theirs, mine, "FCALL_RO", f, "0");
            }
            sameStats(theirs, mine, "eval", "eval_ro", "get", "set", "fcall", "fcall_ro"); // not ping: RealRedis pinged

            theirs.call("CONFIG", "SET", "replica-serve-stale-data", "yes");
            mine.call("CONFIG", "SET", "replica-serve-stale-data", "yes");
            for (String s : REPLICA_SCRIPTS) {
                same(theirs, mine, eval(s));
            }
            for (String f : new String[] {"w", "r", "s"}) {
                same(theirs, mine, "FCALL", f, "0");
            }
            // MULTI: a refused script aborts the transaction as any refused command does
            same(theirs, mine, "MULTI");
            same(theirs, mine, eval("#!lua\nreturn 1"));
            same(theirs, mine, eval("#!lua flags=no-writes\nreturn 2"));
            same(theirs, mine, "EXEC");
            sameStats(theirs, mine, "eval", "get", "set", "incr", "del", "fcall");

            theirs.call("CONFIG", "SET", "replica-read-only", "no");
            mine.call("CONFIG", "SET", "replica-read-only", "no");
            for (String s : REPLICA_SCRIPTS) {
                same(theirs, mine, eval(s));
            }
            same(theirs, mine, "FCALL", "w", "0");
            sameStats(theirs, mine, "eval", "get", "set", "incr", "del", "fcall");
        }
    }

    @Test
    void clusterKeysAndFlags() throws Exception {
        int theirBus = RealRedis.freePort();
        int myBus = RealRedis.freePort();
        Path dir = Files.createTempDirectory("script-cluster");
        try (RealRedis redis = RealRedis.start("--cluster-enabled", "yes", "--cluster-port",
                Integer.toString(theirBus), "--cluster-require-full-coverage", "no");
             CinnabarServer ours = CinnabarServer.builder().config("cluster-enabled", "yes")
                 .config("dir", dir.toString()).config("cluster-port", Integer.toString(myBus))
                 .config("cluster-require-full-coverage", "no").start();
             RespClient theirs = new RespClient(redis.port());
             RespClient mine = new RespClient(ours.port())) {
            same(theirs, mine, "CLUSTER", "ADDSLOTSRANGE", "0", "8000");
            awaitOk(theirs);
            awaitOk(mine);
            for (String s : CLUSTER_SCRIPTS) {
                same(theirs, mine, eval(s));
            }
            // keys declared: the script may touch keys of their slot only
            same(theirs, mine, eval("#!lua\nreturn redis.call('get',KEYS[1])", 1, "bar"));
            same(theirs, mine, eval("#!lua\nreturn redis.call('get','k2')", 1, "bar"));
            same(theirs, mine, eval("#!lua\nreturn redis.pcall('get','k2')", 1, "bar"));
            same(theirs, mine, eval("return redis.call('get','k2')", 1, "bar"));
            same(theirs, mine, eval("#!lua flags=allow-cross-slot-keys\nreturn redis.call('get','k2')", 1, "bar"));
            same(theirs, mine, eval("return 1", 2, "bar", "k2"));
            same(theirs, mine, eval("return 1", 1, "foo"));
            same(theirs, mine, "FUNCTION", "LOAD", "#!lua name=lib\n"
                + "redis.register_function('f', function(k, a) redis.call('set', 'bar', '1') "
                + "return redis.call('set', 'k2', '2') end)\n"
                + "redis.register_function{function_name='g', callback=function(k, a) redis.call('set', 'bar', '1') "
                + "return redis.call('set', 'k2', '2') end, flags={'allow-cross-slot-keys'}}\n"
                + "redis.register_function{function_name='h', callback=function(k, a) return 1 end, "
                + "flags={'no-cluster'}}\n"
                + "redis.register_function{function_name='n', callback=function(k, a) "
                + "return redis.pcall('get', 'foo') end, flags={'no-writes'}}");
            for (String f : new String[] {"f", "g", "h", "n"}) {
                same(theirs, mine, "FCALL", f, "0");
            }
            same(theirs, mine, "FCALL", "f", "1", "bar");
            same(theirs, mine, "FCALL_RO", "n", "1", "k2");
            sameStats(theirs, mine, "eval", "get", "set", "mget", "fcall", "fcall_ro");
        }
    }

    private static void awaitOk(RespClient c) throws Exception {
        // Redis keeps its cluster state for 2 s after startup (CLUSTER_WRITABLE_DELAY)
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.call("CLUSTER", "INFO").contains("cluster_state:ok")) {
            assertTrue(System.currentTimeMillis() < deadline, "cluster state never became ok");
            Thread.sleep(100);
        }
    }
}
