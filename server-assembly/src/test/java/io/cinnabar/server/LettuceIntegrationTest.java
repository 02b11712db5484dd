package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The unmodified Lettuce client, speaking RESP3 (HELLO 3) and RESP2, against the embedded server. */
class LettuceIntegrationTest {
    static CinnabarServer server;
    static RedisClient client;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().port(0).start();
        client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
        client.setDefaultTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        server.close();
    }

    private StatefulRedisConnection<String, String> connect(ProtocolVersion v) {
        client.setOptions(ClientOptions.builder().protocolVersion(v).build());
        return client.connect();
    }

    @Test
    void resp3StringsKeysExpiry() {
        try (StatefulRedisConnection<String, String> conn = connect(ProtocolVersion.RESP3)) {
            RedisCommands<String, String> r = conn.sync();
            r.flushall();
            assertEquals("OK", r.set("k", "v"));
            assertEquals("v", r.get("k"));
            assertNull(r.get("missing"));
            assertEquals(5L, r.incrby("n", 5));
            assertEquals(6.5, r.incrbyfloat("n", 1.5));
            assertEquals("OK", r.set("e", "1", SetArgs.Builder.ex(100)));
            assertTrue(r.ttl("e") > 90);
            assertEquals(Boolean.TRUE, r.expire("k", 50));
            assertTrue(r.pttl("k") > 40_000);
            assertEquals(Boolean.TRUE, r.persist("k"));
            assertEquals(3L, r.exists("k", "e", "n"));
            assertEquals("string", r.type("k"));
            assertEquals(1L, r.del("k"));
            for (int i = 0; i < 50; i++) {
                r.set("s" + i, "x");
            }
            Set<String> seen = new HashSet<>();
            KeyScanCursor<String> cur = r.scan(ScanArgs.Builder.matches("s*").limit(5));
            seen.addAll(cur.getKeys());
            while (!cur.isFinished()) {
                cur = r.scan(ScanCursor.of(cur.getCursor()), ScanArgs.Builder.matches("s*").limit(5));
                seen.addAll(cur.getKeys());
            }
            assertEquals(50, seen.size());
            assertEquals("embstr", r.objectEncoding("s1"));
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
                () -> r.incr("s1"));
            assertEquals("ERR value is not an integer or out of range", e.getMessage());
            assertTrue(r.info("keyspace").contains("db0:keys=52"));
            assertTrue(r.configGet("maxmemory-policy").containsValue("noeviction"));
        }
    }

    @Test
    void asyncPipelining() throws Exception {
        for (ProtocolVersion v : ProtocolVersion.values()) {
            try (StatefulRedisConnection<String, String> conn = connect(v)) {
                conn.setAutoFlushCommands(false);
                RedisAsyncCommands<String, String> a = conn.async();
                List<RedisFuture<?>> futures = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    futures.add(a.set("a" + i, Integer.toString(i)));
                    futures.add(a.incr("counter-" + v));
                }
                RedisFuture<String> last = a.get("a1999");
                futures.add(last);
                conn.flushCommands();
                assertTrue(LettuceFutures.awaitAll(10, TimeUnit.SECONDS, futures.toArray(new RedisFuture[0])));
                assertEquals("1999", last.get());
                conn.setAutoFlushCommands(true);
                assertEquals(2000L, conn.sync().incrby("counter-" + v, 0));
            }
        }
    }
}
