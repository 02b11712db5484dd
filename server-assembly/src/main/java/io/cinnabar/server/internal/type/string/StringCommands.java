package io.cinnabar.server.internal.type.string;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;

import io.cinnabar.sds.LongDouble;

/**
 * String commands: SET and its variants, GET and its variants, counters, ranges, LCS. Values keep Redis's
 * encodings: {@code int} for canonical integers of at most 20 characters, {@code embstr} up to 44 bytes,
 * {@code raw} above, and raw after APPEND/SETRANGE; INCR results are {@code int}; INCRBYFLOAT results are
 * embstr/raw strings, as in Redis. Number text conversions are the sds module's ({@code Numbers}, {@link LongDouble}).
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class StringCommands {
    private StringCommands() {
    }

    static final int NX = 1;
    static final int XX = 1 << 1;
    static final int GET = 1 << 2;
    static final int KEEPTTL = 1 << 3;
    static final int PERSIST = 1 << 4;
    static final int EX = 1 << 5;
    static final int PX = 1 << 6;
    static final int EXAT = 1 << 7;
    static final int PXAT = 1 << 8;
    static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    public static void register(CommandTable t) {
        t.impl("get", StringCommands::get);
        t.impl("set", StringCommands::set);
        t.impl("setnx", StringCommands::setnx);
        t.impl("setex", c -> setex(c, false));
        t.impl("psetex", c -> setex(c, true));
        t.impl("getex", StringCommands::getex);
        t.impl("getdel", StringCommands::getdel);
        t.impl("getset", StringCommands::getset);
        t.impl("mget", StringCommands::mget);
        t.impl("mset", c -> mset(c, false));
        t.impl("msetnx", c -> mset(c, true));
        t.impl("append", StringCommands::append);
        t.impl("strlen", StringCommands::strlen);
        t.impl("getrange", StringCommands::getrange);
        t.impl("substr", StringCommands::getrange);
        t.impl("setrange", StringCommands::setrange);
        t.impl("incr", c -> incrDecr(c, 1));
        t.impl("decr", c -> incrDecr(c, -1));
        t.impl("incrby", StringCommands::incrby);
        t.impl("decrby", StringCommands::decrby);
        t.impl("incrbyfloat", StringCommands::incrbyfloat);
        t.impl("lcs", Lcs::lcs);
    }

    static boolean checkString(Client c, Entry e) {
        if (e != null && e.type() != Entry.TYPE_STRING) {
            c.error(Shared.WRONGTYPE);
            return false;
        }
        return true;
    }

    static void get(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.nullBulk();
        } else if (checkString(c, e)) {
            c.bulkEntry(e);
        }
    }

    /** Parses options from index 3 (SET) or 2 (GETEX); returns flags, or -1 after an error reply. */
    private static int parseOptions(Client c, int from, boolean isSet) {
        int flags = 0;
        int expireArg = -1;
        for (int j = from; j < c.argc; j++) {
            boolean hasNext = j < c.argc - 1;
            if (c.argIs(j, "nx") && (flags & XX) == 0 && isSet) {
                flags |= NX;
            } else if (c.argIs(j, "xx") && (flags & NX) == 0 && isSet) {
                flags |= XX;
            } else if (c.argIs(j, "get") && isSet) {
                flags |= GET;
            } else if (c.argIs(j, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0 && isSet) {
                flags |= KEEPTTL;
            } else if (c.argIs(j, "persist") && !isSet && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (c.argIs(j, "ex") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && hasNext) {
                flags |= EX;
                expireArg = ++j;
            } else if (c.argIs(j, "px") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && hasNext) {
                flags |= PX;
                expireArg = ++j;
            } else if (c.argIs(j, "exat") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && hasNext) {
                flags |= EXAT;
                expireArg = ++j;
            } else if (c.argIs(j, "pxat") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && hasNext) {
                flags |= PXAT;
                expireArg = ++j;
            } else {
                c.error(Shared.SYNTAX);
                return -1;
            }
        }
        c.ctx.optExpireAt = -1;
        if (expireArg >= 0) {
            long at = expireMs(c, expireArg, (flags & (EX | EXAT)) != 0, (flags & (EX | PX)) != 0);
            if (at == Long.MIN_VALUE) {
                return -1;
            }
            c.ctx.optExpireAt = at;
        }
        return flags;
    }

    /** Redis's getExpireMillisecondsOrReply; Long.MIN_VALUE after an error reply. */
    static long expireMs(Client c, int arg, boolean seconds, boolean relative) {
        if (!c.argLong(arg)) {
            return Long.MIN_VALUE;
        }
        long v = c.ctx.tmp[0];
        if (v <= 0 || seconds && v > Long.MAX_VALUE / 1000) {
            invalidExpire(c);
            return Long.MIN_VALUE;
        }
        if (seconds) {
            v *= 1000;
        }
        if (relative) {
            v += c.server.keyspace.cmdTimeMs;
        }
        if (v <= 0) {
            invalidExpire(c);
            return Long.MIN_VALUE;
        }
        return v;
    }

    public static void invalidExpire(Client c) {
        c.error("ERR invalid expire time in '" + c.cmd.fullName + "' command");
    }

    static void set(Client c) {
        int flags = parseOptions(c, 3, true);
        if (flags < 0) {
            return;
        }
        setGeneric(c, flags, 1, 2, c.ctx.optExpireAt);
    }

    private static void setGeneric(Client c, int flags, int keyArg, int valArg, long at) {
        Server s = c.server;
        Entry e = s.lookupWrite(c, keyArg);
        if ((flags & GET) != 0) {
            if (!checkString(c, e)) {
                return;
            }
            if (e == null) {
                c.nullBulk();
            } else {
                c.bulkEntry(e);
            }
        }
        if ((flags & NX) != 0 && e != null || (flags & XX) != 0 && e == null) {
            if ((flags & GET) == 0) {
                c.nullBulk();
            }
            return;
        }
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[keyArg], c.argLen[keyArg]);
            s.keyspace.initAccess(e);
        } else if ((flags & KEEPTTL) == 0 && e.hasExpire()) {
            c.server.keyspace.removeExpire(c.db, e);
        }
        e.setType(Entry.TYPE_STRING);
        e.setString(c.argBuf, c.argOff[valArg], c.argLen[valArg], c.ctx.tmp);
        if (at != -1) {
            c.server.keyspace.setExpire(c.db, e, at);
        }
        c.modified(keyArg, 1);
        c.notify(Notify.STRING, "set", keyArg);
        if (at != -1) {
            c.notify(Notify.GENERIC, "expire", keyArg);
        }
        if (Rewrites.active(c)) {
            if (at != -1 && (flags & PXAT) == 0) {
                // as Redis 7.2: a relative (or seconds) expire propagates as SET key value PXAT ms
                Rewrites.rewrite(c, Rewrites.SET, c.arg(keyArg), c.arg(valArg), Rewrites.PXAT, Rewrites.num(at));
            } else if ((flags & GET) != 0 && at == -1) {
                Rewrites.rewrite(c, Rewrites.argsWithout(c, getArg(c)));
            }
        }
        if ((flags & GET) == 0) {
            c.ok();
        }
    }

    /** The index of SET's GET option. */
    private static int getArg(Client c) {
        for (int j = 3; j < c.argc; j++) {
            if (c.argIs(j, "get")) {
                return j;
            }
        }
        return -1;
    }

    static void setnx(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e != null) {
            c.integer(0);
            return;
        }
        e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
        c.server.keyspace.initAccess(e);
        e.setType(Entry.TYPE_STRING);
        e.setString(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp);
        c.modified(1, 1);
        c.notify(Notify.STRING, "set", 1);
        c.integer(1);
    }

    static void setex(Client c, boolean ms) {
        long at = expireMs(c, 2, !ms, true);
        if (at == Long.MIN_VALUE) {
            return;
        }
        setGeneric(c, 0, 1, 3, at);
    }

    static void getex(Client c) {
        int flags = parseOptions(c, 2, false);
        if (flags < 0) {
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (!checkString(c, e)) {
            return;
        }
        c.bulkEntry(e);
        if (c.ctx.optExpireAt != -1) {
            if ((flags & (PXAT | EXAT)) != 0 && c.ctx.optExpireAt <= c.server.keyspace.cmdTimeMs
                    && !c.server.keyspace.loading && !c.server.keyspace.replica) { // Redis's checkAlreadyExpired
                c.server.keyspace.delete(c.db, e);
                c.notify(Notify.GENERIC, "del", 1);
                Rewrites.rewrite(c, Rewrites.DEL, c.arg(1));
            } else {
                c.server.keyspace.setExpire(c.db, e, c.ctx.optExpireAt);
                c.notify(Notify.GENERIC, "expire", 1);
                Rewrites.rewrite(c, Rewrites.PEXPIREAT, c.arg(1), Rewrites.num(c.ctx.optExpireAt));
            }
            c.modified(1, 1);
        } else if ((flags & PERSIST) != 0 && e.hasExpire()) {
            c.server.keyspace.removeExpire(c.db, e);
            c.notify(Notify.GENERIC, "persist", 1);
            c.modified(1, 1);
            Rewrites.rewrite(c, Rewrites.PERSIST, c.arg(1));
        }
    }

    static void getdel(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (!checkString(c, e)) {
            return;
        }
        c.bulkEntry(e);
        c.server.keyspace.delete(c.db, e);
        c.modified(1, 1);
        c.notify(Notify.GENERIC, "del", 1);
        Rewrites.rewrite(c, Rewrites.DEL, c.arg(1));
    }

    static void getset(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (!checkString(c, e)) {
            return;
        }
        if (e == null) {
            c.nullBulk();
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
        } else {
            c.bulkEntry(e);
            c.server.keyspace.removeExpire(c.db, e);
        }
        e.setType(Entry.TYPE_STRING);
        e.setString(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp);
        c.modified(1, 1);
        c.notify(Notify.STRING, "set", 1);
        Rewrites.rewrite(c, Rewrites.SET, c.arg(1), c.arg(2));
    }

    static void mget(Client c) {
        c.array(c.argc - 1);
        for (int i = 1; i < c.argc; i++) {
            c.db.readAheadArgs(c.argBuf, c.argOff, c.argLen, c.argc, 1, 1, i); // each window of keys at once
            Entry e = c.server.lookupRead(c, i);
            if (e == null || e.type() != Entry.TYPE_STRING) {
                c.nullBulk();
            } else {
                c.bulkEntry(e);
            }
        }
    }

    static void mset(Client c, boolean nx) {
        if ((c.argc % 2) == 0) {
            c.error("ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
            return;
        }
        if (nx) {
            for (int i = 1; i < c.argc; i += 2) {
                if (c.server.lookupWrite(c, i) != null) {
                    c.integer(0);
                    return;
                }
            }
        }
        for (int i = 1; i < c.argc; i += 2) {
            c.db.readAheadArgs(c.argBuf, c.argOff, c.argLen, c.argc, 1, 2, i); // each window of keys at once
            Entry e = c.server.lookupWrite(c, i);
            if (e == null) {
                e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[i], c.argLen[i]);
                c.server.keyspace.initAccess(e);
            } else {
                c.server.keyspace.removeExpire(c.db, e);
            }
            e.setType(Entry.TYPE_STRING);
            e.setString(c.argBuf, c.argOff[i + 1], c.argLen[i + 1], c.ctx.tmp);
            c.modified(i, 1);
            c.notify(Notify.STRING, "set", i);
        }
        if (nx) {
            c.integer(1);
        } else {
            c.ok();
        }
    }

    /**
     * False after the error reply when a string of total bytes is too long; a negative total is an overflowed sum.
     * Past the longest string a value holds here the reply is the same as past proto-max-bulk-len.
     */
    static boolean checkLength(Client c, long total) {
        if (total < 0 || total > maxLength(c)) {
            c.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            return false;
        }
        return true;
    }

    /** The longest string a command may make: proto-max-bulk-len, at most what one value holds here. */
    static long maxLength(Client c) {
        return Math.min(c.server.protoMaxBulkLen, Entry.MAX_STRING_LENGTH);
    }

    static void append(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
            e.setString(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp);
            c.modified(1, 1);
            c.notify(Notify.STRING, "append", 1);
            c.integer(c.argLen[2]);
            return;
        }
        if (!checkString(c, e)) {
            return;
        }
        int len = e.strlen();
        int add = c.argLen[2];
        if (!checkLength(c, (long) len + add)) {
            return;
        }
        e.makeRawWithRoom(len + add);
        System.arraycopy(c.argBuf, c.argOff[2], e.rawArray(), len, add);
        e.setRawLength(len + add);
        c.modified(1, 1);
        c.notify(Notify.STRING, "append", 1);
        c.integer(e.strlen());
    }

    static void strlen(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.integer(0);
        } else if (checkString(c, e)) {
            c.integer(e.strlen());
        }
    }

    static void getrange(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long start = c.ctx.tmp[0];
        if (!c.argLong(3)) {
            return;
        }
        long end = c.ctx.tmp[0];
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.raw(Shared.EMPTY_BULK);
            return;
        }
        if (!checkString(c, e)) {
            return;
        }
        byte[] v = e.isInt() ? Numbers.ll2bytes(e.intValue()) : e.valArray();
        int voff = e.isInt() ? 0 : e.valOff();
        long strlen = e.strlen();
        if (start < 0 && end < 0 && start > end) {
            c.raw(Shared.EMPTY_BULK);
            return;
        }
        if (start < 0) {
            start = strlen + start;
        }
        if (end < 0) {
            end = strlen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= strlen) {
            end = strlen - 1;
        }
        if (start > end || strlen == 0) {
            c.raw(Shared.EMPTY_BULK);
        } else {
            c.bulk(v, voff + (int) start, (int) (end - start + 1));
        }
    }

    static void setrange(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long offset = c.ctx.tmp[0];
        if (offset < 0) {
            c.error("ERR offset is out of range");
            return;
        }
        int vlen = c.argLen[3];
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            if (vlen == 0) {
                c.integer(0);
                return;
            }
            if (!checkLength(c, offset + vlen)) {
                return;
            }
            byte[] value = new byte[(int) (offset + vlen)]; // before the key exists: an OutOfMemoryError leaves none
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
            e.setRaw(value, offset + vlen);
            System.arraycopy(c.argBuf, c.argOff[3], e.rawArray(), (int) offset, vlen);
            c.modified(1, 1);
            c.notify(Notify.STRING, "setrange", 1);
            c.integer(e.strlen());
            return;
        }
        if (!checkString(c, e)) {
            return;
        }
        int len = e.strlen();
        if (vlen == 0) {
            c.integer(len);
            return;
        }
        if (!checkLength(c, offset + vlen)) {
            return;
        }
        int newLen = (int) Math.max(len, offset + vlen);
        e.makeRawWithRoom(newLen);
        if (newLen > len) {
            java.util.Arrays.fill(e.rawArray(), len, newLen, (byte) 0);
        }
        System.arraycopy(c.argBuf, c.argOff[3], e.rawArray(), (int) offset, vlen);
        e.setRawLength(newLen);
        c.modified(1, 1);
        c.notify(Notify.STRING, "setrange", 1);
        c.integer(newLen);
    }

    /** The value of a string entry as a long, or false after replying "not an integer". */
    private static boolean entryLong(Client c, Entry e) {
        if (e.isInt()) {
            c.ctx.tmp[0] = e.intValue();
            return true;
        }
        if (Numbers.string2ll(e.valArray(), e.valOff(), e.strlen(), c.ctx.tmp)) {
            return true;
        }
        c.error(Shared.NOT_INT);
        return false;
    }

    private static void incrDecr(Client c, long incr) {
        Entry e = c.server.lookupWrite(c, 1);
        if (!checkString(c, e)) {
            return;
        }
        if (e != null) { // an int-encoded value changes in place: nothing is parsed, copied or relinked
            int r = e.incrIntInPlace(incr);
            if (r < 0) {
                c.error("ERR increment or decrement would overflow");
                return;
            }
            if (r > 0) {
                c.modified(1, 1);
                c.notify(Notify.STRING, "incrby", 1);
                c.integer(e.intValue());
                return;
            }
        }
        long value = 0;
        if (e != null) {
            if (!entryLong(c, e)) {
                return;
            }
            value = c.ctx.tmp[0];
        }
        if (incr < 0 && value < 0 && incr < Long.MIN_VALUE - value
                || incr > 0 && value > 0 && incr > Long.MAX_VALUE - value) {
            c.error("ERR increment or decrement would overflow");
            return;
        }
        value += incr;
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
        }
        e.setInt(value);
        c.modified(1, 1);
        c.notify(Notify.STRING, "incrby", 1);
        c.integer(value);
    }

    static void incrby(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        incrDecr(c, c.ctx.tmp[0]);
    }

    static void decrby(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        if (c.ctx.tmp[0] == Long.MIN_VALUE) {
            c.error("ERR decrement would overflow");
            return;
        }
        incrDecr(c, -c.ctx.tmp[0]);
    }

    static void incrbyfloat(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (!checkString(c, e)) {
            return;
        }
        LongDouble cur = LongDouble.ZERO;
        if (e != null) {
            cur = e.isInt() ? LongDouble.valueOf(e.intValue()) : LongDouble.parse(e.valArray(), e.valOff(), e.strlen());
            if (cur == null) {
                c.error("ERR value is not a valid float");
                return;
            }
        }
        LongDouble incr = LongDouble.parse(c.argBuf, c.argOff[2], c.argLen[2]);
        if (incr == null) {
            c.error("ERR value is not a valid float");
            return;
        }
        LongDouble r = cur.add(incr);
        if (r.isNaN() || r.isInfinite()) {
            c.error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = r.toHumanBytes();
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
        }
        e.setStringNoInt(text, 0, text.length);
        c.modified(1, 1);
        c.notify(Notify.STRING, "incrbyfloat", 1);
        Rewrites.rewrite(c, Rewrites.SET, c.arg(1), text, Rewrites.KEEPTTL);
        c.bulk(text);
    }
}
