package io.cinnabar.server.internal.keyspace;

import io.cinnabar.server.internal.keyspace.mem.EntryLayout;
import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;
import io.cinnabar.sds.Numbers;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * One key of the keyspace as commands see it: a view of an entry of a database's {@link OffHeapKeyTable}, where
 * the key, its metadata (type, encoding, LRU/LFU bits, expire, snapshot stamp) and an int or embstr value live in
 * one off-heap allocation. A raw string (longer than 44 bytes) stored whole (SET, COPY, RENAME) has an off-heap
 * allocation of its own; one that APPEND, SETRANGE, SETBIT, BITFIELD or PFADD write into in place moves to a heap
 * array the table holds ({@link #makeRawWithRoom}); a list, set, sorted set, hash or
 * stream is a heap {@link TypedValue} the table holds, except that a list, set, sorted set or hash in its small
 * encoding (listpack, intset: a {@link CompactValue}) is an off-heap blob between commands.
 * <p>
 * <b>Blob aggregates.</b> {@link #value()} of a blob loads it into a value the view keeps for reuse (one per type),
 * so that reading or changing a small aggregate allocates nothing once the pool of views is warm. The loaded value,
 * or one given to {@link #setValue}, is the key's value for the rest of the command; if the key was looked up for
 * writing (or given a value), the keyspace stores it back when it releases the views ({@link #flush()}): as a blob
 * again while its encoding is small, else as a heap object in the table's slot (the view then gives the value up).
 * <p>
 * <b>Views.</b> A lookup returns the view of the key's entry: the same object for the same key until the keyspace
 * releases every view (after each top-level command), so identity comparisons between two lookups of one key hold
 * and a setter that moves the entry (a new size class, an added expire) re-points the one view. The key bytes are
 * copied to a scratch array of the view on first use ({@link #keyArray()}); an embstr value is copied to another
 * one at each {@link #valArray()}: once the pool of views is warm, reading or overwriting a string allocates
 * nothing. A view must not be kept past the command that looked it up.
 * <p>
 * <b>Detached.</b> When its key is deleted the view copies what it showed (key, type, value, access bits, expire)
 * onto the heap and stays readable: listeners, notifications, lazy free and RENAME/MOVE use it after the
 * removal; {@link Db#insert} binds it again to a new entry (MOVE). {@code new Entry(key)} makes a detached entry
 * with no value (tests).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Entry {
    /**
     * The longest string a value holds: one Java array (Redis's limit is proto-max-bulk-len alone, which may be set
     * above it). Below the sds type-8 maximum of {@link #makeRawWithRoom} by more than BITFIELD's 8 bytes past an
     * admitted offset.
     */
    public static final int MAX_STRING_LENGTH = Integer.MAX_VALUE - 32;

    public static final byte TYPE_STRING = 0;
    public static final byte TYPE_LIST = 1;
    public static final byte TYPE_SET = 2;
    public static final byte TYPE_ZSET = 3;
    public static final byte TYPE_HASH = 4;
    /** Redis's OBJ_STREAM; the value is a type.stream.StreamValue. */
    public static final byte TYPE_STREAM = 6;
    public static final byte ENC_INT = 1;
    static final byte ENC_EMBSTR = 8;
    public static final byte ENC_RAW = 0;
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    static final int EMBSTR_LIMIT = 44;
    private static final int SCRATCH_KEEP = 4096;

    /** The views map this view belongs to (null for an entry made with {@code new Entry(key)} until inserted). */
    Views views;
    /** Bound: the table and handle of the entry; t is null when detached. */
    OffHeapKeyTable<TypedValue> t;
    long h;
    /** Memory accounting state (Keyspace): true while the view is in the keyspace's list of keys to re-measure. */
    boolean acct;
    /** In its Views' list of views handed out. */
    boolean out;
    /** Lent to a walker by Views#peek: read-only. */
    boolean lent;
    /**
     * Bound: the aggregate value of this command (a blob loaded by {@link #value()}, or a value given to
     * {@link #setValue}): it is the key's value until {@link #flush()}; null when none.
     */
    private TypedValue mat;
    /** Bound: the key may have changed (looked up for writing, given a value): {@link #flush()} stores mat back. */
    boolean dirty;
    /** Values this view loads blobs into, by type (list 1 ... hash 4); null until needed. */
    private CompactValue[] spare;
    /** One value class per aggregate type, learned when a value of the type is first stored as a blob. */
    private static final AtomicReferenceArray<CompactValue> PROTOTYPES = new AtomicReferenceArray<>(16);
    /**
     * A spare holding a blob longer than this is dropped when the view goes back to the pool (the default list
     * listpack limit is 8 KiB): the pool of 1024 views keeps at most a few MiB of spare arrays.
     */
    private static final int SPARE_KEEP = 1 << 14;
    /** A type set by {@link #setType} that the next value setter applies; -1 when none. */
    private byte pendType = -1;
    /** Scratch: the key's bytes (bound: valid when keyCached; detached: the key). */
    private byte[] kbuf;
    private boolean keyCached;
    /** Scratch: an embstr value copied out by {@link #valArray()}. */
    private byte[] vbuf;

    // detached state (heap), as the old one-object entry held it
    private int dklen;
    private byte type;
    private byte enc;
    /** Detached raw or embstr value bytes (from 0). */
    private byte[] val;
    private TypedValue obj;
    /** Detached: the int value, or the string length. */
    private long num;
    private int lru;
    private long expire = -1;
    private boolean snap;

    /** A detached entry of key (no value yet). */
    public Entry(byte[] key) {
        kbuf = key;
        dklen = key.length;
    }

    Entry(Views views) {
        this.views = views;
    }

    void bind(OffHeapKeyTable<TypedValue> table, long handle) {
        t = table;
        h = handle;
        keyCached = false;
        pendType = -1;
        obj = null;
        val = null;
        mat = null;
        dirty = false;
    }

    /** Back to the pool: drops references and oversized scratch. */
    void reset() {
        t = null;
        h = 0;
        acct = false;
        pendType = -1;
        keyCached = false;
        obj = null;
        val = null;
        mat = null;
        dirty = false;
        expire = -1;
        if (spare != null) {
            for (int i = 0; i < spare.length; i++) {
                CompactValue c = spare[i];
                if (c != null && (c.blobEncoding() < 0 || c.blobLength() > SPARE_KEEP)) {
                    spare[i] = null; // converted in place or grown large: not worth keeping
                }
            }
        }
        if (kbuf != null && kbuf.length > SCRATCH_KEEP) {
            kbuf = null;
        }
        if (vbuf != null && vbuf.length > SCRATCH_KEEP) {
            vbuf = null;
        }
    }

    /** Uses nh as the entry's handle from now on (a setter moved it). */
    private void moved(long nh) {
        if (lent) {
            throw new IllegalStateException("a walk's entry view was changed");
        }
        if (nh != h) {
            long old = h;
            h = nh;
            views.rekey(this, old);
        }
    }

    boolean bound() {
        return t != null;
    }

    /**
     * The entry is being deleted from its table: copies what it shows to the heap and unbinds (the caller then
     * deletes handle {@link #h} from the table).
     */
    void detach() {
        if (lent) {
            throw new IllegalStateException("a walk's entry view was deleted");
        }
        keyArray();
        dklen = t.keyLength(h);
        type = type();
        enc = enc();
        lru = t.lru(h);
        expire = t.expireAt(h);
        snap = t.snapBit(h);
        TypedValue agg = null;
        if (type != TYPE_STRING) {
            if (mat != null) {
                agg = mat;
                giveUp(mat);
            } else {
                agg = t.isBlob(h) ? load(false) : t.object(h);
            }
        }
        mat = null;
        dirty = false;
        obj = null;
        val = null;
        if (type != TYPE_STRING) {
            obj = agg;
            num = 0;
        } else {
            int te = t.encoding(h);
            if (te == EntryLayout.ENC_INT) {
                num = t.intValue(h);
            } else if (te == EntryLayout.ENC_HEAP_RAW) {
                val = t.heapRaw(h);
                num = t.stringLength(h);
            } else {
                num = t.stringLength(h);
                val = new byte[(int) num];
                t.copyString(h, 0, val, 0, (int) num);
                enc = te == EntryLayout.ENC_EMBSTR ? ENC_EMBSTR : ENC_RAW;
            }
        }
        views.unbind(this);
        t = null;
        h = 0;
    }

    /** Writes the detached value into the bound entry (after {@link Db#insert} bound this view). */
    void restoreDetached(TypedValue o, byte ty, byte en, byte[] v, long n, int accessBits) {
        if (ty != TYPE_STRING) {
            storeObject(ty, o);
        } else if (en == ENC_INT) {
            moved(t.setInt(h, n));
        } else if (en == ENC_EMBSTR) {
            moved(t.setString(h, v, 0, (int) n, false));
        } else if (v != null) {
            moved(t.setHeapRaw(h, v, (int) n));
        }
        t.setLru(h, accessBits);
    }

    // detached state, for Db#insert
    TypedValue detachedObj() {
        return obj;
    }

    byte detachedType() {
        return pendType >= 0 ? pendType : type;
    }

    byte detachedEnc() {
        return enc;
    }

    byte[] detachedVal() {
        return val;
    }

    long detachedNum() {
        return num;
    }

    int detachedLru() {
        return lru;
    }

    /** The expire time held by a detached entry, or -1. */
    long detachedExpire() {
        return expire;
    }

    /** Whether the entry carries snapshot stamp epoch (its parity: see Keyspace#beginSnapshot). */
    boolean stamped(byte epoch) {
        return (t != null ? t.snapBit(h) : snap) == ((epoch & 1) != 0);
    }

    void stamp(byte epoch) {
        boolean on = (epoch & 1) != 0;
        if (t != null) {
            t.setSnapBit(h, on);
        } else {
            snap = on;
        }
    }

    /**
     * The 24 access bits of the key, Redis's {@code robj.lru}: under an LRU (or no) policy the LRU clock of the
     * last access (unix seconds, 24 bits, {@link Keyspace#lruClock}); under an LFU policy the last decrement time
     * in minutes (16 bits) above an 8-bit logarithmic counter ({@link AccessBits}). The one place these bits are
     * read: everything else (eviction, OBJECT IDLETIME/FREQ, DEBUG OBJECT, RDB IDLE/FREQ records, RESTORE) asks
     * this accessor or the {@link Keyspace} methods built on it.
     */
    public int lruBits() {
        return t != null ? t.lru(h) : lru;
    }

    /** Sets the 24 access bits (see {@link #lruBits()}). */
    public void setLruBits(int bits) {
        if (t != null) {
            t.setLru(h, bits & AccessBits.LRU_MAX);
        } else {
            lru = bits & AccessBits.LRU_MAX;
        }
    }

    /** The type of the value (TYPE_*): what commands read instead of the field. */
    public byte type() {
        if (pendType >= 0) {
            return pendType;
        }
        return t != null ? (byte) t.type(h) : type;
    }

    /** Sets the type (TYPE_*) of a value being created; the value itself is stored with a setter. */
    public void setType(byte type) {
        if (t == null) {
            this.type = type;
        } else {
            pendType = type == t.type(h) ? -1 : type;
        }
    }

    /** The string encoding: ENC_INT, ENC_RAW, or the embstr encoding (ENC_RAW for aggregates). */
    public byte enc() {
        if (t == null) {
            return enc;
        }
        if (t.type(h) != TYPE_STRING) {
            return ENC_RAW;
        }
        int e = t.encoding(h);
        return e == EntryLayout.ENC_INT ? ENC_INT : e == EntryLayout.ENC_EMBSTR ? ENC_EMBSTR : ENC_RAW;
    }

    /** Whether the value is an int-encoded string ({@link #intValue()} holds it). */
    public boolean isInt() {
        if (t == null) {
            return enc == ENC_INT && obj == null;
        }
        return t.type(h) == TYPE_STRING && t.encoding(h) == EntryLayout.ENC_INT;
    }

    /** The integer of an int-encoded string (meaningless for other values). */
    public long intValue() {
        if (t == null) {
            return num;
        }
        return isInt() ? t.intValue(h) : 0;
    }

    /**
     * An array holding the key: the key is its first {@link #klen()} bytes (the array may be longer). Read only,
     * and valid until the view is released; use {@link #keyBytes()} for a copy to keep.
     */
    public byte[] keyArray() {
        if (t == null || keyCached) {
            return kbuf;
        }
        int n = t.keyLength(h);
        if (kbuf == null || kbuf.length < n) {
            kbuf = new byte[Math.max(n, 16)];
        }
        t.copyKey(h, kbuf, 0);
        keyCached = true;
        return kbuf;
    }

    /** A copy of the key's bytes. */
    public byte[] keyBytes() {
        return Arrays.copyOf(keyArray(), klen());
    }

    /** LRU clock (seconds, 24 bits) or, under an LFU policy, minutes &lt;&lt; 8 | counter. */
    public int lru() {
        return lruBits();
    }

    public void setLru(int lru) {
        setLruBits(lru);
    }

    /** Whether the key has an expire time (the time itself is in the database: Keyspace#expireOf). */
    public boolean hasExpire() {
        return t != null ? t.hasExpire(h) : expire != -1;
    }

    /**
     * The array of a raw string (ENC_RAW, type string), which commands that change the value in place (APPEND,
     * SETRANGE, SETBIT, HLL) write into after {@link #makeRawWithRoom}: the value is its first {@link #strlen()}
     * bytes, the rest is spare room. Null for other values, and for a raw string held off-heap (until
     * {@link #makeRawWithRoom} moves it to a heap array).
     */
    public byte[] rawArray() {
        if (t == null) {
            return enc == ENC_RAW && obj == null ? val : null;
        }
        return t.type(h) == TYPE_STRING && t.encoding(h) == EntryLayout.ENC_HEAP_RAW ? t.heapRaw(h) : null;
    }

    /** Makes the value the raw string arr[0, len) (the entry takes the array; its spare room is kept). */
    public void setRaw(byte[] arr, long len) {
        pendType = -1;
        if (t == null) {
            obj = null;
            val = arr;
            enc = ENC_RAW;
            num = len;
            type = TYPE_STRING;
            return;
        }
        dropValue();
        moved(t.setHeapRaw(h, arr, (int) len));
    }

    /** Sets the length of a raw string after bytes were written into {@link #rawArray()} in place. */
    public void setRawLength(long len) {
        if (t == null) {
            num = len;
        } else {
            t.setHeapRawLength(h, (int) len);
        }
    }

    /** The aggregate value (list, set, sorted set, hash, stream); null for a string (held in the entry itself). */
    public TypedValue value() {
        if (t == null) {
            return obj;
        }
        if (mat != null) {
            return mat;
        }
        if (t.type(h) == TYPE_STRING) {
            return null;
        }
        if (!t.isBlob(h)) {
            return t.object(h);
        }
        mat = load(true);
        return mat;
    }

    /**
     * The bound entry's blob as a value: one of this view's spares (reuse) or a new one. O(blob bytes); allocation-free
     * for a warm spare.
     */
    private CompactValue load(boolean reuse) {
        int ty = t.type(h);
        CompactValue v = reuse && spare != null ? spare[ty] : null;
        if (v == null) {
            CompactValue proto = PROTOTYPES.get(ty);
            if (proto == null) {
                throw new IllegalStateException("no value class known for type " + ty);
            }
            v = proto.newValue();
            if (reuse) {
                if (spare == null) {
                    spare = new CompactValue[TYPE_HASH + 1];
                }
                spare[ty] = v;
            }
        }
        v.loadBlob(t.encoding(h), t.blobBuffer(h), t.blobIndex(h), t.blobLength(h));
        return v;
    }

    /**
     * Gives the bound entry (a key just added) an empty value of type ty in its listpack encoding and returns it: this
     * view's spare of the type, emptied (allocation-free once the view has one), else a new value from {@code fresh},
     * which becomes the spare. Like a loaded blob, the value is stored back as a blob when the views are released
     * (and leaves the spares if the command converts it to its big encoding). O(1).
     */
    public CompactValue setEmptyValue(byte ty, Supplier<? extends CompactValue> fresh) {
        if (spare == null) {
            spare = new CompactValue[TYPE_HASH + 1];
        }
        CompactValue v = spare[ty];
        if (v == null) {
            v = fresh.get();
            spare[ty] = v;
        }
        v.loadEmpty();
        setValue(ty, v);
        return v;
    }

    /** v leaves this view's hands (stored in a heap slot, detached): it is no longer a spare. */
    private void giveUp(TypedValue v) {
        if (spare != null) {
            for (int i = 0; i < spare.length; i++) {
                if (spare[i] == v) {
                    spare[i] = null;
                }
            }
        }
    }

    /** The value is about to become a string: forget the aggregate of this command. */
    private void dropValue() {
        mat = null;
        dirty = false;
    }

    /** Stores the aggregate v of the given type in the bound entry (in its heap slot until {@link #flush()}). */
    private void storeObject(byte ty, TypedValue v) {
        if (t.type(h) == ty && !t.isBlob(h) && t.object(h) == v) {
            mat = v;
            dirty = true;
            return;
        }
        moved(t.setObject(h, ty, 0, v));
        mat = v;
        dirty = true;
    }

    /**
     * Stores the value of this command back (the keyspace calls it before it releases the views): a
     * {@link CompactValue} in its small encoding as an off-heap blob (in place when the size class holds), anything
     * else as a heap object in the table's slot. Allocation-free on the heap. O(blob bytes).
     */
    void flush() {
        dirty = false;
        TypedValue v = mat;
        if (t == null || v == null) {
            return;
        }
        int ty = t.type(h);
        if (ty == TYPE_STRING) {
            mat = null;
            return;
        }
        if (v instanceof CompactValue c && c.blobEncoding() >= 0) {
            if (PROTOTYPES.get(ty) == null) {
                PROTOTYPES.compareAndSet(ty, null, c.newValue());
            }
            try {
                moved(t.setBlob(h, ty, c.blobEncoding(), c.blobLength()));
                c.writeBlob(t.blobBuffer(h), t.blobIndex(h));
                return;
            } catch (io.cinnabar.server.internal.keyspace.mem.OffHeapLimitException ex) {
                // no room off-heap: the value stays a heap object
            }
        }
        if (t.isBlob(h) || t.object(h) != v) {
            moved(t.setObject(h, ty, 0, v));
        }
        giveUp(v);
    }

    /**
     * Whether v, stored, costs no heap (a compact value lives off-heap between commands): what the used_memory
     * accounting counts as heap for an aggregate.
     */
    private static long heapSize(TypedValue v, long samples) {
        return v instanceof CompactValue c && c.blobEncoding() >= 0 ? 0 : v.memoryUsage(samples);
    }

    /** Stores an aggregate value of the given type (a new key's value). */
    public void setValue(byte type, TypedValue v) {
        pendType = -1;
        if (t == null) {
            this.type = type;
            obj = v;
            val = null;
            enc = ENC_RAW;
            num = 0;
            return;
        }
        storeObject(type, v);
    }

    /** Replaces the aggregate value, keeping the type (a value rebuilt or converted by a command). */
    public void setValue(TypedValue v) {
        setValue(type(), v);
    }

    /** Length of the key. */
    public int klen() {
        return t != null ? t.keyLength(h) : dklen;
    }

    /**
     * An array holding the string value (EMBSTR and RAW) from {@link #valOff()}, valid until the next call; for an
     * embstr the byte after the value is 0, like Redis's sds terminator.
     */
    public byte[] valArray() {
        if (t == null) {
            return val;
        }
        int e = t.encoding(h);
        if (e == EntryLayout.ENC_HEAP_RAW) {
            return t.heapRaw(h);
        }
        if ((e != EntryLayout.ENC_EMBSTR && e != EntryLayout.ENC_RAW) || t.type(h) != TYPE_STRING) {
            return null;
        }
        int n = t.stringLength(h); // embstr or off-heap raw: copied to the view's scratch array
        if (vbuf == null || vbuf.length <= n) {
            vbuf = new byte[Math.max(n + 1, EMBSTR_LIMIT + 1)];
        }
        t.copyString(h, 0, vbuf, 0, n);
        vbuf[n] = 0; // the byte after the value reads as Redis's sds terminator (HLL parsing looks at it)
        return vbuf;
    }

    /** Where the string value starts in {@link #valArray()} (always 0). */
    public int valOff() {
        return 0;
    }

    /**
     * MEMORY USAGE of this key as Redis computes it: the key's sds and its dictEntry, plus objectComputeSize of the
     * value (an int string is its robj; an embstr one allocation of robj + sds; a raw string its robj and sds,
     * spare capacity included; aggregates ask their value, sampling {@code samples} elements).
     */
    public long memoryUsage(long samples) {
        long size = RedisSizes.sdsSize(klen()) + RedisSizes.DICT_ENTRY;
        TypedValue o = value();
        if (o != null) {
            return size + o.memoryUsage(samples);
        }
        return size + switch (enc()) {
            case ENC_INT -> RedisSizes.ROBJ;
            case ENC_EMBSTR -> RedisSizes.embstrSize(strlen());
            default -> {
                byte[] raw = rawArray();
                long len = strlen();
                yield RedisSizes.ROBJ + RedisSizes.sdsSize(raw == null ? len : Math.max(len, raw.length));
            }
        };
    }

    /**
     * The part of this key's memory on the GC heap, which the used_memory accounting adds to the off-heap
     * allocators' bytes: an aggregate's value (its MEMORY USAGE figure) or a heap raw string's array (16-byte header
     * plus its 8-aligned length); 0 for a key held entirely off-heap (int and embstr strings, and aggregates in a
     * small encoding, which are blobs between commands).
     */
    public long heapUsage(long samples) {
        if (t != null && t.type(h) != TYPE_STRING) {
            TypedValue v = mat;
            if (v == null) {
                if (t.isBlob(h)) {
                    return 0;
                }
                v = t.object(h);
            }
            return heapSize(v, samples);
        }
        TypedValue o = value();
        if (o != null) {
            return heapSize(o, samples);
        }
        byte[] raw = rawArray();
        return raw == null ? 0 : 16 + ((raw.length + 7L) & ~7L);
    }

    public int strlen() {
        if (t == null) {
            return enc == ENC_INT ? Numbers.stringLength(num) : (int) num;
        }
        if (t.type(h) != TYPE_STRING) {
            return 0;
        }
        return t.encoding(h) == EntryLayout.ENC_INT ? Numbers.stringLength(t.intValue(h)) : t.stringLength(h);
    }

    public void setInt(long v) {
        pendType = -1;
        if (t == null) {
            obj = null;
            val = null;
            enc = ENC_INT;
            type = TYPE_STRING;
            num = v;
            return;
        }
        dropValue();
        moved(t.setInt(h, v));
    }

    /**
     * INCRBY in place: when the value is an int-encoded string, adds incr to it and returns 1 (the result is
     * {@link #intValue()}); returns -1, changing nothing, when the sum would overflow, and 0 for any other value
     * (the caller parses and stores it the general way). One read of the entry's header, nothing copied.
     */
    public int incrIntInPlace(long incr) {
        if (t == null || pendType >= 0) {
            return 0;
        }
        return t.incrIntInPlace(h, incr);
    }

    /** Stores a copy of src as Redis's tryObjectEncoding would: int, embstr or raw. */
    public void setString(byte[] src, int off, int len, long[] tmp) {
        if (Numbers.isIntEncodable(src, off, len)) {
            tmp[0] = Numbers.parseLong(src, off, len);
            setInt(tmp[0]);
            return;
        }
        setStringNoInt(src, off, len);
    }

    /** Stores a copy as embstr (up to 44 bytes) or raw, never int (createStringObject). */
    public void setStringNoInt(byte[] src, int off, int len) {
        pendType = -1;
        if (t == null) {
            val = Arrays.copyOfRange(src, off, off + len);
            obj = null;
            enc = len <= EMBSTR_LIMIT ? ENC_EMBSTR : ENC_RAW;
            type = TYPE_STRING;
            num = len;
            return;
        }
        dropValue();
        if (len <= EMBSTR_LIMIT) {
            if (t.overwriteEmbstrInPlace(h, src, off, len)) { // an embstr of the same length: the bytes only
                return;
            }
            moved(t.setString(h, src, off, len, false)); // an overwrite in the same size class stays in place
            return;
        }
        moved(t.setString(h, src, off, len, true)); // off-heap raw: in place within the size class
    }

    /** The OBJECT ENCODING name of the value. */
    public String encodingName() {
        TypedValue o = value();
        if (o != null) {
            return o.encodingName();
        }
        byte e = enc();
        return e == ENC_INT ? "int" : e == ENC_EMBSTR ? "embstr" : "raw";
    }

    /** The TYPE name of the value. */
    public String typeName() {
        return switch (type()) {
            case TYPE_LIST -> "list";
            case TYPE_SET -> "set";
            case TYPE_ZSET -> "zset";
            case TYPE_HASH -> "hash";
            case TYPE_STREAM -> "stream";
            default -> "string";
        };
    }

    /** Copies the string value of this entry (as text for INT) to a new array. */
    public byte[] stringBytes() {
        if (isInt()) {
            return Numbers.ll2bytes(intValue());
        }
        int n = strlen();
        byte[] b = new byte[n];
        byte[] v = valArray();
        if (v != null) {
            System.arraycopy(v, valOff(), b, 0, n);
        }
        return b;
    }

    /** Makes the value a raw string with room for at least needed bytes (dbUnshareStringValue + sdsMakeRoomFor). */
    public void makeRawWithRoom(int needed) {
        byte[] raw = rawArray();
        if (raw != null && raw.length >= needed) {
            return;
        }
        int len = strlen();
        byte[] cur = stringBytes();
        int cap = len;
        if (needed > len) {
            // sds greedy growth: double below 1 MB, then +1 MB
            cap = needed < 1024 * 1024 ? needed * 2 : needed + 1024 * 1024;
            if (cap < needed) {
                cap = needed;
            }
            cap = usableCapacity(cap);
        }
        byte[] n = new byte[cap];
        System.arraycopy(cur, 0, n, 0, len);
        setRaw(n, len);
    }

    /**
     * The capacity sdsMakeRoomFor ends with for a request of {@code cap} bytes: Redis 7 keeps the whole usable size of
     * the allocation (jemalloc class of header + cap + 1, header of type 8 at least), up to the header type's maximum.
     */
    private static int usableCapacity(int cap) {
        int hdr = Math.max(3, RedisSizes.sdsHeader(cap));
        long usable = RedisSizes.mallocSize((long) hdr + cap + 1) - hdr - 1;
        long typeMax = hdr == 3 ? 255 : hdr == 5 ? 65535 : Integer.MAX_VALUE - 16;
        return (int) Math.min(usable, typeMax);
    }

    /** Takes o's value and access data (RENAME: o is discarded; the caller moves the expire). */
    public void copyRef(Entry o) {
        copyFrom(o, false);
    }

    /** Copies o's value and access data (COPY). */
    public void copyValueFrom(Entry o) {
        copyFrom(o, true);
    }

    private void copyFrom(Entry o, boolean copyRaw) {
        if (o == this) {
            return;
        }
        int access = o.lruBits(); // the access data travels with the value (RENAME, COPY)
        TypedValue ov = o.value();
        if (ov != null) {
            setValue(o.type(), copyRaw ? ov.copy() : ov);
        } else if (o.isInt()) {
            setInt(o.intValue());
        } else if (o.enc() == ENC_EMBSTR) {
            setStringNoInt(o.valArray(), o.valOff(), o.strlen());
        } else {
            byte[] raw = o.rawArray();
            int len = o.strlen();
            if (raw == null) { // an off-heap raw string: copied into this entry's own allocation
                setStringNoInt(o.valArray(), o.valOff(), len);
            } else {
                setRaw(copyRaw ? Arrays.copyOf(raw, len) : raw, len);
            }
        }
        setLruBits(access);
    }
}
