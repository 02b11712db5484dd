package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions against real Redis: transcripts of MULTI/EXEC/DISCARD/WATCH sequences over two connections to each
 * server ("A" and "B", one {@link Pair} each), every reply compared byte for byte, in RESP2 and RESP3. Covers queued
 * replies, EXECABORT after refused commands, errors kept per slot of the EXEC array, nesting and misuse errors,
 * blocking commands inside EXEC, and WATCH made dirty by the watcher itself, by another connection, by FLUSHDB/
 * FLUSHALL (only when the key exists), SWAPDB, MOVE, RENAME, RESTORE, DEL and expiry.
 */
@Differential(server = CinnabarUnderTest.class)
class MultiDifferentialTest {

    /** Runs steps "A cmd args..." / "B cmd args..." on both servers, comparing every reply. */
    static void run(DifferentialServers servers, int resp, String... steps) throws Exception {
        try (Pair a = servers.open(resp); Pair b = servers.open(resp)) {
            a.both("FLUSHALL");
            for (String step : steps) {
                String[] w = step.split(" ");
                Pair p = switch (w[0]) {
                    case "A" -> a;
                    case "B" -> b;
                    default -> throw new IllegalArgumentException(step);
                };
                if (w[1].equals("SLEEP")) {
                    Thread.sleep(Long.parseLong(w[2])); // lets a key's expire time pass (not a timing assertion)
                    continue;
                }
                p.same(java.util.Arrays.copyOfRange(w, 1, w.length));
            }
            a.assertSame();
            b.assertSame();
            assertTrue(a.steps() + b.steps() >= steps.length / 2);
        }
    }

