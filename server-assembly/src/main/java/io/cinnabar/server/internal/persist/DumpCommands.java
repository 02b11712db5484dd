package io.cinnabar.server.internal.persist;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.type.stream.StreamException;

import io.cinnabar.rdb.Crc64;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbFormat;
import io.cinnabar.rdb.RdbVisitor;

/**
 * DUMP and RESTORE through the rdb-format module: payloads are RDB version 11 values with Redis's footer and
 * CRC64, interchangeable with real Redis (a string is written as Redis writes it: integer encoding when it is a
 * short integer, LZF above 20 bytes when that saves space). RESTORE validates the whole payload before trusting it;
 * strings are handled here, lists, sets, sorted sets, hashes and streams by {@link TypeDump}; a payload of
 * another type (module) is refused with an error that says so.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class DumpCommands {
    static final int RDB_VERSION = 11;

    private DumpCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("dump", DumpCommands::dump);
        t.impl("restore", DumpCommands::restore);
        t.impl("restore-asking", DumpCommands::restore);
    }

    /** The DUMP payload of e. */
    public static byte[] payload(Client c, Entry e) {
        return payload(c, e, RDB_VERSION);
    }

    /**
     * The DUMP payload of e in RDB version 10 or 11 (version 10 writes a listpack set as a plain set): MIGRATE
     * sends version 10, which Redis 7.0 and 7.2 both restore.
     */
    public static byte[] payload(Client c, Entry e, int version) {
        boolean compression = c.server.config.getBool("rdbcompression");
        return e.value() != null ? TypeDump.dump(e, version, compression)
            : DumpPayload.encode(version, compression, RdbFormat.TYPE_STRING, w -> w.string(e.stringBytes()));
    }

    static void dump(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.nullBulk();
            return;
        }
        c.bulk(payload(c, e));
    }

    /** Collects the value of a payload. */
    private static final class Collector implements RdbVisitor {
        byte[] string;

        @Override
        public void string(byte[] v) {
            string = v;
        }
    }

    static void restore(Client c) {
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < c.argc; j++) {
            boolean more = j < c.argc - 1;
            if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "absttl")) {
                absttl = true;
            } else if (c.argIs(j, "idletime") && more && freq == -1) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                idle = c.ctx.tmp[0];
                if (idle < 0) {
                    c.error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                j++;
            } else if (c.argIs(j, "freq") && more && idle == -1) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                freq = c.ctx.tmp[0];
                if (freq < 0 || freq > 255) {
                    c.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        if (!c.argLong(2)) {
            return;
        }
        long ttl = c.ctx.tmp[0];
        if (ttl < 0) {
            c.error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        Entry existing = c.server.lookupWrite(c, 1);
        if (existing != null && !replace) {
            c.error("BUSYKEY Target key name already exists.");
            return;
        }
        byte[] payload = c.arg(3);
        if (c.server.skipChecksumValidation) {
            payload = resealed(payload);
        }
        Collector value = new Collector();
        int type;
        try {
            DumpPayload.verify(payload);
        } catch (RdbException e) {
            c.error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        try {
            type = DumpPayload.read(payload, value);
        } catch (RdbException e) {
            logCorrupt(c, payload[0] & 0xff, e);
            c.error("ERR Bad data format");
            return;
        }
        byte aggregate = TypeDump.entryType(type);
        if (aggregate < 0 && (type != RdbFormat.TYPE_STRING || value.string == null)) {
            c.error("ERR RESTORE of RDB type " + type + " is not supported by this server");
            return;
        }
        TypedValue restored;
        try {
            restored = aggregate >= 0 ? TypeDump.restore(payload, aggregate, c.server.limits) : null;
        } catch (StreamException ex) { // a stream that does not hold together (StreamRdb's load checks)
            logCorrupt(c, type, ex);
            c.error(ex.getMessage());
            return;
        } catch (RdbException | io.cinnabar.listpack.ListpackException | io.cinnabar.intset.IntsetFormatException
                 | IndexOutOfBoundsException ex) { // duplicates, or a blob that fails when it is taken or walked
            logCorrupt(c, type, ex);
            c.error("ERR Bad data format");
            return;
        }
        if (restored != null && TypeDump.isEmpty(restored)) {
            // Redis refuses empty keys (rdbLoadObject's RDB_LOAD_ERR_EMPTY_KEY); an empty zipmap fails its check
            logCorrupt(c, type, new RdbException("empty key", 0));
            c.error("ERR Bad data format");
            return;
        }
        long expireAt = -1;
        if (ttl > 0) {
            expireAt = absttl ? ttl : ttl + c.server.keyspace.cmdTimeMs;
            if (!absttl && expireAt < 0) {
                expireAt = Long.MAX_VALUE;
            }
        }
        if (existing != null) {
            c.server.keyspace.delete(c.db, existing);
        }
        if (expireAt != -1 && expireAt <= c.server.keyspace.cmdTimeMs && !c.server.keyspace.loading
                && !c.server.keyspace.replica) { // Redis's checkAlreadyExpired: a replica waits for the master's DEL
            // already expired: Redis replies OK and does not create the key; a replaced key propagates as DEL
            if (existing != null) {
                c.modified(1, 1);
                c.notify(Notify.GENERIC, "del", 1);
                Rewrites.rewrite(c, Rewrites.DEL, c.arg(1));
            }
            c.ok();
            return;
        }
        Entry e = c.server.keyspace.add(c.db, c.arg(1));
        if (aggregate >= 0) {
            e.setType(aggregate);
            e.setValue(restored);
        } else {
            e.setType(Entry.TYPE_STRING);
            e.setString(value.string, 0, value.string.length, c.ctx.tmp);
        }
        c.server.keyspace.initAccess(e);
        c.server.keyspace.restoreAccess(e, idle, freq);
        if (expireAt != -1) {
            c.server.keyspace.setExpire(c.db, e, expireAt);
        }
        c.modified(1, 1);
        c.notify(Notify.GENERIC, "restore", 1);
        if (expireAt != -1 && !absttl && Rewrites.active(c)) {
            // the TTL propagates as an absolute time: argument 2 replaced, ABSTTL appended
            byte[][] argv = new byte[c.argc + 1][];
            for (int i = 0; i < c.argc; i++) {
                argv[i] = c.arg(i);
            }
            argv[2] = Rewrites.num(expireAt);
            argv[c.argc] = Rewrites.ABSTTL;
            Rewrites.rewrite(c, argv);
        }
        c.ok();
    }

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION 1: the payload with its CRC64 recomputed, so only the version is checked
     * (Redis's verifyDumpPayload returns early). A payload too short for a footer is returned as it is.
     */
    static byte[] resealed(byte[] payload) {
        if (payload.length < DumpPayload.FOOTER + 1) {
            return payload;
        }
        byte[] copy = payload.clone();
        int at = copy.length - 8;
        long crc = Crc64.of(copy, 0, at);
        for (int i = 0; i < 8; i++) {
            copy[at + i] = (byte) (crc >>> (8 * i));
        }
        return copy;
    }

    /**
     * Redis's rdbReportError in a RESTORE context: a verbose log line, and no exit. A corrupt listpack, ziplist,
     * intset or zipmap is named with Redis's reason for its type ("Ziplist integrity check failed." ...).
     */
    static void logCorrupt(Client c, int rdbType, RuntimeException e) {
        String detail = e.getMessage();
        String reason;
        if (e instanceof StreamException) {
            // a listpack or record that does not read (the cause) fails Redis's stream listpack check; other
            // refusals carry their own line as the cause (duplicate consumer), or only the reply text
            Throwable cause = e.getCause();
            boolean unreadable = cause instanceof RdbException || cause instanceof io.cinnabar.listpack.ListpackException
                || cause instanceof IndexOutOfBoundsException;
            reason = unreadable ? integrityReason(rdbType) : null;
            detail = cause != null ? cause.getMessage() : detail;
        } else {
            reason = detail != null && detail.contains("integrity check failed") ? null : integrityReason(rdbType);
        }
        c.server.log.verbose("Internal error in RDB reading offset 0, function at rdb.c:0 -> "
            + (reason != null ? reason + " (" + detail + ")" : detail));
    }

    /** Redis's rdbLoadObject message when the blob of an encoded type fails its integrity check; null otherwise. */
    public static String integrityReason(int rdbType) {
        return switch (rdbType) {
            case RdbFormat.TYPE_LIST_QUICKLIST -> "Ziplist integrity check failed.";
            case RdbFormat.TYPE_LIST_QUICKLIST_2 -> "Listpack integrity check failed.";
            case RdbFormat.TYPE_LIST_ZIPLIST -> "List ziplist integrity check failed.";
            case RdbFormat.TYPE_HASH_ZIPMAP -> "Zipmap integrity check failed.";
            case RdbFormat.TYPE_SET_INTSET -> "Intset integrity check failed.";
            case RdbFormat.TYPE_ZSET_ZIPLIST -> "Zset ziplist integrity check failed.";
            case RdbFormat.TYPE_ZSET_LISTPACK -> "Zset listpack integrity check failed.";
            case RdbFormat.TYPE_HASH_ZIPLIST -> "Hash ziplist integrity check failed.";
            case RdbFormat.TYPE_HASH_LISTPACK -> "Hash listpack integrity check failed.";
            case RdbFormat.TYPE_SET_LISTPACK -> "Set listpack integrity check failed.";
            case RdbFormat.TYPE_STREAM_LISTPACKS, RdbFormat.TYPE_STREAM_LISTPACKS_2,
                RdbFormat.TYPE_STREAM_LISTPACKS_3 -> "Stream listpack integrity check failed.";
            default -> null;
        };
    }
}
