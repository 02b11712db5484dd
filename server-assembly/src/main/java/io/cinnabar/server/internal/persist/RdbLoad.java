package io.cinnabar.server.internal.persist;

import io.cinnabar.rdb.RdbBlob;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbReader;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamGroupData;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;
import io.cinnabar.server.internal.command.Loading;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.type.stream.StreamException;
import io.cinnabar.server.internal.type.stream.StreamRdb;

import java.nio.charset.StandardCharsets;

/**
 * Loads an RDB stream (any version the rdb-format module reads, 1 to 12) into the keyspace, as Redis's
 * {@code rdbLoadRio}: every key is built in the encoding Redis 7.2 would give it (listpack and intset blobs adopted
 * as they are), empty keys are skipped, keys whose expire time already passed are skipped on a master (and
 * counted), a key present twice is an error unless {@code merge} (DEBUG RELOAD MERGE), function libraries go to
 * the {@link FunctionStore}, and the aux fields are kept for the caller's log lines. A corrupt or truncated stream
 * throws {@link RdbException} with the byte offset; the caller decides what the partial dataset becomes. Not final:
 * the AOF loader's replay extends it, so that an RDB base or preamble is built by this same code.
 * <p><b>Note:</b> This class is not threadsafe: it runs on the event-loop thread (or before it starts).
 */
public class RdbLoad implements RdbVisitor {
    /** What the file said and what was loaded. */
    public long keysLoaded;
    public long keysExpired;
    public long emptyKeysSkipped;
    /** The names of the first 10 empty keys skipped (Redis logs "rdbLoadObject skipping empty key: NAME"). */
    public final java.util.List<String> emptyKeyNames = new java.util.ArrayList<>();
    public String redisVer;
    public long ctime = -1;
    public long usedMem = -1;
    public String replId;
    public long replOffset = -1;
    public int replStreamDb = -1;
    public boolean aofBase;
    public int version;
    /**
     * With {@link #keepExpired} set: the db and key of every key skipped because its time had passed, in file
     * order, so that a master restarting from its file can tell the replicas that continue from it (Redis's
     * RDBFLAGS_FEED_REPL).
     */
    public final java.util.List<byte[]> expiredKeys = new java.util.ArrayList<>();
    public final java.util.List<Integer> expiredDbs = new java.util.ArrayList<>();
    public boolean keepExpired;
    /**
     * key-load-delay (Redis's debugDelay after each key): n &gt; 0 sleeps n microseconds per key, n &lt; 0 sleeps one
     * microsecond for one key in -n on average; 0 (the default) costs nothing. A test option that stretches a load.
     */
    public long keyLoadDelayUs;
    /**
     * The load in progress that this loader reports to (null: none): between keys it is told the byte offset
     * reached, plus {@link #progressBase} (the bytes of the earlier files of a multi-file load), and may serve the
     * clients there (see {@link Loading#at}); a shutdown meanwhile ends the load with {@link Loading.Aborted}.
     */
    public Loading loading;
    public long progressBase;

    private final Keyspace ks;
    private final TypeLimits lim;
    private final FunctionStore functions;
    private final boolean master;
    private final boolean merge;
    private final long nowMs;
    private final long[] tmp = new long[1];
    private TypeDump.Collector col;
    private StreamRdb.Loader stream;
    private byte type;
    private byte[] string;

    public RdbLoad(Keyspace ks, TypeLimits lim, FunctionStore functions, boolean master, boolean merge, long nowMs) {
        this.ks = ks;
        this.lim = lim;
        this.functions = functions;
        this.master = master;
        this.merge = merge;
        this.nowMs = nowMs;
    }

    /** Reads the whole stream into the keyspace (see the class comment); returns this for its counters. */
    public RdbLoad load(RdbReader reader) {
        reader.read(this);
        return this;
    }

    @Override
    public void start(int v) {
        version = v;
    }

