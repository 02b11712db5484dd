package io.cinnabar.server.internal.keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys a writable replica's own clients gave an expire time (Redis's {@code slaveKeysWithExpire}): a replica
 * expires nothing of its master's, so without this list such keys would never go. Each key name maps to a bitmap
 * of the databases (0..63, as Redis) where it may have one; {@link Keyspace#expireReplicaKeys} samples names at
 * random and drops a name once none of its databases holds it with an expire time.
 * <p>
 * Cost: O(1) to remember a key and to pick or drop a random one (an array of slots plus a hash index); one slot and
 * one copy of the name per tracked key. Only a writable replica's client writes with a TTL ever allocate here.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class ReplicaExpires {
    /** A tracked name, its database bitmap and its place in {@link #slots}. */
    static final class Slot {
        final byte[] key;
        final int hash;
        long dbs;
        int pos;

        Slot(byte[] key, int hash) {
            this.key = key;
            this.hash = hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && hash == s.hash && Arrays.equals(key, s.key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final HashMap<Slot, Slot> index = new HashMap<>();
    private final ArrayList<Slot> slots = new ArrayList<>();

    /** Remembers that key (bytes off..off+len) may have an expire time in database db (ignored above 63). */
    void remember(int db, byte[] b, int off, int len) {
        if (db > 63) {
            return;
        }
        byte[] key = Arrays.copyOfRange(b, off, off + len);
        Slot probe = new Slot(key, Arrays.hashCode(key));
        Slot s = index.get(probe);
        if (s == null) {
            s = probe;
            s.pos = slots.size();
            slots.add(s);
            index.put(s, s);
        }
        s.dbs |= 1L << db;
    }

    int size() {
        return slots.size();
    }

    /** A tracked name chosen at random; size() must be positive. */
    Slot random() {
        return slots.get(ThreadLocalRandom.current().nextInt(slots.size()));
    }

    /** Stops tracking s (the last slot takes its place). */
    void remove(Slot s) {
        index.remove(s);
        Slot last = slots.remove(slots.size() - 1);
        if (last != s) {
            last.pos = s.pos;
            slots.set(s.pos, last);
        }
    }

    void clear() {
        index.clear();
        slots.clear();
    }
}
