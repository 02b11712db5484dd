package io.cinnabar.server.internal.keyspace;

import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;

import java.util.Arrays;

/**
 * The {@link Entry} views bound to off-heap entries, one per (table, handle): a second lookup of a key already
 * looked up returns the same object, so commands that compare entries by identity (SMOVE, LMOVE, COPY with the
 * same source and destination) and code that holds two entries of one key see one state. A setter that moves its
 * entry re-keys its view here. Views are taken from a pool and returned to it by {@link #releaseAll()}, which the
 * keyspace calls when nothing can hold an entry (after a top-level command, at the top of the event loop): a
 * lookup allocates nothing once the pool is warm.
 * <p>
 * Map: linear probing over (table identity, handle) with backward-shift deletion. O(1) expected per operation.
 * <p><b>Note:</b> This class is not threadsafe: views belong to the event-loop thread.
 */
final class Views {
    static final int POOL_MAX = 1024;
    private static final int MIN_CAP = 64;

    private OffHeapKeyTable<?>[] tabs = new OffHeapKeyTable<?>[MIN_CAP];
    private long[] hs = new long[MIN_CAP];
    private Entry[] es = new Entry[MIN_CAP];
    private int count;
    /** Every view handed out since the last release (bound or since detached). */
    private Entry[] out = new Entry[64];
    private int outCount;
    private final Entry[] pool = new Entry[POOL_MAX];
    private int poolCount;

    /** The view lent by {@link #peek}: never in the map, never handed out. */
    private final Entry lent = new Entry(this);

    /**
     * The view of entry h of t for a visitor that reads it, or marks it saved, and keeps nothing: the view already
     * handed out for it if any, else one reused view that is not registered (a walk over every key allocates
     * nothing). A lent view cannot be moved or detached.
     */
    Entry peek(OffHeapKeyTable<TypedValue> t, long h) {
        int m = hs.length - 1;
        for (int i = slot(h, m); es[i] != null; i = (i + 1) & m) {
            if (hs[i] == h && tabs[i] == t) {
                return es[i];
            }
        }
        lent.bind(t, h);
        lent.lent = true;
        return lent;
    }

    /** The view of entry h of table t (the same object until {@link #releaseAll()}). */
    Entry get(OffHeapKeyTable<TypedValue> t, long h) {
        int m = hs.length - 1;
        for (int i = slot(h, m); ; i = (i + 1) & m) {
            Entry e = es[i];
            if (e == null) {
                Entry v = poolCount > 0 ? pool[--poolCount] : new Entry(this);
                v.bind(t, h);
                put(v);
                noteOut(v);
                return v;
            }
            if (hs[i] == h && tabs[i] == t) {
                return e;
            }
        }
    }

    /** Binds the detached view e to entry h of t (MOVE, an inserted entry). */
    void adopt(Entry e, OffHeapKeyTable<TypedValue> t, long h) {
        if (e.views == null) {
            e.views = this;
        }
        e.bind(t, h);
        put(e);
        if (e.views == this) {
            noteOut(e);
        }
    }

    /** Whether the map is empty (no view bound). */
    boolean idle() {
        return count == 0 && outCount == 0;
    }

    /** e (bound) moved from handle old to e.h. */
    void rekey(Entry e, long old) {
        remove(e.t, old);
        put(e);
    }

    /** e is about to be unbound (its entry deleted). */
    void unbind(Entry e) {
        remove(e.t, e.h);
    }

    /** Views handed out and not released. */
    int outstanding() {
        return outCount;
    }

    /**
     * Stores back the aggregates the views handed out may have changed ({@link Entry#flush()}): before they are
     * released, and before a table is dropped or swapped. O(views handed out + their blob bytes).
     */
    void flushAll() {
        for (int i = 0; i < outCount; i++) {
            Entry e = out[i];
            if (e.dirty) {
                e.flush();
            }
        }
    }

    /** Returns every view to the pool (after storing their values back); no caller may hold one. O(views handed out). */
    void releaseAll() {
        flushAll();
        for (int i = 0; i < outCount; i++) {
            Entry e = out[i];
            out[i] = null;
            if (e.t != null) {
                remove(e.t, e.h);
            }
            e.out = false;
            e.reset();
            if (poolCount < POOL_MAX) {
                pool[poolCount++] = e;
            }
        }
        outCount = 0;
        if (hs.length > 4096) {
            tabs = new OffHeapKeyTable<?>[MIN_CAP];
            hs = new long[MIN_CAP];
            es = new Entry[MIN_CAP];
            out = new Entry[64];
            count = 0;
        }
    }

    private void noteOut(Entry v) {
        if (v.out) {
            return;
        }
        v.out = true;
        if (outCount == out.length) {
            out = Arrays.copyOf(out, outCount * 2);
        }
        out[outCount++] = v;
    }

    private static int slot(long h, int m) {
        long x = h * 0x9E3779B97F4A7C15L;
        return (int) (x ^ (x >>> 29)) & m;
    }

    private void put(Entry v) {
        if ((count + 1) * 2 > hs.length) {
            grow();
        }
        int m = hs.length - 1;
        int i = slot(v.h, m);
        while (es[i] != null) {
            i = (i + 1) & m;
        }
        tabs[i] = v.t;
        hs[i] = v.h;
        es[i] = v;
        count++;
    }

    private void remove(OffHeapKeyTable<?> t, long h) {
        int m = hs.length - 1;
        int i = slot(h, m);
        while (es[i] != null && !(hs[i] == h && tabs[i] == t)) {
            i = (i + 1) & m;
        }
        if (es[i] == null) {
            return;
        }
        count--;
        // backward-shift deletion: move later entries of the run into the hole when their home allows it
        int hole = i;
        for (int j = (i + 1) & m; es[j] != null; j = (j + 1) & m) {
            int home = slot(hs[j], m);
            if (((j - home) & m) >= ((j - hole) & m)) {
                tabs[hole] = tabs[j];
                hs[hole] = hs[j];
                es[hole] = es[j];
                hole = j;
            }
        }
        tabs[hole] = null;
        hs[hole] = 0;
        es[hole] = null;
    }

    private void grow() {
        OffHeapKeyTable<?>[] ot = tabs;
        long[] oh = hs;
        Entry[] oe = es;
        int n = oh.length * 2;
        tabs = new OffHeapKeyTable<?>[n];
        hs = new long[n];
        es = new Entry[n];
        count = 0;
        for (int i = 0; i < oe.length; i++) {
            if (oe[i] != null) {
                put(oe[i]);
            }
        }
    }
}
