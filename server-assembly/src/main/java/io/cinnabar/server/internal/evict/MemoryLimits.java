package io.cinnabar.server.internal.evict;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.MemoryManager;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code used_memory}, {@code maxmemory} eviction and {@code maxmemory-clients} (Redis's {@code evict.c} and the
 * client-eviction half of {@code networking.c}).
 * <h2>used_memory</h2>
 * What Redis's allocator would report for the same state, so that a {@code maxmemory} means the same thing here:
 * <pre>
 *   used_memory = STARTUP                     Redis 7's used_memory_startup (876088 bytes measured on 7.0.15)
 *               + dataset                     sum of MEMORY USAGE over every key, kept incrementally by the keyspace
 *               + dict overhead               bucket arrays of each db's dict and expires dict, expires dictEntries
 *               + clients                     query buffer + reply buffer + 1 KiB per connection, as they are
 *                                             now (after each read, before each command, after each write)
 *               + scripts                     EVAL script cache and function libraries
 *               + replication backlog         the ring, once a replica attached
 *               + AOF buffer                  while the AOF is on
 * </pre>
 * {@code mem_not_counted_for_evict} (Redis's freeMemoryGetNotCountedMemory) is the replicas' output buffers plus
 * the AOF buffer: both grow with the writes an eviction produces (its DELs go to the replicas and the AOF), so they
 * are subtracted before the eviction decision, which otherwise could feed itself. Redis 7 keeps one replication
 * buffer shared with the backlog and counts only its part beyond the backlog; here each replica has its own output
 * buffer and the backlog is a separate ring, which is what Redis 6's accounting described: the same quantity.
 * The JVM's own heap figures are reported beside it (INFO allocator_*, used_memory_rss), not in it: a garbage
 * collector's heap in use rises and falls with garbage, which would make maxmemory evict at random.
 * <h2>Eviction (performEvictions)</h2>
 * Before every command while maxmemory is set, and in every event-loop iteration while an eviction is
 * unfinished: while used_memory is above maxmemory, pick a key by the policy and evict it. Pooled policies
 * (LRU, LFU, TTL) sample {@code maxmemory-samples} keys of every non-empty database (all keys, or the volatile ones)
 * into the {@link EvictionPool} and take its best live candidate; random policies take a random key of the next
 * database round-robin. Every 16 keys the time spent is checked against {@code maxmemory-eviction-tenacity}'s
 * budget (50 us per step up to 10, then +15% a step; 100: no limit); past it the next loop iteration goes on
 * (EVICT_RUNNING, not a failure).
 * Nothing left to evict, or noeviction: EVICT_FAIL, and the pipeline refuses denyoom commands with OOM.
 * The limit is the tightest of {@code maxmemory}, the {@link HeapGuard}'s while the JVM heap runs short, and the
 * off-heap allocator's once the direct memory is nearly exhausted or an allocation failed ({@link #allocationFailed}:
 * 95% of used_memory then, lifted below 80% of that), each also without maxmemory: the server evicts or refuses writes instead of dying of
 * OutOfMemoryError.
 * Evicted keys count in {@code evicted_keys}, emit {@code evicted}, touch WATCH/tracking and propagate as DEL
 * (UNLINK with lazyfree-lazy-eviction).
 * <h2>Client eviction</h2>
 * While the clients' memory is above {@code maxmemory-clients} (bytes, or a percentage of maxmemory), the largest
 * clients are closed (not those with CLIENT NO-EVICT on, nor replicas or the master link), counted in
 * {@code evicted_clients}.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class MemoryLimits implements MemoryManager {
    /** used_memory_startup of Redis 7 with the default configuration (7.0.15: 876088). */
    public static final long STARTUP = 876_088;

    private final Server server;
    private final Keyspace ks;
    private final EvictionPool pool = new EvictionPool();
    private final LazyFree lazyFree;
    private Policy policy = Policy.NOEVICTION;
    private int samples = 5;
    private int tenacity = 10;
    private boolean lazyEviction;
    /** Round-robin database of the random policies (Redis's static next_db). */
    private int nextDb;
    /** An eviction stopped on its time budget: the cron continues it (Redis's evictionTimeProc). */
    private boolean evictionRunning;
    /** The normal clients' memory as last measured (INFO mem_clients_normal, client eviction). */
    private long clientsMem;
    /** Output and query buffers of the replicas attached to this server (INFO mem_clients_slaves). */
    private long replicasMem;
    /**
     * Every client's memory as it is now (the sum of {@link Client#memLive}): used_memory's part, which Redis's
     * allocator counts the moment a buffer grows, unlike the INFO figures above that wait for the cron.
     */
    private long clientsLive;
    /** The JVM's heap guard (one per JVM: the heap is shared by every server in it). */
    private static final HeapGuard HEAP = HeapGuard.install();
    /** The JVM's direct memory (the keyspace's slabs). */
    private static final DirectMemory DIRECT = DirectMemory.install();
    /** The heap limit the last cron run saw (its changes are logged). */
    private long heapLimitSeen;
    /** maxmemory-clients: bytes, or (clientsLimitPct) a percentage of maxmemory; 0 when off. */
    private long clientsLimitValue;
    private boolean clientsLimitPct;
    private long scriptsMem;
    /**
     * The used_memory limit set when the off-heap allocator could not get memory, or the direct memory is nearly
     * exhausted ({@link DirectMemory#nearlyFull()}, checked before each command) (0: none): below used_memory at
     * that moment by {@link #ALLOC_MARGIN}, so that eviction frees room in the slabs for what comes next; lifted once
     * used_memory fell below {@link #ALLOC_LIFT} of it and the direct memory has room again.
     */
    private long allocLimit;
    private long allocFailures;
    static final double ALLOC_MARGIN = 0.95;
    static final double ALLOC_LIFT = 0.80;

    public MemoryLimits(Server server, LazyFree lazyFree) {
        this.server = server;
        this.ks = server.keyspace;
        this.lazyFree = lazyFree;
        ks.lazyFreer = lazyFree;
        ks.setExpandPolicy(this::expandAllowed);
        for (String name : new String[] {"maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity",
                "lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                "lazyfree-lazy-user-del", "maxmemory-clients"}) {
            configChanged(name);
        }
    }

    /** Re-reads one of this class's options after CONFIG SET (called for every option; others are ignored). */
    @Override
    public void configChanged(String name) {
        var c = server.config;
        switch (name) {
            case "maxmemory-policy" -> policy = Policy.of(c.get("maxmemory-policy"));
            case "maxmemory-samples" -> samples = (int) c.getLong("maxmemory-samples");
            case "maxmemory-eviction-tenacity" -> tenacity = (int) c.getLong("maxmemory-eviction-tenacity");
            case "lazyfree-lazy-eviction" -> lazyEviction = c.getBool("lazyfree-lazy-eviction");
            case "lazyfree-lazy-expire" -> ks.lazyExpire = c.getBool("lazyfree-lazy-expire");
            case "lazyfree-lazy-server-del" -> ks.lazyServerDel = c.getBool("lazyfree-lazy-server-del");
            case "lazyfree-lazy-user-del" -> ks.lazyUserDel = c.getBool("lazyfree-lazy-user-del");
            case "maxmemory-clients" -> {
                String v = c.get("maxmemory-clients");
                clientsLimitPct = v.endsWith("%");
                clientsLimitValue = clientsLimitPct ? Long.parseLong(v.substring(0, v.length() - 1))
                    : c.getLong("maxmemory-clients");
                if (clientsLimitValue != 0 && server.clients != null) {
                    for (Client cl : server.clients.values()) {
                        clientChanged(cl); // Redis's applyClientMaxMemoryUsage: the evictable clients, measured now
                    }
                }
            }
            case "maxmemory" -> {
                warnAboveHeap();
                if (server.maxmemory > 0 && usedForEvict() > server.maxmemory) {
                    server.log.warning("WARNING: the new maxmemory value set via CONFIG SET (" + server.maxmemory
                        + ") is smaller than the current memory usage (" + usedForEvict() + "). This will result "
                        + "in key eviction and/or the inability to accept new write commands depending on the "
                        + "maxmemory-policy.");
                    // Redis's updateMaxmemory starts its eviction time event: the keys go after this command (and
                    // after the EXEC that ran it), each DEL propagated on its own, not inside the command
                    evictionRunning = true;
                }
            }
            default -> {
            }
        }
    }

    /**
     * A maxmemory the heap cannot hold is logged (at startup and CONFIG SET): the heap guard will then be the limit
     * that acts. A used_memory byte costs at least one heap byte (Java objects are larger than Redis's).
     */
    private void warnAboveHeap() {
        long heap = HEAP.maxHeap();
        if (heap > 0 && server.maxmemory > HeapGuard.HIGH * heap) {
            server.log.warning("WARNING: maxmemory (" + server.maxmemory + " bytes) is more than the JVM heap can "
                + "hold (max heap " + heap + " bytes, -Xmx). The heap guard limits used_memory by the real heap "
                + "headroom instead: keys are evicted by maxmemory-policy, or writes refused with OOM, when the heap "
                + "is " + (int) (HeapGuard.HIGH * 100) + "% full after a garbage collection. Raise -Xmx or lower "
                + "maxmemory.");
        }
    }

    /** Logs once at startup what the configuration implies for the heap. */
    public void startupChecks() {
        warnAboveHeap();
    }

    public Policy policy() {
        return policy;
    }

    // ---- used_memory

    @Override
    public long usedMemory() {
        return STARTUP + ks.usedDatasetBytes() + ks.dictOverhead() + clientsLive + scriptsMem + backlogMemory()
            + aofBufferMemory() + replicaLoadMemory();
    }

    /** A replica's diskless load in progress: the twin keyspace it fills (Redis's temporary databases). */
    private long replicaLoadMemory() {
        return server.replication == null ? 0 : server.replication.loadingMemory();
    }

    /** The replication buffer, shared by the backlog and the replicas: every block once. */
    private long backlogMemory() {
        return server.replication == null ? 0 : server.replication.totalReplicationBuffers();
    }

    private long aofBufferMemory() {
        return server.durability == null ? 0 : server.durability.bufferBytes();
    }

    /**
     * Whether a keyspace table may grow by moreBytes of buckets: Redis's overMaxmemoryAfterAlloc, which
     * dictExpandAllowed asks while the table's load is at most 1.618 (the table checks the load). Without maxmemory,
     * always; otherwise used_memory plus the new buckets, less what eviction does not count, must fit.
     */
    boolean expandAllowed(long moreBytes, double load) {
        long max = server.maxmemory;
        if (max <= 0) {
            return true;
        }
        long used = usedMemory();
        if (used + moreBytes <= max) {
            return true;
        }
        return Math.max(0, used - notCountedForEvict()) + moreBytes <= max;
    }

    /**
     * The replication buffer beyond repl-backlog-size and the AOF buffer (Redis's freeMemoryGetNotCountedMemory);
     * the replicas' connections themselves (query buffers, their own reply buffers) count, as in Redis.
     */
    @Override
    public long notCountedForEvict() {
        return (server.replication == null ? 0 : server.replication.notCountedForEvict()) + aofBufferMemory();
    }

    @Override
    public long replicasMemory() {
        return replicasMem;
    }

    @Override
    public long clientsMemory() {
        return clientsMem;
    }

    /**
     * Memory of one client as Redis's getClientMemoryUsage counts it ({@link Client#memoryUsage()}), without a
     * replica's share of the replication buffer (counted once, as the buffer); 0 once closed.
     */
    static long clientMemory(Client c) {
        return c.closed ? 0 : c.memoryUsage() - (c.shared == null ? 0 : c.shared.memory());
    }

    private void measureClients() {
        long sum = 0;
        long replicas = 0;
        for (Client c : server.clients.values()) {
            long mem = clientMemory(c);
            c.memCounted = mem;
            c.memLive = mem;
            if (c.replRole == Client.ROLE_REPLICA) {
                replicas += mem;
            } else {
                sum += mem;
            }
        }
        clientsMem = sum;
        replicasMem = replicas;
        clientsLive = sum + replicas;
        var sc = server.scripting;
        scriptsMem = sc == null ? 0 : sc.scriptsEvalMemory() + sc.functionsMemory();
    }

    @Override
    public void clientFreed(Client c) {
        if (c.replRole == Client.ROLE_REPLICA) {
            replicasMem = Math.max(0, replicasMem - c.memCounted);
        } else {
            clientsMem = Math.max(0, clientsMem - c.memCounted);
        }
        c.memCounted = 0;
        clientsLive = Math.max(0, clientsLive - c.memLive);
        c.memLive = 0;
    }

    /**
     * c's buffers changed (after a read, before and after its commands run, after a write). used_memory counts its memory now, as
     * Redis's allocator counts a query or reply buffer the moment it grows: a command's eviction check must see
     * the bytes every client has buffered so far, not the cron's last figure (the tcl suite's "eviction due to input
     * buffer of a dead client" sends INFO right after 30 clients each left 250 KB of an unfinished command).
     * Redis's updateClientMemUsageAndBucket: while maxmemory-clients is on, an evictable client is also re-measured
     * for the clients' total (INFO mem_clients_normal, client eviction); the others keep the cron's figure there,
     * as in Redis.
     */
    @Override
    public void clientChanged(Client c) {
        long mem = clientMemory(c);
        if (c.memLive != mem) {
            clientsLive += mem - c.memLive;
            c.memLive = mem;
        }
        if (clientsLimitValue == 0 || !evictable(c) && !c.closed) {
            return;
        }
        if (c.replRole == Client.ROLE_REPLICA) {
            replicasMem += mem - c.memCounted;
        } else {
            clientsMem += mem - c.memCounted;
        }
        c.memCounted = mem;
    }

    /** Redis's clientEvictionAllowed: normal and Pub/Sub clients without CLIENT NO-EVICT. */
    private static boolean evictable(Client c) {
        return !c.noEvict && !c.mustObey && c.replRole == Client.ROLE_NORMAL;
    }

    @Override
    public void cron(long nowMs) {
        measureClients();
        evictClients(null);
        heapCron();
        allocCron();
    }

    /**
     * Redis's evictionTimeProc, a time event due at once: an eviction stopped on its time budget goes on in every
     * event-loop iteration (after the ready clients, not only from the cron, whose 100 ms would leave the memory
     * over the limit meanwhile, and which DEBUG PAUSE-CRON stops) until the memory is under the limit or nothing
     * is left to evict. True while it still has work: the loop must not sleep then.
     */
    @Override
    public boolean continueEviction(long nowMs) {
        if (!evictionRunning) {
            return false;
        }
        if (limit() == 0) {
            evictionRunning = false;
            return false;
        }
        ks.cmdTimeMs = nowMs;
        evictionsFailed();
        return evictionRunning;
    }

    // ---- key eviction

    /**
     * The time budget of one eviction run in microseconds (Redis's evictionTimeLimitUs): 50 us per tenacity step
     * up to 10 (500 us), then 15% more per step, unlimited at 100.
     */
    static long timeLimitUs(int tenacity) {
        if (tenacity <= 10) {
            return 50L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        }
        return Long.MAX_VALUE;
    }

    /**
     * The limit eviction works to: the tightest of maxmemory, the heap guard's and the off-heap allocator's; 0 when
     * none is set.
     */
    long limit() {
        return tightest(tightest(server.maxmemory, HEAP.limit()), allocLimit);
    }

    private static long tightest(long a, long b) {
        return b > 0 && (a == 0 || b < a) ? b : a;
    }

    /** Before every command: also sets the off-heap limit when the direct memory is nearly exhausted. */
    @Override
    public boolean limited() {
        if (allocLimit == 0 && DIRECT.nearlyFull()) {
            setAllocLimit("direct memory " + DIRECT.used() + " of " + DIRECT.max() + " bytes in use");
        }
        return server.maxmemory > 0 || HEAP.limit() > 0 || allocLimit > 0;
    }

    @Override
    public void allocationFailed(String why) {
        setAllocLimit(why);
        allocFailures++;
        evictionsFailed(); // at once, as after a maxmemory change
    }

    private void setAllocLimit(String why) {
        long used = usedForEvict();
        long l = Math.max(1, (long) (used * ALLOC_MARGIN));
        if (allocLimit == 0 || l < allocLimit) {
            server.log.warning("WARNING: the keyspace's off-heap memory is exhausted (" + why + "): used_memory is "
                + "limited to " + l + " bytes (maxmemory " + server.maxmemory + ", policy "
                + server.config.get("maxmemory-policy") + ") until it is below " + (long) (l * ALLOC_LIFT)
                + " bytes. Raise -XX:MaxDirectMemorySize or set a maxmemory below it.");
            allocLimit = l;
        }
    }

    /** The off-heap allocator's limit (0: none) and how many allocations failed (tests, INFO). */
    long allocLimit() {
        return allocLimit;
    }

    long allocFailures() {
        return allocFailures;
    }

    /** Lifts the off-heap allocator's limit once enough memory was freed. */
    private void allocCron() {
        if (allocLimit > 0 && usedForEvict() < allocLimit * ALLOC_LIFT && !DIRECT.nearlyFull()) {
            server.log.notice("The keyspace's off-heap memory has room again: its limit is lifted.");
            allocLimit = 0;
        }
    }

    /** Publishes used_memory to the guard and logs when its limit starts or stops acting. */
    private void heapCron() {
        HEAP.publish(usedMemory());
        long h = HEAP.limit();
        if (h > 0 && heapLimitSeen == 0) {
            server.log.warning("WARNING: the JVM heap is " + HEAP.lastAfterGc() * 100 / HEAP.maxHeap() + "% full "
                + "after garbage collection (max heap " + HEAP.maxHeap() + " bytes): used_memory is limited to " + h
                + " bytes (maxmemory " + server.maxmemory + ", policy " + server.config.get("maxmemory-policy")
                + ") until the heap is below " + (int) (HeapGuard.TARGET * 100) + "% after a collection.");
        } else if (h == 0 && heapLimitSeen > 0) {
            server.log.notice("The JVM heap has room again: the heap guard's limit is lifted.");
        }
        heapLimitSeen = h;
    }

    /** used_memory minus what does not count for eviction. */
    private long usedForEvict() {
        return usedMemory() - notCountedForEvict();
    }

    @Override
    public boolean evictionsFailed() {
        evictionRunning = false;
        long limit = limit();
        if (ks.loading || limit == 0) {
            return false; // Redis's isSafeToPerformEvictions
        }
        long used = usedForEvict();
        HEAP.publish(used + notCountedForEvict());
        if (used <= limit) {
            return false;
        }
        if (policy == Policy.NOEVICTION) {
            return true;
        }
        long toFree = used - limit;
        long freed = 0;
        long keys = 0;
        long limitUs = timeLimitUs(tenacity);
        long start = System.nanoTime();
        while (freed < toFree) {
            // Redis's performEvictions counts what the delete itself freed: the invalidation messages and keyspace
            // notifications it sends afterwards grow client buffers, and counting those would evict again for
            // them (the feedback loop of tracking clients)
            long before = keyspaceBytes();
            if (!evictOne()) {
                return true; // nothing left to evict
            }
            freed += before - keyspaceBytes();
            keys++;
            if ((keys & 15) == 0) {
                if (usedForEvict() <= limit) {
                    return false; // a lazy free, or a client freed meanwhile, got there first (Redis checks too)
                }
                if ((System.nanoTime() - start) / 1000 >= limitUs) {
                    evictionRunning = true; // the next loop iteration goes on; this command runs (EVICT_RUNNING)
                    return false;
                }
            }
        }
        return false;
    }

    /** The keys' part of used_memory: the dataset and the key tables. */
    private long keyspaceBytes() {
        return ks.usedDatasetBytes() + ks.dictOverhead();
    }

    /** Picks the best key by the policy and evicts it; false when no key can be evicted. */
    boolean evictOne() {
        Db[] dbs = ks.dbs;
        if (policy.pooled()) {
            while (true) {
                long total = 0;
                for (Db db : dbs) {
                    int n = policy.allKeys ? db.size() : db.expiresCount();
                    if (n != 0) {
                        populate(db);
                        total += n;
                    }
                }
                if (total == 0) {
                    return false;
                }
                for (int k = EvictionPool.SIZE - 1; k >= 0; k--) {
                    if (!pool.used(k)) {
                        continue;
                    }
                    Db db = dbs[pool.db(k)];
                    Entry e = db.find(pool.key(k), 0, pool.keyLength(k));
                    pool.clear(k);
                    if (e != null && (policy.allKeys || ks.expireOf(db, e) != -1)) {
                        evict(db, e);
                        return true;
                    }
                    // a ghost: the key went away since it was sampled
                }
            }
        }
        for (int i = 0; i < dbs.length; i++) {
            Db db = dbs[(++nextDb & Integer.MAX_VALUE) % dbs.length];
            Entry e = policy.allKeys ? db.random() : randomVolatile(db);
            if (e != null) {
                evict(db, e);
                return true;
            }
        }
        return false;
    }

    private static Entry randomVolatile(Db db) {
        return db.randomVolatile();
    }

    /** Samples maxmemory-samples keys of db into the pool (Redis's evictionPoolPopulate). */
    private void populate(Db db) {
        int n = Math.min(samples, db.size()); // maxmemory-samples may be INT_MAX: never more draws than keys
        for (int j = 0; j < n; j++) {
            Entry e = policy.allKeys ? db.random() : randomVolatile(db);
            if (e == null) {
                return;
            }
            long score = switch (policy.rank) {
                case LRU -> ks.idleMs(e);
                case LFU -> 255 - ks.lfuDecr(e);
                case TTL -> Long.MAX_VALUE - ks.expireOf(db, e);
                default -> 0;
            };
            pool.offer(db.id, e.keyArray(), 0, e.klen(), score);
        }
    }

    private void evict(Db db, Entry e) {
        ks.evict(db, e, lazyEviction);
        server.stats.evictedKeys++;
    }

    // ---- client eviction

    /** maxmemory-clients in bytes (a percentage applies to maxmemory), 0 when off. */
    long clientsLimit() {
        return clientsLimitPct ? server.maxmemory * clientsLimitValue / 100 : clientsLimitValue;
    }

    /**
     * Redis's evictClients: while the clients' memory is at or above maxmemory-clients, an evictable client of the
     * largest memory bucket is closed. Called after each read (a big argument's header is enough), before each command, after the
     * writes of a loop iteration and from the cron. An evicted client is freed at once (CLIENT LIST no longer shows
     * it), except the one running a command (current, or the server's current client), closed once that is done.
     */
    @Override
    public void evictClients(Client current) {
        long limit = clientsLimit();
        if (limit == 0) {
            return;
        }
        if (current != null) {
            clientChanged(current); // the figure a command is checked against includes what the last read buffered
        }
        if (clientsMem < limit) {
            return;
        }
        ArrayList<Client> candidates = new ArrayList<>();
        for (Client c : server.clients.values()) {
            if (evictable(c) && !c.closed) {
                candidates.add(c);
            }
        }
        // Redis walks its memory buckets (log2 of tot-mem) from the largest; within one, the clients in the order they
        // entered it (here: by age)
        candidates.sort((a, b) -> a.memCounted == b.memCounted || bucket(a.memCounted) == bucket(b.memCounted)
            ? Long.compare(a.id, b.id) : Integer.compare(bucket(b.memCounted), bucket(a.memCounted)));
        for (Client c : candidates) {
            if (clientsMem < limit) {
                return;
            }
            server.log.notice("Evicting client: id=" + c.id + " addr=" + c.addr + " name=" + c.name() + " tot-mem="
                + c.memCounted);
            server.stats.evictedClients++;
            if (c == current || c == server.current) {
                // closed once its command is done, its buffers leave used_memory now: Redis frees it at once, and
                // the next command's key eviction (another client's, in the same loop iteration) must not count
                // them (unit/maxmemory's MGET clients)
                server.loop.closeAsync(c);
                clientChanged(c);
            } else {
                server.loop.closeNow(c); // clientFreed takes its memory off the total
            }
        }
        if (clientsMem >= limit) {
            server.log.warning("Over client maxmemory after evicting all evictable clients");
        }
    }

    /**
     * DEBUG CLIENT-EVICTION: the evictable clients by Redis's memory buckets (log2 of tot-mem, from 32 KB to 4 GB),
     * each with its clients' memory and count; null while maxmemory-clients is off.
     */
    @Override
    public String clientEvictionBuckets() {
        if (clientsLimitValue == 0) {
            return null;
        }
        long[] sums = new long[BUCKETS];
        long[] counts = new long[BUCKETS];
        for (Client c : server.clients.values()) {
            if (evictable(c) && !c.closed) {
                int b = bucket(c.memCounted);
                sums[b] += c.memCounted;
                counts[b]++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < BUCKETS; j++) {
            String from = j == 0 ? "0" : Long.toString(1L << (j - 1 + BUCKET_MIN_LOG));
            sb.append("bucket ").append(" ".repeat(Math.max(0, 10 - from.length()))).append(from);
            if (j == BUCKETS - 1) {
                sb.append("+            : ");
            } else {
                String to = Long.toString((1L << (j + BUCKET_MIN_LOG)) - 1);
                sb.append(" - ").append(" ".repeat(Math.max(0, 10 - to.length()))).append(to).append(": ");
            }
            String sum = Long.toString(sums[j]);
            sb.append("tot-mem: ").append(" ".repeat(Math.max(0, 10 - sum.length()))).append(sum)
                .append(", clients: ").append(counts[j]).append('\n');
        }
        return sb.toString();
    }

    /** Redis's CLIENT_MEM_USAGE_BUCKET_MIN_LOG / _MAX_LOG: buckets of 32 KB up to 4 GB and above. */
    static final int BUCKET_MIN_LOG = 15;
    static final int BUCKET_MAX_LOG = 33;
    static final int BUCKETS = BUCKET_MAX_LOG - BUCKET_MIN_LOG + 1;

    /** Redis's getMemUsageBucket: the bit length of mem, clamped to [MIN_LOG, MAX_LOG], from 0. */
    static int bucket(long mem) {
        int bits = 64 - Long.numberOfLeadingZeros(mem);
        return Math.min(BUCKET_MAX_LOG, Math.max(BUCKET_MIN_LOG, bits)) - BUCKET_MIN_LOG;
    }

    // ---- lazy free

    @Override
    public long lazyfreePending() {
        return lazyFree.pending();
    }

    @Override
    public long lazyfreed() {
        return lazyFree.freed();
    }

    @Override
    public void resetStats() {
        lazyFree.resetStats();
    }
}
