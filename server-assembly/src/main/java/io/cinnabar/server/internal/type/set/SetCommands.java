package io.cinnabar.server.internal.type.set;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.ScanOptions;
import io.cinnabar.server.internal.type.TypeCommands;

import io.cinnabar.dict.DictEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Set commands (SADD ... SSCAN) over {@link SetValue}, with Redis 7.2's replies, error texts and encodings.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class SetCommands {
    private SetCommands() {
    }

    private static final int UNION = 0;
    private static final int DIFF = 1;
    private static final int INTER = 2;

    public static void register(CommandTable t) {
        t.impl("sadd", SetCommands::sadd);
        t.impl("srem", c -> TypeCommands.removeMembers(c, Entry.TYPE_SET));
        t.impl("smembers", SetCommands::smembers);
        t.impl("sismember", c -> {
            Entry sKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
                SetValue s = sKey == null ? null : (SetValue) sKey.value();
                c.integer(s != null && s.contains(c.argBuf, c.argOff[2], c.argLen[2]) ? 1 : 0);
            }
        });
        t.impl("smismember", c -> {
            Entry sKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
                SetValue s = sKey == null ? null : (SetValue) sKey.value();
                c.array(c.argc - 2);
                for (int i = 2; i < c.argc; i++) {
                    c.integer(s != null && s.contains(c.argBuf, c.argOff[i], c.argLen[i]) ? 1 : 0);
                }
            }
        });
        t.impl("scard", c -> {
            Entry sKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
                SetValue s = sKey == null ? null : (SetValue) sKey.value();
                c.integer(s == null ? 0 : s.size());
            }
        });
        t.impl("spop", SetCommands::spop);
        t.impl("srandmember", SetCommands::srandmember);
        t.impl("smove", SetCommands::smove);
        t.impl("sinter", c -> inter(c, 1, c.argc, -1, false, 0));
        t.impl("sinterstore", c -> inter(c, 2, c.argc, 1, false, 0));
        t.impl("sintercard", SetCommands::sintercard);
        t.impl("sunion", c -> unionDiff(c, 1, -1, UNION));
        t.impl("sunionstore", c -> unionDiff(c, 2, 1, UNION));
        t.impl("sdiff", c -> unionDiff(c, 1, -1, DIFF));
        t.impl("sdiffstore", c -> unionDiff(c, 2, 1, DIFF));
        t.impl("sscan", SetCommands::sscan);
    }

    static void sadd(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        TypeLimits lim = c.server.limits;
        if (e == null) {
            e = c.server.keyspace.addValue(c.db, c.argBuf, c.argOff[1], c.argLen[1], Entry.TYPE_SET,
                SetValue.create(c.argBuf, c.argOff[2], c.argLen[2], c.argc - 2, lim));
        } else if (e.type() != Entry.TYPE_SET) {
            c.error(Shared.WRONGTYPE);
            return;
        } else {
            ((SetValue) e.value()).maybeConvert(c.argc - 2, lim);
        }
        SetValue s = (SetValue) e.value();
        int added = 0;
        for (int i = 2; i < c.argc; i++) {
            if (s.add(c.argBuf, c.argOff[i], c.argLen[i], lim)) {
                added++;
            }
        }
        if (added != 0) {
            c.modified(1, added);
            c.notify(Notify.SET, "sadd", 1);
        }
        c.integer(added);
    }

    static void smembers(Client c) {
        Entry sKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
            return;
        }
        SetValue s = sKey == null ? null : (SetValue) sKey.value();
        if (s == null) {
            c.set(0);
            return;
        }
        replySet(c, s.members());
    }

    static void replySet(Client c, List<byte[]> l) {
        c.set(l.size());
        for (byte[] m : l) {
            c.bulk(m);
        }
    }

    static void smove(Client c) {
        Entry src = c.server.lookupWrite(c, 1);
        Entry dst = c.server.lookupWrite(c, 2);
        if (src == null) {
            c.integer(0);
            return;
        }
        if (src.type() != Entry.TYPE_SET || dst != null && dst.type() != Entry.TYPE_SET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        SetValue ss = (SetValue) src.value();
        if (src == dst) {
            c.integer(ss.contains(c.argBuf, c.argOff[3], c.argLen[3]) ? 1 : 0);
            return;
        }
        if (!ss.remove(c.argBuf, c.argOff[3], c.argLen[3])) {
            c.integer(0);
            return;
        }
        c.notify(Notify.SET, "srem", 1);
        if (ss.size() == 0) {
            c.server.keyspace.delete(c.db, src);
            c.notify(Notify.GENERIC, "del", 1);
        }
        TypeLimits lim = c.server.limits;
        if (dst == null) {
            dst = c.server.keyspace.addValue(c.db, c.argBuf, c.argOff[2], c.argLen[2], Entry.TYPE_SET,
                SetValue.create(c.argBuf, c.argOff[3], c.argLen[3], 1, lim));
        }
        c.modified(1, 1);
        if (((SetValue) dst.value()).add(c.argBuf, c.argOff[3], c.argLen[3], lim)) {
            c.modified(2, 1);
            c.notify(Notify.SET, "sadd", 2);
        }
        c.integer(1);
    }

    static void spop(Client c) {
        if (c.argc == 3) {
            spopCount(c);
            return;
        }
        if (c.argc > 3) {
            c.error(Shared.SYNTAX);
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (e.type() != Entry.TYPE_SET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        SetValue s = (SetValue) e.value();
        byte[] m = s.random();
        s.remove(m, 0, m.length);
        c.notify(Notify.SET, "spop", 1);
        if (s.size() == 0) {
            c.notify(Notify.GENERIC, "del", 1);
            c.server.keyspace.delete(c.db, e);
        }
        c.modified(1, 1);
        Rewrites.rewrite(c, Rewrites.SREM, c.arg(1), m);
        c.bulk(m);
    }

    /** As Redis 7.2's SPOP with a count: the popped members as SREMs of at most 1024 members, not SPOP itself. */
    private static void propagatePopped(Client c, List<byte[]> popped) {
        if (!Rewrites.active(c)) {
            return;
        }
        byte[] key = c.arg(1);
        for (int i = 0; i < popped.size(); i += 1024) {
            int n = Math.min(1024, popped.size() - i);
            byte[][] argv = new byte[n + 2][];
            argv[0] = Rewrites.SREM;
            argv[1] = key;
            for (int j = 0; j < n; j++) {
                argv[j + 2] = popped.get(i + j);
            }
            Rewrites.also(c, argv);
        }
        Rewrites.prevent(c);
    }

    static void spopCount(Client c) {
        boolean isLong = Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp);
        long count = c.ctx.tmp[0];
        if (!isLong || count < 0) {
            c.error("ERR value is out of range, must be positive");
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.set(0);
            return;
        }
        if (e.type() != Entry.TYPE_SET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (count == 0) {
            c.set(0);
            return;
        }
        SetValue s = (SetValue) e.value();
        int size = s.size();
        if (s.ht != null && count < size && (size - count) * 5 > count) {
            // Redis's SPOP case 2 on a hashtable: count random members, one at a time, O(count) not O(size)
            c.notify(Notify.SET, "spop", 1);
            c.modified(1, count); // count < size here
            c.set(count);
            List<byte[]> popped = Rewrites.active(c) ? new java.util.ArrayList<>((int) count) : null;
            for (long i = 0; i < count; i++) {
                byte[] m = s.ht.fairRandomEntry().key();
                s.ht.unlink(m, 0, m.length);
                c.bulk(m);
                if (popped != null) {
                    popped.add(m);
                }
            }
            s.ht.resizeIfNeeded();
            if (popped != null) {
                propagatePopped(c, popped);
            }
            return;
        }
        List<byte[]> all = s.members();
        c.notify(Notify.SET, "spop", 1);
        c.server.keyspace.changes(Math.min(count, size));
        if (count >= size) {
            c.server.keyspace.delete(c.db, e);
            c.notify(Notify.GENERIC, "del", 1);
            c.modified(1, 0);
            Rewrites.rewrite(c, Rewrites.DEL, c.arg(1));
            replySet(c, all);
            return;
        }
        shuffleHead(all, (int) count);
        List<byte[]> popped = all.subList(0, (int) count);
        long remaining = size - count;
        if (remaining * 5 > count) {
            for (byte[] m : popped) {
                s.remove(m, 0, m.length);
            }
        } else {
            // Redis rebuilds the set from the few remaining members (SPOP_MOVE_STRATEGY_MUL): the new set starts as
            // an intset for an intset source and as a listpack otherwise, and may convert while it is filled.
            TypeLimits lim = c.server.limits;
            SetValue n = s.is != null ? SetValue.emptyIntset() : SetValue.emptyListpack();
            for (byte[] m : all.subList((int) count, size)) {
                n.add(m, 0, m.length, lim);
            }
            e.setValue(n);
        }
        c.modified(1, 0);
        propagatePopped(c, popped);
        replySet(c, popped);
    }

    /**
     * SRANDMEMBER with a count on a hashtable set without copying it (Redis's cases 1 and 4): a negative count
     * replies that many random members, repetitions allowed; a positive one, at most a third of the set, draws
     * random members until that many distinct ones are found. O(|count|) expected, never O(size).
     */
    private static void randomFromHashtable(Client c, io.cinnabar.dict.Dict<Boolean> ht, long l) {
        c.array(Math.abs(l));
        // a member's key array is unique to it: identity is equality
        TypeCommands.sampleDrawn(c, l, () -> ht.fairRandomEntry().key(), c::bulk);
    }

    /** Moves n distinct random elements to the front of l (partial Fisher-Yates). */
    private static void shuffleHead(List<byte[]> l, int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int size = l.size();
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(size - i);
            byte[] t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
    }

    static void srandmember(Client c) {
        if (c.argc > 3) {
            c.error(Shared.SYNTAX);
            return;
        }
        if (c.argc == 3) {
            if (!TypeCommands.rangeCount(c, 2)) {
                return;
            }
            long l = c.ctx.tmp[0];
            Entry sKey = c.server.lookupRead(c, 1);
            if (TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
                return;
            }
            SetValue s = sKey == null ? null : (SetValue) sKey.value();
            if (s == null || l == 0) {
                c.array(0);
                return;
            }
            int size = s.size();
            if (s.ht != null && (l < 0 || l * 3 <= size)) {
                randomFromHashtable(c, s.ht, l);
                return;
            }
            List<byte[]> all = s.members();
            c.array(TypeCommands.sampleSize(l, size));
            TypeCommands.sampleIndices(c, l, size, false, k -> c.bulk(all.get(k)));
            return;
        }
        Entry sKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, sKey, Entry.TYPE_SET)) {
            return;
        }
        SetValue s = sKey == null ? null : (SetValue) sKey.value();
        if (s == null) {
            c.nullBulk();
            return;
        }
        c.bulk(s.random());
    }

    /** Looks up the sets of arguments [from, to); null after a WRONGTYPE reply; absent sets are null elements. */
    private static SetValue[] lookupSets(Client c, int from, int to, boolean write) {
        SetValue[] sets = new SetValue[to - from];
        for (int j = from; j < to; j++) {
            Entry e = write ? c.server.lookupWrite(c, j) : c.server.lookupRead(c, j);
            if (e == null) {
                continue;
            }
            if (e.type() != Entry.TYPE_SET) {
                c.error(Shared.WRONGTYPE);
                return null;
            }
            sets[j - from] = (SetValue) e.value();
        }
        return sets;
    }

    /** SINTER, SINTERSTORE (dstArg &gt;= 0) and SINTERCARD (cardOnly, with limit; 0 = no limit). */
    static void inter(Client c, int from, int to, int dstArg, boolean cardOnly, long limit) {
        SetValue[] sets = lookupSets(c, from, to, dstArg >= 0);
        if (sets == null) {
            return;
        }
        List<byte[]> result = new ArrayList<>();
        boolean empty = false;
        for (SetValue s : sets) {
            empty |= s == null;
        }
        if (!empty) {
            SetValue[] sorted = sets.clone();
            java.util.Arrays.sort(sorted, Comparator.comparingInt(SetValue::size));
            for (byte[] m : sorted[0].members()) {
                boolean all = true;
                for (int k = 1; k < sorted.length && all; k++) {
                    all = sorted[k] == sorted[0] || sorted[k].contains(m);
                }
                if (all) {
                    result.add(m);
                    if (cardOnly && limit != 0 && result.size() >= limit) {
                        break;
                    }
                }
            }
        }
        if (cardOnly) {
            c.integer(result.size());
        } else if (dstArg >= 0) {
            store(c, dstArg, result, "sinterstore");
        } else {
            replySet(c, result);
        }
    }

    /** Replaces the key at dstArg with a set of the given members (created as Redis does: intset first). */
    private static void store(Client c, int dstArg, List<byte[]> members, String event) {
        Entry old = c.server.lookupWrite(c, dstArg);
        if (members.isEmpty()) {
            if (old != null) {
                c.server.keyspace.delete(c.db, old);
                c.modified(dstArg, 1);
                c.notify(Notify.GENERIC, "del", dstArg);
            }
            c.integer(0);
            return;
        }
        SetValue s = SetValue.emptyIntset();
        TypeLimits lim = c.server.limits;
        for (byte[] m : members) {
            s.add(m, 0, m.length, lim);
        }
        Entry e = c.server.keyspace.replaceValue(c.db, old, c.arg(dstArg), Entry.TYPE_SET, s);
        c.modified(dstArg, 1);
        c.integer(s.size());
        c.notify(Notify.SET, event, dstArg);
    }

    static void unionDiff(Client c, int from, int dstArg, int op) {
        SetValue[] sets = lookupSets(c, from, c.argc, dstArg >= 0);
        if (sets == null) {
            return;
        }
        SetValue acc = SetValue.emptyIntset();
        TypeLimits lim = c.server.limits;
        List<byte[]> result;
        if (op == UNION) {
            result = new ArrayList<>();
            for (SetValue s : sets) {
                if (s == null) {
                    continue;
                }
                for (byte[] m : s.members()) {
                    if (acc.add(m, 0, m.length, lim)) {
                        result.add(m);
                    }
                }
            }
        } else {
            result = new ArrayList<>();
            if (sets[0] != null) {
                for (byte[] m : sets[0].members()) {
                    boolean keep = true;
                    for (int k = 1; k < sets.length && keep; k++) {
                        keep = sets[k] == null || !sets[k].contains(m);
                    }
                    if (keep) {
                        result.add(m);
                    }
                }
            }
        }
        if (dstArg >= 0) {
            store(c, dstArg, result, op == UNION ? "sunionstore" : "sdiffstore");
        } else {
            replySet(c, result);
        }
    }

    static void sintercard(Client c) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[1], c.argLen[1], c.ctx.tmp) || c.ctx.tmp[0] < 1) {
            c.error("ERR numkeys should be greater than 0");
            return;
        }
        long numkeys = c.ctx.tmp[0];
        if (numkeys > c.argc - 2) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < c.argc; j++) {
            if (c.argIs(j, "limit") && j < c.argc - 1) {
                j++;
                if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                    c.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = c.ctx.tmp[0];
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        inter(c, 2, 2 + (int) numkeys, -1, true, limit);
    }

    static void sscan(Client c) {
        ScanOptions o = ScanOptions.start(c, Entry.TYPE_SET);
        if (o == null) {
            return;
        }
        long cursor = o.cursor;
        SetValue s = (SetValue) o.value;
        List<byte[]> out = new ArrayList<>();
        long next = 0;
        if (s != null) {
            if (s.ht == null) {
                out = s.members();
            } else {
                List<byte[]> acc = out;
                long maxIterations = o.count * 10;
                do {
                    cursor = s.ht.scan(cursor, (DictEntry<Boolean> d) -> acc.add(d.key()));
                } while (cursor != 0 && maxIterations-- > 0 && acc.size() < o.count);
                next = cursor;
            }
        }
        ScanOptions.reply(c, next, out, 1, o);
    }
}