    @ParameterizedTest(name = "queue and exec resp={0}")
    @ValueSource(ints = {2, 3})
    void queueAndExec(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A EXEC", "A DISCARD", "A MULTI", "A EXEC",
            "A MULTI", "A SET k v", "A INCR k", "A GET k", "A LPUSH k x", "A APPEND k w", "A MGET k nokey",
            "A HSET h f 1", "A HGETALL h", "A EXEC",
            "A GET k", "A MULTI", "A MULTI", "A SET k2 v", "A EXEC",
            "A MULTI", "A WATCH k", "A SET k3 v", "A EXEC", "A EXISTS k3");
    }

    @ParameterizedTest(name = "execabort resp={0}")
    @ValueSource(ints = {2, 3})
    void execAbort(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A MULTI", "A SET a 1", "A NOSUCHCOMMAND x", "A SET b 2", "A EXEC", "A EXISTS a b",
            "A MULTI", "A GET", "A SET c 3", "A EXEC", "A EXISTS c",
            "A MULTI", "A SET d 4", "A SHUTDOWN", "A EXEC", "A EXISTS d",
            "A MULTI", "A CONFIG NOSUCHSUB", "A EXEC",
            "A MULTI", "A SET e 5", "A DISCARD", "A EXISTS e", "A EXEC",
            "A MULTI", "A NOSUCHCOMMAND", "A DISCARD", "A MULTI", "A SET f 6", "A EXEC", "A GET f");
    }

    @ParameterizedTest(name = "blocking commands inside exec resp={0}")
    @ValueSource(ints = {2, 3})
    void blockingInsideExec(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A MULTI", "A BLPOP l 0", "A BRPOP l 0", "A BLMOVE l m LEFT RIGHT 0", "A BRPOPLPUSH l m 0",
            "A BZPOPMIN z 0", "A BZPOPMAX z 0", "A BLMPOP 0 1 l LEFT", "A BZMPOP 0 1 z MIN", "A EXEC",
            "A RPUSH l a b c", "A ZADD z 1 x 2 y", "A MULTI", "A BLPOP l 0", "A BLMOVE l m LEFT RIGHT 0",
            "A BZPOPMIN z 0", "A BLMPOP 0 1 l RIGHT", "A EXEC", "A LRANGE m 0 -1",
            "A MULTI", "A PING", "A ECHO e", "A EXEC");
    }

    @ParameterizedTest(name = "watch by the watcher itself resp={0}")
    @ValueSource(ints = {2, 3})
    void watchSelf(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A SET x 30", "A WATCH x", "A SET x 40", "A MULTI", "A PING", "A EXEC",
            "A WATCH x", "A MULTI", "A PING", "A EXEC",
            "A WATCH a b x k z", "A SET x 50", "A MULTI", "A PING", "A EXEC",
            "A WATCH x", "A UNWATCH", "A SET x 60", "A MULTI", "A PING", "A EXEC",
            "A WATCH x", "A GET x", "A MULTI", "A PING", "A EXEC",
            "A WATCH x", "A SET x 1", "A WATCH y", "A MULTI", "A PING", "A EXEC",
            "A WATCH x", "A MULTI", "A SET x 2", "A DISCARD", "A SET y 1", "A MULTI", "A GET x", "A EXEC",
            "A WATCH x", "A SET x 3", "A MULTI", "A SET x 4", "A DISCARD", "A MULTI", "A GET x", "A EXEC");
    }

    @ParameterizedTest(name = "watch races between connections resp={0}")
    @ValueSource(ints = {2, 3})
    void watchRaces(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A WATCH k", "B SET k v", "A MULTI", "A GET k", "A EXEC",
            "A WATCH k", "B GET k", "A MULTI", "A GET k", "A EXEC",
            "A WATCH nokey", "B SET nokey 1", "A MULTI", "A PING", "A EXEC",
            "A WATCH k", "A MULTI", "A SET k mine", "B SET k theirs", "A EXEC", "A GET k",
            "A WATCH k", "B DEL k", "A MULTI", "A PING", "A EXEC",
            "A WATCH k", "B DEL k", "A MULTI", "A PING", "A EXEC",
            "A SET k v", "A WATCH k", "B EXPIRE k 100", "A MULTI", "A PING", "A EXEC",
            "A WATCH k", "B PERSIST k", "A MULTI", "A PING", "A EXEC",
            "A WATCH k", "B PERSIST k", "A MULTI", "A PING", "A EXEC",
            "A RPUSH list a", "A WATCH list", "B LPOP list", "A MULTI", "A PING", "A EXEC",
            "A SET r v", "A WATCH r", "B RENAME r r2", "A MULTI", "A PING", "A EXEC",
            "A WATCH r", "B RENAME r2 r", "A MULTI", "A PING", "A EXEC",
            "A SET m v", "A WATCH m", "B MOVE m 1", "A MULTI", "A PING", "A EXEC",
            "A SET s v", "A WATCH s", "B DEL s", "B RESTORE s 0 \u0000\u0001v\u000b\u0000z\u0095\u0011\u0011\u0011\u0011\u0011\u0011",
            "A MULTI", "A PING", "A EXEC");
    }

    @ParameterizedTest(name = "watch and restore resp={0}")
    @ValueSource(ints = {2, 3})
    void watchRestore(int resp, DifferentialServers servers) throws Exception {
        try (Pair a = servers.open(resp); Pair b = servers.open(resp)) {
            a.both("FLUSHALL");
            a.same("SET", "src", "payload");
            a.same("SET", "dst", "old");
            a.same("WATCH", "dst");
            // each server restores its own DUMP (7.0 cannot read 7.2's RDB version)
            for (io.cinnabar.testkit.RespClient side : new io.cinnabar.testkit.RespClient[] {b.redis(), b.ours()}) {
                String dump = side.call("DUMP", "src");
                String payload = dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2);
                assertEquals("+OK\r\n", side.call("RESTORE", "dst", "0", payload, "REPLACE"));
            }
            a.same("MULTI");
            a.same("PING");
            String exec = a.same("EXEC");
            assertTrue(exec.equals("*-1\r\n") || exec.equals("_\r\n"), exec);
            a.same("GET", "dst");
            a.assertSame();
        }
    }

    @ParameterizedTest(name = "watch with flush and swapdb resp={0}")
    @ValueSource(ints = {2, 3})
    void watchFlushAndSwap(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A SET other v", "A WATCH absent", "B FLUSHDB", "A MULTI", "A PING", "A EXEC",
            "A SET k v", "A WATCH k", "B FLUSHDB", "A MULTI", "A PING", "A EXEC",
            "A SET k v", "A WATCH k", "B FLUSHALL", "A MULTI", "A PING", "A EXEC",
            "A SET k v", "A WATCH k", "B SELECT 1", "B FLUSHDB", "A MULTI", "A PING", "A EXEC",
            "A WATCH k", "B SWAPDB 0 1", "A MULTI", "A PING", "A EXEC",
            "A WATCH nothere", "B SWAPDB 0 1", "A MULTI", "A PING", "A EXEC",
            "B SET inone v", "A WATCH inone", "B SWAPDB 0 1", "A MULTI", "A PING", "A EXEC",
            "B SELECT 0", "A SELECT 2", "A WATCH k", "A SELECT 0", "B SET k v2", "A MULTI", "A PING", "A EXEC");
    }

    @ParameterizedTest(name = "watch and expiry resp={0}")
    @ValueSource(ints = {2, 3})
    void watchExpiry(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A SET e v PX 30", "A WATCH e", "A SLEEP 80", "A MULTI", "A PING", "A EXEC",
            "A SET e v PX 30", "A WATCH e", "A SLEEP 80", "B GET e", "A MULTI", "A PING", "A EXEC",
            "A SET e v PX 100000", "A WATCH e", "A MULTI", "A PING", "A EXEC");
    }

    @ParameterizedTest(name = "client info inside a transaction resp={0}")
    @ValueSource(ints = {2, 3})
    void clientFlags(int resp, DifferentialServers servers) throws Exception {
        try (Pair a = servers.open(resp); Pair b = servers.open(resp)) {
            a.both("FLUSHALL");
            String redisId = a.redis().call("CLIENT", "ID").replaceAll("[^0-9]", "");
            String oursId = a.ours().call("CLIENT", "ID").replaceAll("[^0-9]", "");
            a.same("WATCH", "k");
            compareFields(b, redisId, oursId);
            b.same("SET", "k", "1");
            compareFields(b, redisId, oursId);
            a.same("MULTI");
            compareFields(b, redisId, oursId);
            a.same("SET", "q", "1");
            a.same("SET", "q", "2");
            compareFields(b, redisId, oursId);
            a.same("EXEC");
            compareFields(b, redisId, oursId);
            a.assertSame();
            b.assertSame();
        }
    }

    /** Compares the flags= and multi= fields of A's CLIENT LIST line, read from B (the rest differs). */
    private static void compareFields(Pair b, String redisId, String oursId) throws Exception {
        String r = b.redis().call("CLIENT", "LIST", "ID", redisId);
        String o = b.ours().call("CLIENT", "LIST", "ID", oursId);
        assertTrue(fields(r).contains("multi="), r);
        b.compare(List.of("CLIENT LIST flags/multi"), fields(r), fields(o));
    }

    private static String fields(String line) {
        StringBuilder b = new StringBuilder();
        for (String f : line.split(" ")) {
            if (f.startsWith("flags=") || f.startsWith("multi=")) {
                b.append(f).append(' ');
            }
        }
        return b.toString();
    }
}
