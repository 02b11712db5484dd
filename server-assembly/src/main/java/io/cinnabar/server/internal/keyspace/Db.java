package io.cinnabar.server.internal.keyspace;

import io.cinnabar.dict.Dict;
import io.cinnabar.server.internal.keyspace.mem.DefragCycle;
import io.cinnabar.server.internal.keyspace.mem.DefragStats;
import io.cinnabar.server.internal.keyspace.mem.ExpandPolicy;
import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;
import io.cinnabar.server.internal.keyspace.mem.SlabAllocator;

import java.util.function.Consumer;

/**
 * One numbered database: an {@link OffHeapKeyTable} (Redis's dict, with each key's dictEntry, key, robj, expire
 * and int/embstr value in one off-heap allocation) over a {@link SlabAllocator} of its own, seen through
 * {@link Entry} views. The table keeps dict's properties: power-of-two buckets grown x2 at load 1 and shrunk under
 * 1/8, rehashed incrementally (every lookup, insert and delete moves one bucket; the cron moves more for 1 ms per
 * run, {@code activerehashing}), Redis's reverse-binary SCAN cursor, random sampling for eviction and RANDOMKEY,
 * and the array of keys with an expire that the active expiry cycle samples. Lookups take a slice of the request
 * buffer: GET/SET/INCR allocate nothing to find a key.
 * <p>
 * Each database owns its allocator, so FLUSHDB (and a flushed database handed to the lazy-free thread, or kept by
 * a snapshot) drops the table and its memory in O(1): the slabs are direct buffers the collector releases.
 * SWAPDB exchanges tables. Memory figures: {@link #allocator()}.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Db {
    /** The most buckets {@link #expand} allocates on a file's word (a hostile RESIZEDB cannot ask for more). */
    static final int MAX_EXPAND = OffHeapKeyTable.MAX_EXPAND;

    public final int id;
    private final Views views;
    private OffHeapKeyTable<TypedValue> t;
    private DefragCycle defrag;
    /** Whether a growth may reserve its buckets (Redis's dictExpandAllowed); set by the keyspace. */
    private ExpandPolicy expandPolicy = ExpandPolicy.ALWAYS;
    private boolean resizeAvoid;
    /** Running average TTL of sampled keys, for INFO keyspace avg_ttl. */
    public long avgTtl;
    /** Resume point of the active expiry cycle in the volatile array. */
    public int expireCursor;
    /** Sum of the accounted sizes of this database's keys (kept by Keyspace's memory accounting). */
    long memBytes;
    /** Told of keys added, deleted, expired, flushed, swapped (the blocking code, later WATCH, notifications). */
    private KeyspaceListener[] listeners = new KeyspaceListener[0];
    /** The keyspace's snapshot epoch: stamped on every entry added (see Keyspace#beginSnapshot). */
    byte epoch;

    private final DefragStats defragStats;
    /** The one-table array {@link DefragCycle#cron} walks. */
    private final OffHeapKeyTable<?>[] defragTables = new OffHeapKeyTable<?>[1];

    /** A database with views of its own (tests, tools). */
    public Db(int id) {
        this(id, new Views(), new DefragStats());
    }

    Db(int id, Views views, DefragStats defragStats) {
        this.id = id;
        this.views = views;
        this.defragStats = defragStats;
        newTable();
    }

    private void newTable() {
        SlabAllocator mem = new SlabAllocator();
        t = new OffHeapKeyTable<>(mem);
        t.setExpandPolicy(expandPolicy);
        t.setResizeAvoid(resizeAvoid);
        defrag = new DefragCycle(mem, System::nanoTime, defragStats);
    }

    /**
     * One cron run of active defragmentation over this database's allocator (settings applied first: they are the
     * keyspace's, and a flushed or swapped database gets a new cycle). Entries moved change handle: only when no
     * entry view is bound (see {@link Keyspace#defragCron}).
     */
    void defragCron(boolean enabled, long ignoreBytes, int lower, int upper, int min, int max, int hz) {
        defrag.configure(enabled, ignoreBytes, lower, upper, min, max);
        if (enabled) {
            defragTables[0] = t;
            defrag.cron(defragTables, hz);
            defragTables[0] = null;
        }
    }

    /** Sets who decides whether this database's table may grow (Redis's dictExpandAllowed with maxmemory). */
    /** Redis's dict resize policy while a background job's child exists (see OffHeapKeyTable#setResizeAvoid). */
    void setResizeAvoid(boolean avoid) {
        resizeAvoid = avoid;
        t.setResizeAvoid(avoid);
    }

    void setExpandPolicy(ExpandPolicy p) {
        expandPolicy = p;
        t.setExpandPolicy(p);
    }

    /** Registers a listener (at assembly time; not while a command runs). */
    public void addListener(KeyspaceListener l) {
        KeyspaceListener[] n = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        n[listeners.length] = l;
        listeners = n;
    }

    public int size() {
        return t.size();
    }

    public int expiresCount() {
        return t.volatileCount();
    }

    /** The allocator of this database's off-heap memory (INFO memory, MEMORY STATS). */
    public SlabAllocator allocator() {
        return t.allocator();
    }

    /** The active defragmentation of this database's allocator (configured and run by the keyspace). */
    DefragCycle defrag() {
        return defrag;
    }

    OffHeapKeyTable<TypedValue> table() {
        return t;
    }

    private Entry view(long h) {
        return h == 0 ? null : views.get(t, h);
    }

    public Entry find(byte[] b, int off, int len) {
        return view(t.find(b, off, len));
    }

    public Entry find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** The most keys {@link #readAhead} takes at once. */
    public static final int KEYS_AHEAD = OffHeapKeyTable.KEYS_AHEAD;

    /**
     * Reads ahead, and changes nothing, the buckets and entries that lookups of n keys (at most
     * {@value #KEYS_AHEAD}) are about to read, key j being {@code b[offs[i], offs[i] + lens[i])} for
     * {@code i = first + j * step} ({@link OffHeapKeyTable#readAhead(byte[], int[], int[], int, int, int)}): a hint,
     * with no effect but on speed.
     */
    public void readAhead(byte[] b, int[] offs, int[] lens, int first, int step, int n) {
        t.readAhead(b, offs, lens, first, step, n);
    }

    /**
     * Before a command's key i of a run of keys from {@code first}, every {@code step} arguments (MGET's 1, 2, 3...,
     * MSET's 1, 3, 5...): at the first key of each window of {@value #KEYS_AHEAD}, reads ahead the window's keys
     * ({@link #readAhead}) when it has two or more.
     */
    public void readAheadArgs(byte[] b, int[] offs, int[] lens, int argc, int first, int step, int i) {
        int j = (i - first) / step;
        if (j % KEYS_AHEAD == 0) {
            int n = (argc - i + step - 1) / step;
            if (n >= 2) {
                t.readAhead(b, offs, lens, i, step, n);
            }
        }
    }

    /** Adds a new entry for a key known to be absent; returns it (holding the int 0 until a setter runs). */
    public Entry add(byte[] key) {
        return add(key, 0, key.length);
    }

    /** {@link #add(byte[])} of the key b[off..off+len), which is copied into the table (b is not kept). */
    public Entry add(byte[] b, int off, int len) {
        long h = t.addNew(b, off, len);
        t.setSnapBit(h, (epoch & 1) != 0); // added after a snapshot started: not part of it
        Entry e = views.get(t, h);
        for (KeyspaceListener l : listeners) {
            l.keyAdded(this, b, off, len);
        }
        return e;
    }

    /**
     * Adds key[koff..koff+klen) with an int or embstr string value (see {@link OffHeapKeyTable#addStringIfAbsent}),
     * its expire (or -1) and access bits, stamped with the snapshot epoch, without a view: the loaders' path.
     * Listeners see keyAdded. Returns false, changing nothing, when the key is present.
     */
    boolean addString(byte[] key, int koff, int klen, boolean isInt, long intValue, byte[] v, int voff, int vlen,
            long expireAt, int lru) {
        long h = t.addStringIfAbsent(key, koff, klen, isInt, intValue, v, voff, vlen, expireAt, lru, (epoch & 1) != 0);
        if (h == 0) {
            return false;
        }
        for (KeyspaceListener l : listeners) {
            l.keyAdded(this, key, koff, klen);
        }
        return true;
    }

    /**
     * Inserts a detached entry (MOVE: deleted from another database, its name absent here) with its value and access
     * bits, and binds e to the new entry; the caller sets its expire.
     */
    public void insert(Entry e) {
        if (e.bound()) {
            throw new IllegalStateException("entry is still in a table");
        }
        TypedValue o = e.detachedObj();
        byte ty = e.detachedType();
        byte en = e.detachedEnc();
        byte[] v = e.detachedVal();
        long n = e.detachedNum();
        int access = e.detachedLru();
        byte[] key = e.keyArray();
        int klen = e.klen();
        long h = t.addNew(key, 0, klen);
        t.setSnapBit(h, (epoch & 1) != 0);
        views.adopt(e, t, h);
        e.restoreDetached(o, ty, en, v, n, access);
        for (KeyspaceListener l : listeners) {
            l.keyAdded(this, key, 0, klen);
        }
    }

    /** Deletes e's entry (and its expire); e stays readable, detached (see {@link Entry}). */
    public void remove(Entry e) {
        long h = e.h;
        OffHeapKeyTable<TypedValue> table = e.t;
        e.detach();
        table.delete(h);
    }

    /** Moves up to n non-empty buckets to the new table; returns whether rehashing is still in progress. */
    boolean rehash(int n) {
        return t.rehash(n);
    }

    /**
     * Grows the table at once to hold n keys without resizing while they are added (Redis's dictExpand on an RDB's
     * RESIZEDB record): the buckets become the power of two at or above n (at most {@value #MAX_EXPAND}), and the
     * keys present move now (a resize in progress is finished first). Does nothing while a SCAN visitor runs, or when
     * the table is big enough. O(size + buckets).
     */
    public void expand(long n) {
        t.expand(n);
    }

    /** Rehashes in steps of 100 buckets for about the given time (Redis's dictRehashMilliseconds, from the cron). */
    public void rehashFor(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (t.rehash(100)) {
            if (System.nanoTime() > end) {
                return;
            }
        }
    }

    public boolean rehashing() {
        return t.rehashing();
    }

    /** Empties the database in O(1): the table and its allocator are dropped (the collector frees the slabs). */
    public void clear() {
        views.flushAll(); // no view may write a blob into the dropped table later
        newTable();
        avgTtl = 0;
        memBytes = 0;
        expireCursor = 0;
    }

    /**
     * Moves the contents of this database to a new, unregistered Db object and leaves this one empty, in O(1) (no
     * listener is told). A snapshot keeps walking the detached contents of a database flushed under it; nothing
     * else references them, so they no longer change.
     */
    public Db detach() {
        Db d = new Db(id, views, defragStats);
        d.epoch = epoch;
        exchange(d);
        return d;
    }

    /** Swaps the contents of two databases (SWAPDB). */
    public void swapWith(Db o) {
        exchange(o);
        for (KeyspaceListener l : listeners) {
            l.swapped(this, o);
        }
    }

    /** Exchanges the contents (not the listeners) with o. */
    void exchange(Db o) {
        views.flushAll(); // values changed by this command go to the tables they belong to before the swap
        if (o.views != views) {
            o.views.flushAll();
        }
        OffHeapKeyTable<TypedValue> x = t;
        t = o.t;
        o.t = x;
        t.setExpandPolicy(expandPolicy);
        o.t.setExpandPolicy(o.expandPolicy);
        t.setResizeAvoid(resizeAvoid);
        o.t.setResizeAvoid(o.resizeAvoid);
        DefragCycle dc = defrag;
        defrag = o.defrag;
        o.defrag = dc;
        long a = avgTtl;
        avgTtl = o.avgTtl;
        o.avgTtl = a;
        int ec = expireCursor;
        expireCursor = o.expireCursor;
        o.expireCursor = ec;
        long mb = memBytes;
        memBytes = o.memBytes;
        o.memBytes = mb;
    }

    /** The expire time of e (an entry of this database) in unix ms, or -1. */
    public long expireOf(Entry e) {
        return e.bound() ? e.t.expireAt(e.h) : e.detachedExpire(); // e's own table (a snapshot may walk an old one)
    }

    /** Whether e has an expire earlier than now (Redis: now &gt; when). */
    public boolean expired(Entry e, long now) {
        long when = expireOf(e);
        return when != -1 && when < now;
    }

    public void setExpire(Entry e, long when) {
        long nh = e.t.setExpire(e.h, when);
        if (nh != e.h) {
            long old = e.h;
            e.h = nh;
            views.rekey(e, old);
        }
    }

    public void removeExpire(Entry e) {
        long nh = e.t.removeExpire(e.h);
        if (nh != e.h) {
            long old = e.h;
            e.h = nh;
            views.rekey(e, old);
        }
    }

    /** The i-th key with an expire (0 &lt;= i &lt; {@link #expiresCount()}; see the active expiry cycle). */
    public Entry volatileEntry(int i) {
        return views.get(t, t.volatileEntry(i));
    }

    /** A random key with an expire, or null (volatile-* eviction). */
    public Entry randomVolatile() {
        int n = t.volatileCount();
        return n == 0 ? null : volatileEntry(java.util.concurrent.ThreadLocalRandom.current().nextInt(n));
    }

    /** A random entry (Redis's dictGetRandomKey: random non-empty bucket, random chain element), or null. */
    public Entry random() {
        return view(t.randomEntry());
    }

    /** Receives the entries of one SCAN step. */
    public interface Visitor {
        void visit(Entry e);
    }

    /**
     * Visits the bucket(s) of cursor v and returns the next cursor (0 when the scan is complete): Redis's dictScan.
     * While rehashing, the bucket of the smaller table and every bucket of the larger one that it expands to are
     * visited, so a key is never missed whichever table holds it. Rehashing pauses while the visitor runs (it may
     * delete the entry it is given, for lazy expiry). O(chain lengths).
     */
    public long scan(long v, Visitor visitor) {
        Walk w = walk(visitor, false);
        try {
            return w.table.scan(v, w);
        } finally {
            w.done();
        }
    }

    /** Visits every entry; the visitor must not add or remove keys. */
    public void forEach(Visitor visitor) {
        Walk w = walk(visitor, false);
        try {
            w.table.forEach(w);
        } finally {
            w.done();
        }
    }

    /** Hands the table's handles to a visitor as views; one reused per database (a walk allocates nothing). */
    private final class Walk implements OffHeapKeyTable.EntryVisitor {
        OffHeapKeyTable<TypedValue> table;
        Visitor visitor;
        boolean reading;
        boolean busy;

        @Override
        public void visit(long h) {
            visitor.visit(reading ? views.peek(table, h) : views.get(table, h));
        }

        void done() {
            visitor = null;
            table = null;
            busy = false;
        }
    }

    private final Walk walk = new Walk();

    private Walk walk(Visitor visitor, boolean reading) {
        Walk w = walk.busy ? new Walk() : walk; // a walk inside a visitor gets its own adapter
        w.busy = true;
        w.table = t;
        w.visitor = visitor;
        w.reading = reading;
        return w;
    }

    /**
     * {@link #scan} for a visitor that reads each entry (or marks it saved) and keeps none, changes none and deletes
     * none (the snapshot walk, DEBUG DIGEST): the entries are lent without allocating a view per key.
     */
    public long scanReading(long v, Visitor visitor) {
        Walk w = walk(visitor, true);
        try {
            return w.table.scan(v, w);
        } finally {
            w.done();
        }
    }

    /** The most cursors {@link #scanReading(long, int, Visitor)} takes at once. */
    public static final int SCAN_AHEAD = OffHeapKeyTable.AHEAD;

    /**
     * {@link #scanReading} of up to n cursors at once, the table reading the next buckets and entries ahead of the
     * visits ({@link OffHeapKeyTable#scanAhead}): a bulk walk's way of not waiting for memory key by key.
     */
    public long scanReading(long v, int n, Visitor visitor) {
        Walk w = walk(visitor, true);
        try {
            return w.table.scanAhead(v, n, w);
        } finally {
            w.done();
        }
    }

    /** {@link #forEach} under the rules of {@link #scanReading}. */
    public void forEachReading(Visitor visitor) {
        Walk w = walk(visitor, true);
        try {
            w.table.forEach(w);
        } finally {
            w.done();
        }
    }

    /**
     * Visits every aggregate value and heap raw string without touching entries or views: what the lazy-free
     * thread does with a detached database.
     */
    public void forEachValue(Consumer<Object> visitor) {
        t.forEachObject(visitor);
    }

    /**
     * Bytes Redis's dicts of this database take besides their dictEntries (which MEMORY USAGE counts per key): the
     * bucket arrays of the main dict (8 bytes a bucket, both tables while rehashing) and of the expires dict, and
     * one dictEntry (24 bytes) per key with an expire. O(1).
     */
    public long dictOverhead() {
        int volCount = t.volatileCount();
        long expiresBuckets = volCount == 0 ? 0 : Math.max(4, Long.highestOneBit(volCount - 1L) << 1);
        return buckets() * 8L + expiresBuckets * 8L + volCount * (long) RedisSizes.DICT_ENTRY;
    }

    /** The sum of the accounted sizes of this database's keys (MEMORY USAGE of each, see Keyspace). */
    public long datasetBytes() {
        return memBytes;
    }

    /**
     * The main table's part of DEBUG HTSTATS in Redis 7.2's text (the main table, and the rehashing target while a
     * resize runs). O(1) unless {@code full} or rehashing, then O(buckets).
     */
    public String keysStats(boolean full) {
        StringBuilder sb = new StringBuilder();
        boolean rehashing = t.rehashing();
        for (int idx = 0; idx < (rehashing ? 2 : 1); idx++) {
            int n = t.tableLength(idx);
            long used = rehashing ? countEntries(idx, n) : t.size();
            int table = idx;
            Dict.appendStats(sb, idx, n, used, full, b -> t.chainLength(table, b));
        }
        return Dict.truncateStats(sb);
    }

    private long countEntries(int idx, int n) {
        long used = 0;
        for (int b = 0; b < n; b++) {
            used += t.chainLength(idx, b);
        }
        return used;
    }

    /**
     * The expires part of DEBUG HTSTATS. Keys with an expire are not a second hash table here (the expire lives in
     * the entry) but an array of their handles, one per slot: its capacity is reported as the table size, and every
     * used slot as a chain of one.
     */
    public String expiresStats(boolean full) {
        StringBuilder sb = new StringBuilder();
        int used = t.volatileCount();
        Dict.appendStats(sb, 0, t.volatileCapacity(), used, full, b -> b < used ? 1 : 0);
        return Dict.truncateStats(sb);
    }

    /** Buckets of both tables (the second exists only while rehashing). */
    public int buckets() {
        return t.buckets();
    }

    /**
     * Bytes of the table's own structures: its off-heap bucket chunks (Redis's dict tables), and its heap arrays of
     * expire handles and object slots.
     */
    public long tableHeapBytes() {
        return t.overheadBytes();
    }
}
