package io.cinnabar.server.internal.type.hash;

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
import io.cinnabar.listpack.Listpack;
import io.cinnabar.sds.LongDouble;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hash commands (HSET ... HSCAN) over {@link HashValue}, with Redis 7.2's replies and error texts.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class HashCommands {
    private HashCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("hset", c -> hset(c, false));
        t.impl("hmset", c -> hset(c, true));
        t.impl("hsetnx", HashCommands::hsetnx);
        t.impl("hget", HashCommands::hget);
        t.impl("hmget", HashCommands::hmget);
        t.impl("hdel", c -> TypeCommands.removeMembers(c, Entry.TYPE_HASH));
        t.impl("hlen", c -> {
            Entry hKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
                HashValue h = hKey == null ? null : (HashValue) hKey.value();
                c.integer(h == null ? 0 : h.size());
            }
        });
        t.impl("hstrlen", c -> {
            Entry hKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
                HashValue h = hKey == null ? null : (HashValue) hKey.value();
                c.integer(h == null ? 0 : h.strlen(c.argBuf, c.argOff[2], c.argLen[2]));
            }
        });
        t.impl("hexists", c -> {
            Entry hKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
                HashValue h = hKey == null ? null : (HashValue) hKey.value();
                c.integer(h != null && h.exists(c.argBuf, c.argOff[2], c.argLen[2]) ? 1 : 0);
            }
        });
        t.impl("hkeys", c -> getall(c, true, false));
        t.impl("hvals", c -> getall(c, false, true));
        t.impl("hgetall", c -> getall(c, true, true));
        t.impl("hincrby", HashCommands::hincrby);
        t.impl("hincrbyfloat", HashCommands::hincrbyfloat);
        t.impl("hrandfield", HashCommands::hrandfield);
        t.impl("hscan", HashCommands::hscan);
    }

    /** The hash entry at argument 1 for writing, created if absent; null after a WRONGTYPE reply. */
    static Entry writeOrCreate(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            e = c.server.keyspace.addEmpty(c.db, c.argBuf, c.argOff[1], c.argLen[1], Entry.TYPE_HASH, HashValue::new);
            return e;
        }
        if (e.type() != Entry.TYPE_HASH) {
            c.error(Shared.WRONGTYPE);
            return null;
        }
        return e;
    }

    static void hset(Client c, boolean hmset) {
        if (c.argc % 2 == 1) {
            c.error("ERR wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
            return;
        }
        Entry e = writeOrCreate(c);
        if (e == null) {
            return;
        }
        HashValue h = (HashValue) e.value();
        TypeLimits lim = c.server.limits;
        h.tryConversion(c.argLen, 2, c.argc, lim);
        int created = 0;
        for (int i = 2; i < c.argc; i += 2) {
            if (h.set(c.argBuf, c.argOff[i], c.argLen[i], c.argBuf, c.argOff[i + 1], c.argLen[i + 1], lim)) {
                created++;
            }
        }
        c.modified(1, (c.argc - 2) / 2);
        c.notify(Notify.HASH, "hset", 1);
        if (hmset) {
            c.ok();
        } else {
            c.integer(created);
        }
    }

    static void hsetnx(Client c) {
        Entry e = writeOrCreate(c);
        if (e == null) {
            return;
        }
        HashValue h = (HashValue) e.value();
        if (h.exists(c.argBuf, c.argOff[2], c.argLen[2])) {
            c.integer(0);
            return;
        }
        h.tryConversion(c.argLen, 2, 4, c.server.limits);
        h.set(c.argBuf, c.argOff[2], c.argLen[2], c.argBuf, c.argOff[3], c.argLen[3], c.server.limits);
        c.modified(1, 1);
        c.notify(Notify.HASH, "hset", 1);
        c.integer(1);
    }

    static void hget(Client c) {
        Entry hKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
            return;
        }
        HashValue h = hKey == null ? null : (HashValue) hKey.value();
        if (h == null) {
            c.nullBulk();
        } else {
            if (!h.get(c.argBuf, c.argOff[2], c.argLen[2], c.bulkSink)) {
                c.nullBulk();
            }
        }
    }

    static void hmget(Client c) {
        Entry hKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
            return;
        }
        HashValue h = hKey == null ? null : (HashValue) hKey.value();
        c.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            if (h == null) {
                c.nullBulk();
            } else {
                if (!h.get(c.argBuf, c.argOff[i], c.argLen[i], c.bulkSink)) {
                    c.nullBulk();
                }
            }
        }
    }

    static void getall(Client c, boolean keys, boolean vals) {
        Entry hKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
            return;
        }
        HashValue h = hKey == null ? null : (HashValue) hKey.value();
        if (h == null) {
            if (keys && vals) {
                c.map(0);
            } else {
                c.array(0);
            }
            return;
        }
        int n = h.size();
        if (keys && vals) {
            c.map(n);
        } else {
            c.array(n);
        }
        if (h.lp != null) {
            Listpack lp = h.lp;
            for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                if (keys) {
                    HashValue.entry(lp, p, c.bulkSink);
                }
                p = lp.next(p);
                if (vals) {
                    HashValue.entry(lp, p, c.bulkSink);
                }
            }
        } else {
            h.ht.forEach(d -> {
                if (keys) {
                    c.bulk(d.key());
                }
                if (vals) {
                    c.bulk(d.value());
                }
            });
        }
    }

    static void hincrby(Client c) {
        if (!c.argLong(3)) {
            return;
        }
        long incr = c.ctx.tmp[0];
        Entry e = writeOrCreate(c);
        if (e == null) {
            return;
        }
        HashValue h = (HashValue) e.value();
        byte[] cur = h.get(c.argBuf, c.argOff[2], c.argLen[2]);
        long v = 0;
        if (cur != null) {
            if (!Numbers.string2ll(cur, 0, cur.length, c.ctx.tmp)) {
                c.error("ERR hash value is not an integer");
                dropIfEmpty(c, e);
                return;
            }
            v = c.ctx.tmp[0];
        }
        if (incr < 0 && v < 0 && incr < Long.MIN_VALUE - v || incr > 0 && v > 0 && incr > Long.MAX_VALUE - v) {
            c.error("ERR increment or decrement would overflow");
            dropIfEmpty(c, e);
            return;
        }
        v += incr;
        byte[] text = Numbers.ll2bytes(v);
        h.set(c.argBuf, c.argOff[2], c.argLen[2], text, 0, text.length, c.server.limits);
        c.modified(1, 1);
        c.notify(Notify.HASH, "hincrby", 1);
        c.integer(v);
    }

    /** A hash created by a command that then failed is removed again (Redis creates it only on success). */
    private static void dropIfEmpty(Client c, Entry e) {
        if (((HashValue) e.value()).size() == 0) {
            c.server.keyspace.delete(c.db, e);
        }
    }

    static void hincrbyfloat(Client c) {
        LongDouble incr = LongDouble.parse(c.argBuf, c.argOff[3], c.argLen[3]);
        if (incr == null) {
            c.error("ERR value is not a valid float");
            return;
        }
        if (incr.isNaN() || incr.isInfinite()) {
            c.error("ERR value is NaN or Infinity");
            return;
        }
        Entry e = writeOrCreate(c);
        if (e == null) {
            return;
        }
        HashValue h = (HashValue) e.value();
        byte[] cur = h.get(c.argBuf, c.argOff[2], c.argLen[2]);
        LongDouble v = LongDouble.ZERO;
        if (cur != null) {
            v = LongDouble.parse(cur, 0, cur.length);
            if (v == null) {
                c.error("ERR hash value is not a float");
                dropIfEmpty(c, e);
                return;
            }
        }
        LongDouble r = v.add(incr);
        if (r.isNaN() || r.isInfinite()) {
            c.error("ERR increment would produce NaN or Infinity");
            dropIfEmpty(c, e);
            return;
        }
        byte[] text = r.toHumanBytes();
        h.set(c.argBuf, c.argOff[2], c.argLen[2], text, 0, text.length, c.server.limits);
        c.modified(1, 1);
        c.notify(Notify.HASH, "hincrbyfloat", 1);
        Rewrites.rewrite(c, Rewrites.HSET, c.arg(1), c.arg(2), text); // the result, not the increment
        c.bulk(text);
    }

    static void hrandfield(Client c) {
        if (c.argc >= 3) {
            hrandfieldCount(c);
            return;
        }
        Entry hKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
            return;
        }
        HashValue h = hKey == null ? null : (HashValue) hKey.value();
        if (h == null) {
            c.nullBulk();
            return;
        }
        if (h.lp != null) {
            HashValue.entry(h.lp, h.lp.seek(2 * ThreadLocalRandom.current().nextInt(h.size())), c.bulkSink);
        } else {
            c.bulk(h.ht.fairRandomEntry().key());
        }
    }

    static void hrandfieldCount(Client c) {
        if (!TypeCommands.rangeCount(c, 2)) {
            return;
        }
        boolean withValues = false;
        if (c.argc == 4 && c.argIs(3, "withvalues")) {
            withValues = true;
        } else if (c.argc >= 4) {
            c.error(Shared.SYNTAX);
            return;
        }
        long l = c.ctx.tmp[0];
        boolean unique = l >= 0;
        long count = Math.abs(l);
        if (withValues && count > Long.MAX_VALUE / 2) {
            c.error("ERR value is out of range");
            return;
        }
        Entry hKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, hKey, Entry.TYPE_HASH)) {
            return;
        }
        HashValue h = hKey == null ? null : (HashValue) hKey.value();
        if (h == null || count == 0) {
            c.array(0);
            return;
        }
        int size = h.size();
        if (h.ht != null && (!unique || count * 3 <= size)) {
            randomFromHashtable(c, h.ht, count, unique, withValues);
            return;
        }
        List<byte[]> all = h.pairs();
        long n = TypeCommands.sampleSize(l, size);
        c.array(withValues && c.resp == 2 ? n * 2 : n);
        boolean values = withValues;
        TypeCommands.sampleIndices(c, l, size, true, k -> pair(c, all.get(2 * k), all.get(2 * k + 1), values));
    }

    /**
     * HRANDFIELD with a count on a hashtable hash without copying it (Redis's cases 1 and 4): random picks from the
     * dict, repetitions allowed unless unique (then count is at most a third of the hash). O(count) expected.
     */
    private static void randomFromHashtable(Client c, io.cinnabar.dict.Dict<byte[]> ht, long count, boolean unique,
                                            boolean withValues) {
        c.array(withValues && c.resp == 2 ? count * 2 : count);
        TypeCommands.sampleDrawn(c, unique ? count : -count, ht::fairRandomEntry,
            e -> pair(c, e.key(), e.value(), withValues));
    }

    /** A field (and value): flat in RESP2, a two-element array in RESP3. */
    private static void pair(Client c, byte[] f, byte[] v, boolean withValues) {
        if (!withValues) {
            c.bulk(f);
            return;
        }
        if (c.resp == 3) {
            c.array(2);
        }
        c.bulk(f);
        c.bulk(v);
    }

    static void hscan(Client c) {
        ScanOptions o = ScanOptions.start(c, Entry.TYPE_HASH);
        if (o == null) {
            return;
        }
        long cursor = o.cursor;
        HashValue h = (HashValue) o.value;
        List<byte[]> out = new ArrayList<>();
        long next = 0;
        if (h != null) {
            if (h.lp != null) {
                out = h.pairs();
            } else {
                List<byte[]> acc = out;
                long maxIterations = o.count * 10;
                do {
                    cursor = h.ht.scan(cursor, (DictEntry<byte[]> d) -> {
                        acc.add(d.key());
                        acc.add(d.value());
                    });
                } while (cursor != 0 && maxIterations-- > 0 && acc.size() / 2 < o.count);
                next = cursor;
            }
        }
        ScanOptions.reply(c, next, out, 2, o);
    }
}
