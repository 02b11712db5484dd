package io.cinnabar.server.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One numbered database: a chained hash table of {@link Entry} keyed by bytes, plus the array of keys that have an
 * expire (Redis's {@code expires} dict, which the active expiry cycle samples).
 * <p>
 * Table: power-of-two buckets, grown x2 when the load reaches 1 and shrunk when it falls under 1/8 (Redis's
 * thresholds), at once rather than incrementally: a resize of N keys costs O(N) on the event loop (about 10 ms per
 * million keys). Lookups take a slice of the request buffer, so GET/SET/INCR allocate nothing to find a key.
 * Hash: a 64-bit multiply-rotate mix over 8-byte words with a per-process random seed (not Redis's SipHash; the
 * SCAN order therefore differs from Redis's, as it does between any two Redis processes).
 * <p>
 * SCAN uses Redis's reverse-binary cursor: every key present for the whole scan is returned at least once even if
 * the table grows or shrinks in between.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Db {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = ThreadLocalRandom.current().nextLong();
    private static final int MIN_SIZE = 4;

    final int id;
    private Entry[] table = new Entry[MIN_SIZE];
    private int size;
    Entry[] vol = new Entry[16];
    /** Expire time (unix ms) of vol[i]. */
    long[] volExpire = new long[16];
    int volCount;
    /** Running average TTL of sampled keys, for INFO keyspace avg_ttl. */
    long avgTtl;
    /** Resume point of the active expiry cycle in the volatile array. */
    int expireCursor;
    /** Told of every key added (Redis's signalKeyAsReady in dbAdd), so that clients blocked on it can be served. */
    BlockingKeys blocking;

    Db(int id) {
        this.id = id;
    }

    int size() {
        return size;
    }

    int expiresCount() {
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

    Entry find(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && java.util.Arrays.equals(e.key, 0, e.klen(), b, off, off + len)) {
                return e;
            }
        }
        return null;
    }

    Entry find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** Adds a new entry for a key known to be absent; returns it (value unset). */
    Entry add(byte[] key) {
        Entry e = new Entry(key, hash(key, 0, key.length));
        insert(e);
        return e;
    }

    /** Adds an existing entry object (RENAME, MOVE); the key must be absent; the caller sets its expire. */
    void insert(Entry e) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        int i = e.hash & (table.length - 1);
        e.next = table[i];
        table[i] = e;
        size++;
        if (blocking != null) {
            blocking.keyAdded(this, e);
        }
    }

    /** Unlinks e from the table (and from the volatile array). */
    void remove(Entry e) {
        int i = e.hash & (table.length - 1);
        Entry p = table[i];
        if (p == e) {
            table[i] = e.next;
        } else {
            while (p.next != e) {
                p = p.next;
            }
            p.next = e.next;
        }
        e.next = null;
        size--;
        if (e.volIdx >= 0) {
            volRemove(e);
        }
        if (table.length > MIN_SIZE && size * 8 < table.length) {
            resize(Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(size, 1)) * 2));
        }
    }

    private void resize(int n) {
        Entry[] old = table;
        Entry[] t = new Entry[n];
        for (Entry head : old) {
            for (Entry e = head; e != null; ) {
                Entry next = e.next;
                int i = e.hash & (n - 1);
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    void clear() {
        table = new Entry[MIN_SIZE];
        size = 0;
        vol = new Entry[16];
        volExpire = new long[16];
        volCount = 0;
        avgTtl = 0;
    }

    /** Swaps the contents of two databases (SWAPDB). */
    void swapWith(Db o) {
        Entry[] t = table;
        table = o.table;
        o.table = t;
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
        if (blocking != null) {
            blocking.swapped(this, o);
        }
    }

    /** The expire time of e (an entry of this database) in unix ms, or -1. */
    long expireOf(Entry e) {
        return e.volIdx < 0 ? -1 : volExpire[e.volIdx];
    }

    /** Whether e has an expire earlier than now (Redis: now &gt; when). */
    boolean expired(Entry e, long now) {
        return e.volIdx >= 0 && volExpire[e.volIdx] < now;
    }

    void setExpire(Entry e, long when) {
        if (e.volIdx < 0) {
            volAdd(e);
        }
        volExpire[e.volIdx] = when;
    }

    void removeExpire(Entry e) {
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

    /** A random entry (Redis's dictGetFairRandomKey, simplified: random non-empty bucket, random chain element). */
    Entry random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Entry head;
        do {
            head = table[r.nextInt(table.length)];
        } while (head == null);
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
    interface Visitor {
        void visit(Entry e);
    }

    /**
     * Visits the bucket of cursor v and returns the next cursor (0 when the scan is complete). One call visits one
     * bucket: O(chain length).
     */
    long scan(long v, Visitor visitor) {
        long m = table.length - 1;
        for (Entry e = table[(int) (v & m)]; e != null; ) {
            Entry next = e.next; // the visitor may delete e (lazy expiry)
            visitor.visit(e);
            e = next;
        }
        v |= ~m;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }

    /** Visits every entry; the visitor must not add or remove keys. */
    void forEach(Visitor visitor) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                visitor.visit(e);
            }
        }
    }

    int buckets() {
        return table.length;
    }
}
