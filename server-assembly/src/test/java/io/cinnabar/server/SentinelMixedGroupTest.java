package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * A mixed group: one real {@code redis-sentinel} and two Cinnabar sentinels watch a real master. They discover each
 * other through the hello channel; when the master is killed, exactly one of them is elected leader
 * ({@code +elected-leader} is published once, in one epoch), and all three end up with the same new master.
 */
class SentinelMixedGroupTest {
    @Test
    void realAndCinnabarSentinelsAgreeOnOneLeader() throws Exception {
        assumeTrue(RealRedis.available() && RealRedis.binary("redis-sentinel") != null, "redis-sentinel missing");
        Process real = null;
        List<Thread> subs = new ArrayList<>();
        List<JedisPubSub> listeners = new ArrayList<>();
        try (SentinelGroup g = new SentinelGroup()) {
            g.startServers();
            int oldMaster = g.masterPort;
            int realPort = RealRedis.freePort();
            Path conf = g.sentinelConfig(99, "port " + realPort);
            real = new ProcessBuilder(RealRedis.binary("redis-sentinel").toString(), conf.toString(), "--logfile",
                g.dir.resolve("real.log").toString()).redirectErrorStream(true)
                .redirectOutput(g.dir.resolve("real.out").toFile()).start();
            SentinelGroup.await(Duration.ofSeconds(10), "redis-sentinel answers", () -> {
                try (Jedis j = new Jedis("127.0.0.1", realPort)) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            SentinelGroup.fast(realPort);
            int[] ports = {realPort, g.startSentinel(0).port(), g.startSentinel(1).port()};
            g.awaitDiscovery(2, ports);

            List<String> elected = new CopyOnWriteArrayList<>();
            for (int p : ports) {
                JedisPubSub l = new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        elected.add(p + " " + message);
                    }
                };
                listeners.add(l);
                Thread t = new Thread(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", p)) {
                        j.subscribe(l, "+elected-leader");
                    } catch (RuntimeException e) {
                        // closed at the end
                    }
                });
                t.start();
                subs.add(t);
            }
            SentinelGroup.await(Duration.ofSeconds(5), "subscribed", () -> listeners.stream()
                .allMatch(JedisPubSub::isSubscribed));

            SentinelGroup.kill9(oldMaster);
            SentinelGroup.await(Duration.ofSeconds(40), "all three agree on a new master", () -> {
                int first = Integer.parseInt(SentinelGroup.masterAddr(ports[0]).get(1));
                for (int p : ports) {
                    if (Integer.parseInt(SentinelGroup.masterAddr(p).get(1)) != first || first == oldMaster) {
                        return false;
                    }
                }
                return true;
            });
            int newMaster = Integer.parseInt(SentinelGroup.masterAddr(ports[0]).get(1));
            assertEquals("master", SentinelGroup.role(newMaster));
            assertEquals(1, elected.size(), "one leader: " + elected);
            String epoch = SentinelGroup.master(ports[0]).get("config-epoch");
            for (int p : ports) {
                assertEquals(epoch, SentinelGroup.master(p).get("config-epoch"));
            }
        } finally {
            listeners.forEach(l -> {
                try {
                    if (l.isSubscribed()) {
                        l.unsubscribe();
                    }
                } catch (RuntimeException e) {
                    // the sentinel is already stopped: its subscription ended with it
                }
            });
            for (Thread t : subs) {
                t.join(2000);
            }
            if (real != null) {
                real.destroyForcibly().waitFor();
            }
        }
    }

}
