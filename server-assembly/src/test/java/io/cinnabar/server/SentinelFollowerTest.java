package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Sentinels that do not lead a failover learn its outcome from the leader's hello messages (a higher config
 * epoch) and, as redis-sentinel's sentinelProcessHelloMessage does, announce it themselves: {@code
 * +config-update-from} and {@code +switch-master} on their own Pub/Sub, which is what a client subscribed to one
 * sentinel only relies on. The failover is forced on one sentinel (SENTINEL FAILOVER), so the other two are
 * followers by construction; the subscribers are on the followers only.
 */
class SentinelFollowerTest {
    @Test
    void followersPublishSwitchMasterLearnedFromHello() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server is not installed");
        try (SentinelGroup g = new SentinelGroup()) {
            g.startServers();
            int oldMaster = g.masterPort;
            int[] ports = g.startDiscoveredSentinels(i -> g.startSentinel(i).port());
            SentinelGroup.Subscriber f1 = g.subscribe(ports[1], "+switch-master", "+config-update-from",
                "+elected-leader", "+try-failover");
            SentinelGroup.Subscriber f2 = g.subscribe(ports[2], "+switch-master", "+config-update-from",
                "+elected-leader", "+try-failover");

            try (Jedis j = new Jedis("127.0.0.1", ports[0])) {
                assertEquals("OK", j.sendCommand(() -> "SENTINEL".getBytes(), "FAILOVER", "mymaster") instanceof byte[] b
                    ? new String(b) : "?");
            }
            for (SentinelGroup.Subscriber f : List.of(f1, f2)) {
                SentinelGroup.await(Duration.ofSeconds(20), "a follower publishes +switch-master",
                    () -> !f.on("+switch-master").isEmpty());
            }
            int newMaster = Integer.parseInt(SentinelGroup.masterAddr(ports[0]).get(1));
            assertTrue(newMaster != oldMaster);
            String expected = "mymaster 127.0.0.1 " + oldMaster + " 127.0.0.1 " + newMaster;
            for (SentinelGroup.Subscriber f : List.of(f1, f2)) {
                assertEquals(List.of(expected), f.on("+switch-master"), "followers switch once: " + f.heard);
                // learned from the leader's hello, not from a failover of their own
                assertEquals(1, f.on("+config-update-from").size(), f.heard.toString());
                assertTrue(f.on("+config-update-from").get(0).startsWith("sentinel "), f.heard.toString());
                assertEquals(List.of(), f.on("+elected-leader"), f.heard.toString());
                assertEquals(List.of(), f.on("+try-failover"), f.heard.toString());
            }
            for (int p : ports) {
                assertEquals(Integer.toString(newMaster), SentinelGroup.masterAddr(p).get(1));
            }
        }
    }
}
