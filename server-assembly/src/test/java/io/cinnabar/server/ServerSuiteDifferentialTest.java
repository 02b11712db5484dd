package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server behaviours that Redis's own test suite (unit/multi, unit/slowlog, unit/introspection-2,
 * unit/latency-monitor) found different, checked against real Redis: EXEC refused by the pipeline answers EXECABORT
 * with the refusal, the slow log shows passwords and ACL rules as "(redacted)", COMMAND GETKEYS of a command that
 * may have no keys and of SORT ... STORE, LATENCY HISTOGRAM of a container command, SELECT before MULTI in the
 * replication stream, CLIENT KILL USER of an unknown user, TYPE/TTL/EXISTS not touching a key (seen through the LFU
 * counter with lfu-log-factor 0), and the order of MONITOR lines (after the command; EVAL before its calls; EXEC
 * after the transaction's commands, also when it aborts), and FCALL's case-insensitive function names.
 */
@Differential(server = CinnabarUnderTest.class)
class ServerSuiteDifferentialTest {

    @Test
    void execRefusedByThePipelineAbortsTheTransactionWithTheRefusal(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("MULTI");
            p.same("SET", "a", "1");
            p.same("EXEC", "extra"); // wrong arity: EXECABORT naming the arity error, transaction discarded
            p.same("EXEC");
            p.same("EXISTS", "a");
            p.same("MULTI");
            p.same("SET", "b", "1");
            p.same("EXEC");
            p.assertSame();
        }
    }

    @Test
    void slowlogRedactsPasswordsAndAclRules(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.config("slowlog-log-slower-than", "0");
            p.both("SLOWLOG", "RESET");
            p.both("AUTH", "nouser", "wrongpass");
            p.both("AUTH", "onlypass");
            p.both("AUTH", "a", "b", "c");
            p.both("ACL", "SETUSER", "bad user", "+get");
            p.both("ACL", "SETUSER", "slowlog-redact-user", "+get", ">secret");
            p.both("ACL", "DELUSER", "slowlog-redact-user");
            p.both("CONFIG", "SET", "masterauth", "", "maxmemory-samples", "5");
            p.both("CONFIG", "SET", "MASTERUSER", "", "requirepass", "");
            p.both("HELLO", "2", "AUTH", "u", "p", "SETNAME", "n");
            p.both("MIGRATE", "127.0.0.1", "1", "nokey", "0", "10", "AUTH", "secret");
            p.both("MIGRATE", "127.0.0.1", "1", "", "0", "10", "COPY", "AUTH2", "u", "p", "KEYS", "nokey", "AUTH");
            p.both("SET", "plain", "value");
            p.both("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            String[] log = p.both("SLOWLOG", "GET", "50");
            List<String> redis = arguments(log[0]);
            List<String> ours = arguments(log[1]);
            assertTrue(redis.contains("acl setuser (redacted) (redacted) (redacted)"), redis.toString());
            p.compare(List.of("SLOWLOG", "GET"), String.join("\n", redis), String.join("\n", ours));
            p.assertSame();
        }
    }

    /** The arguments of each slow log entry, one string per entry (ids, times and client addresses differ). */
    private static List<String> arguments(String slowlog) {
        List<String> out = new ArrayList<>();
        for (String entry : Replies.elements(slowlog)) {
            List<String> args = new ArrayList<>();
            for (String a : Replies.elements(Replies.elements(entry).get(3))) {
                args.add(Replies.bulk(a));
            }
            out.add(String.join(" ", args).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    @Test
    void commandGetkeysOfOptionalKeysAndSortStore(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("COMMAND", "GETKEYS", "EVAL", "return 1", "0");
            p.same("COMMAND", "GETKEYS", "FCALL", "f", "0");
            p.same("COMMAND", "GETKEYS", "EVAL", "return 1", "1", "k");
            p.same("COMMAND", "GETKEYS", "GET", "k");
            p.same("COMMAND", "GETKEYSANDFLAGS", "SORT", "k1", "STORE", "k2");
            p.same("COMMAND", "GETKEYS", "SORT", "k1", "LIMIT", "0", "1", "BY", "store", "GET", "store", "STORE", "k2",
                "STORE", "k3");
            p.same("COMMAND", "GETKEYS", "SORT", "k1", "STORE");
            p.same("COMMAND", "GETKEYS", "SORT_RO", "k1", "BY", "x");
            p.same("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v");
            p.assertSame();
        }
    }

    @Test
    void latencyHistogramOfAContainerCommandListsItsSubcommands(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.both("CONFIG", "RESETSTAT");
            p.both("CLIENT", "ID");
            p.both("CLIENT", "GETNAME");
            p.both("CLIENT", "GETNAME");
            for (String[] cmd : new String[][] {{"LATENCY", "HISTOGRAM", "client"}, {"LATENCY", "HISTOGRAM", "CLIENT|ID"},
                    {"LATENCY", "HISTOGRAM", "client", "client|id"}, {"LATENCY", "HISTOGRAM", "nosuch", "config"}}) {
                String[] r = p.both(cmd);
                p.compare(List.of(cmd), callsPerCommand(r[0]), callsPerCommand(r[1]));
            }
            p.assertSame();
        }
    }

    /**
     * "name=calls" for each entry of a LATENCY HISTOGRAM reply, sorted (Redis lists sub-commands in its dict's
     * order; the buckets hold timings).
     */
    private static String callsPerCommand(String reply) {
        List<String> e = Replies.elements(reply);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i + 1 < e.size(); i += 2) {
            entries.add(Replies.bulk(e.get(i)) + "=" + Replies.elements(e.get(i + 1)).get(1).trim());
        }
        java.util.Collections.sort(entries);
        return reply.substring(0, reply.indexOf('\r')) + " " + entries;
    }

    @Test
    void replicationStreamSelectsTheDatabaseBeforeMulti(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.config("repl-diskless-sync", "yes"); // with capa eof: nothing written to the working directory
            p.config("repl-diskless-sync-delay", "0");
            p.config("repl-ping-replica-period", "3600");
            try (Socket redis = sync(servers.redisPort()); Socket ours = sync(servers.oursPort())) {
                p.same("SELECT", "9");
                p.same("MULTI");
                p.same("SET", "a", "1");
                p.same("GET", "a");
                p.same("SELECT", "8");
                p.same("SET", "b", "2");
                p.same("EXEC");
                p.same("SELECT", "0");
                List<String> expected = commands(redis, 6);
                assertEquals(List.of("select 9", "multi", "set a 1", "select 8", "set b 2", "exec"), expected);
                assertEquals(expected, commands(ours, 6));
            } finally {
                p.both("SELECT", "9");
                p.both("FLUSHDB");
                p.both("SELECT", "8");
                p.both("FLUSHDB");
            }
            p.assertSame();
        }
    }

    @Test
    void fcallFindsAFunctionWhateverTheCaseOfItsName(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FUNCTION", "LOAD", "#!lua name=caselib\nredis.register_function('CaseFn', function() return 7 end)");
            p.same("FCALL", "casefn", "0");
            p.same("FCALL", "CASEFN", "0");
            p.same("FCALL_RO", "CaseFn", "0");
            p.same("FUNCTION", "DELETE", "caselib");
            p.same("FCALL", "casefn", "0");
            p.assertSame();
        }
    }

    @Test
    void minReplicasToWriteAppliesAtOnce(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("CONFIG", "SET", "min-replicas-to-write", "2");
            p.same("SET", "minrepl", "1");
            p.same("MULTI");
            p.same("GET", "minrepl");
            p.same("EXEC");
            p.same("CONFIG", "SET", "min-replicas-to-write", "0");
            p.same("SET", "minrepl", "1");
            p.same("DEL", "minrepl");
            p.assertSame();
        } finally {
            try (Pair p = servers.open(2)) {
                p.both("CONFIG", "SET", "min-replicas-to-write", "0");
            }
        }
    }

    @Test
    void clientKillOfAnUnknownUserIsAnError(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("CLIENT", "KILL", "USER", "no-such-user-here");
            p.same("CLIENT", "KILL", "USER", "default", "SKIPME", "maybe");
            p.assertSame();
        }
    }

    /** Polls DBSIZE on one server until it is 0 (at most 10 s). */
    private static void awaitEmpty(int port) throws Exception {
        try (io.cinnabar.testkit.RespClient c = new io.cinnabar.testkit.RespClient(port)) {
            for (int i = 0; i < 1000 && !c.call("DBSIZE").equals(":0\r\n"); i++) {
                Thread.sleep(10);
            }
            assertEquals(":0\r\n", c.call("DBSIZE"));
        }
    }

    /**
     * CONFIG SET maxmemory below the usage evicts after the command, as Redis's eviction time event does (found by
     * unit/maxmemory "propagation with eviction [in MULTI]"): inside EXEC the transaction's later commands still see
     * the key, and each evicted key's DEL reaches the replication stream on its own, after the EXEC.
     */
    @Test
    void evictionsOfConfigSetMaxmemoryRunAfterTheCommand(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.both("FLUSHALL");
            p.config("repl-diskless-sync", "yes");
            p.config("repl-diskless-sync-delay", "0");
            p.config("repl-ping-replica-period", "3600");
            try (Socket redis = sync(servers.redisPort()); Socket ours = sync(servers.oursPort())) {
                p.same("SET", "evk", "1");
                p.same("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                p.same("CONFIG", "SET", "maxmemory", "1");
                awaitEmpty(servers.redisPort());
                awaitEmpty(servers.oursPort());
                p.same("CONFIG", "SET", "maxmemory", "0");
                p.same("MULTI");
                p.same("INCR", "evx");
                p.same("CONFIG", "SET", "maxmemory", "1");
                p.same("INCR", "evx");
                p.same("EXEC");
                awaitEmpty(servers.redisPort());
                awaitEmpty(servers.oursPort());
                p.same("CONFIG", "SET", "maxmemory", "0");
                List<String> expected = commands(redis, 8);
                assertEquals(List.of("set evk 1", "del evk", "multi", "incr evx", "incr evx", "exec", "del evx"),
                    expected.subList(1, 8));
                assertEquals(expected, commands(ours, 8));
            } finally {
                p.both("CONFIG", "SET", "maxmemory", "0");
                p.both("CONFIG", "SET", "maxmemory-policy", "noeviction");
            }
            p.assertSame();
        }
    }

    @Test
    void typeTtlAndExistsLeaveTheAccessCounterAlone(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.config("maxmemory-policy", "allkeys-lfu");
            p.config("lfu-log-factor", "0"); // every access counts: the frequency shows each touch
            p.same("SET", "lfukey", "v");
            p.same("OBJECT", "FREQ", "lfukey");
            for (String cmd : new String[] {"TTL", "PTTL", "TYPE", "EXISTS", "OBJECT FREQ", "GET", "OBJECT FREQ"}) {
                String[] w = (cmd + " lfukey").split(" ");
                p.same(w);
            }
            p.same("DEL", "lfukey");
            p.assertSame();
        }
    }

    @Test
    void monitorShowsCommandsAfterTheyRanAndScriptsBeforeTheirCalls(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2);
             io.cinnabar.testkit.RespClient redisMonitor = new io.cinnabar.testkit.RespClient(servers.redisPort());
             io.cinnabar.testkit.RespClient ourMonitor = new io.cinnabar.testkit.RespClient(servers.oursPort())) {
            assertEquals("+OK\r\n", redisMonitor.call("MONITOR"));
            assertEquals("+OK\r\n", ourMonitor.call("MONITOR"));
            p.same("MULTI");
            p.same("SET", "mk", "1");
            p.same("INCR", "mk");
            p.same("EXEC");
            p.same("MULTI");
            p.same("NOSUCHCOMMAND");
            p.same("EXEC");
            p.same("MULTI");
            p.same("EXEC", "extra");
            p.same("EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", "1", "mk", "v");
            p.same("AUTH", "nouser", "secret");
            p.same("DEL", "mk");
            p.same("PING", "done");
            List<String> redis = monitorLines(redisMonitor);
            List<String> ours = monitorLines(ourMonitor);
            assertTrue(redis.size() > 8, redis.toString());
            p.compare(List.of("MONITOR"), String.join("\n", redis), String.join("\n", ours));
            p.assertSame();
        }
    }

    /** The MONITOR lines up to the final PING, without the timestamp and the client address. */
    private static List<String> monitorLines(io.cinnabar.testkit.RespClient monitor) throws IOException {
        List<String> out = new ArrayList<>();
        String line;
        do {
            line = monitor.read();
            int close = line.indexOf("] ");
            String source = line.contains(" lua]") ? "lua " : "";
            out.add(source + line.substring(close + 2).trim());
        } while (!line.contains("\"done\""));
        return out;
    }

    /**
     * A connection that announced EOF capability, sent SYNC and consumed the diskless snapshot (ended by its
     * 40-byte mark): what follows is the command stream.
     */
    static Socket sync(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("REPLCONF capa eof\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        assertEquals("+OK", line(in));
        out.write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head;
        do {
            head = line(in); // newlines are keep-alives while the snapshot is produced
        } while (head.isEmpty());
        assertTrue(head.startsWith("$EOF:"), head);
        byte[] mark = head.substring(5).getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = new byte[mark.length];
        long seen = 0;
        while (seen < mark.length || !java.util.Arrays.equals(tail, mark)) { // the payload ends with the mark
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream closed inside the snapshot");
            }
            System.arraycopy(tail, 1, tail, 0, tail.length - 1);
            tail[tail.length - 1] = (byte) b;
            seen++;
        }
        out.write("REPLCONF ACK 0\r\n".getBytes(StandardCharsets.US_ASCII)); // a diskless replica is online on ACK
        out.flush();
        return s;
    }

    /**
     * The next count commands of a replication stream, lower-cased and space-joined; PINGs are skipped. While
     * nothing arrives the reader acknowledges once a second, as a replica does: Redis starts the stream of a
     * diskless replica on the first ACK after the snapshot is complete on its side.
     */
    static List<String> commands(Socket s, int count) throws IOException {
        s.setSoTimeout(1000);
        InputStream in = s.getInputStream();
        OutputStream ack = s.getOutputStream();
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            String head = line(in, ack);
            assertTrue(head.startsWith("*"), head);
            int n = Integer.parseInt(head.substring(1));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in, ack).substring(1));
                args.add(new String(in.readNBytes(len), StandardCharsets.ISO_8859_1));
                line(in, ack);
            }
            String cmd = String.join(" ", args).toLowerCase(java.util.Locale.ROOT);
            if (!cmd.equals("ping")) {
                out.add(cmd);
            }
        }
        return out;
    }

    private static String line(InputStream in) throws IOException {
        return line(in, null);
    }

    /** One line; with ack set, a read that waits a second sends REPLCONF ACK 0 (at most 15 times). */
    private static String line(InputStream in, OutputStream ack) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int waits = 0;
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (java.net.SocketTimeoutException e) {
                if (ack == null || ++waits > 15) {
                    throw e;
                }
                ack.write("*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
                ack.flush();
                continue;
            }
            if (c == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c < 0) {
                throw new IOException("stream closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
    }
}