    @Override
    public void aux(byte[] key, byte[] value) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        switch (k) {
            case "redis-ver" -> redisVer = v;
            case "ctime" -> ctime = parse(v);
            case "used-mem" -> {
                usedMem = parse(v);
                if (loading != null) {
                    loading.rdbUsedMem(usedMem);
                }
            }
            case "repl-id" -> replId = v;
            case "repl-offset" -> replOffset = parse(v);
            case "repl-stream-db" -> replStreamDb = (int) parse(v);
            case "aof-base" -> aofBase = parse(v) != 0;
            default -> {
            }
        }
    }

    private static long parse(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The database of the following keys (for RESIZEDB). */
    private int db;

    @Override
    public void selectDb(int db) {
        this.db = db;
    }

    /** Redis's dictExpand on RESIZEDB: the table is sized for the keys that follow, so loading never rehashes. */
    @Override
    public void resizeDb(long dbSize, long expiresSize) {
        if (db >= 0 && db < ks.dbs.length && dbSize > 0) {
            Db d = ks.dbs[db];
            d.expand(d.size() + dbSize);
        }
    }

    @Override
    public void function(byte[] code) {
        if (functions != null) {
            functions.load(code, merge); // MERGE replaces a library of the same name (RDBFLAGS_ALLOW_DUP)
        }
    }

    @Override
    public void beginKey(RdbKey k) {
        if (loading != null) {
            loading.at(progressBase + k.offset()); // between keys: the loader holds no entry here
        }
        string = null;
        col = null;
        stream = null;
        reading = k;
        if (k.type() == io.cinnabar.rdb.RdbFormat.TYPE_STRING) {
            type = Entry.TYPE_STRING;
            return;
        }
        type = TypeDump.entryType(k.type());
        if (type < 0) {
            throw new RdbException("Unknown RDB value type " + k.type() + " (module values are not supported)",
                k.offset());
        }
        if (type == Entry.TYPE_STREAM) {
            stream = new StreamRdb.Loader();
            stream.beginKey(k);
        } else {
            col = new TypeDump.Collector(k.type());
        }
    }

    @Override
    public void emptyKey(RdbKey k) {
        skippedEmpty(k);
    }

    private void skippedEmpty(RdbKey k) {
        if (emptyKeysSkipped++ < 10) {
            emptyKeyNames.add(new String(k.key(), StandardCharsets.ISO_8859_1));
        }
    }

    @Override
    public void string(byte[] value) {
        string = value;
    }

    @Override
    public void listElement(byte[] element) {
        col.listElement(element);
    }

    @Override
    public void setMember(byte[] member) {
        col.setMember(member);
    }

    @Override
    public void zsetEntry(byte[] member, double score) {
        col.zsetEntry(member, score);
    }

    @Override
    public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
        col.hashEntry(field, value, expireAtMs);
    }

    @Override
    public boolean blob(RdbBlob kind, byte[] bytes) {
        return col != null && col.blob(kind, bytes);
    }

    @Override
    public boolean streamListpack(byte[] masterId, byte[] listpack) {
        return stream.streamListpack(masterId, listpack);
    }

    @Override
    public void streamEntry(StreamId id, byte[][] fieldsAndValues) {
        stream.streamEntry(id, fieldsAndValues);
    }

    @Override
    public void streamMetadata(StreamMetadata metadata) {
        stream.streamMetadata(metadata);
    }

    @Override
    public void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
        stream.streamGroup(name, lastDelivered, entriesRead, pendingCount);
    }

    @Override
    public void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        stream.streamPending(id, deliveryTimeMs, deliveryCount);
    }

    @Override
    public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
        stream.streamConsumer(name, seenTimeMs, activeTimeMs, pendingCount);
    }

    @Override
    public void streamConsumerPending(StreamId id) {
        stream.streamConsumerPending(id);
    }

    @Override
    public void endKey(RdbKey k) {
        store(k);
        reading = null;
    }

    /**
     * The key whose value is being read or stored (from its beginKey until it is stored), or null between keys:
     * what a failure was reading, for the error line (Redis names the type's integrity check).
     */
    public RdbKey reading() {
        return reading;
    }

    private RdbKey reading;

    private void store(RdbKey k) {
        TypedValue value = null;
        if (type != Entry.TYPE_STRING) {
            try {
                value = stream != null ? stream.result() : TypeDump.build(col, type, lim);
            } catch (StreamException | IllegalArgumentException | IllegalStateException
                     | io.cinnabar.listpack.ListpackException | io.cinnabar.intset.IntsetFormatException
                     | IndexOutOfBoundsException e) {
                throw new RdbException("Bad data format of key '" + printable(k.key()) + "': " + e.getMessage(),
                    k.offset());
            }
            if (TypeDump.isEmpty(value)) {
                skippedEmpty(k);
                return;
            }
        } else if (string == null) {
            throw new RdbException("String key without a value", k.offset());
        }
        if (k.db() < 0 || k.db() >= ks.dbs.length) {
            throw new RdbException("FATAL: Data file was created with a Redis server configured to handle more than "
                + ks.dbs.length + " databases. Exiting", k.offset());
        }
        if (master && k.expireAtMs() != -1 && k.expireAtMs() < nowMs) {
            keysExpired++;
            if (keepExpired) {
                expiredDbs.add(k.db());
                expiredKeys.add(k.key());
            }
            return;
        }
        Db db = ks.dbs[k.db()];
        byte[] key = k.key();
        if (value == null && ks.loadString(db, key, 0, key.length, string, 0, string.length, k.expireAtMs(),
                k.idleSeconds(), k.freq())) {
            keysLoaded++; // an int or embstr string of a new key: one allocation, no view
            keyLoaded();
            return;
        }
        if (ks.viewsOutstanding() >= Keyspace.VIEWS_BATCH) {
            ks.releaseViews(); // between keys the loader holds no entry
        }
        Entry old = db.find(key, 0, key.length);
        if (old != null) {
            if (!merge) {
                throw new RdbException("RDB has duplicated key '" + printable(key) + "' in DB " + k.db(), k.offset());
            }
            ks.delete(db, old);
        }
        Entry e = ks.add(db, key);
        e.setType(type);
        if (value != null) {
            e.setValue(value);
        } else {
            e.setString(string, 0, string.length, tmp);
        }
        ks.initAccess(e);
        if (k.idleSeconds() >= 0 || k.freq() >= 0) {
            ks.restoreAccess(e, k.idleSeconds(), k.freq());
        }
        if (k.expireAtMs() != -1) {
            ks.setExpire(db, e, k.expireAtMs());
        }
        keysLoaded++;
        keyLoaded();
    }

    /** key-load-delay's pause after a key (or, for the AOF, a command). */
    protected final void keyLoaded() {
        long us = loading != null && loading.active ? loading.keyLoadDelayUs : keyLoadDelayUs;
        if (us < 0) {
            us = java.util.concurrent.ThreadLocalRandom.current().nextLong(-us) == 0 ? 1 : 0;
        }
        if (us > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(us * 1000);
        }
    }

    private static String printable(byte[] key) {
        return new String(key, StandardCharsets.ISO_8859_1);
    }
}
