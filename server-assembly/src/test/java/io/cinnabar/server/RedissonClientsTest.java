package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RBloomFilter;
import org.redisson.api.RBucket;
import org.redisson.api.RCountDownLatch;
import org.redisson.api.RLock;
import org.redisson.api.RMap;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RSemaphore;
import org.redisson.api.RTopic;
import org.redisson.api.RateIntervalUnit;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.Protocol;
import redis.clients.jedis.Jedis;

/**
 * The unmodified Redisson client against the embedded server. Its objects are built from Lua scripts (EVAL/EVALSHA
 * with {@code struct}, hashes, sorted sets, PEXPIRE) plus Pub/Sub (lock release notices), so this is the proof that
 * scripting and Pub/Sub hold up under real client code: RLock (reentrancy, lease time, a waiter woken by the
 * unlock notice), RReadWriteLock, RFairLock, RSemaphore, RCountDownLatch, RMap and RMapCache (per-entry TTL),
 * RRateLimiter, RAtomicLong, RBucket with TTL, RTopic and RBlockingQueue; and a second client in RESP3 (RLock,
 * RMap, RScoredSortedSet, RBloomFilter, RTopic). Values read back through Redisson are also checked through Jedis
 * on the raw keyspace. The same class passed unchanged against redis-server 7.0.15 (RealRedis) when written.
 */
class RedissonClientsTest {
    static CinnabarServer server;
    static RedissonClient redisson;
    static Jedis jedis;
    static int port;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        port = server.port();
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer()
            .setAddress("redis://127.0.0.1:" + server.port())
            .setConnectionMinimumIdleSize(1)
            .setConnectionPoolSize(4)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(2)
            .setTimeout(5000)
            .setRetryAttempts(0);
        redisson = Redisson.create(config);
        jedis = new Jedis("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() {
        try {
            if (jedis != null) {
                jedis.close();
            }
            if (redisson != null) {
                redisson.shutdown(0, 2, TimeUnit.SECONDS);
            }
        } finally {
            server.close();
        }
    }

    @BeforeEach
    void flush() {
        jedis.flushAll();
    }

