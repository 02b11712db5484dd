package io.cinnabar.server.internal.cluster;

import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.KeyspaceListener;

/**
 * The keys of database 0 by hash slot (Redis's slots_to_keys), kept up to date from the keyspace's events: the
 * count of a slot is O(1), its keys are listed (newest first, as Redis lists them) and deleted in O(keys of the
 * slot), never by a walk of the database. Only a cluster-enabled server registers one.
 * <p>
 * Layout: a slot without keys costs nothing but its counter and an empty reference. A slot with keys has a
 * {@link Bucket}: an append-only arena of records {@code [key bytes][int length]} (the length is complemented
 * once the key is deleted) and an open-addressing table of record ends, keyed by a hash of the key, with linear
 * probing and tombstones. The arena grows by half, is compacted (dead records dropped, order kept, slack trimmed
 * to a quarter) when a quarter of it is dead, and the table is rebuilt then or when three quarters full. Per key:
 * its bytes + 4 (length), times at most 2 for dead records and unused arena (about 1.2 typically), plus 4 bytes
 * per table entry at a load of 1/4 to 3/4 (5 to 16 bytes); measured 23 to 36 bytes per key of 4 to 10 bytes. An
 * event costs the key's CRC16 and hash plus an expected O(1) probe; a compaction is paid for by the deletions
 * that made a quarter of the arena dead.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class SlotKeys implements KeyspaceListener {
    /** Called with each key of a slot: valid in buf[off, off + len) during the call only. */
    interface KeyVisitor {
        void visit(byte[] buf, int off, int len);
    }

    private final int[] counts = new int[BusDescriptor.SLOTS];
    private final Bucket[] buckets = new Bucket[BusDescriptor.SLOTS];

    /** Keys in slot. O(1). */
    int count(int slot) {
        return counts[slot];
    }

    /** Visits at most max keys of slot, the most recently added first. O(keys visited + dead records skipped). */
    void visit(int slot, long max, KeyVisitor v) {
        Bucket b = buckets[slot];
        if (b != null && max > 0) {
            b.visit(max, v);
        }
    }

    /** The keys of slot (at most max), copied. */
    java.util.List<byte[]> keys(int slot, long max) {
        java.util.List<byte[]> out = new java.util.ArrayList<>((int) Math.min(max, counts[slot]));
        visit(slot, max, (buf, off, len) -> out.add(java.util.Arrays.copyOfRange(buf, off, off + len)));
        return out;
    }

    private void add(byte[] key, int off, int len) {
        int slot = KeySlots.slot(key, off, len);
        Bucket b = buckets[slot];
        if (b == null) {
            b = new Bucket(len);
            buckets[slot] = b;
        }
        if (b.add(key, off, len)) {
            counts[slot]++;
        }
    }

    private void remove(byte[] key, int off, int len) {
        int slot = KeySlots.slot(key, off, len);
        Bucket b = buckets[slot];
        if (b != null && b.remove(key, off, len)) {
            if (--counts[slot] == 0) {
                buckets[slot] = null; // an emptied slot gives its memory back
            }
        }
    }

    private void clear() {
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(buckets, null);
    }

    /** Rebuilds the index from db's keys (after SWAPDB brought other contents into database 0). O(keys). */
    void rebuild(Db db) {
        clear();
        db.forEach(e -> add(e.keyArray(), 0, e.klen()));
    }

    /** Bytes held by the index beyond the counters (for tests and MEMORY-style reports). */
    long bytes() {
        long n = 0;
        for (Bucket b : buckets) {
            if (b != null) {
                n += b.arena.length + 4L * b.table.length + 32;
            }
        }
        return n;
    }

    // ---- the keyspace's events (database 0 only: a cluster has no other)

    @Override
    public void keyAdded(Db db, byte[] key, int off, int len) {
        if (db.id == 0) {
            add(key, off, len);
        }
    }

    @Override
    public void keyDeleted(Db db, byte[] key, int off, int len) {
        if (db.id == 0) {
            remove(key, off, len);
        }
    }

    @Override
    public void keyExpired(Db db, byte[] key, int off, int len) {
        if (db.id == 0) {
            remove(key, off, len);
        }
    }

    @Override
    public void flushed(Db db) {
        if (db.id == 0) {
            clear();
        }
    }

    @Override
    public void swapped(Db a, Db b) {
        if (a.id == 0) {
            rebuild(a);
        } else if (b.id == 0) {
            rebuild(b);
        }
    }

    /** The keys of one slot. */
    static final class Bucket {
        private static final int EMPTY = 0;
        private static final int TOMB = -1;
        byte[] arena;
        int used;
        int deadBytes;
        int live;
        /** Record ends (> 0), EMPTY or TOMB. */
        int[] table = new int[4];
        int tombs;

        Bucket(int firstKeyLen) {
            arena = new byte[Math.max(32, firstKeyLen + 4)];
        }

        private static int hash(byte[] b, int off, int len) {
            int h = 0x9e3779b9 ^ len;
            for (int i = 0; i < len; i++) {
                h = (h ^ b[off + i]) * 0x01000193;
            }
            return h ^ h >>> 16;
        }

        private int lenAt(int end) {
            byte[] a = arena;
            return (a[end - 4] & 0xff) << 24 | (a[end - 3] & 0xff) << 16 | (a[end - 2] & 0xff) << 8 | a[end - 1] & 0xff;
        }

        private void putLen(int end, int v) {
            arena[end - 4] = (byte) (v >>> 24);
            arena[end - 3] = (byte) (v >>> 16);
            arena[end - 2] = (byte) (v >>> 8);
            arena[end - 1] = (byte) v;
        }

        private boolean keyAt(int end, byte[] k, int off, int len) {
            int l = lenAt(end);
            return l == len && java.util.Arrays.equals(arena, end - 4 - l, end - 4, k, off, off + len);
        }

        /** The table index holding key, or -1. */
        private int find(byte[] k, int off, int len, int h) {
            int mask = table.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                int e = table[i];
                if (e == EMPTY) {
                    return -1;
                }
                if (e != TOMB && keyAt(e, k, off, len)) {
                    return i;
                }
            }
        }

        /** Adds key unless present; true when added. */
        boolean add(byte[] k, int off, int len) {
            int h = hash(k, off, len);
            if (find(k, off, len, h) >= 0) {
                return false; // a repeated event: the index holds a key once
            }
            if ((live + tombs + 1) * 4L > table.length * 3L) {
                rehash(live + 1);
            }
            int need = used + len + 4;
            if (need > arena.length || need < 0) {
                if (deadBytes * 4 >= used) {
                    compact();
                    need = used + len + 4;
                }
                if (need > arena.length) {
                    arena = java.util.Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max(need, arena.length + (long) arena.length / 2)));
                }
            }
            System.arraycopy(k, off, arena, used, len);
            used += len + 4;
            putLen(used, len);
            insert(used, h);
            live++;
            return true;
        }

        private void insert(int end, int h) {
            int mask = table.length - 1;
            int i = h & mask;
            while (table[i] != EMPTY && table[i] != TOMB) {
                i = (i + 1) & mask;
            }
            if (table[i] == TOMB) {
                tombs--;
            }
            table[i] = end;
        }

        /** Removes key if present; true when removed. */
        boolean remove(byte[] k, int off, int len) {
            int i = find(k, off, len, hash(k, off, len));
            if (i < 0) {
                return false;
            }
            int end = table[i];
            putLen(end, ~len);
            table[i] = TOMB;
            tombs++;
            live--;
            deadBytes += len + 4;
            if (live > 0 && deadBytes * 4 > used && used > 64) {
                compact();
            }
            return true;
        }

        /** Drops dead records (keeping the order of the live ones) and rebuilds the table. */
        private void compact() {
            byte[] a = arena;
            int w = 0;
            int r = 0;
            // records are found from the end; collect their ends first, then slide them down in order
            int[] ends = new int[live];
            int n = live;
            for (int end = used; end > 0; ) {
                int l = lenAt(end);
                int kl = l < 0 ? ~l : l;
                if (l >= 0) {
                    ends[--n] = end;
                }
                end -= kl + 4;
            }
            for (int end : ends) {
                int kl = lenAt(end);
                int start = end - 4 - kl;
                System.arraycopy(a, start, a, w, kl + 4);
                w += kl + 4;
                r++;
            }
            used = w;
            deadBytes = 0;
            if (a.length > 64 && used + used / 2 < a.length) {
                arena = java.util.Arrays.copyOf(a, Math.max(32, used + used / 4));
            }
            rehash(r);
        }

        /** A new table for n keys (load 1/4 to 1/2, rebuilt again at 3/4), filled from the live records. */
        private void rehash(int n) {
            int cap = 4;
            while (cap < n * 2L) {
                cap <<= 1;
            }
            table = new int[cap];
            tombs = 0;
            for (int end = used; end > 0; ) {
                int l = lenAt(end);
                int kl = l < 0 ? ~l : l;
                if (l >= 0) {
                    insert(end, hash(arena, end - 4 - kl, kl));
                }
                end -= kl + 4;
            }
        }

        void visit(long max, KeyVisitor v) {
            long left = max;
            for (int end = used; end > 0 && left > 0; ) {
                int l = lenAt(end);
                int kl = l < 0 ? ~l : l;
                if (l >= 0) {
                    v.visit(arena, end - 4 - kl, kl);
                    left--;
                }
                end -= kl + 4;
            }
        }
    }
}
