package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Pub/Sub and client-side caching through unmodified clients against the embedded server: Jedis (channels,
 * patterns, sharded), Lettuce (RESP2 and RESP3 pub/sub, patterns, sharded) and Lettuce's {@code ClientSideCaching};
 * plus a subscriber that never reads while a publisher floods (dropped at the pubsub output-buffer limit, the
 * server keeps answering), and the CLIENT LIST fields and flags of subscribed and tracking clients.
 */
class PubSubClientsTest {
    static CinnabarServer server;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().port(0).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jedisChannelsPatternsAndShards() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(3);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int n) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int n) {
                subscribed.countDown();
            }
        };
        Thread t;
        try (Jedis sub = new Jedis("127.0.0.1", server.port()); Jedis pub = new Jedis("127.0.0.1", server.port())) {
            t = new Thread(() -> sub.subscribe(listener, "orders", "news"));
            t.start();
            assertTrue(waitFor(() -> pub.pubsubNumSub("orders").get("orders") == 1L));
            listener.psubscribe("ord*");
            assertTrue(subscribed.await(10, TimeUnit.SECONDS));
            assertEquals(2, pub.publish("orders", "o1"));
            assertEquals("message orders o1", got.poll(10, TimeUnit.SECONDS));
            assertEquals("pmessage ord* orders o1", got.poll(10, TimeUnit.SECONDS));
            assertEquals(1, pub.publish("news", "n1"));
            assertEquals("message news n1", got.poll(10, TimeUnit.SECONDS));
            assertEquals(List.of("news", "orders"), pub.pubsubChannels().stream().sorted().toList());
            assertEquals(1L, pub.pubsubNumPat());
            listener.unsubscribe();
            listener.punsubscribe();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertEquals(0, pub.publish("orders", "nobody"));
        }
        // sharded
        BlockingQueue<String> sgot = new LinkedBlockingQueue<>();
        redis.clients.jedis.JedisShardedPubSub shardListener = new redis.clients.jedis.JedisShardedPubSub() {
            @Override
            public void onSMessage(String channel, String message) {
                sgot.add(channel + " " + message);
            }
        };
        redis.clients.jedis.commands.ProtocolCommand spublish = () -> "SPUBLISH".getBytes(StandardCharsets.US_ASCII);
        try (redis.clients.jedis.Connection sub = new redis.clients.jedis.Connection("127.0.0.1", server.port());
             Jedis pub = new Jedis("127.0.0.1", server.port())) {
            Thread st = new Thread(() -> shardListener.proceed(sub, "shard1"));
            st.start();
            assertTrue(waitFor(() -> (Long) pub.sendCommand(spublish, "shard1", "s0") == 1L));
            assertEquals("shard1 s0", sgot.poll(10, TimeUnit.SECONDS));
            assertEquals(1L, pub.sendCommand(spublish, "shard1", "s1"));
            assertEquals("shard1 s1", sgot.poll(10, TimeUnit.SECONDS));
            shardListener.sunsubscribe();
            st.join(10_000);
            assertFalse(st.isAlive());
            assertEquals(0L, pub.sendCommand(spublish, "shard1", "gone"));
        }
    }

    @Test
    void lettucePubSubResp2AndResp3() throws Exception {
        for (ProtocolVersion v : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
            client.setOptions(ClientOptions.builder().protocolVersion(v).build());
            try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                 StatefulRedisConnection<String, String> pub = client.connect()) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        got.add(channel + " " + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        got.add(pattern + " " + channel + " " + message);
                    }

                    @Override
                    public void smessage(String channel, String message) {
                        got.add("s " + channel + " " + message);
                    }
                });
                sub.sync().subscribe("chat");
                sub.sync().psubscribe("user.*");
                sub.sync().ssubscribe("sh");
                assertEquals(1L, pub.sync().publish("chat", "hi"));
                assertEquals("chat hi", got.poll(10, TimeUnit.SECONDS));
                assertEquals(1L, pub.sync().publish("user.7", "joined"));
                assertEquals("user.* user.7 joined", got.poll(10, TimeUnit.SECONDS));
                assertEquals(1L, pub.sync().spublish("sh", "x"));
                assertEquals("s sh x", got.poll(10, TimeUnit.SECONDS));
                assertEquals(Map.of("chat", 1L), pub.sync().pubsubNumsub("chat"));
                sub.sync().unsubscribe("chat");
                sub.sync().punsubscribe("user.*");
                assertEquals(0L, pub.sync().publish("chat", "gone"));
                assertEquals(0L, pub.sync().pubsubNumpat());
                if (v == ProtocolVersion.RESP3) { // Lettuce refuses SUNSUBSCRIBE itself on a RESP2 subscriber
                    sub.sync().sunsubscribe("sh");
                    assertEquals(0L, pub.sync().spublish("sh", "gone"));
                }
                sub.close(); // a closed subscriber leaves its shard channel too
                assertTrue(waitFor(() -> pub.sync().spublish("sh", "closed") == 0L));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void lettuceClientSideCaching() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> cached = client.connect();
             StatefulRedisConnection<String, String> other = client.connect()) {
            other.sync().set("csc:k", "v1");
            Map<String, String> cache = new ConcurrentHashMap<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(cache), cached,
                TrackingArgs.Builder.enabled());
            assertEquals("v1", frontend.get("csc:k"));
            assertEquals("v1", cache.get("csc:k"));
            other.sync().set("csc:k", "v2");
            assertTrue(waitFor(() -> !cache.containsKey("csc:k")), "invalidation evicts the cached value");
            assertEquals("v2", frontend.get("csc:k"));
            other.sync().del("csc:k");
            assertTrue(waitFor(() -> !cache.containsKey("csc:k")));
            assertNull(frontend.get("csc:k"));
            frontend.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void slowSubscriberIsDroppedAndServerStaysResponsive() throws Exception {
        try (RespClient admin = new RespClient(server.port())) {
            admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 262144 131072 60");
            try (Socket slow = new Socket("127.0.0.1", server.port());
                 RespClient pub = new RespClient(server.port())) {
                slow.setReceiveBufferSize(4096);
                OutputStream out = slow.getOutputStream();
                out.write(RespClient.encode("SUBSCRIBE", "flood"));
                out.flush();
                InputStream in = slow.getInputStream();
                byte[] ack = new byte[64];
                int n = in.read(ack); // the subscribe confirmation; nothing is read after it
                assertTrue(n > 0 && new String(ack, 0, n, StandardCharsets.ISO_8859_1).contains("subscribe"));
                String payload = "x".repeat(1000);
                byte[] burst = RespClient.encode("PUBLISH", "flood", payload);
                int sent = 0;
                long receivers = 1;
                // publish until the server dropped the subscriber: at most 100 MB, far past the 256 kB hard limit
                while (receivers > 0 && sent < 100_000) {
                    String r = pub.call("PUBLISH", "flood", payload);
                    receivers = Long.parseLong(r.substring(1).trim());
                    sent++;
                }
                assertEquals(0, receivers, "the subscriber was disconnected");
                assertTrue(sent < 100_000);
                assertEquals("+PONG\r\n", pub.call("PING"));
                String info = admin.call("INFO", "stats");
                assertTrue(info.contains("pubsub_channels:0"), info);
                assertTrue(burst.length > 1000);
                String clients = admin.call("CLIENT", "LIST", "TYPE", "pubsub");
                assertFalse(clients.contains("cmd=subscribe"), clients);
            } finally {
                admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 33554432 8388608 60");
            }
        }
    }

    @Test
    void clientListFieldsAndFlags() throws Exception {
        try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port());
             RespClient admin = new RespClient(server.port())) {
            a.call("SUBSCRIBE", "c1", "c2");
            a.read();
            a.call("PSUBSCRIBE", "p*");
            a.call("SSUBSCRIBE", "s1");
            String aId = admin.call("CLIENT", "LIST", "TYPE", "pubsub");
            assertTrue(aId.contains(" flags=P ") && aId.contains(" sub=2 psub=1 ssub=1 "), aId);
            b.call("HELLO", "3");
            String bid = b.call("CLIENT", "ID").substring(1).trim();
            b.call("CLIENT", "TRACKING", "on", "BCAST");
            String info = b.call("CLIENT", "INFO");
            assertTrue(info.contains(" flags=tB ") && info.contains(" redir=0 "), info);
            b.call("MULTI");
            String inMulti = admin.call("CLIENT", "LIST", "ID", bid);
            assertTrue(inMulti.contains(" flags=txB ") || inMulti.contains(" flags=xtB "), inMulti);
            b.call("GET", "k");
            assertTrue(admin.call("CLIENT", "LIST", "ID", bid).contains(" multi=1 "));
            b.call("DISCARD");
            String stats = admin.call("INFO", "everything");
            assertTrue(stats.contains("tracking_clients:1\r\n"), stats);
            assertTrue(stats.contains("pubsub_channels:2\r\n") && stats.contains("pubsub_patterns:1\r\n")
                && stats.contains("pubsubshard_channels:1\r\n"), stats);
            assertTrue(stats.contains("tracking_total_prefixes:1\r\n"), stats);
            // a redirect to a client that went away: flag R once an invalidation finds it gone
            try (RespClient target = new RespClient(server.port())) {
                String tid = target.call("CLIENT", "ID").substring(1).trim();
                a.call("RESET");
                a.call("CLIENT", "TRACKING", "on", "REDIRECT", tid);
                a.call("GET", "gone");
            }
            assertTrue(waitFor(() -> !admin.call("CLIENT", "LIST").contains("cmd=client|id")));
            admin.call("SET", "gone", "1");
            String flags = admin.call("CLIENT", "LIST", "TYPE", "normal");
            assertTrue(flags.contains(" flags=tR "), flags);
        }
    }

    @Test
    void trackingTableMaxKeysEvictsWithInvalidations() throws Exception {
        try (RespClient c = new RespClient(server.port()); RespClient admin = new RespClient(server.port())) {
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "tracking-table-max-keys", "1"));
            try {
                c.call("HELLO", "3");
                assertEquals("+OK\r\n", c.call("CLIENT", "TRACKING", "on"));
                c.call("GET", "evict:a");
                c.call("GET", "evict:b"); // two keys remembered: one over the limit
                String push = c.call("PING"); // the limit is applied before the next command runs
                assertTrue(push.equals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nevict:a\r\n")
                    || push.equals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nevict:b\r\n"), push);
                assertEquals("+PONG\r\n", c.read());
                String info = admin.call("INFO", "stats");
                assertTrue(info.contains("tracking_total_keys:1\r\n") && info.contains("tracking_total_items:1\r\n"),
                    info);
            } finally {
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static boolean waitFor(Check c) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (c.ok()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
