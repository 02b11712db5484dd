package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.resp.RespValue;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real {@code redis-sentinel} and a Cinnabar sentinel watch the same real master (with two replicas) with the
 * same settings, so each sees the same replicas and one other sentinel. Every command below gets the same reply
 * from both, in RESP2 and RESP3, once the values that are not the same by nature (run IDs, the other sentinel's
 * address, elapsed milliseconds, replication offsets) are blanked; replica lists are compared sorted by name.
 */
class SentinelDifferentialTest {
    /** Instance fields whose value is an ID, an address of the other sentinel, or a time or offset. */
    private static final Set<String> VOLATILE = Set.of("runid", "last-ping-sent", "last-ok-ping-reply",
        "last-ping-reply", "info-refresh", "role-reported-time", "last-hello-message", "slave-repl-offset",
        "link-pending-commands", "voted-leader", "voted-leader-epoch");
    private static final Set<String> SENTINEL_ADDRESS = Set.of("name", "ip", "port");

    static SentinelGroup group;
    static Process real;
    static int realPort;
    static int oursPort;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(RealRedis.available() && RealRedis.binary("redis-sentinel") != null, "redis-sentinel missing");
        group = new SentinelGroup();
        group.startServers();
        realPort = RealRedis.freePort();
        Path conf = group.sentinelConfig(99, "port " + realPort);
        real = new ProcessBuilder(RealRedis.binary("redis-sentinel").toString(), conf.toString(), "--logfile",
            group.dir.resolve("real-sentinel.log").toString()).redirectErrorStream(true)
            .redirectOutput(group.dir.resolve("real-sentinel.out").toFile()).start();
        SentinelGroup.await(Duration.ofSeconds(10), "redis-sentinel answers", () -> {
            try (RespClient c = new RespClient(realPort)) {
                return c.call("PING").startsWith("+PONG");
            } catch (IOException e) {
                return false;
            }
        });
        SentinelGroup.fast(realPort);
        oursPort = group.startSentinel(0).port();
        group.awaitDiscovery(1, realPort, oursPort);
        // one INFO round more, so both have the replicas' INFO (master-link-status, priority)
        SentinelGroup.await(Duration.ofSeconds(10), "replica INFO known", () -> replicasUp(realPort)
            && replicasUp(oursPort));
    }

    private static boolean replicasUp(int port) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
            List<Map<String, String>> r = j.sentinelReplicas("mymaster");
            return r.size() == 2 && r.stream().allMatch(m -> m.get("master-link-status").equals("ok"));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (real != null) {
            real.destroyForcibly().waitFor();
        }
        if (group != null) {
            group.close();
        }
    }

    static List<String[]> commands() {
        String mp = Integer.toString(group.masterPort);
        String[][] c = {
            {"SENTINEL", "MASTERS"}, {"SENTINEL", "MASTER", "mymaster"}, {"SENTINEL", "REPLICAS", "mymaster"},
            {"SENTINEL", "SLAVES", "mymaster"}, {"SENTINEL", "SENTINELS", "mymaster"},
            {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"},
            {"SENTINEL", "CKQUORUM", "mymaster"}, {"SENTINEL", "CKQUORUM", "nope"},
            {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", mp, "0", "*"},
            {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"},
            {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "1", "0", "*"},
            {"SENTINEL", "DEBUG", "foo", "1"}, {"SENTINEL", "DEBUG", "info-period", "0"},
            {"SENTINEL", "CONFIG", "GET", "resolve-hostnames"}, {"SENTINEL", "CONFIG", "GET", "announce-*"},
            {"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe"}, {"SENTINEL", "CONFIG", "SET", "foo", "1"},
            {"SENTINEL", "SET", "mymaster", "quorum", "0"}, {"SENTINEL", "SET", "mymaster", "foo", "1"},
            {"SENTINEL", "SET", "nope", "quorum", "1"}, {"SENTINEL", "SET", "mymaster", "down-after-milliseconds", "0"},
            {"SENTINEL", "SET", "mymaster", "parallel-syncs", "x"},
            {"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "1", "2"}, {"SENTINEL", "MONITOR", "m2", "127.0.0.1", "1", "0"},
            {"SENTINEL", "MONITOR", "m2", "127.0.0.1", "99999", "1"}, {"SENTINEL", "MONITOR", "m2", "127.0.0.1", "x", "1"},
            {"SENTINEL", "MONITOR", "m2", "nohost.invalid", "1", "1"}, {"SENTINEL", "RESET", "nope"},
            {"SENTINEL", "FAILOVER", "nope"}, {"SENTINEL", "REMOVE", "nope"}, {"SENTINEL", "MASTER", "nope"},
            {"SENTINEL", "REPLICAS", "nope"}, {"SENTINEL", "SENTINELS", "nope"},
            {"SENTINEL", "SIMULATE-FAILURE", "foo"}, {"SENTINEL", "foo"}, {"SENTINEL"}, {"SENTINEL", "MASTERS", "x"},
            {"SENTINEL", "INFO-CACHE", "nope"}, {"SENTINEL", "PENDING-SCRIPTS"}, {"ROLE"}, {"PING"}, {"GET", "foo"},
            {"CONFIG", "GET", "port"}, {"FLUSHALL"}, {"PUBLISH", "foo", "bar"},
            {"PUBLISH", "__sentinel__:hello", "not,a,hello"},
        };
        return List.of(c);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void repliesMatchRedisSentinel(int protocol) throws IOException {
        try (RespClient a = new RespClient(realPort); RespClient b = new RespClient(oursPort)) {
            if (protocol == 3) {
                a.call("HELLO", "3");
                b.call("HELLO", "3");
            }
            List<String> diffs = new ArrayList<>();
            for (String[] cmd : commands()) {
                String expected = normalize(a.call(cmd));
                String actual = normalize(b.call(cmd));
                if (!expected.equals(actual)) {
                    diffs.add(String.join(" ", cmd) + "\n  redis-sentinel: " + expected + "\n  cinnabar:       " + actual);
                }
            }
            assertEquals("", String.join("\n", diffs));
        }
    }

    static String normalize(String raw) {
        RespValue v = RespValue.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder b = new StringBuilder();
        render(v, b);
        return b.toString();
    }

    /** The reply as text with volatile instance fields blanked and instance lists sorted by name. */
    private static void render(RespValue v, StringBuilder b) {
        if (v instanceof RespValue.Aggregate a) {
            List<RespValue> items = a.items();
            if (isInstance(a)) {
                b.append(a.kind() == RespValue.Kind.MAP ? "%{" : "*{");
                boolean sentinel = field(items, "flags").contains("sentinel");
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    String k = text(items.get(i));
                    b.append(k).append('=');
                    b.append(VOLATILE.contains(k) || sentinel && SENTINEL_ADDRESS.contains(k) ? "?" : text(items.get(i + 1)));
                    b.append(' ');
                }
                b.append('}');
                return;
            }
            List<String> parts = new ArrayList<>();
            for (RespValue item : items) {
                StringBuilder p = new StringBuilder();
                render(item, p);
                parts.add(p.toString());
            }
            if (!items.isEmpty() && items.stream().allMatch(i -> i instanceof RespValue.Aggregate x && isInstance(x))) {
                parts.sort(Comparator.naturalOrder());
            }
            b.append(a.kind()).append(parts);
            return;
        }
        b.append(v);
    }

    private static boolean isInstance(RespValue.Aggregate a) {
        List<RespValue> items = a.items();
        return items.size() >= 10 && "name".equals(text(items.get(0))) && "ip".equals(text(items.get(2)));
    }

    private static String field(List<RespValue> items, String key) {
        for (int i = 0; i + 1 < items.size(); i += 2) {
            if (key.equals(text(items.get(i)))) {
                return text(items.get(i + 1));
            }
        }
        return "";
    }

    private static String text(RespValue v) {
        if (v instanceof RespValue.BulkString s) {
            return new String(s.value(), StandardCharsets.UTF_8);
        }
        return String.valueOf(v);
    }

}
