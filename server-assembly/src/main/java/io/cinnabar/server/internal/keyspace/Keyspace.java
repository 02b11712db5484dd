package io.cinnabar.server.internal.keyspace;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.config.Notify;

import io.cinnabar.server.internal.keyspace.mem.DefragStats;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The keyspace as one API (Redis's {@code db.c} + {@code expire.c}): the numbered databases, lookups with the
 * expiry and access-time rules inside ({@link #lookupRead}, {@link #lookupWrite}), the mutations commands make
 * ({@link #add}, {@link #delete}, {@link #setExpire}, {@link #removeExpire}, {@link #flush},
 * {@link #signalModified}), the active expiry cycle, and the listener seam ({@link #addListener}): whatever must
 * react to a key changing registers a {@link KeyspaceListener} here instead of being called by name.
 * <p>
 * Time: {@link #cmdTimeMs} is the time of the command being executed (Redis 7.2 freezes it for the whole
 * command), set by the command pipeline; all expiry decisions use it. The LRU clock has 1 s resolution.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Keyspace {
    /** The databases (fixed at startup; SWAPDB exchanges contents, not objects). */
    public final Db[] dbs;
    /** Time of the command being executed, unix ms. */
    public long cmdTimeMs;
    /** Redis's LRU clock: unix seconds, 24 bits. */
    public int lruClock;
    /** maxmemory-policy is an LFU one: access data is a frequency counter instead of a time. */
    public boolean lfu;
    public long lfuLogFactor;
    public long lfuDecayTime;
    /** DEBUG SET-ACTIVE-EXPIRE. */
    public boolean activeExpireEnabled = true;
    /**
     * Set while the AOF (or an RDB) is loaded: keys are not expired lazily and an expire time in the past is kept
     * (Redis's {@code server.loading} in expireIfNeeded and checkAlreadyExpired).
     */
    public boolean loading;
    /**
     * Set while this server is a replica: it expires nothing itself (no active cycle, no lazy deletion); a key
     * whose time passed is absent for its clients and stays until the master's DEL (Redis's expireIfNeeded).
     */
    public boolean replica;
    /** Set while a command of the master runs on a replica: keys whose time passed still exist for it. */
    public boolean obey;
    /**
     * replica-read-only (as a replica): when off, a write lookup deletes a key whose time passed (Redis's
     * lookupKey forcing the deletion on a writable replica).
     */
    public boolean replicaReadOnly = true;
    /**
     * Whether clients are paused (CLIENT PAUSE, a failover, a shutdown's wait; wired by Assembly): the dataset
     * is kept constant, so neither the active cycle nor a read expires a key whose time passed; it is absent for
     * the clients and deleted after the pause (Redis's checkClientPauseTimeoutAndReturnIfPaused in expireIfNeeded
     * and activeExpireCycle).
     */
    public java.util.function.BooleanSupplier paused = () -> false;
    /** active-expire-effort (1..10). */
    public int activeExpireEffort = 1;
    /** Redis's LAZYFREE_THRESHOLD: a value of a larger free effort is freed by the lazy-free thread. */
    public static final long LAZYFREE_THRESHOLD = 64;
    /** The lazy-free thread (evict.LazyFree, wired by Assembly), or null: every deletion is then synchronous. */
    public LazyFreer lazyFreer;
    /** lazyfree-lazy-expire, lazyfree-lazy-server-del, lazyfree-lazy-user-del. */
    public boolean lazyExpire;
    public boolean lazyServerDel;
    public boolean lazyUserDel;

    // INFO stats of the keyspace
    public long hits;
    public long misses;
    public long expiredKeys;
    public long expiredStalePerc; // x100
    public long expiredTimeCapReached;
    public long expireCycleCpuMs;

    /**
     * Changes since the last save (Redis's server.dirty, INFO rdb_changes_since_last_save): moved only by the
     * write API below ({@link #modified}, {@link #changes}, {@link #flush}, {@link #swap}), which commands call
     * with Redis's per-command counts.
     */
    public long dirty;
    /** Keyspace notifications: commands emit their events here; the keyspace emits new, expired and keymiss. */
    public final KeyspaceEvents events = new KeyspaceEvents();

    private KeyspaceListener[] listeners = new KeyspaceListener[0];
    /** The running snapshot's copy-before-write barrier, or null. */
    private SnapshotBarrier barrier;
    /** Snapshot epoch: every entry carries it except, during a snapshot, the keys not yet saved. */
    private byte epoch;

    /** The entry views of every database (see {@link Entry}). */
    private final Views views = new Views();
    /** Active defragmentation counters of every database's cycle (INFO stats active_defrag_*). */
    private final DefragStats defragStats = new DefragStats();

    public Keyspace(int databases) {
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(i, views, defragStats);
        }
    }

    /**
     * Sets, for every database, who decides whether a growing table may reserve its new buckets: the memory
     * manager refuses a growth that would exceed maxmemory while the load is at most 1.618 (Redis's
     * dictExpandAllowed). At assembly time.
     */
    public void setExpandPolicy(io.cinnabar.server.internal.keyspace.mem.ExpandPolicy p) {
        for (Db db : dbs) {
            db.setExpandPolicy(p);
        }
    }

    // ---- off-heap memory and active defragmentation (Redis's activedefrag)

    private boolean defragEnabled;
    private long defragIgnoreBytes = 100L << 20;
    private int defragLower = 10;
    private int defragUpper = 100;
    private int defragCycleMin = 1;
    private int defragCycleMax = 25;

    /**
     * Applies activedefrag and the active-defrag-* settings (Redis accepts any pair of thresholds and cycle limits:
     * an upper threshold not above the lower one, or a max under the min, is used as lower + 1 and min).
     */
    public void configureDefrag(boolean enabled, long ignoreBytes, int lower, int upper, int cycleMin, int cycleMax) {
        defragEnabled = enabled;
        defragIgnoreBytes = Math.max(0, ignoreBytes);
        defragLower = Math.max(0, lower);
        defragUpper = Math.max(defragLower + 1, upper);
        defragCycleMin = Math.max(1, Math.min(99, cycleMin));
        defragCycleMax = Math.max(defragCycleMin, Math.min(99, cycleMax));
    }

    /**
     * The cron's defragmentation step (Redis's activeDefragCycle): each database's cycle measures its allocator once
     * a second and, while fragmented past the thresholds, moves entries out of sparse slabs for its share of the
     * cron period. Skipped while an entry view is bound (a move would leave it on a stale handle): views are
     * released at the top of every event-loop iteration, before the cron.
     */
    public void defragCron(int hz) {
        if (!views.idle()) {
            return;
        }
        for (Db db : dbs) {
            db.defragCron(defragEnabled, defragIgnoreBytes, defragLower, defragUpper, defragCycleMin, defragCycleMax,
                hz);
        }
    }

    /** The defragmentation counters (INFO stats). */
    public DefragStats defragStats() {
        return defragStats;
    }

    /** INFO active_defrag_running: the highest CPU percentage of a running scan, 0 when none runs. */
    public int defragRunning() {
        int n = 0;
        for (Db db : dbs) {
            n = Math.max(n, db.defrag().running());
        }
        return n;
    }

    /** INFO total_active_defrag_time (ms), over the databases' current cycles. */
    public long defragTotalTimeMs() {
        long n = 0;
        for (Db db : dbs) {
            n += db.defrag().totalTimeMs();
        }
        return n;
    }

    /** INFO current_active_defrag_time (ms): the longest running scan. */
    public long defragCurrentTimeMs() {
        long n = 0;
        for (Db db : dbs) {
            n = Math.max(n, db.defrag().currentTimeMs());
        }
        return n;
    }

    /** Bytes of live off-heap allocations of every database (allocator_allocated). O(databases). */
    public long offHeapAllocated() {
        long n = 0;
        for (Db db : dbs) {
            n += db.allocator().allocatedBytes();
        }
        return n;
    }

    /** Bytes of off-heap slabs in use (allocator_active). O(databases). */
    public long offHeapActive() {
        long n = 0;
        for (Db db : dbs) {
            n += db.allocator().activeBytes();
        }
        return n;
    }

    /** Bytes of off-heap memory held, pooled empty slabs included (allocator_resident). O(databases). */
    public long offHeapResident() {
        long n = 0;
        for (Db db : dbs) {
            n += db.allocator().footprintBytes();
        }
        return n;
    }

    /**
     * Settles the memory accounting and returns every {@link Entry} view to the pool: called where no code can
     * hold an entry (after a top-level command, at the top of each event-loop iteration, between the keys of a
     * load). O(views handed out since the last call).
     */
    public void releaseViews() {
        views.flushAll();
        settle();
        views.releaseAll();
    }

    /**
     * How many views a loop over many keys (a load, DEBUG POPULATE, a long EXEC or script) lets pile up before it
     * calls {@link #releaseViews()}: the size of the views' pool, so that every view released goes back to it and
     * the next batch allocates none (at 4096, three views in four were new objects: a 1 M-key DEBUG POPULATE made
     * 160 MB of garbage, filling the young generation and its survivor spaces, which counted in its RSS growth).
     */
    public static final int VIEWS_BATCH = Views.POOL_MAX;

    /** Views handed out since the last {@link #releaseViews()} (a loader releases them every {@link #VIEWS_BATCH}). */
    public int viewsOutstanding() {
        return views.outstanding();
    }

    /** Registers a listener on every database (at assembly time; not while a command runs). */
    public void addListener(KeyspaceListener l) {
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = l;
        for (Db db : dbs) {
            db.addListener(l);
        }
    }

    /** CONFIG RESETSTAT. */
    public void resetStats() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        expiredStalePerc = 0;
        expiredTimeCapReached = 0;
        expireCycleCpuMs = 0;
        defragStats.reset();
    }

    /** Sets the LRU clock from the wall clock (the cron and startup). */
    public void updateClock(long nowMs) {
        lruClock = AccessBits.lruClock(nowMs);
    }

    // ---- memory accounting: the dataset part of used_memory

    /**
     * Samples MEMORY USAGE takes of a large aggregate when the accounting measures it (Redis's default, 5): the
     * cost of re-measuring a key after a write is O(this), whatever the size of the value.
     */
    public static final long ACCOUNT_SAMPLES = 5;
    /** Keys re-measured at most per batch: beyond it (a load, a huge MSET), the batch is settled early. */
    private static final int PENDING_MAX = 4096;
    /** Sum over every database of {@link Db#datasetBytes()}. */
    private long datasetBytes;
    private Entry[] pend = new Entry[32];
    private Db[] pendDb = new Db[32];
    private long[] pendBefore = new long[32];
    private int pendCount;

    /**
     * The dataset as this server holds it: the bytes of the databases' off-heap allocators (every key, its
     * metadata and expire, int and embstr values: exact, read from the allocators) plus the heap part of the
     * values ({@link Entry#heapUsage}: aggregates as MEMORY USAGE measures them, raw strings' arrays), kept
     * incrementally. A key a command may change (looked up for writing, added, inserted) is noted with its heap
     * size before the change; {@link #settle()} (after each command, or when the batch is full) measures it again
     * and adds the difference; a removed key takes its last measured size away. Nothing walks the keyspace.
     * O(databases) after {@link #settle()}. (MEMORY USAGE of a key stays Redis's figure for it.)
     */
    public long usedDatasetBytes() {
        settle();
        return datasetBytes + offHeapAllocated();
    }

    /** The heap part of the dataset alone (aggregate values, heap raw strings), kept incrementally. */
    public long heapDatasetBytes() {
        settle();
        return datasetBytes;
    }

    /** Re-measures the keys changed since the last call (after every command): O(keys changed x samples). */
    public void settle() {
        for (int i = 0; i < pendCount; i++) {
            Entry e = pend[i];
            long d = e.heapUsage(ACCOUNT_SAMPLES) - pendBefore[i];
            pendDb[i].memBytes += d;
            datasetBytes += d;
            e.acct = false;
            pend[i] = null;
            pendDb[i] = null;
        }
        pendCount = 0;
    }

    /**
     * e (in db), looked up for reading, is about to change in place anyway (SORT converts a sorted set it sorts):
     * the memory accounting measures it again after the command. Lookups for writing do this themselves.
     */
    public void willChange(Db db, Entry e) {
        track(db, e, false);
    }

    /** Notes e (in db) as possibly changing; isNew: not accounted yet (added or inserted). */
    private void track(Db db, Entry e, boolean isNew) {
        e.dirty = true; // a small aggregate it holds is stored back after the command
        if (e.acct) {
            return;
        }
        if (pendCount == pend.length) {
            if (pendCount >= PENDING_MAX) {
                settle();
            } else {
                pend = Arrays.copyOf(pend, pendCount * 2);
                pendDb = Arrays.copyOf(pendDb, pendCount * 2);
                pendBefore = Arrays.copyOf(pendBefore, pendCount * 2);
            }
        }
        e.acct = true;
        pend[pendCount] = e;
        pendDb[pendCount] = db;
        pendBefore[pendCount++] = isNew ? 0 : e.heapUsage(ACCOUNT_SAMPLES);
    }

    /** e leaves db: its accounted size is taken away (the size noted before this command if it was changing). */
    private void untrack(Db db, Entry e) {
        long size;
        if (e.acct) {
            int i = pendCount - 1;
            while (pend[i] != e) { // the key removed is nearly always the one noted last
                i--;
            }
            size = pendBefore[i];
            pendDb[i].memBytes -= size;
            int last = --pendCount;
            pend[i] = pend[last];
            pendDb[i] = pendDb[last];
            pendBefore[i] = pendBefore[last];
            pend[last] = null;
            pendDb[last] = null;
            e.acct = false;
        } else {
            size = e.heapUsage(ACCOUNT_SAMPLES);
            db.memBytes -= size;
        }
        datasetBytes -= size;
    }

    /**
     * Recomputes the accounting by walking every key (DEBUG and tests compare it with the incremental figure):
     * O(keys x samples).
     */
    public long walkDatasetBytes() {
        settle();
        long[] sum = new long[1];
        for (Db db : dbs) {
            db.forEachReading(e -> sum[0] += e.heapUsage(ACCOUNT_SAMPLES));
        }
        return sum[0] + offHeapAllocated();
    }

    /**
     * The heap arrays of every database's table (buckets, expire handles, object slots): used_memory_overhead's
     * hashtables. O(databases).
     */
    public long dictOverhead() {
        long n = 0;
        for (Db db : dbs) {
            n += db.tableHeapBytes();
        }
        return n;
    }

    // ---- lookups: lazy expiry, statistics, access time

    /**
     * Looks up a key for reading (Redis's lookupKeyRead): a key whose expire time passed is deleted first (and
     * reported as expired), hits and misses are counted, and the access time is updated unless noTouch.
     */
    public Entry lookupRead(Db db, byte[] b, int off, int len, boolean noTouch) {
        Entry e = db.find(b, off, len);
        if (e != null && !loading && !obey && db.expired(e, cmdTimeMs)) {
            if (!replica && !paused.getAsBoolean()) {
                expireEntry(db, e); // a replica keeps it until its master's DEL: gone for its clients only
            }
            e = null;
        }
        if (e == null) {
            misses++;
            events.notify(Notify.KEY_MISS, "keymiss", db, b, off, len);
            return null;
        }
        hits++;
        if (!noTouch) {
            touch(e);
        }
        return e;
    }

    /** Looks up a key for writing (lookupKeyWrite): lazy expiry and access time, no hit/miss counts. */
    public Entry lookupWrite(Db db, byte[] b, int off, int len, boolean noTouch) {
        Entry e = db.find(b, off, len);
        if (e != null && !e.stamped(epoch)) {
            barrier.beforeChange(db, e);
        }
        if (e != null && !loading && !obey && db.expired(e, cmdTimeMs)) {
            if (!replica || !replicaReadOnly) {
                expireEntry(db, e); // a writable replica's writes delete it (its master may never send a DEL)
            }
            return null;
        }
        if (e != null) {
            track(db, e, false);
            if (!noTouch) {
                touch(e);
            }
        }
        return e;
    }

    /** Looks up without touching access time or stats (but still expiring). */
    public Entry lookupQuiet(Db db, byte[] b, int off, int len) {
        Entry e = db.find(b, off, len);
        if (e != null && !e.stamped(epoch)) {
            barrier.beforeChange(db, e); // DEL, MOVE and COPY destinations, XCLAIM find their keys this way
        }
        if (e != null && !loading && !obey && db.expired(e, cmdTimeMs)) {
            if (!replica) {
                expireEntry(db, e);
            }
            return null;
        }
        if (e != null) {
            track(db, e, false);
        }
        return e;
    }

    /** Deletes a key whose expire time passed (lazily or from the active cycle) and tells the listeners. */
    public void expireEntry(Db db, Entry e) {
        if (!e.stamped(epoch)) {
            barrier.beforeChange(db, e);
        }
        untrack(db, e);
        db.remove(e);
        events.notify(Notify.EXPIRED, "expired", db, e.keyArray(), 0, e.klen());
        for (KeyspaceListener l : listeners) {
            l.keyExpired(db, e.keyArray(), 0, e.klen());
        }
        expiredKeys++;
        release(e, lazyExpire);
    }

    /** Updates the access time (LRU clock or LFU counter) of a key that was read or written. */
    public void touch(Entry e) {
        if (lfu) {
            e.setLruBits(AccessBits.lfuAccess(e.lruBits(), lfuMinutes(), lfuDecayTime, lfuLogFactor,
                ThreadLocalRandom.current().nextDouble()));
        } else {
            e.setLruBits(lruClock);
        }
    }

    /** Initial access data of a new key. */
    public void initAccess(Entry e) {
        e.setLruBits(lfu ? AccessBits.lfuInit(lfuMinutes()) : lruClock);
    }

    private int lfuMinutes() {
        return AccessBits.lfuMinutes(cmdTimeMs);
    }

    /** The LFU counter of e after decay, not stored (OBJECT FREQ, the eviction pool). */
    public int lfuDecr(Entry e) {
        return AccessBits.lfuDecayed(e.lruBits(), lfuMinutes(), lfuDecayTime);
    }

    /**
     * RESTORE's IDLETIME/FREQ and an RDB's IDLE/FREQ records: sets the access data of a restored key (idle seconds
     * under an LRU policy, the frequency counter under LFU; Redis's objectSetLRUOrLFU); a negative value, or one
     * that does not apply to the policy, is ignored.
     */
    public void restoreAccess(Entry e, long idleSeconds, long freq) {
        e.setLruBits(restoredAccess(e.lruBits(), idleSeconds, freq));
    }

    /** The access bits restoreAccess gives a key whose bits are {@code bits}. */
    private int restoredAccess(int bits, long idleSeconds, long freq) {
        if (freq >= 0 && lfu) {
            return (lfuMinutes() << 8) | (int) Math.min(255, freq);
        } else if (idleSeconds >= 0 && !lfu) {
            long abs = lruClock - idleSeconds;
            if (abs < 0) {
                abs += AccessBits.LRU_MAX;
            }
            return (int) abs & AccessBits.LRU_MAX;
        }
        return bits;
    }

    /** COPY: the copy starts with the access data of the source. */
    public void copyAccess(Entry from, Entry to) {
        to.setLruBits(from.lruBits());
    }

    /** Idle time of a key in ms, from the LRU clock (1 s resolution). */
    public long idleMs(Entry e) {
        return AccessBits.idleMs(lruClock, e.lruBits());
    }

    /** Idle seconds of e for an RDB IDLE record (meaningful under an LRU policy). */
    public long idleSeconds(Entry e) {
        return idleMs(e) / 1000;
    }

    // ---- mutations

    /**
     * Adds a new key (absent from db) with no value yet; listeners see keyAdded. The caller stores the value and,
     * where Redis creates a new object, calls {@link #initAccess}.
     */
    public Entry add(Db db, byte[] key) {
        return add(db, key, 0, key.length);
    }

    /**
     * {@link #add(Db, byte[])} of the key b[off..off+len) (a command's argument in its query buffer): the key is
     * copied into the table only, so adding a key allocates no heap array for it.
     */
    public Entry add(Db db, byte[] b, int off, int len) {
        Entry e = db.add(b, off, len);
        track(db, e, true);
        events.notify(Notify.NEW, "new", db, b, off, len);
        return e;
    }

    /**
     * A loader's insert of a string key (RDB load, full sync, DEBUG RELOAD): key[koff..koff+klen) with the value
     * v[voff..voff+vlen) encoded as {@link Entry#setString} would (int, embstr), its expire time (-1 for none) and
     * the access bits {@link #initAccess} then {@link #restoreAccess}(idleSeconds, freq) would give it, written in
     * one off-heap allocation with one hash of the key and no entry view. Listeners see keyAdded and "new" is
     * emitted, as with {@link #add}. Returns false, changing nothing, when the key is present or the value is longer
     * than an embstr (the caller then takes the general path: {@link #add} and the setters).
     */
    public boolean loadString(Db db, byte[] key, int koff, int klen, byte[] v, int voff, int vlen, long expireAt,
            long idleSeconds, long freq) {
        boolean isInt = Numbers.isIntEncodable(v, voff, vlen);
        if (!isInt && vlen > Entry.EMBSTR_LIMIT) {
            return false;
        }
        long n = isInt ? Numbers.parseLong(v, voff, vlen) : 0;
        int bits = restoredAccess(lfu ? AccessBits.lfuInit(lfuMinutes()) : lruClock, idleSeconds, freq);
        if (!db.addString(key, koff, klen, isInt, n, v, voff, vlen, expireAt, bits & AccessBits.LRU_MAX)) {
            return false;
        }
        events.notify(Notify.NEW, "new", db, key, koff, klen);
        return true;
    }

    /**
     * Replaces the key of old (null when absent) with a new entry without a value yet (Redis's setKey of a new
     * value object): the listeners see the old key deleted and the new one added; a new key emits "new", an
     * overwritten one does not.
     */
    public Entry replace(Db db, Entry old, byte[] key) {
        if (old == null) {
            return add(db, key);
        }
        delete(db, old);
        release(old, lazyServerDel);
        Entry e = db.add(key);
        track(db, e, true);
        return e;
    }

    /**
     * Adds a new key holding an aggregate value (Redis's dbAdd of a new object): listeners see keyAdded, "new" is
     * emitted, and the access data starts as for a new object.
     */
    public Entry addValue(Db db, byte[] key, byte type, TypedValue v) {
        return addValue(db, key, 0, key.length, type, v);
    }

    /** {@link #addValue(Db, byte[], byte, TypedValue)} of the key b[off..off+len) (not kept). */
    public Entry addValue(Db db, byte[] b, int off, int len, byte type, TypedValue v) {
        Entry e = add(db, b, off, len);
        initAccess(e);
        e.setValue(type, v);
        return e;
    }

    /**
     * {@link #addValue} of an empty list, set, sorted set or hash in its listpack encoding, which the command then
     * fills: the entry view's reused value of that type ({@link Entry#setEmptyValue}), so creating a small aggregate
     * allocates nothing once the pool of views is warm; {@code fresh} makes one when the view has none (a method
     * reference such as {@code HashValue::new}).
     */
    public Entry addEmpty(Db db, byte[] b, int off, int len, byte type, Supplier<? extends CompactValue> fresh) {
        Entry e = add(db, b, off, len);
        initAccess(e);
        e.setEmptyValue(type, fresh);
        return e;
    }

    /** {@link #replace} with the new key's aggregate value (Redis's setKey of a new object). */
    public Entry replaceValue(Db db, Entry old, byte[] key, byte type, TypedValue v) {
        Entry e = replace(db, old, key);
        initAccess(e);
        e.setValue(type, v);
        return e;
    }

    /** Adds an existing entry object (RENAME, MOVE); the key must be absent; the caller sets its expire. */
    public void insert(Db db, Entry e) {
        db.insert(e);
        track(db, e, true);
        events.notify(Notify.NEW, "new", db, e.keyArray(), 0, e.klen());
    }

    /**
     * RENAME: src, a key of db, takes the name newKey (absent: the caller deleted a key of that name), keeping its
     * value, access data and expire. Listeners see src deleted and newKey added, and "new" is emitted for newKey.
     * src is dead afterwards; the entry under the new name is returned.
     */
    public Entry rename(Db db, Entry src, byte[] newKey) {
        long expire = db.expireOf(src);
        delete(db, src);
        Entry moved = db.add(newKey);
        moved.copyRef(src);
        track(db, moved, true);
        events.notify(Notify.NEW, "new", db, newKey, 0, newKey.length);
        if (expire != -1) {
            setExpire(db, moved, expire);
        }
        return moved;
    }

    /**
     * MOVE: e, a key of from, goes to database to (where its name is absent) with its value, access data and
     * expire. Listeners see it deleted from from and added to to, and "new" is emitted in to.
     */
    public void move(Db from, Entry e, Db to) {
        long expire = from.expireOf(e);
        delete(from, e);
        insert(to, e);
        if (expire != -1) {
            setExpire(to, e, expire);
        }
    }

    /** Deletes a key (DEL, a value emptied by a pop, an overwritten or moved key); listeners see keyDeleted. */
    public void delete(Db db, Entry e) {
        if (!e.stamped(epoch)) {
            barrier.beforeChange(db, e);
        }
        untrack(db, e);
        db.remove(e);
        for (KeyspaceListener l : listeners) {
            l.keyDeleted(db, e.keyArray(), 0, e.klen());
        }
    }

    /**
     * Evicts e from db (maxmemory, Redis's performEvictions): removed as by DEL (listeners see keyDeleted: WATCH,
     * tracking), the "evicted" event, then keyEvicted (propagation as DEL, or UNLINK when lazy).
     */
    public void evict(Db db, Entry e, boolean lazy) {
        delete(db, e);
        release(e, lazy);
        events.notify(Notify.EVICTED, "evicted", db, e.keyArray(), 0, e.klen());
        for (KeyspaceListener l : listeners) {
            l.keyEvicted(db, e.keyArray(), 0, e.klen(), lazy);
        }
    }

    /**
     * DEL (lazy: lazyfree-lazy-user-del) and UNLINK (always lazy): {@link #delete}, then the value goes to the
     * lazy-free thread when lazy and its free effort is above {@link #LAZYFREE_THRESHOLD} (Redis's
     * dbGenericDelete with async).
     */
    public void deleteByUser(Db db, Entry e, boolean unlink) {
        delete(db, e);
        release(e, unlink || lazyUserDel);
    }

    /**
     * A removed key's value is dropped: by the lazy-free thread when lazy and large (Redis's freeObjAsync), else
     * here (on the GC heap, dropping the last reference is all there is to do). Only for values nothing else
     * refers to (not RENAME/MOVE, whose value lives on under the new key).
     */
    private void release(Entry e, boolean lazy) {
        TypedValue v = e.value();
        if (lazy && v != null && lazyFreer != null) {
            long effort = v.freeEffort();
            if (effort > LAZYFREE_THRESHOLD) {
                lazyFreer.freeValue(v, effort);
            }
        }
    }

    /** Tells the listeners that a key's value changed in place (Redis's signalModifiedKey). */
    public void signalModified(Db db, byte[] key, int off, int len) {
        for (KeyspaceListener l : listeners) {
            l.keyModified(db, key, off, len);
        }
    }

    /**
     * A command changed key[off, off+len) (in place, or by adding, replacing or deleting it): the listeners are
     * told (Redis's signalModifiedKey) and the dirty counter moves by changes (Redis's per-command count, 0 for
     * a change that does not count).
     */
    public void modified(Db db, byte[] key, int off, int len, long changes) {
        for (KeyspaceListener l : listeners) {
            l.keyModified(db, key, off, len);
        }
        dirty += changes;
    }

    /** Counts changes that are not about one key, or whose key the listeners already saw (add, delete). */
    public void changes(long n) {
        dirty += n;
    }

    /** Emits a keyspace event about key[off, off+len) in db if its class is enabled (no allocation otherwise). */
    public void notify(int type, String event, Db db, byte[] key, int off, int len) {
        events.notify(type, event, db, key, off, len);
    }

    /** Whether e's expire time (if any) passed at the command's time; the key is not removed. */
    public boolean expired(Db db, Entry e) {
        return db.expired(e, cmdTimeMs);
    }

    /** The expire time of e in unix ms, or -1. */
    public long expireOf(Db db, Entry e) {
        return db.expireOf(e);
    }

    /** Sets e's expire time (unix ms). */
    public void setExpire(Db db, Entry e, long whenMs) {
        if (!e.stamped(epoch)) {
            barrier.beforeChange(db, e); // GETEX changes the expire of a key it looked up for reading
        }
        db.setExpire(e, whenMs);
        if (replica && !replicaReadOnly && !obey && !loading) { // its own client (rememberSlaveKeyWithExpire)
            if (replicaExpires == null) {
                replicaExpires = new ReplicaExpires();
            }
            replicaExpires.remember(db.id, e.keyArray(), 0, e.klen());
        }
    }

    // ---- keys a writable replica's clients gave an expire time (Redis's expireSlaveKeys)

    private ReplicaExpires replicaExpires;

    /** How many key names are tracked (INFO stats slave_expires_tracked_keys). */
    public long replicaExpiresTracked() {
        return replicaExpires == null ? 0 : replicaExpires.size();
    }

    /**
     * Forgets the tracked names (Redis's flushSlaveKeysWithExpireList: FLUSHALL, a full sync's load): the master may
     * send keys of the same names, which are not this replica's to expire.
     */
    public void forgetReplicaExpires() {
        if (replicaExpires != null) {
            replicaExpires.clear();
        }
    }

    /**
     * A replica's share of the cron's expiry (Redis's expireSlaveKeys): samples tracked names at random, deletes
     * (and propagates to the AOF) those whose time passed in a database their bitmap names, drops a name no
     * database holds with an expire time; stops after more than 3 live keys or after 1 ms.
     */
    public void expireReplicaKeys() {
        if (!activeExpireEnabled || replicaExpires == null || replicaExpires.size() == 0) {
            return;
        }
        long start = System.currentTimeMillis();
        cmdTimeMs = start;
        int cycles = 0;
        int noexpire = 0;
        while (true) {
            ReplicaExpires.Slot s = replicaExpires.random();
            long bits = s.dbs;
            long kept = 0;
            for (int id = 0; bits != 0 && id < dbs.length; id++, bits >>>= 1) {
                if ((bits & 1) == 0) {
                    continue;
                }
                Db db = dbs[id];
                Entry e = db.find(s.key, 0, s.key.length);
                long when = e == null ? -1 : db.expireOf(e);
                if (when < 0) {
                    continue;
                }
                if (start > when) {
                    expireEntry(db, e);
                } else {
                    noexpire++;
                    kept |= 1L << id;
                }
            }
            if (kept != 0) {
                s.dbs = kept;
            } else {
                replicaExpires.remove(s);
            }
            cycles++;
            if (noexpire > 3 || (cycles % 64) == 0 && System.currentTimeMillis() - start > 1
                || replicaExpires.size() == 0) {
                break;
            }
        }
    }

    /** Removes e's expire time (PERSIST, an overwrite without KEEPTTL). */
    public void removeExpire(Db db, Entry e) {
        if (!e.stamped(epoch)) {
            barrier.beforeChange(db, e);
        }
        db.removeExpire(e);
    }

    /** Removes every key of db (FLUSHDB, FLUSHALL) synchronously; listeners see flushed. */
    public void flush(Db db) {
        flush(db, false);
    }

    /**
     * Removes every key of db; listeners see flushed. async (FLUSHDB/FLUSHALL ASYNC, lazyfree-lazy-user-flush):
     * the old contents are detached in O(1) and handed whole to the lazy-free thread (Redis's emptyDbAsync).
     * Synchronous or not, the event loop does O(1) work here: on the GC heap the old table simply becomes garbage.
     */
    public void flush(Db db, boolean async) {
        settle();
        datasetBytes -= db.memBytes;
        for (KeyspaceListener l : listeners) {
            l.flushing(db);
        }
        if (barrier != null) {
            barrier.beforeFlush(db);
        }
        if (async && lazyFreer != null && db.size() > 0) {
            long keys = db.size();
            lazyFreer.freeDatabase(db.detach(), keys);
        }
        db.clear();
        for (KeyspaceListener l : listeners) {
            l.flushed(db);
        }
    }

    /** SWAPDB: exchanges the contents of databases a and b; listeners see swapped. */
    public void swap(int a, int b) {
        settle();
        for (KeyspaceListener l : listeners) {
            l.swapping(dbs[a], dbs[b]);
        }
        if (barrier != null) {
            barrier.beforeSwap(dbs[a], dbs[b]);
        }
        dbs[a].swapWith(dbs[b]);
    }

    // ---- a replica's diskless load (repl-diskless-load swapdb / on-empty-db)

    /**
     * A keyspace to load a master's RDB into off the event loop: as many databases, the same clock, LFU settings and
     * snapshot epoch, nothing listening. Only the loading thread touches it until {@link #adopt} takes its contents.
     */
    public Keyspace loadingTwin() {
        Keyspace t = new Keyspace(dbs.length);
        t.lruClock = lruClock;
        t.lfu = lfu;
        t.lfuLogFactor = lfuLogFactor;
        t.lfuDecayTime = lfuDecayTime;
        t.cmdTimeMs = cmdTimeMs;
        t.replica = replica;
        t.loading = true;
        t.epoch = epoch;
        for (Db d : t.dbs) {
            d.epoch = epoch;
        }
        return t;
    }

    /**
     * Replaces the contents of every database with the twin's (Redis's swapMainDbWithTempDb): for each database the
     * listeners see the old keys go (WATCH touches keys on either side, tracking invalidates, blocked clients are
     * checked again) and the twin ends up empty. O(databases), plus O(keys) to stamp the loaded keys when a snapshot
     * began after the twin was made.
     */
    public void adopt(Keyspace twin) {
        forgetReplicaExpires();
        views.flushAll();
        twin.views.flushAll();
        settle();
        twin.settle();
        for (int i = 0; i < dbs.length; i++) {
            Db db = dbs[i];
            Db loaded = twin.dbs[i];
            for (KeyspaceListener l : listeners) {
                l.swapping(db, loaded);
            }
            if (barrier != null) {
                barrier.beforeFlush(db);
            }
            datasetBytes -= db.memBytes;
            db.clear();
            db.exchange(loaded);
            if (twin.epoch != epoch) {
                db.forEachReading(e -> e.stamp(epoch));
            }
            datasetBytes += db.memBytes;
            for (KeyspaceListener l : listeners) {
                l.flushed(db);
            }
        }
    }

    // ---- snapshots (copy-before-write)

    /**
     * Starts a point-in-time snapshot: a new epoch makes every present key "not yet saved", and the barrier is
     * called before any of them changes. One snapshot at a time. O(databases).
     */
    public void beginSnapshot(SnapshotBarrier b) {
        if (barrier != null) {
            throw new IllegalStateException("a snapshot is already running");
        }
        barrier = b;
        ChildResizePolicy.childStarted();
        epoch++;
        for (Db db : dbs) {
            db.epoch = epoch;
            db.setResizeAvoid(true); // Redis's updateDictResizePolicy while a child exists: DICT_RESIZE_AVOID
        }
    }

    /**
     * Ends the running snapshot. When it ended early (aborted), the keys it did not reach are marked saved so the
     * next snapshot's epoch starts clean: O(keys) then, O(databases) otherwise.
     */
    public void endSnapshot(boolean complete) {
        if (!complete) {
            for (Db db : dbs) {
                db.forEachReading(this::markSaved);
            }
        }
        for (Db db : dbs) {
            db.setResizeAvoid(false);
        }
        if (barrier != null) {
            ChildResizePolicy.childEnded();
        }
        barrier = null;
    }

    /** Whether a snapshot is running. */
    public boolean snapshotRunning() {
        return barrier != null;
    }

    /** The running snapshot's barrier (its progress and copy-before-write figures for INFO), or null. */
    public SnapshotBarrier runningSnapshot() {
        return barrier;
    }

    /** Whether the running snapshot has saved e already (or e was added after it started). */
    public boolean saved(Entry e) {
        return e.stamped(epoch);
    }

    /** Marks e saved by the running snapshot. */
    public void markSaved(Entry e) {
        e.stamp(epoch);
    }

    // ---- active expiry (Redis's activeExpireCycle)

    private int expireDbCursor;
    private boolean lastExpireExitedOnTime;
    private long lastFastCycleUs;
    private long expireStaleAvg; // stale percentage x100, running average

    /** Slow cycle (from the cron): up to 25% of a cron period. Fast cycle: 1 ms, from before each poll. */
    public void activeExpireCycle(boolean fast, int hz) {
        if (replica && !fast) {
            expireReplicaKeys(); // only the keys its own clients gave a TTL: the others wait for the master's DELs
        }
        if (!activeExpireEnabled || replica || paused.getAsBoolean()) {
            return;
        }
        int effort = activeExpireEffort - 1;
        int keysPerLoop = 20 + 20 / 4 * effort;
        long fastDuration = 1000 + 1000 / 4 * effort;
        int acceptableStale = 10 - effort;
        long startUs = System.nanoTime() / 1000;
        if (fast) {
            if (!lastExpireExitedOnTime && expireStaleAvg < acceptableStale * 100L) {
                return;
            }
            if (startUs < lastFastCycleUs + fastDuration * 2) {
                return;
            }
            lastFastCycleUs = startUs;
        }
        long limitUs = fast ? fastDuration : 1_000_000L * (25 + 2 * effort) / hz / 100;
        if (limitUs <= 0) {
            limitUs = 1;
        }
        cmdTimeMs = System.currentTimeMillis();
        lastExpireExitedOnTime = false;
        long totalSampled = 0;
        long totalExpired = 0;
        int dbsPerCall = Math.min(16, dbs.length);
        outer:
        for (int j = 0; j < dbsPerCall; j++) {
            Db db = dbs[expireDbCursor % dbs.length];
            expireDbCursor++;
            int iteration = 0;
            while (true) {
                int num = Math.min(db.expiresCount(), keysPerLoop);
                if (num == 0) {
                    db.avgTtl = 0;
                    break;
                }
                int expired = 0;
                int sampled = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                for (int k = 0; k < num && db.expiresCount() > 0; k++) {
                    if (db.expireCursor >= db.expiresCount()) {
                        db.expireCursor = 0;
                    }
                    Entry e = db.volatileEntry(db.expireCursor);
                    long when = db.expireOf(e);
                    sampled++;
                    if (when < cmdTimeMs) {
                        expireEntry(db, e); // the last entry moved into this slot: do not advance
                        expired++;
                    } else {
                        ttlSum += when - cmdTimeMs;
                        ttlSamples++;
                        db.expireCursor++;
                    }
                }
                totalSampled += sampled;
                totalExpired += expired;
                if (ttlSamples > 0) {
                    long avg = ttlSum / ttlSamples;
                    db.avgTtl = db.avgTtl == 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
                }
                if ((++iteration & 0xf) == 0 && System.nanoTime() / 1000 - startUs > limitUs) {
                    lastExpireExitedOnTime = true;
                    expiredTimeCapReached++;
                    break outer;
                }
                if (sampled == 0 || expired * 100 / sampled <= acceptableStale) {
                    break;
                }
            }
        }
        long elapsedUs = System.nanoTime() / 1000 - startUs;
        expireCycleCpuMs += elapsedUs / 1000;
        long perc = totalSampled == 0 ? 0 : totalExpired * 10000 / totalSampled;
        expireStaleAvg = (long) (perc * 0.05 + expireStaleAvg * 0.95);
        expiredStalePerc = expireStaleAvg;
    }
}
