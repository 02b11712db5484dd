package io.cinnabar.server.internal.type.list;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.MpopArgs;
import io.cinnabar.server.internal.type.TypeCommands;

import java.util.List;

/**
 * List commands (LPUSH ... LMPOP; the blocking variants are {@link BlockingCommands}) over {@link ListValue}, with Redis 7.2's replies,
 * error texts and encoding conversions.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class ListCommands {
    private ListCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("lpush", c -> push(c, true, false));
        t.impl("rpush", c -> push(c, false, false));
        t.impl("lpushx", c -> push(c, true, true));
        t.impl("rpushx", c -> push(c, false, true));
        t.impl("lpop", c -> pop(c, true));
        t.impl("rpop", c -> pop(c, false));
        t.impl("llen", c -> {
            Entry lKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, lKey, Entry.TYPE_LIST)) {
                ListValue l = lKey == null ? null : (ListValue) lKey.value();
                c.integer(l == null ? 0 : l.size());
            }
        });
        t.impl("lindex", ListCommands::lindex);
        t.impl("lrange", ListCommands::lrange);
        t.impl("lset", ListCommands::lset);
        t.impl("linsert", ListCommands::linsert);
        t.impl("lrem", ListCommands::lrem);
        t.impl("ltrim", ListCommands::ltrim);
        t.impl("lpos", ListCommands::lpos);
        t.impl("lmove", ListCommands::lmove);
        t.impl("rpoplpush", c -> move(c, false, true));
        t.impl("lmpop", ListCommands::lmpop);
    }

    /** Deletes the key when the list became empty, else tries the shrinking conversion (listElementsRemoved). */
    static void removed(Client c, Entry e) {
        ListValue l = (ListValue) e.value();
        if (l.size() == 0) {
            c.server.keyspace.delete(c.db, e);
            c.server.keyspace.notify(Notify.GENERIC, "del", c.db, e.keyArray(), 0, e.klen());
        } else {
            l.shrinking(c.server.limits);
        }
    }

    /**
     * The end of a pop of n elements from list e (Redis's listElementsRemoved): the lpop/rpop event, the key
     * deleted (del event) when it became empty, the key signalled and n changes counted.
     */
    static void popped(Client c, Entry e, boolean head, long n) {
        Db db = c.db;
        byte[] key = e.keyArray();
        int klen = e.klen();
        c.server.keyspace.notify(Notify.LIST, head ? "lpop" : "rpop", db, key, 0, klen);
        removed(c, e);
        c.server.keyspace.modified(db, key, 0, klen, n);
    }

    static void push(Client c, boolean head, boolean onlyExisting) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e != null && e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (e == null) {
            if (onlyExisting) {
                c.integer(0);
                return;
            }
            e = c.server.keyspace.addEmpty(c.db, c.argBuf, c.argOff[1], c.argLen[1], Entry.TYPE_LIST, ListValue::new);
        }
        ListValue l = (ListValue) e.value();
        long bytes = 0;
        for (int i = 2; i < c.argc; i++) {
            bytes += c.argLen[i];
        }
        l.growing(bytes, c.argc - 2, c.server.limits);
        for (int i = 2; i < c.argc; i++) {
            l.push(c.argBuf, c.argOff[i], c.argLen[i], head);
        }
        c.modified(1, c.argc - 2);
        c.notify(Notify.LIST, head ? "lpush" : "rpush", 1);
        c.integer(l.size());
    }

    static void pop(Client c, boolean head) {
        long count = 0;
        boolean hasCount = false;
        if (c.argc > 3) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        if (c.argc == 3) {
            if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                c.error("ERR value is out of range, must be positive");
                return;
            }
            count = c.ctx.tmp[0];
            hasCount = true;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            if (hasCount) {
                c.nullArray();
            } else {
                c.nullBulk();
            }
            return;
        }
        if (e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (hasCount && count == 0) {
            c.array(0);
            return;
        }
        ListValue l = (ListValue) e.value();
        if (!hasCount) {
            l.pop(head, c.bulkSink);
            popped(c, e, head, 1);
            return;
        }
        long n = Math.min(count, l.size());
        c.array(n);
        for (long i = 0; i < n; i++) {
            l.pop(head, c.bulkSink);
        }
        popped(c, e, head, n);
    }

    static void lindex(Client c) {
        Entry lKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, lKey, Entry.TYPE_LIST)) {
            return;
        }
        ListValue l = lKey == null ? null : (ListValue) lKey.value();
        if (l == null) {
            c.nullBulk();
            return;
        }
        if (!c.argLong(2)) {
            return;
        }
        byte[] v = l.get(c.ctx.tmp[0]);
        if (v == null) {
            c.nullBulk();
        } else {
            c.bulk(v);
        }
    }

    static void lrange(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long start = c.ctx.tmp[0];
        if (!c.argLong(3)) {
            return;
        }
        long end = c.ctx.tmp[0];
        Entry lKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, lKey, Entry.TYPE_LIST)) {
            return;
        }
        ListValue l = lKey == null ? null : (ListValue) lKey.value();
        if (l == null) {
            c.array(0);
            return;
        }
        long llen = l.size(); // ZSetCommands.rankRange's clamping, without its array: LRANGE allocates nothing
        start = start < 0 ? Math.max(0, llen + start) : start;
        end = end < 0 ? llen + end : Math.min(end, llen - 1);
        if (start > end || start >= llen) {
            c.array(0);
            return;
        }
        c.array((int) (end - start + 1));
        l.range(start, end, c.bulkSink);
    }

    static void lset(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.error(Shared.NO_SUCH_KEY);
            return;
        }
        if (e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (!c.argLong(2)) {
            return;
        }
        long index = c.ctx.tmp[0];
        ListValue l = (ListValue) e.value();
        l.growing(c.argLen[3], 1, c.server.limits);
        if (!l.set(index, c.arg(3))) {
            c.error("ERR index out of range");
            return;
        }
        c.notify(Notify.LIST, "lset", 1);
        c.modified(1, 1);
        l.shrinking(c.server.limits);
        c.ok();
    }

    static void linsert(Client c) {
        boolean after;
        if (c.argIs(2, "after")) {
            after = true;
        } else if (c.argIs(2, "before")) {
            after = false;
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        ListValue l = (ListValue) e.value();
        l.growing(c.argLen[4], 1, c.server.limits);
        List<byte[]> all = l.all();
        byte[] pivot = c.arg(3);
        for (int i = 0; i < all.size(); i++) {
            if (java.util.Arrays.equals(all.get(i), pivot)) {
                l.insert(i, after, c.arg(4));
                c.modified(1, 1);
                c.notify(Notify.LIST, "linsert", 1);
                c.integer(l.size());
                return;
            }
        }
        c.integer(-1);
    }

    static void lrem(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long toremove = c.ctx.tmp[0];
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        ListValue l = (ListValue) e.value();
        List<byte[]> all = l.all();
        byte[] v = c.arg(3);
        long removed = 0;
        if (toremove < 0) {
            for (int i = all.size() - 1; i >= 0 && (removed < -toremove); i--) {
                if (java.util.Arrays.equals(all.get(i), v)) {
                    l.deleteRange(i, 1);
                    removed++;
                }
            }
        } else {
            int shift = 0;
            for (int i = 0; i < all.size() && (toremove == 0 || removed < toremove); i++) {
                if (java.util.Arrays.equals(all.get(i), v)) {
                    l.deleteRange(i - shift, 1);
                    shift++;
                    removed++;
                }
            }
        }
        if (removed > 0) {
            c.notify(Notify.LIST, "lrem", 1);
            removed(c, e);
            c.modified(1, removed);
        }
        c.integer(removed);
    }

    static void ltrim(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long start = c.ctx.tmp[0];
        if (!c.argLong(3)) {
            return;
        }
        long end = c.ctx.tmp[0];
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.ok();
            return;
        }
        if (e.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        ListValue l = (ListValue) e.value();
        long llen = l.size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        long ltrim;
        long rtrim;
        if (start > end || start >= llen) {
            ltrim = llen;
            rtrim = 0;
        } else {
            if (end >= llen) {
                end = llen - 1;
            }
            ltrim = start;
            rtrim = llen - end - 1;
        }
        l.deleteRange(0, ltrim);
        if (rtrim > 0) {
            l.deleteRange(l.size() - rtrim, rtrim);
        }
        c.notify(Notify.LIST, "ltrim", 1);
        removed(c, e);
        c.modified(1, ltrim + rtrim);
        c.ok();
    }

    static void lpos(Client c) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < c.argc; j++) {
            boolean more = j < c.argc - 1;
            if (c.argIs(j, "rank") && more) {
                j++;
                if (!c.argLong(j)) {
                    return;
                }
                rank = c.ctx.tmp[0];
                if (rank == Long.MIN_VALUE) {
                    c.error("ERR value is out of range, value must between -9223372036854775807 and "
                        + "9223372036854775807");
                    return;
                }
                if (rank == 0) {
                    c.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                        + "or use negative to start from the end of the list");
                    return;
                }
            } else if (c.argIs(j, "count") && more) {
                j++;
                if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                    c.error("ERR COUNT can't be negative");
                    return;
                }
                count = c.ctx.tmp[0];
            } else if (c.argIs(j, "maxlen") && more) {
                j++;
                if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                    c.error("ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = c.ctx.tmp[0];
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank;
        }
        Entry lKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, lKey, Entry.TYPE_LIST)) {
            return;
        }
        ListValue l = lKey == null ? null : (ListValue) lKey.value();
        if (l == null) {
            if (count != -1) {
                c.array(0);
            } else {
                c.nullBulk();
            }
            return;
        }
        List<byte[]> all = l.all();
        int llen = all.size();
        byte[] v = c.arg(2);
        java.util.ArrayList<Long> found = new java.util.ArrayList<>();
        long matches = 0;
        for (long index = 0; index < llen && (maxlen == 0 || index < maxlen); index++) {
            int i = (int) (fromTail ? llen - 1 - index : index);
            if (java.util.Arrays.equals(all.get(i), v)) {
                matches++;
                if (matches >= rank) {
                    found.add((long) i);
                    if (count == -1 || count != 0 && matches - rank + 1 >= count) {
                        break;
                    }
                }
            }
        }
        if (count == -1) {
            if (found.isEmpty()) {
                c.nullBulk();
            } else {
                c.integer(found.get(0));
            }
            return;
        }
        c.array(found.size());
        for (long i : found) {
            c.integer(i);
        }
    }

    static void lmove(Client c) {
        Boolean fromLeft = side(c, 3);
        if (fromLeft == null) {
            return;
        }
        Boolean toLeft = side(c, 4);
        if (toLeft == null) {
            return;
        }
        move(c, fromLeft, toLeft);
    }

    private static Boolean side(Client c, int arg) {
        if (c.argIs(arg, "left")) {
            return true;
        }
        if (c.argIs(arg, "right")) {
            return false;
        }
        c.error(Shared.SYNTAX);
        return null;
    }

    static void move(Client c, boolean fromLeft, boolean toLeft) {
        Entry src = c.server.lookupWrite(c, 1);
        if (src == null) {
            c.nullBulk();
            return;
        }
        if (src.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        Entry dst = c.server.lookupWrite(c, 2);
        if (dst != null && dst.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        ListValue sl = (ListValue) src.value();
        byte[] v = sl.pop(fromLeft);
        if (dst == null) {
            dst = c.server.keyspace.addEmpty(c.db, c.argBuf, c.argOff[2], c.argLen[2], Entry.TYPE_LIST, ListValue::new);
        }
        ListValue dl = (ListValue) dst.value();
        dl.growing(v.length, 1, c.server.limits);
        dl.push(v, 0, v.length, toLeft);
        c.modified(2, 0);
        c.notify(Notify.LIST, toLeft ? "lpush" : "rpush", 2);
        c.notify(Notify.LIST, fromLeft ? "lpop" : "rpop", 1);
        if (src != dst) {
            removed(c, src);
        } else {
            // popped and pushed the same list: nothing shrank
        }
        c.modified(1, 1);
        if (c.cmd.fullName.equals("brpoplpush")) {
            Rewrites.rewrite(c, Rewrites.RPOPLPUSH, c.arg(1), c.arg(2));
        } else if (c.cmd.fullName.equals("blmove")) {
            Rewrites.rewrite(c, Rewrites.LMOVE, c.arg(1), c.arg(2), fromLeft ? LEFT : RIGHT, toLeft ? LEFT : RIGHT);
        }
        c.bulk(v);
    }

    static void lmpop(Client c) {
        long[] parsed = new long[2];
        int where = MpopArgs.parse(c, 1, "left", "right", parsed);
        if (where < 0) {
            return;
        }
        if (!mpop(c, 2, where, parsed[0] == 0, parsed[1])) {
            c.nullArray();
        }
    }

    /**
     * Pops up to count elements from the first existing list among the keys in arguments from..to-1 and replies
     * {@code [key, [elements]]} (LMPOP, BLMPOP).
     *
     * @return false, having replied nothing, when none of the keys exists; true after a reply (or a WRONGTYPE)
     */
    static boolean mpop(Client c, int from, int to, boolean left, long count) {
        return MpopArgs.popFirst(c, from, to, Entry.TYPE_LIST, left, count, LIST_POP);
    }

    private static final MpopArgs.Pop LIST_POP = ListCommands::popCount;

    /** Pops up to count elements from the head (left) or tail and replies {@code [key, [elements]]}. */
    private static void popCount(Client c, Entry e, boolean left, long count) {
        ListValue l = (ListValue) e.value();
        long n = Math.min(count, l.size());
        c.array(2);
        c.bulk(e.keyArray(), 0, e.klen());
        c.array(n);
        for (long i = 0; i < n; i++) {
            l.pop(left, c.bulkSink);
        }
        // [B]LMPOP propagates as LPOP/RPOP key <popped>, as Redis does
        Rewrites.rewrite(c, left ? Rewrites.LPOP : Rewrites.RPOP, java.util.Arrays.copyOf(e.keyArray(), e.klen()),
            Rewrites.num(n));
        popped(c, e, left, n);
    }

    private static final byte[] LEFT = Rewrites.ascii("left");
    private static final byte[] RIGHT = Rewrites.ascii("right");
}
