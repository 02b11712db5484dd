package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Redis's own tcl files unit/networking, unit/obuf-limits and unit/pause found different, checked against
 * real Redis 7.0.15 as transcripts of several connections:
 * <ul>
 *   <li>CONFIG SET port/bind to an address that cannot be bound is refused and the server keeps listening where
 *   it did (ours closed its listener first and stayed deaf);</li>
 *   <li>a reply that passes the hard output-buffer limit in the middle of one command (HRANDFIELD, SRANDMEMBER,
 *   ZRANDMEMBER with a huge negative count) closes the client without a reply and stops the command (ours grew the
 *   reply to 2 GB and stopped the event loop);</li>
 *   <li>CLIENT PAUSE WRITE holds write and may-replicate commands (PFCOUNT, PUBLISH, EVAL without no-writes flags,
 *   EXEC of a transaction with a write) counted as blocked clients, runs reads, read-only scripts and commands
 *   refused before execution, and keeps expired keys (reads see them absent, nothing is deleted or counted) until
 *   the pause ends; read-only scripts refuse may-replicate commands (PUBLISH, PFCOUNT) as writes;</li>
 *   <li>oom-score-adj writes /proc/PID/oom_score_adj for the server's role (relative to the score it found,
 *   or absolute, clamped), and restores the score it found when turned off;</li>
 *   <li>bind-source-addr is the address a replica connects to its master from.</li>
 * </ul>
 */
@Differential(server = CinnabarUnderTest.class)
class NetSuiteDifferentialTest {

    @Test
    void configSetPortOrBindThatCannotBeBoundKeepsTheOldListener(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("CONFIG SET port/bind refused", rebindTranscript(servers.redisPort()),
            rebindTranscript(servers.oursPort()));
    }

