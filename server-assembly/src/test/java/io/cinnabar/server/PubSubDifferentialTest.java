package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pub/Sub and client-side caching against real Redis: multi-connection transcripts ("A", "B", "C", one
 * {@link Pair} each), every reply and every pushed message compared byte for byte, in RESP2 and RESP3.
 * A step "A cmd args" sends a command and compares its reply; "A READ" reads the next pushed value (a message, an
 * invalidation) on both servers and compares it. "$B" in a step becomes connection B's client id on each server
 * (REDIRECT). Each transcript ends with a PING on every connection, so a message one server sent and the other
 * did not shows up as a mismatch.
 */
@Differential(server = CinnabarUnderTest.class)
class PubSubDifferentialTest {

    static void run(DifferentialServers servers, int resp, String... steps) throws Exception {
        run(servers, new int[] {resp, resp, resp}, steps);
    }

    static void run(DifferentialServers servers, int[] resp, String... steps) throws Exception {
        try (Pair a = servers.open(resp[0]); Pair b = servers.open(resp[1]); Pair c = servers.open(resp[2])) {
            a.both("FLUSHALL");
            String[] bIds = b.both("CLIENT", "ID");
            String redisB = bIds[0].substring(1).trim();
            String oursB = bIds[1].substring(1).trim();
            int steps0 = 0;
            for (String step : steps) {
                String[] w = step.split(" ");
                Pair p = switch (w[0]) {
                    case "A" -> a;
                    case "B" -> b;
                    case "C" -> c;
                    default -> throw new IllegalArgumentException(step);
                };
                String[] cmd = java.util.Arrays.copyOfRange(w, 1, w.length);
                if (cmd[0].equals("READ")) {
                    String r = p.redis().read();
                    String o = p.ours().read();
                    p.compare(List.of(step), r, o);
                    p.countStep();
                } else if (cmd[0].equals("SEND")) { // a command whose reply is read by later READ steps
                    String[] rest = java.util.Arrays.copyOfRange(cmd, 1, cmd.length);
                    p.redis().sendRaw(io.cinnabar.testkit.RespClient.encode(rest));
                    p.ours().sendRaw(io.cinnabar.testkit.RespClient.encode(rest));
                } else {
                    String[] rc = cmd.clone();
                    String[] oc = cmd.clone();
                    for (int i = 0; i < cmd.length; i++) {
                        if (cmd[i].equals("$B")) {
                            rc[i] = redisB;
                            oc[i] = oursB;
                        }
                    }
                    String r = p.redis().call(rc);
                    String o = p.ours().call(oc);
                    p.compare(List.of(step), r, o);
                    p.countStep();
                }
                steps0++;
            }
            for (Pair p : List.of(a, b, c)) {
                p.same("RESET"); // anything pushed and not read by a step would be read here instead of +RESET
            }
            a.assertSame();
            b.assertSame();
            c.assertSame();
            assertEquals(steps.length, steps0);
            assertTrue(a.steps() + b.steps() + c.steps() >= steps.length);
        }
    }

