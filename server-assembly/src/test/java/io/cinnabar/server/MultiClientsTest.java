package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** Transactions through unmodified clients against the embedded server: Jedis's Transaction and Lettuce's MULTI. */
class MultiClientsTest {
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
    void jedisTransactionWatchAndDiscard() {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port()); Jedis other = new Jedis("127.0.0.1", server.port())) {
            jedis.flushAll();
            Transaction t = jedis.multi();
            Response<String> set = t.set("k", "v");
            Response<Long> incr = t.incr("n");
            Response<Long> bad = t.incr("k");
            Response<String> get = t.get("k");
            List<Object> all = t.exec();
            assertEquals(4, all.size());
            assertEquals("OK", set.get());
            assertEquals(1L, incr.get());
            assertThrows(JedisDataException.class, bad::get); // the error stays in its slot
            assertEquals("v", get.get());

            jedis.watch("k");
            other.set("k", "changed");
            Transaction t2 = jedis.multi();
            t2.set("k", "mine");
            assertNull(t2.exec()); // WATCH saw the other connection's write
            assertEquals("changed", jedis.get("k"));

            jedis.watch("k");
            Transaction t3 = jedis.multi();
            t3.set("k", "mine");
            assertEquals(List.of("OK"), t3.exec());
            assertEquals("mine", jedis.get("k"));

            Transaction t4 = jedis.multi();
            t4.set("k", "discarded");
            assertEquals("OK", t4.discard());
            assertEquals("mine", jedis.get("k"));
        }
    }

    @Test
    void lettuceTransactionsInResp2AndResp3() {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + server.port()));
        client.setDefaultTimeout(Duration.ofSeconds(10));
        try {
            for (ProtocolVersion v : new ProtocolVersion[] {ProtocolVersion.RESP2, ProtocolVersion.RESP3}) {
                client.setOptions(ClientOptions.builder().protocolVersion(v).build());
                try (StatefulRedisConnection<String, String> conn = client.connect();
                        StatefulRedisConnection<String, String> otherConn = client.connect()) {
                    RedisCommands<String, String> r = conn.sync();
                    r.flushall();
                    assertEquals("OK", r.multi());
                    r.set("a", "1");
                    r.incr("a");
                    r.lpush("a", "x"); // WRONGTYPE at EXEC, in its slot
                    r.get("a");
                    TransactionResult res = r.exec();
                    assertEquals(false, res.wasDiscarded(), v.toString());
                    assertEquals(4, res.size());
                    assertEquals("OK", res.get(0));
                    assertEquals(2L, (Long) res.get(1));
                    assertInstanceOf(Exception.class, res.get(2));
                    assertEquals("2", res.get(3));

                    assertEquals("OK", r.watch("a"));
                    otherConn.sync().set("a", "theirs");
                    r.multi();
                    r.set("a", "mine");
                    TransactionResult aborted = r.exec();
                    assertTrue(aborted.wasDiscarded(), v.toString());
                    assertEquals("theirs", r.get("a"));
                    assertEquals("OK", r.unwatch());
                }
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
