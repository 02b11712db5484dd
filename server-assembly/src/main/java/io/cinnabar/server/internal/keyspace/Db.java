package io.cinnabar.server.internal.keyspace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One numbered database: a chained hash table of {@link Entry} keyed by bytes, plus the array of keys that have an
 * expire (Redis's {@code expires} dict, which the active expiry cycle samples).
 * <p>
 * Table: power-of-two buckets, grown x2 when the load reaches 1 and shrunk when it falls under 1/8, rehashed
 * incrementally as Redis's dict does: during a resize two tables exist, every lookup, insert and delete first moves
 * one bucket (visiting at most 10 empty ones), new keys go to the new table, and the cron moves more buckets for
 * 1 ms per run ({@code activerehashing}). No single command pays for rehashing the whole keyspace. Lookups take a
 * slice of the request buffer, so GET/SET/INCR allocate nothing to find a key.
 * Hash: a 64-bit multiply-rotate mix over 8-byte words with a per-process random seed (not Redis's SipHash; the
 * SCAN order therefore differs from Redis's, as it does between any two Redis processes).
 * <p>
 * SCAN uses Redis's reverse-binary cursor: every key present for the whole scan is returned at least once even if
 * the table grows or shrinks in between.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Db {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = ThreadLocalRandom.current().nextLong();
    private static final int MIN_SIZE = 4;

    public final int id;
    private Entry[] table = new Entry[MIN_SIZE];
    /** The table being rehashed into, or null. */
    private Entry[] t1;
    /** Next bucket of {@link #table} to move to {@link #t1}; -1 when not rehashing. */
    private int rehashIdx = -1;
    /** Greater than 0 while a SCAN visitor runs: no rehash step and no resize may move entries under it. */
    private int pauseRehash;
    private int size;
    public Entry[] vol = new Entry[16];
    /** Expire time (unix ms) of vol[i]. */
    public long[] volExpire = new long[16];
    public int volCount;
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

    public Db(int id) {
        this.id = id;
    }

    /** Registers a listener (at assembly time; not while a command runs). */
    public void addListener(KeyspaceListener l) {
        KeyspaceListener[] n = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        n[listeners.length] = l;
        listeners = n;
    }

    public int size() {
        return size;
    }

    public int expiresCount() {
        return volCount;
    }

    static int hash(byte[] b, int off, int len) {
        long h = SEED ^ (len * 0x9E3779B97F4A7C15L);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long k = (long) LONGS.get(b, off + i);
            k *= 0x87c37b91114253d5L;
            k = Long.rotateLeft(k, 31);
            k *= 0x4cf5ad432745937fL;
            h ^= k;
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        long t = 0;
        for (int s = 0; i < len; i++, s += 8) {
            t |= (b[off + i] & 0xffL) << s;
        }
        h ^= t * 0x87c37b91114253d5L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    public Entry find(byte[] b, int off, int len) {
        if (t1 != null) {
            rehashStep();
        }
        int h = hash(b, off, len);
        Entry e = findIn(table, h, b, off, len);
        return e == null && t1 != null ? findIn(t1, h, b, off, len) : e;
    }

    private static Entry findIn(Entry[] t, int h, byte[] b, int off, int len) {
        for (Entry e = t[h & (t.length - 1)]; e != null; e = e.next) {
            if (e.klen() == len && java.util.Arrays.equals(e.key, 0, len, b, off, off + len)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The bucket of e in a table of n buckets. Entries do not store their hash (4 bytes per key, which alignment
     * made 8): moving a bucket to the new table hashes its keys again, as Redis's dict does.
     */
    private static int bucketOf(Entry e, int n) {
        return hash(e.key, 0, e.klen()) & (n - 1);
    }

    public Entry find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** Adds a new entry for a key known to be absent; returns it (value unset). */
    public Entry add(byte[] key) {
        Entry e = new Entry(key);
        insert(e);
        return e;
    }

    /** Adds an existing entry object (RENAME, MOVE); the key must be absent; the caller sets its expire. */
    public void insert(Entry e) {
        e.snap = epoch; // added after a snapshot started: not part of it
        if (t1 != null) {
            rehashStep();
        } else if (size >= table.length && pauseRehash == 0) {
            startResize(table.length * 2);
        }
        Entry[] t = t1 != null ? t1 : table; // while rehashing, new keys go to the new table
        int i = bucketOf(e, t.length);
        e.next = t[i];
        t[i] = e;
        size++;
        for (KeyspaceListener l : listeners) {
            l.keyAdded(this, e.key, 0, e.klen());
        }
    }

    /** Unlinks e from the table (and from the volatile array). */
    public void remove(Entry e) {
        if (!unlinkFrom(table, e)) {
            unlinkFrom(t1, e);
        }
        e.next = null;
        size--;
        if (e.volIdx >= 0) {
            volRemove(e);
        }
        if (t1 != null) {
            rehashStep();
        } else if (table.length > MIN_SIZE && size * 8 < table.length && pauseRehash == 0) {
            startResize(Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(size, 1)) * 2));
        }
    }

    private static boolean unlinkFrom(Entry[] t, Entry e) {
        int i = bucketOf(e, t.length);
        Entry p = t[i];
        if (p == e) {
            t[i] = e.next;
            return true;
        }
        while (p != null && p.next != e) {
            p = p.next;
        }
        if (p == null) {
            return false;
        }
        p.next = e.next;
        return true;
    }

    private void startResize(int n) {
        if (n == table.length) {
            return;
        }
        t1 = new Entry[n];
        rehashIdx = 0;
    }

    /** One step of incremental rehashing: moves one bucket, visiting at most 10 empty ones (Redis's dictRehash(d, 1)). */
    private void rehashStep() {
        if (pauseRehash == 0) {
            rehash(1);
        }
    }

    /** Moves up to n non-empty buckets to the new table; returns whether rehashing is still in progress. */
    boolean rehash(int n) {
        if (t1 == null) {
            return false;
        }
        int emptyVisits = n * 10;
        Entry[] t = table;
        Entry[] dst = t1;
        while (n-- > 0 && rehashIdx < t.length) {
            while (t[rehashIdx] == null) {
                rehashIdx++;
                if (rehashIdx == t.length || --emptyVisits == 0) {
                    return finishIfDone();
                }
            }
            for (Entry e = t[rehashIdx]; e != null; ) {
                Entry next = e.next;
                int i = bucketOf(e, dst.length);
                e.next = dst[i];
                dst[i] = e;
                e = next;
            }
            t[rehashIdx++] = null;
        }
        return finishIfDone();
    }

    private boolean finishIfDone() {
        if (rehashIdx < table.length) {
            return true;
        }
        table = t1;
        t1 = null;
        rehashIdx = -1;
        return false;
    }

    /** The most buckets {@link #expand} allocates on a file's word (a hostile RESIZEDB cannot ask for more). */
    static final int MAX_EXPAND = 1 << 24;

    /**
     * Grows the table at once to hold n keys without resizing while they are added (Redis's dictExpand on an RDB's
     * RESIZEDB record): the buckets become the power of two at or above n (at most {@value #MAX_EXPAND}), and the
     * keys present move now (a resize in progress is finished first). Does nothing while a SCAN visitor runs, or when
     * the table is big enough. O(size + buckets).
     */
    public void expand(long n) {
        if (pauseRehash != 0) {
            return;
        }
        while (rehash(1024)) {
            // a resize in progress ends first: the new size is then taken from one table
        }
        if (n <= table.length) {
            return;
        }
        int cap = n >= MAX_EXPAND ? MAX_EXPAND : Integer.highestOneBit((int) n - 1) << 1;
        if (cap <= table.length) {
            return;
        }
        startResize(cap);
        while (rehash(1024)) {
            // moves every bucket: nothing else runs meanwhile
        }
    }

    /** Rehashes in steps of 100 buckets for about the given time (Redis's dictRehashMilliseconds, from the cron). */
    public void rehashFor(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (rehash(100)) {
            if (System.nanoTime() > end) {
                return;
            }
        }
    }

    public boolean rehashing() {
        return t1 != null;
    }

    public void clear() {
        table = new Entry[MIN_SIZE];
        t1 = null;
        rehashIdx = -1;
        size = 0;
        vol = new Entry[16];
        volExpire = new long[16];
        volCount = 0;
        avgTtl = 0;
        memBytes = 0;
    }

    /**
     * Moves the contents of this database to a new, unregistered Db object and leaves this one empty, in O(1) (no
     * listener is told). A snapshot keeps walking the detached contents of a database flushed under it; nothing
     * else references them, so they no longer change.
     */
    public Db detach() {
        Db d = new Db(id);
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
        Entry[] t = table;
        table = o.table;
        o.table = t;
        t = t1;
        t1 = o.t1;
        o.t1 = t;
        int r = rehashIdx;
        rehashIdx = o.rehashIdx;
        o.rehashIdx = r;
        int s = size;
        size = o.size;
        o.size = s;
        Entry[] v = vol;
        vol = o.vol;
        o.vol = v;
        long[] ve = volExpire;
        volExpire = o.volExpire;
        o.volExpire = ve;
        int vc = volCount;
        volCount = o.volCount;
        o.volCount = vc;
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
        return e.volIdx < 0 ? -1 : volExpire[e.volIdx];
    }

    /** Whether e has an expire earlier than now (Redis: now &gt; when). */
    public boolean expired(Entry e, long now) {
        return e.volIdx >= 0 && volExpire[e.volIdx] < now;
    }

    public void setExpire(Entry e, long when) {
        if (e.volIdx < 0) {
            volAdd(e);
        }
        volExpire[e.volIdx] = when;
    }

    public void removeExpire(Entry e) {
        if (e.volIdx >= 0) {
            volRemove(e);
        }
    }

    private void volAdd(Entry e) {
        if (volCount == vol.length) {
            vol = java.util.Arrays.copyOf(vol, vol.length * 2);
            volExpire = java.util.Arrays.copyOf(volExpire, vol.length);
        }
        e.volIdx = volCount;
        vol[volCount++] = e;
    }

    private void volRemove(Entry e) {
        int i = e.volIdx;
        int last = --volCount;
        Entry moved = vol[last];
        vol[i] = moved;
        volExpire[i] = volExpire[last];
        moved.volIdx = i;
        vol[last] = null;
        e.volIdx = -1;
        if (vol.length > 64 && volCount * 4 < vol.length) {
            vol = java.util.Arrays.copyOf(vol, vol.length / 2);
            volExpire = java.util.Arrays.copyOf(volExpire, vol.length);
        }
    }

    /**
     * A random entry (Redis's dictGetFairRandomKey, simplified: random non-empty bucket, random chain element; while
     * rehashing, the buckets of the old table already moved are skipped).
     */
    public Entry random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Entry head;
        if (t1 == null) {
            do {
                head = table[r.nextInt(table.length)];
            } while (head == null);
        } else {
            int span = table.length - rehashIdx + t1.length;
            do {
                int i = rehashIdx + r.nextInt(span);
                head = i < table.length ? table[i] : t1[i - table.length];
            } while (head == null);
        }
        int n = 0;
        for (Entry e = head; e != null; e = e.next) {
            n++;
        }
        int k = r.nextInt(n);
        Entry e = head;
        while (k-- > 0) {
            e = e.next;
        }
        return e;
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
        pauseRehash++;
        try {
            if (t1 == null) {
                long m = table.length - 1;
                visitBucket(table[(int) (v & m)], visitor);
                return nextCursor(v, m);
            }
            Entry[] small = table.length <= t1.length ? table : t1;
            Entry[] large = small == table ? t1 : table;
            long m0 = small.length - 1;
            long m1 = large.length - 1;
            visitBucket(small[(int) (v & m0)], visitor);
            do {
                visitBucket(large[(int) (v & m1)], visitor);
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
            return v;
        } finally {
            pauseRehash--;
        }
    }

    private static void visitBucket(Entry head, Visitor visitor) {
        for (Entry e = head; e != null; ) {
            Entry next = e.next;
            visitor.visit(e);
            e = next;
        }
    }

    /** Increments the reversed cursor under mask m (the high bits first). */
    private static long nextCursor(long v, long m) {
        v |= ~m;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** Visits every entry; the visitor must not add or remove keys. */
    public void forEach(Visitor visitor) {
        forEachIn(table, visitor);
        if (t1 != null) {
            forEachIn(t1, visitor);
        }
    }

    private static void forEachIn(Entry[] t, Visitor visitor) {
        for (Entry head : t) {
            for (Entry e = head; e != null; e = e.next) {
                visitor.visit(e);
            }
        }
    }

    /**
     * Bytes Redis's dicts of this database take besides their dictEntries (which MEMORY USAGE counts per key): the
     * bucket arrays of the main dict (8 bytes a bucket, both tables while rehashing) and of the expires dict, and
     * one dictEntry (24 bytes) per key with an expire. O(1).
     */
    public long dictOverhead() {
        long expiresBuckets = volCount == 0 ? 0 : Math.max(MIN_SIZE, Long.highestOneBit(volCount - 1L) << 1);
        return buckets() * 8L + expiresBuckets * 8L + volCount * (long) RedisSizes.DICT_ENTRY;
    }

    /** The sum of the accounted sizes of this database's keys (MEMORY USAGE of each, see Keyspace). */
    public long datasetBytes() {
        return memBytes;
    }

    /** Buckets of both tables (the second exists only while rehashing). */
    public int buckets() {
        return table.length + (t1 == null ? 0 : t1.length);
    }
}