    @ParameterizedTest(name = "subscribe and publish resp={0}")
    @ValueSource(ints = {2, 3})
    void subscribeAndPublish(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A SUBSCRIBE ch1", "B PUBLISH ch1 hello", "A READ", "B PUBLISH nobody x",
            "A SEND SUBSCRIBE ch2 ch1", "A READ", "A READ", "B PUBLISH ch2 world", "A READ",
            "C SUBSCRIBE ch2", "B PUBLISH ch2 both", "A READ", "C READ",
            "B PUBSUB NUMSUB ch1 ch2 ch3", "B PUBSUB NUMSUB", "B PUBSUB CHANNELS ch1", "B PUBSUB CHANNELS *2",
            "B PUBSUB CHANNELS *3", "B PUBSUB NUMPAT", "B PUBSUB CHANNELS a b", "B PUBSUB",
            "A SEND UNSUBSCRIBE ch1 nosuch", "A READ", "A READ", "B PUBLISH ch1 gone", "B PUBLISH ch2 stays",
            "A READ", "C READ", "A UNSUBSCRIBE", "A UNSUBSCRIBE", "A PUNSUBSCRIBE", "A SUNSUBSCRIBE", "A PING",
            "C UNSUBSCRIBE ch2", "B PUBSUB NUMSUB ch2", "B PUBLISH ch2 none");
    }

    @ParameterizedTest(name = "patterns resp={0}")
    @ValueSource(ints = {2, 3})
    void patterns(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A PSUBSCRIBE news.*", "B PUBLISH news.sport goal", "A READ", "B PUBLISH other x",
            "A SUBSCRIBE news.sport", "B PUBLISH news.sport twice", "A READ", "A READ",
            "A PSUBSCRIBE h?llo", "B PUBLISH hello 1", "A READ", "B PUBLISH hallo 2", "A READ",
            "B PUBLISH haallo 3", "C PSUBSCRIBE h[ae]llo", "B PUBLISH hello 4", "A READ", "C READ",
            "C PUNSUBSCRIBE h[ae]llo", "C PSUBSCRIBE h[^e]llo", "B PUBLISH hallo 5", "A READ", "C READ",
            "B PUBLISH hello 5b", "A READ",
            "C PSUBSCRIBE x\\*y", "B PUBLISH x*y 6", "C READ", "B PUBLISH xay 7",
            "C PSUBSCRIBE [a-c]*", "B PUBLISH b 8", "C READ", "B PUBLISH d 9",
            "B PUBSUB NUMPAT", "A PSUBSCRIBE h?llo", "B PUBSUB NUMPAT",
            "A SEND PUNSUBSCRIBE news.* nosuch", "A READ", "A READ", "B PUBLISH news.x 10",
            "B PUBSUB NUMPAT", "C PUNSUBSCRIBE h[ae]llo", "B PUBSUB NUMPAT");
    }

    @ParameterizedTest(name = "sharded resp={0}")
    @ValueSource(ints = {2, 3})
    void sharded(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A SSUBSCRIBE s1", "B SPUBLISH s1 hello", "A READ", "B PUBLISH s1 notshard", "B SPUBLISH s2 x",
            "A SUBSCRIBE s1", "B SPUBLISH s1 again", "A READ", "B PUBLISH s1 plain", "A READ",
            "A SEND SSUBSCRIBE s2 s1", "A READ", "A READ", "B PUBSUB SHARDNUMSUB s1 s2 s3", "B PUBSUB SHARDCHANNELS s1",
            "B PUBSUB SHARDCHANNELS nomatch*", "B PUBSUB NUMSUB s1", "C PSUBSCRIBE s*", "B SPUBLISH s1 nopattern",
            "A READ", "A SEND SUNSUBSCRIBE s1 s9", "A READ", "A READ", "A SUNSUBSCRIBE", "A SUNSUBSCRIBE",
            "A UNSUBSCRIBE", "A PING");
    }

    @Test
    void subscribedModeRefusesCommands(DifferentialServers servers) throws Exception {
        run(servers, 2,
            "A SUBSCRIBE ch", "A GET k", "A SET k v", "A PING", "A PING hi", "A CLIENT ID", "A MULTI",
            "A PSUBSCRIBE p*", "A HELLO 2", "A UNSUBSCRIBE", "A GET k", "A PUNSUBSCRIBE", "A GET k", "A PING",
            "B SSUBSCRIBE s", "B GET k", "B SUNSUBSCRIBE", "B GET k",
            "C SUBSCRIBE x", "C RESET", "C GET k", "B PUBSUB NUMSUB x");
    }

    @Test
    void resp3AllowsEveryCommand(DifferentialServers servers) throws Exception {
        run(servers, 3,
            "A SUBSCRIBE ch", "A SET k v", "A GET k", "A PING", "A PUBLISH ch self", "A READ",
            "A SEND CLIENT REPLY OFF", "B PUBLISH ch quiet", "A READ", "A SEND CLIENT REPLY ON", "A READ",
            "A MULTI", "A SUBSCRIBE ch2", "A EXEC", "A UNSUBSCRIBE ch ch2", "A READ");
    }

    @Test
    void subscribeInsideMultiResp2(DifferentialServers servers) throws Exception {
        run(servers, 2,
            "A MULTI", "A SUBSCRIBE ch", "A EXEC", "A GET k", "B PUBLISH ch m", "A READ",
            "A UNSUBSCRIBE ch", "A GET k", "B SUBSCRIBE", "B PSUBSCRIBE", "B SSUBSCRIBE", "B PUBLISH",
            "B PUBSUB NOSUCH", "B PUBSUB HELP");
    }

    @ParameterizedTest(name = "tracking default mode resp={0}")
    @ValueSource(ints = {3})
    void trackingDefault(int resp, DifferentialServers servers) throws Exception {
        run(servers, resp,
            "A CLIENT TRACKING on", "A SET k1 v", "A GET k1", "B SET k1 v2", "A READ", "B SET k1 v3",
            "A MGET k1 k2", "B SET k2 x", "A READ", "B SET k1 x", "A READ",
            "A HGET h f", "B HSET h f v", "A READ", "A GET k1", "B APPEND k1 more", "A READ",
            "A GET e", "B SET e 1", "A READ", "A GET e", "B FLUSHALL", "A READ",
            "A CLIENT TRACKINGINFO", "A CLIENT GETREDIR", "A CLIENT TRACKING off", "A CLIENT TRACKINGINFO",
            "A CLIENT GETREDIR", "A GET k1", "B SET k1 no");
    }

    @Test
    void trackingBcastAndPrefixes(DifferentialServers servers) throws Exception {
        run(servers, 3,
            "A CLIENT TRACKING on BCAST", "B SET a 1", "A READ", "B MSET b 1 c 2", "A READ",
            "A CLIENT TRACKINGINFO", "A CLIENT TRACKING off",
            "C CLIENT TRACKING on BCAST PREFIX user: PREFIX obj:", "B SET user:1 x", "C READ", "B SET other 1",
            "B SET obj:9 y", "C READ", "C CLIENT TRACKINGINFO", "B INCR user:n", "C READ",
            "C CLIENT TRACKING on BCAST PREFIX us", "C CLIENT TRACKING on BCAST PREFIX abc PREFIX ab",
            "C CLIENT TRACKING on BCAST PREFIX zz", "C CLIENT TRACKINGINFO", "B SET zz1 1", "C READ",
            "C CLIENT TRACKING on", "A CLIENT TRACKING on BCAST NOLOOP PREFIX n:", "A SET n:1 mine", "B SET n:2 theirs",
            "A READ", "A PING");
    }

    @Test
    void trackingOptinOptoutNoloop(DifferentialServers servers) throws Exception {
        run(servers, 3,
            "A CLIENT TRACKING on OPTIN", "A GET x", "B SET x 1", "A CLIENT CACHING yes", "A GET x", "B SET x 2",
            "A READ", "A CLIENT CACHING no", "A CLIENT TRACKINGINFO", "A CLIENT CACHING yes",
            "A CLIENT TRACKINGINFO", "A PING", "A CLIENT TRACKINGINFO",
            "A CLIENT TRACKING on OPTOUT", "A CLIENT TRACKING off",
            "B CLIENT TRACKING on OPTOUT", "B GET y", "A SET y 1", "B READ", "B CLIENT CACHING no", "B GET y",
            "A SET y 2", "B CLIENT CACHING yes", "B CLIENT TRACKINGINFO", "B GET y", "A SET y 3", "B READ",
            "C CLIENT TRACKING on NOLOOP", "C GET z", "C SET z 1", "C GET z", "A SET z 2", "C READ",
            "C CLIENT TRACKINGINFO");
    }

    @Test
    void trackingErrors(DifferentialServers servers) throws Exception {
        run(servers, 3,
            "A CLIENT TRACKING on PREFIX p", "A CLIENT TRACKING on OPTIN OPTOUT", "A CLIENT TRACKING on BCAST OPTIN",
            "A CLIENT TRACKING on BCAST PREFIX a PREFIX ab", "A CLIENT TRACKING on REDIRECT 999999",
            "A CLIENT TRACKING on REDIRECT abc", "A CLIENT TRACKING on REDIRECT $B REDIRECT $B",
            "A CLIENT TRACKING maybe", "A CLIENT TRACKING on NOSUCH", "A CLIENT TRACKING on PREFIX",
            "A CLIENT TRACKING", "A CLIENT CACHING yes", "A CLIENT TRACKING on", "A CLIENT CACHING yes",
            "A CLIENT CACHING no", "A CLIENT CACHING maybe", "A CLIENT TRACKING on BCAST",
            "A CLIENT TRACKING on OPTIN", "A CLIENT TRACKING on OPTOUT", "A CLIENT TRACKING off",
            "A CLIENT TRACKING off", "A CLIENT TRACKINGINFO");
    }

    @Test
    void trackingRedirectResp2(DifferentialServers servers) throws Exception {
        run(servers, new int[] {2, 2, 3},
            "B SUBSCRIBE __redis__:invalidate", "A CLIENT TRACKING on REDIRECT $B", "A GET k", "C SET k 1",
            "B READ", "A MGET k j", "C DEL k", "B READ",
            "A GET k", "C FLUSHDB", "B READ", "A CLIENT TRACKING on BCAST REDIRECT $B", "A CLIENT TRACKING off",
            "A CLIENT TRACKING on BCAST PREFIX q REDIRECT $B", "C SET q1 1", "B READ", "C SET z 1",
            "A CLIENT TRACKING off", "A CLIENT TRACKING on", "A GET k", "C SET k 2", "A PING");
    }
}