    private static List<String> rebindTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             RespClient c = new RespClient(port)) {
            t.add(c.call("CONFIG", "SET", "port", Integer.toString(taken.getLocalPort())));
            t.add(c.call("CONFIG", "SET", "bind", "999.999.999.999"));
            t.add("port kept: " + c.call("CONFIG", "GET", "port").endsWith("\r\n" + port + "\r\n"));
            try (RespClient fresh = new RespClient(port)) {
                t.add(fresh.call("PING")); // still listening on the old port and address
            }
        }
        return t;
    }

    @Test
    void hugeRandomSampleOverTheHardLimitClosesTheClientMidCommand(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("HRANDFIELD/SRANDMEMBER/ZRANDMEMBER -999999999 under a 1 MB limit",
            hugeSampleTranscript(servers.redisPort()), hugeSampleTranscript(servers.oursPort()));
    }

    private static List<String> hugeSampleTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            String old = c.call("CONFIG", "GET", "client-output-buffer-limit");
            t.add(c.call("FLUSHALL"));
            t.add(c.call("HSET", "h", "a", "b"));
            t.add(c.call("SADD", "s", "a"));
            t.add(c.call("ZADD", "z", "1", "a"));
            t.add(c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1000000 0 0"));
            for (String[] cmd : new String[][] {{"HRANDFIELD", "h", "-999999999"}, {"SRANDMEMBER", "s", "-999999999"},
                    {"ZRANDMEMBER", "z", "-999999999", "WITHSCORES"}}) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write(RespClient.encode(cmd));
                    t.add(cmd[0] + ": " + drainUntilClosed(s));
                }
                t.add(c.call("PING"));
            }
            t.add(c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"));
            t.add(c.call("HRANDFIELD", "h", "-3"));
            assertEquals('*', old.charAt(0));
        }
        return t;
    }

    /** Reads what the server sends until it closes the connection: "closed, N bytes". */
    private static String drainUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(60_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            return "still open after 60 s, " + total + " bytes";
        } catch (IOException e) {
            // a reset is a close too
        }
        return total < 1_000_000 ? "closed, under the limit" : "closed after " + total + " bytes";
    }

    @Test
    void clientPauseWriteHoldsWritesAndMayReplicateCommands(DifferentialServers servers) throws Exception {
        try {
            Pair.assertSameTranscripts("CLIENT PAUSE WRITE", pauseTranscript(servers.redisPort()),
                pauseTranscript(servers.oursPort()));
        } finally {
            unpause(servers);
        }
    }

    private static List<String> pauseTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        List<RespClient> held = new ArrayList<>();
        try (RespClient ctl = new RespClient(port); RespClient reader = new RespClient(port);
             RespClient tx = new RespClient(port)) {
            t.add(ctl.call("FLUSHALL"));
            t.add(ctl.call("SET", "x", "0"));
            t.add(ctl.call("PFADD", "hll", "a"));
            t.add(tx.call("MULTI"));
            t.add(tx.call("SET", "x", "from-exec"));
            t.add(ctl.call("CLIENT", "PAUSE", "60000", "WRITE"));
            t.add(reader.call("GET", "x"));
            t.add(reader.call("PING"));
            t.add(reader.call("SET", "x")); // refused before the pause applies: answered at once
            t.add(reader.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "x"));
            t.add(reader.call("EVAL_RO", "return 7", "0"));
            t.add(reader.call("MULTI"));
            t.add(reader.call("GET", "x"));
            t.add(reader.call("EXEC"));
            t.add("blocked " + blocked(ctl));
            String[][] writes = {{"SET", "x", "1"}, {"PFCOUNT", "hll"}, {"PUBLISH", "ch", "m"},
                {"EVAL", "return redis.call('incr', KEYS[1])", "1", "x"}};
            for (String[] w : writes) {
                RespClient c = new RespClient(port);
                held.add(c);
                c.sendRaw(RespClient.encode(w));
                t.add(w[0] + " held, blocked " + waitBlocked(ctl, held.size()));
            }
            tx.sendRaw(RespClient.encode("EXEC"));
            t.add("EXEC held, blocked " + waitBlocked(ctl, held.size() + 1));
            t.add(reader.call("GET", "x"));
            t.add(ctl.call("CLIENT", "UNPAUSE"));
            for (RespClient c : held) {
                t.add(c.read());
            }
            t.add(tx.read());
            t.add(ctl.call("GET", "x"));
            t.add("blocked " + blocked(ctl));
        } finally {
            for (RespClient c : held) {
                c.close();
            }
        }
        return t;
    }

    @Test
    void expiredKeysStayWhileClientsArePaused(DifferentialServers servers) throws Exception {
        try {
            Pair.assertSameTranscripts("expiry during CLIENT PAUSE", expiryTranscript(servers.redisPort()),
                expiryTranscript(servers.oursPort()));
        } finally {
            unpause(servers);
        }
    }

    /** Ends a pause a failed step may have left, so the next test's FLUSHALL is not held. */
    private static void unpause(DifferentialServers servers) throws IOException {
        for (int port : new int[] {servers.redisPort(), servers.oursPort()}) {
            try (RespClient c = new RespClient(port)) {
                c.call("CLIENT", "UNPAUSE");
            }
        }
    }

    private static List<String> expiryTranscript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            t.add(c.call("FLUSHALL"));
            long before = expiredKeys(c);
            t.add(c.call("MULTI"));
            t.add(c.call("SET", "a", "1", "PX", "10"));
            t.add(c.call("SET", "b", "1", "PX", "10"));
            t.add(c.call("CLIENT", "PAUSE", "50000", "WRITE"));
            t.add(c.call("EXEC"));
            Thread.sleep(300); // past the keys' time, several active expire cycles
            t.add(c.call("GET", "a"));
            t.add(c.call("EXISTS", "b"));
            t.add(c.call("DBSIZE"));
            t.add("expired while paused: " + (expiredKeys(c) - before));
            t.add(c.call("CLIENT", "UNPAUSE"));
            t.add(c.call("GET", "a"));
            t.add(c.call("GET", "b"));
            t.add("expired after: " + (expiredKeys(c) - before));
        }
        return t;
    }

    @Test
    void readOnlyScriptsRefuseMayReplicateCommands(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("EVAL_RO", "return redis.call('publish', 'ch', 'm')", "0");
            p.same("EVAL", "#!lua flags=no-writes\nreturn redis.call('pfcount', 'h')", "0");
            p.same("EVAL", "return redis.call('publish', 'ch', 'm')", "0");
            p.assertSame();
        }
    }

    @Test
    void oomScoreAdjWritesTheProcessScoreForItsRole(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("oom-score-adj", oomTranscript(servers.redisPort()),
            oomTranscript(servers.oursPort()));
    }

    private static List<String> oomTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        try (RespClient c = new RespClient(port)) {
            java.nio.file.Path proc = java.nio.file.Path.of("/proc/" + infoField(c, "server", "process_id")
                + "/oom_score_adj");
            String original = java.nio.file.Files.readString(proc);
            try {
                t.add(c.call("CONFIG", "SET", "oom-score-adj", "no"));
                java.nio.file.Files.writeString(proc, "22\n");
                t.add(c.call("CONFIG", "SET", "oom-score-adj-values", "9 19 29", "oom-score-adj", "yes"));
                t.add("relative " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("CONFIG", "SET", "oom-score-adj", "absolute"));
                t.add("absolute " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("REPLICAOF", "127.0.0.1", "1"));
                t.add("replica " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("REPLICAOF", "NO", "ONE"));
                t.add("master " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("CONFIG", "SET", "oom-score-adj-values", "2001 0 0"));
                t.add(c.call("CONFIG", "SET", "oom-score-adj-values", "990 995 1000", "oom-score-adj", "relative"));
                t.add("clamped " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("CONFIG", "SET", "oom-score-adj", "no"));
                t.add("restored " + java.nio.file.Files.readString(proc).trim());
                t.add(c.call("CONFIG", "GET", "oom-score-adj"));
                t.add(c.call("CONFIG", "GET", "oom-score-adj-values"));
            } finally {
                c.call("CONFIG", "SET", "oom-score-adj", "no", "oom-score-adj-values", "0 200 800");
                java.nio.file.Files.writeString(proc, original);
            }
        }
        return t;
    }

    @Test
    void bindSourceAddrIsTheAddressAReplicaConnectsFrom(DifferentialServers servers) throws Exception {
        // each server in turn is the replica of the other, connecting from 127.0.0.2: the master lists that address
        List<String> redisAsReplica = sourceAddrTranscript(servers.redisPort(), servers.oursPort());
        List<String> oursAsReplica = sourceAddrTranscript(servers.oursPort(), servers.redisPort());
        Pair.assertSameTranscripts("bind-source-addr", redisAsReplica, oursAsReplica);
    }

    private static List<String> sourceAddrTranscript(int replicaPort, int masterPort) throws Exception {
        List<String> t = new ArrayList<>();
        try (RespClient replica = new RespClient(replicaPort); RespClient master = new RespClient(masterPort)) {
            String protectedMode = master.call("CONFIG", "GET", "protected-mode").contains("yes") ? "yes" : "no";
            String delay = configValue(master, "repl-diskless-sync-delay");
            String load = configValue(replica, "repl-diskless-load");
            try {
                // Redis 7.0's protected mode admits 127.0.0.1 only (7.2: all of 127.0.0.0/8), as the tcl test does
                t.add(master.call("CONFIG", "SET", "protected-mode", "no"));
                // no RDB file on either side (the embedded server's directory is the module's)
                t.add(master.call("CONFIG", "SET", "repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0"));
                t.add(replica.call("CONFIG", "SET", "repl-diskless-load", "swapdb"));
                t.add(replica.call("CONFIG", "SET", "bind-source-addr", "127.0.0.2"));
                t.add(replica.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort)));
                String slave0 = "";
                long deadline = System.currentTimeMillis() + 20_000;
                while (!slave0.contains("state=online") && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                    slave0 = "";
                    for (String line : master.call("INFO", "replication").split("\r\n")) {
                        if (line.startsWith("slave0:")) {
                            slave0 = line;
                        }
                    }
                }
                t.add(slave0.replaceAll("port=\\d+,", "").replaceAll(",offset=.*", ""));
            } finally {
                t.add(replica.call("REPLICAOF", "NO", "ONE"));
                t.add(replica.call("CONFIG", "SET", "bind-source-addr", ""));
                master.call("CONFIG", "SET", "protected-mode", protectedMode);
                master.call("CONFIG", "SET", "repl-diskless-sync-delay", delay);
                replica.call("CONFIG", "SET", "repl-diskless-load", load);
            }
        }
        return t;
    }

    /** The value of a CONFIG GET reply for one option (RESP2: name, value). */
    private static String configValue(RespClient c, String name) throws IOException {
        String[] lines = c.call("CONFIG", "GET", name).split("\r\n");
        return lines[lines.length - 1];
    }

    private static long expiredKeys(RespClient c) throws IOException {
        return infoField(c, "stats", "expired_keys");
    }

    private static long blocked(RespClient c) throws IOException {
        return infoField(c, "clients", "blocked_clients");
    }

    /** Polls blocked_clients until it reaches n (at most 10 s) and returns the last value seen. */
    private static long waitBlocked(RespClient c, long n) throws IOException {
        long deadline = System.currentTimeMillis() + 10_000;
        long v;
        while ((v = blocked(c)) != n && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return v;
    }

    private static long infoField(RespClient c, String section, String field) throws IOException {
        for (String line : c.call("INFO", section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("INFO " + section + " has no " + field);
    }
}
