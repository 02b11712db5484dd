package io.cinnabar.server.internal.type;

import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.command.Client;

/**
 * Helpers shared by the type packages: distinct random sampling (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER) and the
 * count argument of the RANDMEMBER/RANDFIELD family.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class TypeCommands {
    private TypeCommands() {
    }

    /**
     * The number of elements SRANDMEMBER/HRANDFIELD/ZRANDMEMBER reply for count l over a value of size elements:
     * |l| for a negative count (repetitions allowed), at most size for a positive one.
     */
    public static long sampleSize(long l, long size) {
        return l < 0 ? -l : Math.min(l, size);
    }

    /**
     * Random sampling with a count over a value read into an indexed copy of size elements (the listpack/intset
     * cases of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER): a negative l emits |l| random indices with repetitions; a
     * positive one {@link #sampleSize} distinct indices (a partial Fisher-Yates shuffle), in index order when
     * {@code inOrder} (as Redis's lpRandomPairsUnique) and in drawn order otherwise; all of them, in order, when l
     * is at least size.
     */
    public static void sampleIndices(Client c, long l, int size, boolean inOrder,
            java.util.function.IntConsumer emit) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        if (l < 0) {
            for (long i = 0; i < -l && !c.closed; i++) { // stops once c is closed for its output-buffer limit
                emit.accept(r.nextInt(size));
            }
            return;
        }
        int n = (int) sampleSize(l, size);
        int[] pick = new int[size];
        for (int i = 0; i < size; i++) {
            pick[i] = i;
        }
        if (n < size) {
            for (int i = 0; i < n; i++) {
                int j = i + r.nextInt(size - i);
                int t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
            if (inOrder) {
                java.util.Arrays.sort(pick, 0, n);
            }
        }
        for (int i = 0; i < n; i++) {
            emit.accept(pick[i]);
        }
    }

    /**
     * Random sampling with a count straight from a hashtable or skiplist dict (Redis's cases 1 and 4, no copy):
     * a negative l emits |l| draws with repetitions, a positive one (at most a third of the value's size) l
     * distinct ones ({@link #distinctRandom}).
     */
    public static <T> void sampleDrawn(Client c, long l, java.util.function.Supplier<T> draw,
            java.util.function.Consumer<T> emit) {
        if (l < 0) {
            for (long i = 0; i < -l && !c.closed; i++) { // stops once c is closed for its output-buffer limit
                emit.accept(draw.get());
            }
            return;
        }
        for (T t : distinctRandom(draw, l)) {
            emit.accept(t);
        }
    }

    /**
     * Draws from {@code draw} until {@code n} distinct objects (by identity: each member of a hashtable or skiplist
     * is one object) were seen: Redis's SRANDMEMBER/HRANDFIELD/ZRANDMEMBER case 4, for n at most a third of the
     * value's size, so the expected number of draws stays below 1.5 n.
     */
    public static <T> java.util.Set<T> distinctRandom(java.util.function.Supplier<T> draw, long n) {
        java.util.Set<T> picked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (picked.size() < n) {
            picked.add(draw.get());
        }
        return picked;
    }


    /** Parses a count in [-LONG_MAX, LONG_MAX] (getRangeLongFromObjectOrReply); false after an error reply. */
    public static boolean rangeCount(Client c, int arg) {
        if (!c.argLong(arg)) {
            return false;
        }
        if (c.ctx.tmp[0] == Long.MIN_VALUE) {
            c.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        return true;
    }

    /**
     * SREM, ZREM, HDEL: removes the members given after the key from a value of the given type, deletes the key
     * when it becomes empty, and replies the number removed (0 for a missing key).
     */
    public static void removeMembers(Client c, int type) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (e.type() != type) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        Members v = (Members) e.value();
        long n = 0;
        boolean removed = false;
        for (int i = 2; i < c.argc; i++) {
            if (v.removeMember(c.argBuf, c.argOff[i], c.argLen[i])) {
                n++;
                if (v.memberCount() == 0) {
                    c.server.keyspace.delete(c.db, e);
                    removed = true;
                    break;
                }
            }
        }
        if (n != 0) {
            c.modified(1, n);
            if (type == Entry.TYPE_SET) {
                c.notify(Notify.SET, "srem", 1);
            } else if (type == Entry.TYPE_ZSET) {
                c.notify(Notify.ZSET, "zrem", 1);
            } else {
                c.notify(Notify.HASH, "hdel", 1);
            }
            if (removed) {
                c.notify(Notify.GENERIC, "del", 1);
            }
        }
        c.integer(n);
    }

    /**
     * The type check of a read: true, after replying WRONGTYPE, when e (a looked-up key, null when absent) holds
     * a value of another type than {@code type}.
     */
    public static boolean wrongType(Client c, Entry e, int type) {
        if (e != null && e.type() != type) {
            c.error(Shared.WRONGTYPE);
            return true;
        }
        return false;
    }
}