    @Test
    void lockReentrancyLeaseAndWaiter() throws Exception {
        RLock lock = redisson.getLock("lock");
        lock.lock();
        assertTrue(lock.isLocked());
        assertTrue(lock.isHeldByCurrentThread());
        lock.lock();
        assertEquals(2, lock.getHoldCount());
        // Redisson keeps the lock as a hash {clientId:threadId -> hold count} with a watchdog TTL
        Map<String, String> raw = jedis.hgetAll("lock");
        assertEquals(1, raw.size());
        assertEquals("2", raw.values().iterator().next());
        assertTrue(jedis.pttl("lock") > 0);
        lock.unlock();
        assertEquals(1, lock.getHoldCount());
        assertTrue(lock.isLocked());

        // another thread cannot take it, and blocks until the unlock notice (PUBLISH from the unlock script)
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean gotIt = new AtomicBoolean();
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            RLock same = redisson.getLock("lock");
            if (same.tryLock()) {
                same.unlock();
                return false;
            }
            waiting.countDown();
            try {
                gotIt.set(same.tryLock(10, 10, TimeUnit.SECONDS));
                boolean mine = same.isHeldByCurrentThread();
                same.unlock();
                return mine;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        assertFalse(other.isDone());
        lock.unlock();
        assertTrue(other.get(15, TimeUnit.SECONDS));
        assertTrue(gotIt.get());
        assertFalse(lock.isLocked());
        assertEquals(0, jedis.exists("lock") ? 1 : 0);

        // tryLock with a lease time: the key's TTL is the lease, not the watchdog's 30 s
        RLock leased = redisson.getLock("leased");
        assertTrue(leased.tryLock(0, 2, TimeUnit.SECONDS));
        long pttl = jedis.pttl("leased");
        assertTrue(pttl > 0 && pttl <= 2000, "pttl " + pttl);
        assertTrue(leased.remainTimeToLive() > 0);
        boolean otherGot = CompletableFuture.supplyAsync(() -> redisson.getLock("leased").tryLock()).get(10,
            TimeUnit.SECONDS);
        assertFalse(otherGot);
        leased.unlock();
        assertFalse(jedis.exists("leased"));
    }

    @Test
    void map() {
        RMap<String, String> map = redisson.getMap("map");
        assertNull(map.put("a", "1"));
        assertEquals("1", map.put("a", "2"));
        assertEquals("2", map.get("a"));
        assertTrue(map.fastPut("b", "3"));
        assertFalse(map.fastPut("b", "4"));
        assertEquals("4", map.putIfAbsent("b", "5"));
        assertNull(map.putIfAbsent("c", "6"));
        assertEquals(3, map.size());
        assertTrue(map.containsKey("c"));
        assertEquals("6", map.remove("c"));
        assertNull(map.remove("c"));
        assertEquals(Map.of("a", "2", "b", "4"), map.readAllMap());
        assertEquals(Map.of("a", "2", "b", "4"),
            map.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertEquals(Map.of("a", "2", "b", "4"), jedis.hgetAll("map"));
        assertEquals(1L, map.fastRemove("a", "zz"));
        assertEquals(Map.of("b", "4"), jedis.hgetAll("map"));
    }

    @Test
    void mapCacheWithTtl() throws Exception {
        RMapCache<String, String> cache = redisson.getMapCache("cache");
        cache.put("forever", "v1");
        cache.put("short", "v2", 300, TimeUnit.MILLISECONDS);
        assertEquals("v1", cache.get("forever"));
        assertEquals("v2", cache.get("short"));
        assertEquals(2, cache.size());
        // the expiry lives in a sorted set next to the hash
        assertEquals(1L, jedis.zcard("redisson__timeout__set:{cache}"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.get("short") != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertNull(cache.get("short"));
        assertEquals("v1", cache.get("forever"));
        assertEquals(Map.of("forever", "v1"), cache.readAllMap());
        assertNull(cache.putIfAbsent("short", "v3", 10, TimeUnit.SECONDS));
        assertEquals("v3", cache.get("short"));
        long ttl = cache.remainTimeToLive("short");
        assertTrue(ttl > 0 && ttl <= 10_000, "ttl " + ttl);
    }

    @Test
    void rateLimiter() {
        RRateLimiter limiter = redisson.getRateLimiter("limiter");
        assertTrue(limiter.trySetRate(RateType.OVERALL, 5, 1, RateIntervalUnit.MINUTES));
        assertFalse(limiter.trySetRate(RateType.OVERALL, 9, 1, RateIntervalUnit.MINUTES));
        assertEquals(5L, limiter.getConfig().getRate());
        assertEquals(60_000L, limiter.getConfig().getRateInterval());
        assertTrue(limiter.tryAcquire(2));
        assertEquals(3L, limiter.availablePermits());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire(1, 100, TimeUnit.MILLISECONDS));
        assertEquals(0L, limiter.availablePermits());
        // the config hash, the permit counter and the sorted set of permits taken
        assertEquals("5", jedis.hget("limiter", "rate"));
        assertEquals("0", jedis.get("{limiter}:value"));
        assertEquals(4L, jedis.zcard("{limiter}:permits"));
    }

    @Test
    void atomicLongAndBucket() throws Exception {
        RAtomicLong counter = redisson.getAtomicLong("counter");
        assertEquals(0L, counter.get());
        assertEquals(1L, counter.incrementAndGet());
        assertEquals(11L, counter.addAndGet(10));
        assertTrue(counter.compareAndSet(11, 42));
        assertFalse(counter.compareAndSet(11, 43));
        assertEquals(42L, counter.getAndSet(7));
        assertEquals(6L, counter.decrementAndGet());
        assertEquals("6", jedis.get("counter"));
        assertEquals(6L, counter.getAndDelete());
        assertFalse(jedis.exists("counter"));

        RBucket<String> bucket = redisson.getBucket("bucket");
        bucket.set("value", java.time.Duration.ofSeconds(30));
        assertEquals("value", bucket.get());
        long ttl = bucket.remainTimeToLive();
        assertTrue(ttl > 0 && ttl <= 30_000, "ttl " + ttl);
        assertFalse(bucket.setIfAbsent("other"));
        assertEquals("value", bucket.getAndSet("new"));
        assertEquals(-1L, jedis.pttl("bucket"));
        assertTrue(bucket.compareAndSet("new", "newer"));
        assertEquals("newer", jedis.get("bucket"));
        RBucket<String> shortLived = redisson.getBucket("short");
        shortLived.set("x", java.time.Duration.ofMillis(200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (shortLived.isExists() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertNull(shortLived.get());
    }

    @Test
    void topic() throws Exception {
        RTopic topic = redisson.getTopic("news");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        int id = topic.addListener(String.class, (channel, msg) -> got.add(channel + "=" + msg));
        assertEquals(1L, topic.countSubscribers());
        assertEquals(List.of("news"), jedis.pubsubChannels());
        assertEquals(1L, topic.publish("hello"));
        assertEquals(1L, jedis.publish("news", "from jedis"));
        assertEquals("news=hello", got.poll(10, TimeUnit.SECONDS));
        assertEquals("news=from jedis", got.poll(10, TimeUnit.SECONDS));
        topic.removeListener(id);
        assertEquals(0L, topic.publish("nobody"));
    }

    @Test
    void blockingQueue() throws Exception {
        RBlockingQueue<String> queue = redisson.getBlockingQueue("queue");
        assertNull(queue.poll(200, TimeUnit.MILLISECONDS));
        assertTrue(queue.offer("a"));
        assertTrue(queue.add("b"));
        assertEquals(List.of("a", "b"), jedis.lrange("queue", 0, -1));
        assertEquals("a", queue.poll(1, TimeUnit.SECONDS));
        assertEquals("b", queue.take());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.poll(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!jedis.clientList().contains("cmd=blpop") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1L, jedis.rpush("queue", "c"));
        assertEquals("c", waiter.get(15, TimeUnit.SECONDS));
        assertEquals(0L, jedis.llen("queue"));
    }

    @Test
    void readWriteLockSemaphoreLatchAndFairLock() throws Exception {
        RReadWriteLock rw = redisson.getReadWriteLock("rw");
        rw.readLock().lock();
        assertEquals("read", jedis.hget("rw", "mode"));
        boolean writerGot = CompletableFuture.supplyAsync(() -> redisson.getReadWriteLock("rw").writeLock().tryLock())
            .get(10, TimeUnit.SECONDS);
        assertFalse(writerGot);
        boolean readerGot = CompletableFuture.supplyAsync(() -> {
            RLock r = redisson.getReadWriteLock("rw").readLock();
            boolean got = r.tryLock();
            if (got) {
                r.unlock();
            }
            return got;
        }).get(10, TimeUnit.SECONDS);
        assertTrue(readerGot);
        rw.readLock().unlock();
        assertTrue(rw.writeLock().tryLock());
        assertEquals("write", jedis.hget("rw", "mode"));
        rw.writeLock().unlock();
        assertFalse(jedis.exists("rw"));

        RSemaphore sem = redisson.getSemaphore("sem");
        assertTrue(sem.trySetPermits(3));
        assertFalse(sem.trySetPermits(5));
        assertTrue(sem.tryAcquire(2));
        assertEquals(1, sem.availablePermits());
        assertFalse(sem.tryAcquire(2));
        sem.release(2);
        assertEquals("3", jedis.get("sem"));

        RCountDownLatch latch = redisson.getCountDownLatch("latch");
        assertTrue(latch.trySetCount(2));
        CompletableFuture<Boolean> awaiting = CompletableFuture.supplyAsync(() -> {
            try {
                return redisson.getCountDownLatch("latch").await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        latch.countDown();
        assertEquals(1L, latch.getCount());
        assertFalse(awaiting.isDone());
        latch.countDown();
        assertTrue(awaiting.get(15, TimeUnit.SECONDS));
        assertEquals(0L, latch.getCount());

        RLock fair = redisson.getFairLock("fair");
        fair.lock();
        CompletableFuture<Boolean> queued = CompletableFuture.supplyAsync(() -> {
            RLock f = redisson.getFairLock("fair");
            try {
                boolean got = f.tryLock(10, 10, TimeUnit.SECONDS);
                if (got) {
                    f.unlock();
                }
                return got;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jedis.llen("redisson_lock_queue:{fair}") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1L, jedis.llen("redisson_lock_queue:{fair}"));
        fair.unlock();
        assertTrue(queued.get(15, TimeUnit.SECONDS));
        assertFalse(fair.isLocked());
    }

    /** The same objects through a second client speaking RESP3 (HELLO 3; maps, sets and doubles come back typed). */
    @Test
    void resp3ClientSortedSetAndBloomFilter() throws Exception {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setProtocol(Protocol.RESP3);
        config.useSingleServer()
            .setAddress("redis://127.0.0.1:" + port)
            .setConnectionMinimumIdleSize(1)
            .setConnectionPoolSize(2)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(1)
            .setRetryAttempts(0);
        RedissonClient r3 = Redisson.create(config);
        try {
            RLock lock = r3.getLock("lock3");
            lock.lock();
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                RLock l = r3.getLock("lock3");
                try {
                    boolean got = l.tryLock(10, 10, TimeUnit.SECONDS);
                    if (got) {
                        l.unlock();
                    }
                    return got;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            lock.unlock();
            assertTrue(waiter.get(15, TimeUnit.SECONDS));

            RMap<String, String> map = r3.getMap("map3");
            map.putAll(Map.of("x", "1", "y", "2"));
            assertEquals(Map.of("x", "1", "y", "2"), map.readAllMap());
            assertEquals(2, map.readAllKeySet().size());

            RScoredSortedSet<String> zset = r3.getScoredSortedSet("zset3");
            assertTrue(zset.add(1.5, "a"));
            assertTrue(zset.add(0.5, "b"));
            assertEquals(1.5, zset.getScore("a"));
            assertEquals(2.5, zset.addScore("b", 2.0));
            assertEquals(List.of("a", "b"), List.copyOf(zset.readAll()));
            assertEquals("a", zset.first());
            assertEquals(Integer.valueOf(1), zset.rank("b"));
            assertEquals(List.of("a"), jedis.zrangeByScore("zset3", 1, 2));

            RBloomFilter<String> bloom = r3.getBloomFilter("bloom3");
            assertTrue(bloom.tryInit(1000, 0.01));
            assertTrue(bloom.add("alpha"));
            assertFalse(bloom.add("alpha"));
            assertTrue(bloom.contains("alpha"));
            assertFalse(bloom.contains("beta"));
            assertEquals(1000L, bloom.getExpectedInsertions());

            RTopic topic = r3.getTopic("news3");
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            topic.addListener(String.class, (channel, msg) -> got.add(msg));
            assertEquals(1L, jedis.publish("news3", "typed"));
            assertEquals("typed", got.poll(10, TimeUnit.SECONDS));
        } finally {
            r3.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
