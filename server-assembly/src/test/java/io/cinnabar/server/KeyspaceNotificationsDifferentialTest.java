package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyspace notifications end to end, through Pub/Sub on both servers: with {@code notify-keyspace-events KEA} (and KEAn), a
 * subscriber connection ({@code PSUBSCRIBE __key*__:*}, RESP2 or RESP3) on each server receives, after every
 * command of a random write sequence, the same messages (channel and payload, in order) from the embedded server
 * as from redis-server. A sentinel PUBLISH from a third connection marks the end of each command's events.
 */
@Differential(server = CinnabarUnderTest.class)
class KeyspaceNotificationsDifferentialTest {

    /** Reads messages from sub until the sentinel channel; returns them as "channel payload" lines. */
    private static List<String> drain(RespClient sub, RespClient pub, String mark) throws Exception {
        pub.call("PUBLISH", mark, "x");
        List<String> out = new ArrayList<>();
        while (true) {
            String[] p = sub.read().split("\r\n"); // >4 or *4: pmessage pattern channel payload
            String channel = p[6];
            if (channel.equals(mark)) {
                return out;
            }
            out.add(channel + " " + p[8]);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {11, 12, 13, 14})
    void randomWritesGiveTheSameEventStream(int seed, DifferentialServers servers) throws Exception {
        int resp = seed % 2 == 0 ? 3 : 2;
        try (Pair p = servers.open(2);
             RespClient rSub = new RespClient(servers.redisPort());
             RespClient oSub = new RespClient(servers.oursPort());
             RespClient rPub = new RespClient(servers.redisPort());
             RespClient oPub = new RespClient(servers.oursPort())) {
            p.both("FLUSHALL");
            // seed 14 adds 'n': "new" events (which 'A' does not include; CONFIG GET shows AKE on both)
            p.same("CONFIG", "SET", "notify-keyspace-events", seed == 14 ? "KEAn" : "KEA");
            p.same("CONFIG", "GET", "notify-keyspace-events");
            if (resp == 3) {
                rSub.call("HELLO", "3");
                oSub.call("HELLO", "3");
            }
            assertEquals(rSub.call("PSUBSCRIBE", "__key*__:*"), oSub.call("PSUBSCRIBE", "__key*__:*"));
            Random r = new Random(seed);
            String[] keys = {"a", "b", "c"};
            int events = 0;
            for (int i = 0; i < 200; i++) {
                String k = keys[r.nextInt(3)];
                String k2 = keys[r.nextInt(3)];
                String m = "m" + r.nextInt(3);
                String[] cmd = switch (r.nextInt(20)) {
                    case 0 -> new String[] {"SET", k, "v" + i};
                    case 1 -> new String[] {"INCR", k};
                    case 2 -> new String[] {"DEL", k, k2};
                    case 3 -> new String[] {"RPUSH", k, m};
                    case 4 -> new String[] {"LPOP", k};
                    case 5 -> new String[] {"SADD", k, m};
                    case 6 -> new String[] {"SREM", k, m};
                    case 7 -> new String[] {"HSET", k, m, "1"};
                    case 8 -> new String[] {"HDEL", k, m};
                    case 9 -> new String[] {"ZADD", k, String.valueOf(i), m};
                    case 10 -> new String[] {"ZPOPMIN", k};
                    case 11 -> new String[] {"EXPIRE", k, "100"};
                    case 12 -> new String[] {"RENAME", k, k2};
                    case 13 -> new String[] {"LMOVE", k, k2, "LEFT", "RIGHT"};
                    case 14 -> new String[] {"SELECT", String.valueOf(r.nextInt(2))};
                    case 16 -> new String[] {"BITOP", "OR", k, k2, "nosuch"}; // overwrites, creates or deletes k
                    case 17 -> new String[] {"ZRANGESTORE", k, k2, "0", String.valueOf(r.nextInt(3) - 1)};
                    case 18 -> new String[] {"SUNIONSTORE", k, k2};
                    case 19 -> new String[] {"COPY", k2, k, "REPLACE"};
                    default -> new String[] {"XADD", k, (i + 1) + "-1", "f", "v"};
                };
                p.same(cmd);
                String mark = "__keysync__:" + i;
                List<String> expected = drain(rSub, rPub, mark);
                assertEquals(expected, drain(oSub, oPub, mark), "events of " + String.join(" ", cmd));
                events += expected.size();
            }
            p.assertSame();
            assertTrue(events > 100, "the sequence produced events: " + events);
            p.same("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }
}
