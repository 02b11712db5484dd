package io.cinnabar.server;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same blocking scenarios, scripted over several connections, against a real redis-server 7.0.15 and the
 * embedded server; the transcripts of replies (which connection got what, in which order) must be equal.
 * <p>
 * Script lines: {@code <conn> call args...} (send, read the reply, record it), {@code <conn> send args...} (send
 * only), {@code <conn> read} (read and record one reply), {@code blocked <n>} (wait until INFO reports n blocked
 * clients), {@code <conn> close}, {@code <conn> hello3} (switch to RESP3, reply not recorded: it names the server),
 * {@code unblock <conn> [reason]} (CLIENT UNBLOCK of that connection's id, recorded), {@code flags <conn>} (the
 * flags and cmd of that connection in CLIENT LIST), {@code calls <command>} (its INFO commandstats call count).
 * Arguments are separated by spaces; {@code <empty>} stands for an empty argument. Behaviour where 7.2 and 7.0
 * differ on purpose (a re-executed command that meets a wrong-type key first, timeouts too large for a 7.0
 * deadline) is tested against the embedded server alone, in {@link BlockingCommandsTest}.
 */
@Differential(server = CinnabarUnderTest.class)
class BlockingDifferentialTest {
    static List<Object[]> scenarios() {
        List<Object[]> s = new ArrayList<>();
        s.add(new Object[] {"push serves the blocked clients in FIFO order", """
            1 send BLPOP q 0
            blocked 1
            2 send BLPOP q 0
            blocked 2
            3 send BRPOP q 0
            blocked 3
            4 call RPUSH q a b
            1 read
            2 read
            blocked 1
            flags 3
            4 call LPUSH q c d
            3 read
            4 call LRANGE q 0 -1
            calls blpop
            calls brpop
            """});
        s.add(new Object[] {"several keys, first non-empty wins, repeated keys", """
            1 call RPUSH b 1 2
            1 call BLPOP a b 0
            1 call BRPOP a b 0
            1 call EXISTS b
            2 send BLPOP k1 k2 k1 0
            blocked 1
            3 call RPUSH k2 x
            2 read
            3 call SET s v
            3 call BLPOP none s 0
            3 call BZPOPMIN none s 0
            3 call BLMOVE s d LEFT LEFT 0
            """});
        s.add(new Object[] {"timeouts of every command, RESP2 and RESP3", """
            1 call BLPOP k 0.01
            1 call BRPOP k k2 0.02
            1 call BRPOPLPUSH k d 0.01
            1 call BLMOVE k d RIGHT LEFT 0.01
            1 call BLMPOP 0.01 2 k k2 LEFT COUNT 3
            1 call BZPOPMIN z 0.01
            1 call BZPOPMAX z 0.001
            1 call BZMPOP 0.01 1 z MAX
            1 call BLPOP k 0x1p-6
            1 call BLPOP k 1e-2
            1 hello3
            1 call BLPOP k 0.01
            1 call BLMOVE k d RIGHT LEFT 0.01
            1 call BZPOPMIN z 0.01
            1 call BZMPOP 0.01 1 z MIN COUNT 2
            calls blpop
            calls bzmpop
            """});
        s.add(new Object[] {"argument errors", """
            1 call BLPOP k abc
            1 call BLPOP k <empty>
            1 call BLPOP k -1
            1 call BLPOP k -0.5
            1 call BLPOP k nan
            1 call BLPOP k -inf
            1 call BRPOPLPUSH k d x
            1 call BLMOVE k d UP LEFT 0
            1 call BLMOVE k d LEFT DOWN x
            1 call BLMOVE k d LEFT LEFT x
            1 call BLMPOP x 0 k LEFT
            1 call BLMPOP x 1 k LEFT
            1 call BLMPOP 0 2 k LEFT
            1 call BLMPOP 0 1 k MIDDLE
            1 call BLMPOP 0 1 k LEFT COUNT 0
            1 call BLMPOP 0 1 k LEFT COUNT 1 COUNT 2
            1 call BZMPOP 1 1 k MIN COUNT 0
            1 call BZMPOP 1 1 k LEFT
            1 call BZPOPMIN k
            1 call BLPOP k
            1 call CLIENT UNBLOCK x
            1 call CLIENT UNBLOCK 1 later
            1 call CLIENT UNBLOCK 999999
            """});
        s.add(new Object[] {"BLMOVE and BRPOPLPUSH wake-up chains", """
            1 send BLMOVE src mid RIGHT LEFT 0
            blocked 1
            2 send BRPOPLPUSH mid dst 0
            blocked 2
            3 send BLPOP dst 0
            blocked 3
            4 call LPUSH src v w
            1 read
            2 read
            3 read
            4 call LRANGE src 0 -1
            4 call EXISTS mid dst
            1 send BLMOVE a a LEFT RIGHT 0
            blocked 1
            4 call RPUSH a 1 2
            1 read
            4 call LRANGE a 0 -1
            """});
        s.add(new Object[] {"sorted sets and mpop counts", """
            1 send BZPOPMAX z1 z2 0
            blocked 1
            2 send BZPOPMIN z2 0
            blocked 2
            3 send BZMPOP 0 2 z0 z2 MIN COUNT 5
            blocked 3
            4 call ZADD z2 1 a 2 b 3 c 4 d
            1 read
            2 read
            3 read
            4 call EXISTS z2
            1 send BLMPOP 0 1 l RIGHT COUNT 2
            blocked 1
            2 send BLMPOP 0 1 l LEFT COUNT 5
            blocked 2
            4 call RPUSH l 1 2 3
            1 read
            2 read
            1 hello3
            1 send BZPOPMIN z4 0
            blocked 1
            4 call ZADD z4 7.5 m
            1 read
            1 send BZMPOP 0 1 z5 MAX COUNT 2
            blocked 1
            4 call ZADD z5 1 x 2 y 3 z
            1 read
            1 send BLPOP l2 0
            blocked 1
            4 call RPUSH l2 v
            1 read
            """});
        s.add(new Object[] {"disconnect while blocked pops nothing", """
            1 send BLPOP k 0
            blocked 1
            2 send BZPOPMIN z 100
            blocked 2
            1 close
            2 close
            blocked 0
            3 call RPUSH k v
            3 call ZADD z 1 m
            3 call LLEN k
            3 call ZCARD z
            """});
        s.add(new Object[] {"CLIENT UNBLOCK timeout and error", """
            1 call PING
            unblock 1
            1 send BLPOP k 0
            blocked 1
            unblock 1
            1 read
            1 send BZPOPMAX z 0
            blocked 1
            unblock 1 TIMEOUT
            1 read
            1 send BLMOVE k d LEFT LEFT 0
            blocked 1
            unblock 1 error
            1 read
            unblock 1 ERROR
            1 call PING
            2 call EXISTS k d
            calls blpop
            calls blmove
            """});
        s.add(new Object[] {"pipelined commands wait for the blocked one", """
            1 send BLPOP k 0 | RPUSH k self | PING | LLEN k
            blocked 1
            2 call LLEN k
            flags 1
            2 call RPUSH k other
            1 read
            1 read
            1 read
            1 read
            2 call LRANGE k 0 -1
            """});
        s.add(new Object[] {"ready keys are served after each command of a pipeline", """
            1 send BLPOP k 0
            blocked 1
            2 send RPUSH k v | LPOP k | RPUSH k w | LLEN k
            1 read
            2 read
            2 read
            2 read
            2 read
            1 send BLPOP a 0 | SELECT 1 | BLPOP a 0 | LLEN a
            blocked 1
            2 call RPUSH a first
            blocked 1
            flags 1
            2 call SELECT 1
            2 call RPUSH a second third
            1 read
            1 read
            1 read
            1 read
            """});
        s.add(new Object[] {"a key of another type leaves the client blocked", """
            1 send BLPOP k 0
            blocked 1
            2 call SET k string
            2 call ZADD z 1 m
            2 call DEL k
            2 call RENAME z k
            flags 1
            2 call DEL k
            2 call RPUSH k v
            1 read
            1 send BZPOPMIN k2 0
            blocked 1
            2 call RPUSH k2 x
            2 call DEL k2
            2 call ZADD k2 5 y
            1 read
            """});
        s.add(new Object[] {"databases, MOVE, RENAME, SWAPDB, FLUSHALL", """
            1 call SELECT 1
            1 send BLPOP k 0
            blocked 1
            2 call RPUSH k db0
            flags 1
            2 call MOVE k 1
            1 read
            1 send BZPOPMIN z 0
            blocked 1
            2 call SELECT 1
            2 call ZADD tmp 2 two 1 one
            2 call RENAME tmp z
            1 read
            1 send BRPOP s 0
            blocked 1
            2 call SELECT 0
            2 call RPUSH s from0
            2 call SWAPDB 0 1
            1 read
            1 send BLPOP f 0
            blocked 1
            2 call FLUSHALL
            2 call SELECT 1
            2 call LPUSH f after
            1 read
            1 send BLPOP c 0
            blocked 1
            2 call RPUSH orig x y
            2 call COPY orig c
            1 read
            2 call LRANGE orig 0 -1
            """});
        s.add(new Object[] {"a BLMOVE whose destination is of the wrong type", """
            1 send BLMOVE src dst LEFT LEFT 0
            blocked 1
            2 call SET dst string
            2 call RPUSH src v
            1 read
            2 call LRANGE src 0 -1
            """});
        s.add(new Object[] {"XREAD BLOCK woken by XADD: $, explicit ids, several keys, COUNT", """
            1 send XREAD BLOCK 0 STREAMS s $
            blocked 1
            2 send XREAD COUNT 1 BLOCK 0 STREAMS other s 0 0
            blocked 2
            3 call XADD s 1-1 f v
            1 read
            2 read
            3 call XADD other 1-1 g w
            1 send XREAD BLOCK 0 STREAMS s $
            blocked 1
            3 call XADD unrelated 1-1 f v
            3 call XDEL s 1-1
            blocked 1
            3 call XADD s 2-1 a b c d
            1 read
            1 call XREAD BLOCK 0 STREAMS s 1-1
            1 call XREAD BLOCK 10 STREAMS s $
            1 hello3
            1 call XREAD BLOCK 10 STREAMS s $
            1 send XREAD BLOCK 0 STREAMS s $
            blocked 1
            3 call XADD s 3-1 x y
            1 read
            calls xread
            """});
        s.add(new Object[] {"XREADGROUP BLOCK woken by XADD, NOGROUP after the group is destroyed", """
            3 call XGROUP CREATE s g $ MKSTREAM
            1 send XREADGROUP GROUP g alice BLOCK 0 STREAMS s >
            blocked 1
            2 send XREADGROUP GROUP g bob COUNT 1 BLOCK 0 STREAMS s >
            blocked 2
            3 call XADD s 1-1 f v
            1 read
            blocked 1
            3 call XADD s 2-1 f v
            2 read
            3 call XPENDING s g
            1 call XREADGROUP GROUP g alice BLOCK 10 STREAMS s >
            1 call XREADGROUP GROUP g alice BLOCK 0 STREAMS s 0
            calls xreadgroup
            """});
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void sameRepliesAsRedis(String name, String script, DifferentialServers servers) throws Exception {
        List<String> want = run(servers.redisPort(), script);
        List<String> got = run(servers.oursPort(), script);
        Pair.assertSameTranscripts(name, want, got);
    }

    static List<String> run(int port, String script) throws Exception {
        List<String> out = new ArrayList<>();
        Map<String, RespClient> conns = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        try (RespClient admin = new RespClient(port)) {
            admin.call("FLUSHALL");
            admin.call("CONFIG", "RESETSTAT");
            for (String line : script.strip().split("\n")) {
                String[] t = line.strip().split(" ");
                switch (t[0]) {
                    case "blocked" -> awaitBlocked(admin, t[1]);
                    case "unblock" -> out.add(String.join(" ", t) + " -> " + admin.call(
                        t.length == 2 ? new String[] {"CLIENT", "UNBLOCK", ids.get(t[1])}
                            : new String[] {"CLIENT", "UNBLOCK", ids.get(t[1]), t[2]}));
                    case "flags" -> out.add("flags " + t[1] + " -> " + flags(admin, ids.get(t[1])));
                    case "calls" -> out.add("calls " + t[1] + " -> " + calls(admin, t[1]));
                    default -> {
                        RespClient c = conns.get(t[0]);
                        if (c == null) {
                            c = new RespClient(port);
                            conns.put(t[0], c);
                            ids.put(t[0], c.call("CLIENT", "ID").substring(1).trim());
                        }
                        step(c, t, out, line);
                    }
                }
            }
        } finally {
            for (RespClient c : conns.values()) {
                c.close();
            }
        }
        try (RespClient admin = new RespClient(port)) {
            awaitBlocked(admin, "0");
        }
        return out;
    }

    private static void step(RespClient c, String[] t, List<String> out, String line) throws IOException {
        switch (t[1]) {
            case "call" -> out.add(line.strip() + " -> " + c.call(args(t)));
            case "send" -> {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                List<String> cmd = new ArrayList<>();
                for (String a : args(t)) {
                    if (a.equals("|")) {
                        b.writeBytes(RespClient.encode(cmd.toArray(new String[0])));
                        cmd.clear();
                    } else {
                        cmd.add(a);
                    }
                }
                b.writeBytes(RespClient.encode(cmd.toArray(new String[0])));
                c.sendRaw(b.toByteArray());
            }
            case "read" -> out.add(t[0] + " read -> " + c.read());
            case "close" -> c.close();
            case "hello3" -> c.call("HELLO", "3");
            default -> throw new IllegalArgumentException(line);
        }
    }

    private static String[] args(String[] t) {
        String[] a = new String[t.length - 2];
        for (int i = 2; i < t.length; i++) {
            a[i - 2] = t[i].equals("<empty>") ? "" : t[i];
        }
        return a;
    }

    static void awaitBlocked(RespClient admin, String n) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            String info = admin.call("INFO", "clients");
            if (info.contains("\r\nblocked_clients:" + n + "\r\n")) {
                return;
            }
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("blocked_clients never reached " + n + ": " + info);
            }
            Thread.sleep(2);
        }
    }

    private static String flags(RespClient admin, String id) throws IOException {
        String list = admin.call("CLIENT", "LIST", "ID", id);
        StringBuilder b = new StringBuilder();
        for (String f : list.split("[ \r\n]")) {
            if (f.startsWith("flags=") || f.startsWith("cmd=") || f.startsWith("db=")) {
                b.append(f).append(' ');
            }
        }
        return b.toString().trim();
    }

    private static String calls(RespClient admin, String cmd) throws IOException {
        for (String l : admin.call("INFO", "commandstats").split("\r\n")) {
            if (l.startsWith("cmdstat_" + cmd + ":")) {
                String rest = l.substring(l.indexOf(':') + 1);
                StringBuilder b = new StringBuilder();
                for (String kv : rest.split(",")) {
                    // failed_calls differs on purpose: 7.0 counts CLIENT UNBLOCK TIMEOUT as a failure, 7.2 does not
                    if (kv.startsWith("calls=") || kv.startsWith("rejected_calls=")) {
                        b.append(kv).append(' ');
                    }
                }
                return b.toString().trim();
            }
        }
        return "none";
    }
}
