package io.cinnabar.server.internal.generic;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.config.Glob;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.ScanOptions;
import io.cinnabar.server.internal.type.string.StringCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic keyspace commands: existence, deletion, type, renaming, copying, moving between databases, database
 * selection and flushing, iteration (KEYS, SCAN, RANDOMKEY), OBJECT, and the expiry commands.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class KeyCommands {
    private KeyCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("del", KeyCommands::del);
        t.impl("unlink", c -> del(c, true));
        t.impl("exists", KeyCommands::exists);
        t.impl("type", KeyCommands::type);
        t.impl("touch", KeyCommands::touch);
        t.impl("rename", c -> rename(c, false));
        t.impl("renamenx", c -> rename(c, true));
        t.impl("copy", KeyCommands::copy);
        t.impl("move", KeyCommands::move);
        t.impl("select", KeyCommands::select);
        t.impl("swapdb", KeyCommands::swapdb);
        t.impl("dbsize", c -> c.integer(c.db.size()));
        t.impl("flushdb", c -> flush(c, false));
        t.impl("flushall", c -> flush(c, true));
        t.impl("randomkey", KeyCommands::randomkey);
        t.impl("keys", KeyCommands::keys);
        t.impl("scan", KeyCommands::scan);
        t.impl("object|encoding", c -> object(c, 0));
        t.impl("object|refcount", c -> object(c, 1));
        t.impl("object|idletime", c -> object(c, 2));
        t.impl("object|freq", c -> object(c, 3));
        t.impl("object|help", KeyCommands::objectHelp);
        t.impl("expire", c -> expire(c, false, true));
        t.impl("pexpire", c -> expire(c, false, false));
        t.impl("expireat", c -> expire(c, true, true));
        t.impl("pexpireat", c -> expire(c, true, false));
        t.impl("ttl", c -> ttl(c, false, false));
        t.impl("pttl", c -> ttl(c, true, false));
        t.impl("expiretime", c -> ttl(c, false, true));
        t.impl("pexpiretime", c -> ttl(c, true, true));
        t.impl("persist", KeyCommands::persist);
    }

    static String typeName(Entry e) {
        return e.typeName();
    }

    static void del(Client c) {
        del(c, false);
    }

    /** DEL and UNLINK: UNLINK (and DEL under lazyfree-lazy-user-del) leaves large values to the lazy-free thread. */
    static void del(Client c, boolean unlink) {
        long n = 0;
        for (int i = 1; i < c.argc; i++) {
            c.db.readAheadArgs(c.argBuf, c.argOff, c.argLen, c.argc, 1, 1, i); // each window of keys at once
            Entry e = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[i], c.argLen[i]);
            if (e != null) {
                c.server.keyspace.deleteByUser(c.db, e, unlink);
                c.modified(i, 1);
                c.notify(Notify.GENERIC, "del", i);
                n++;
            }
        }
        c.integer(n);
    }

    /** A read lookup that leaves the access time alone (LOOKUP_NOTOUCH): EXISTS, TYPE, TTL and PTTL. */
    private static Entry lookupNoTouch(Client c, int arg) {
        return c.server.keyspace.lookupRead(c.db, c.argBuf, c.argOff[arg], c.argLen[arg], true);
    }

    static void exists(Client c) {
        long n = 0;
        for (int i = 1; i < c.argc; i++) {
            c.db.readAheadArgs(c.argBuf, c.argOff, c.argLen, c.argc, 1, 1, i); // each window of keys at once
            if (lookupNoTouch(c, i) != null) {
                n++;
            }
        }
        c.integer(n);
    }

    static void type(Client c) {
        Entry e = lookupNoTouch(c, 1);
        c.simple(e == null ? "none" : typeName(e));
    }

    static void touch(Client c) {
        long n = 0;
        for (int i = 1; i < c.argc; i++) {
            Entry e = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[i], c.argLen[i]);
            if (e != null) {
                c.server.keyspace.touch(e);
                n++;
            }
        }
        c.integer(n);
    }

    static void rename(Client c, boolean nx) {
        Entry src = c.server.lookupWrite(c, 1);
        if (src == null) {
            c.error(Shared.NO_SUCH_KEY);
            return;
        }
        boolean same = java.util.Arrays.equals(c.argBuf, c.argOff[1], c.argOff[1] + c.argLen[1],
            c.argBuf, c.argOff[2], c.argOff[2] + c.argLen[2]);
        if (same) {
            if (nx) {
                c.integer(0);
            } else {
                c.ok();
            }
            return;
        }
        Entry dst = c.server.lookupWrite(c, 2);
        if (dst != null) {
            if (nx) {
                c.integer(0);
                return;
            }
            c.server.keyspace.delete(c.db, dst);
        }
        c.server.keyspace.rename(c.db, src, c.arg(2));
        c.modified(1, 0);
        c.modified(2, 1);
        c.notify(Notify.GENERIC, "rename_from", 1);
        c.notify(Notify.GENERIC, "rename_to", 2);
        if (nx) {
            c.integer(1);
        } else {
            c.ok();
        }
    }

    /** Parses a database index argument; -1 after an error reply. */
    private static int dbIndex(Client c, int arg, String rangeError) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[arg], c.argLen[arg], c.ctx.tmp)) {
            c.error(Shared.NOT_INT);
            return -1;
        }
        if (c.ctx.tmp[0] < Integer.MIN_VALUE || c.ctx.tmp[0] > Integer.MAX_VALUE) {
            // Redis's getIntFromObjectOrReply: an integer past int's range has its own text
            c.error("ERR value is out of range, value must between -2147483648 and 2147483647");
            return -1;
        }
        long id = c.ctx.tmp[0];
        if (id < 0 || id >= c.server.dbs.length) {
            c.error(rangeError);
            return -1;
        }
        return (int) id;
    }

    static void copy(Client c) {
        Db dstDb = c.db;
        boolean replace = false;
        for (int j = 3; j < c.argc; j++) {
            if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "db") && j < c.argc - 1) {
                int id = dbIndex(c, j + 1, "ERR DB index is out of range");
                if (id < 0) {
                    return;
                }
                dstDb = c.server.dbs[id];
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        boolean sameKey = java.util.Arrays.equals(c.argBuf, c.argOff[1], c.argOff[1] + c.argLen[1],
            c.argBuf, c.argOff[2], c.argOff[2] + c.argLen[2]);
        if (dstDb == c.db && sameKey) {
            c.error("ERR source and destination objects are the same");
            return;
        }
        Entry src = c.server.lookupWrite(c, 1);
        if (src == null) {
            c.integer(0);
            return;
        }
        Entry dst = c.server.lookupQuiet(dstDb, c.argBuf, c.argOff[2], c.argLen[2]);
        if (dst != null) {
            if (!replace) {
                c.integer(0);
                return;
            }
            c.server.keyspace.delete(dstDb, dst);
        }
        Entry n = c.server.keyspace.add(dstDb, c.arg(2));
        n.copyValueFrom(src);
        c.server.keyspace.copyAccess(src, n);
        long expire = c.server.keyspace.expireOf(c.db, src);
        if (expire != -1) {
            c.server.keyspace.setExpire(dstDb, n, expire);
        }
        c.server.keyspace.modified(dstDb, c.argBuf, c.argOff[2], c.argLen[2], 1);
        c.server.keyspace.notify(Notify.GENERIC, "copy_to", dstDb, c.argBuf, c.argOff[2], c.argLen[2]);
        c.integer(1);
    }

    static void move(Client c) {
        int id = dbIndex(c, 2, "ERR DB index is out of range");
        if (id < 0) {
            return;
        }
        Db dst = c.server.dbs[id];
        if (dst == c.db) {
            c.error("ERR source and destination objects are the same");
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (c.server.lookupQuiet(dst, c.argBuf, c.argOff[1], c.argLen[1]) != null) {
            c.integer(0);
            return;
        }
        c.server.keyspace.move(c.db, e, dst);
        c.server.keyspace.modified(c.db, c.argBuf, c.argOff[1], c.argLen[1], 0);
        c.server.keyspace.modified(dst, c.argBuf, c.argOff[1], c.argLen[1], 1);
        c.server.keyspace.notify(Notify.GENERIC, "move_from", c.db, c.argBuf, c.argOff[1], c.argLen[1]);
        c.server.keyspace.notify(Notify.GENERIC, "move_to", dst, c.argBuf, c.argOff[1], c.argLen[1]);
        c.integer(1);
    }

    static void select(Client c) {
        int id = dbIndex(c, 1, "ERR DB index is out of range");
        if (id < 0) {
            return;
        }
        c.db = c.server.dbs[id];
        c.dbIndex = id;
        c.ok();
    }

    static void swapdb(Client c) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[1], c.argLen[1], c.ctx.tmp) || c.ctx.tmp[0] != (int) c.ctx.tmp[0]) {
            c.error("ERR invalid first DB index");
            return;
        }
        long a = c.ctx.tmp[0];
        if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp) || c.ctx.tmp[0] != (int) c.ctx.tmp[0]) {
            c.error("ERR invalid second DB index");
            return;
        }
        long b = c.ctx.tmp[0];
        int n = c.server.dbs.length;
        if (a < 0 || a >= n || b < 0 || b >= n) {
            c.error("ERR DB index is out of range");
            return;
        }
        if (a != b) {
            c.server.keyspace.swap((int) a, (int) b);
            c.server.keyspace.changes(1);
        }
        c.ok();
    }

    static void flush(Client c, boolean all) {
        if (c.argc > 2 || c.argc == 2 && !c.argIs(1, "async") && !c.argIs(1, "sync")) {
            c.error(Shared.SYNTAX);
            return;
        }
        // Redis's getFlushCommandFlags: ASYNC, SYNC, or lazyfree-lazy-user-flush
        boolean async = c.argc == 2 ? c.argIs(1, "async") : c.server.config.getBool("lazyfree-lazy-user-flush");
        if (all) {
            for (Db d : c.server.dbs) {
                c.server.keyspace.changes(d.size());
                c.server.keyspace.flush(d, async);
            }
            c.server.keyspace.forgetReplicaExpires();
            if (c.server.persistence != null) {
                c.server.persistence.flushedAll(); // stops a background RDB save; saves when save points exist
            }
            if (c.server.replication != null) {
                c.server.replication.flushedAll(); // and a full resync's snapshot (also Redis's RDB child)
            }
        } else {
            c.server.keyspace.changes(c.db.size());
            c.server.keyspace.flush(c.db, async);
        }
        if (Rewrites.active(c)) {
            // Redis 7.2 counts only the removed keys and forces the propagation even when nothing was removed
            byte[][] argv = new byte[c.argc][];
            for (int i = 0; i < c.argc; i++) {
                argv[i] = c.arg(i);
            }
            Rewrites.also(c, argv);
            Rewrites.prevent(c);
        }
        c.ok();
    }

    static void randomkey(Client c) {
        int tries = 100;
        while (true) {
            Entry e = c.db.random();
            if (e == null) {
                c.nullBulk();
                return;
            }
            if (c.server.keyspace.expired(c.db, e) && tries-- > 0) {
                c.server.keyspace.expireEntry(c.db, e);
                continue;
            }
            c.bulk(e.keyArray(), 0, e.klen());
            return;
        }
    }

    static void keys(Client c) {
        byte[] pat = c.arg(1);
        boolean all = pat.length == 1 && pat[0] == '*';
        long now = c.server.keyspace.cmdTimeMs;
        List<Entry> out = new ArrayList<>();
        c.db.forEach(e -> {
            if ((all || Glob.match(pat, 0, pat.length, e.keyArray(), 0, e.klen(), false)) && !c.server.keyspace.expired(c.db, e)) {
                out.add(e);
            }
        });
        int header = c.deferredArray(); // as Redis's keysCommand: the keys go to the reply list (output limits)
        for (Entry e : out) {
            if (c.closed) {
                break; // closed for its output-buffer limit (Redis's CLIENT_CLOSE_ASAP check)
            }
            c.bulk(e.keyArray(), 0, e.klen());
        }
        c.setDeferredArray(header, out.size());
    }

    static void scan(Client c) {
        if (!ScanOptions.parseCursor(c, 1)) {
            return;
        }
        long cursor = c.ctx.tmp[0];
        long count = 10;
        byte[] pat = null;
        String type = null;
        for (int j = 2; j < c.argc; j++) {
            boolean more = j < c.argc - 1;
            if (c.argIs(j, "count") && more) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                count = c.ctx.tmp[0];
                if (count < 1) {
                    c.error(Shared.SYNTAX);
                    return;
                }
                j++;
            } else if (c.argIs(j, "match") && more) {
                pat = c.arg(j + 1);
                if (pat.length == 1 && pat[0] == '*') {
                    pat = null;
                }
                j++;
            } else if (c.argIs(j, "type") && more) {
                type = c.argString(j + 1);
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        List<Entry> found = new ArrayList<>();
        long maxIterations = count * 10;
        do {
            cursor = c.db.scan(cursor, found::add);
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < count);
        List<byte[]> keys = new ArrayList<>(found.size());
        long now = c.server.keyspace.cmdTimeMs;
        for (Entry e : found) {
            if (pat != null && !Glob.match(pat, 0, pat.length, e.keyArray(), 0, e.klen(), false)) {
                continue;
            }
            if (type != null && !type.equalsIgnoreCase(typeName(e))) {
                continue;
            }
            if (c.server.keyspace.expired(c.db, e)) {
                c.server.keyspace.expireEntry(c.db, e);
                continue;
            }
            keys.add(java.util.Arrays.copyOf(e.keyArray(), e.klen()));
        }
        c.array(2);
        c.bulk(Long.toUnsignedString(cursor));
        c.array(keys.size());
        for (byte[] k : keys) {
            c.bulk(k);
        }
    }

    static void object(Client c, int what) {
        Entry e = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[2], c.argLen[2]);
        // Redis's objectCommandLookup (LOOKUP_NOTOUCH | LOOKUP_NONOTIFY): counted as a hit or miss, no keymiss event
        if (e == null) {
            c.server.keyspace.misses++;
        } else {
            c.server.keyspace.hits++;
        }
        if (e == null) {
            c.nullBulk();
            return;
        }
        switch (what) {
            case 0 -> c.bulk(e.encodingName());
            case 1 -> c.integer(e.isInt() && c.server.sharedInteger(e.intValue()) ? Integer.MAX_VALUE : 1);
            case 2 -> {
                if (c.server.keyspace.lfu) {
                    c.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                        + "switching between policies at runtime LRU and LFU data will take some time to adjust.");
                    return;
                }
                c.integer(c.server.keyspace.idleMs(e) / 1000);
            }
            default -> {
                if (!c.server.keyspace.lfu) {
                    c.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
                        + "that when switching between policies at runtime LRU and LFU data will take some time to "
                        + "adjust.");
                    return;
                }
                c.integer(c.server.keyspace.lfuDecr(e));
            }
        }
    }

    static void objectHelp(Client c) {
        c.help("OBJECT", new String[] {
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>."});
    }

    // ---- expiry

    static void expire(Client c, boolean absolute, boolean seconds) {
        int flag = 0;
        for (int j = 3; j < c.argc; j++) {
            int f;
            if (c.argIs(j, "nx")) {
                f = 1;
            } else if (c.argIs(j, "xx")) {
                f = 2;
            } else if (c.argIs(j, "gt")) {
                f = 4;
            } else if (c.argIs(j, "lt")) {
                f = 8;
            } else {
                c.error("ERR Unsupported option " + c.argString(j));
                return;
            }
            flag |= f;
        }
        if ((flag & 1) != 0 && (flag & 14) != 0) {
            c.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((flag & 4) != 0 && (flag & 8) != 0) {
            c.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!c.argLong(2)) {
            return;
        }
        long when = c.ctx.tmp[0];
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                StringCommands.invalidExpire(c);
                return;
            }
            when *= 1000;
        }
        long base = absolute ? 0 : c.server.keyspace.cmdTimeMs;
        if (when > Long.MAX_VALUE - base) {
            StringCommands.invalidExpire(c);
            return;
        }
        when += base;
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (flag != 0) {
            long cur = c.server.keyspace.expireOf(c.db, e);
            if ((flag & 1) != 0 && cur != -1 || (flag & 2) != 0 && cur == -1
                    || (flag & 4) != 0 && (when <= cur || cur == -1) || (flag & 8) != 0 && cur != -1 && when >= cur) {
                c.integer(0);
                return;
            }
        }
        // Redis's checkAlreadyExpired: never a DEL while loading or on a replica (it keeps the key, logically expired,
        // until its master's DEL: a master's PEXPIREAT applied after its time must not delete what the master keeps)
        boolean past = when <= c.server.keyspace.cmdTimeMs && !c.server.keyspace.loading && !c.server.keyspace.replica;
        if (past) {
            c.server.keyspace.delete(c.db, e);
        } else {
            c.server.keyspace.setExpire(c.db, e, when);
        }
        c.modified(1, 1);
        c.notify(Notify.GENERIC, past ? "del" : "expire", 1);
        if (c.server.propagation.active()) {
            // as Redis: a relative or second-based expire propagates as PEXPIREAT, one in the past as DEL
            // (the NX/XX/GT/LT flags stay: Redis rewrites arguments 0 and 2 only)
            byte[][] argv = new byte[c.argc][];
            argv[0] = PEXPIREAT;
            argv[1] = c.arg(1);
            argv[2] = Long.toString(when).getBytes(StandardCharsets.US_ASCII);
            for (int i = 3; i < c.argc; i++) {
                argv[i] = c.arg(i);
            }
            c.server.propagation.rewrite(c, past ? new byte[][] {DEL, c.arg(1)} : argv);
        }
        c.integer(1);
    }

    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);

    static void ttl(Client c, boolean ms, boolean abs) {
        Entry e = lookupNoTouch(c, 1);
        if (e == null) {
            c.integer(-2);
            return;
        }
        long expire = c.server.keyspace.expireOf(c.db, e);
        if (expire == -1) {
            c.integer(-1);
            return;
        }
        if (abs) {
            c.integer(ms ? expire : expire / 1000);
            return;
        }
        long t = expire - c.server.keyspace.cmdTimeMs;
        if (t < 0) {
            t = 0;
        }
        c.integer(ms ? t : (t + 500) / 1000);
    }

    static void persist(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null || !e.hasExpire()) {
            c.integer(0);
            return;
        }
        c.server.keyspace.removeExpire(c.db, e);
        c.modified(1, 1);
        c.notify(Notify.GENERIC, "persist", 1);
        c.integer(1);
    }
}
