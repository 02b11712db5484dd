package io.cinnabar.server.internal.keyspace;

import io.cinnabar.sds.Numbers;

/**
 * One key of the keyspace with its value object, in a single Java object (Redis spreads this over a dictEntry, an
 * sds key and a robj). Like Redis's embstr, a short string value lives in the same array as the key:
 * <pre>
 *   key       byte[]   the key's bytes, followed by the value's bytes when enc == ENC_EMBSTR:
 *                        [ key (klen bytes) | value (num bytes) ]   exact length, klen = key.length - num
 *                      otherwise exactly the key
 *   next      Entry    bucket chain
 *   type      byte     TYPE_STRING, or TYPE_LIST/SET/ZSET/HASH/STREAM whose value is in obj
 *   enc       byte     ENC_INT | ENC_EMBSTR | ENC_RAW for strings (ENC_RAW for aggregates, whose obj reports the
 *                      encoding)
 *   val       byte[]   the value for ENC_RAW strings (may have spare capacity, as an sds); null otherwise
 *   obj       TypedValue  the list/set/zset/hash value (it knows its own encoding), null for strings
 *   num       long     the integer for ENC_INT; the string length for ENC_EMBSTR and ENC_RAW; 0 for aggregates
 *   lru       int      LRU clock (seconds, 24 bits) or, under an LFU policy, minutes &lt;&lt; 8 | counter
 *   volIdx    int      index in the database's volatile-key arrays (entry, expire time), or -1 when the key
 *                      has no expire: the expire lives there, so keys without one do not pay 8 bytes for it
 *   snap      byte     snapshot epoch stamp (see Keyspace#beginSnapshot)
 *   acct      byte     1 while the key's memory is being re-measured after the current command (see
 *                      Keyspace#usedDatasetBytes); 0 otherwise
 * </pre>
 * 48 bytes of fields and header (compressed references): snap and acct use the alignment padding. The hash is not stored: the table
 * computes it again when it resizes. A key of 10 bytes with a 32-byte value therefore costs 48 + 64 (one array)
 * bytes plus its table slot.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Entry {
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

    byte[] key;
    Entry next;
    byte type;
    byte enc;
    byte[] val;
    TypedValue obj;
    long num;
    int lru;
    int volIdx = -1;
    /**
     * Snapshot epoch stamp (fits the alignment padding: the object stays 48 bytes). Equal to the keyspace's epoch
     * except, during a snapshot, for keys present at its start that the saver has not written yet.
     */
    byte snap;
    /** Memory accounting state (Keyspace): 1 while the entry is in the keyspace's list of keys to re-measure. */
    byte acct;

    public Entry(byte[] key) {
        this.key = key;
    }

    /**
     * The 24 access bits of the key, Redis's {@code robj.lru}: under an LRU (or no) policy the LRU clock of the
     * last access (unix seconds, 24 bits, {@link Keyspace#lruClock}); under an LFU policy the last decrement time
     * in minutes (16 bits) above an 8-bit logarithmic counter ({@link AccessBits}). The one place these bits are
     * read: everything else (eviction, OBJECT IDLETIME/FREQ, DEBUG OBJECT, RDB IDLE/FREQ records, RESTORE) asks
     * this accessor or the {@link Keyspace} methods built on it.
     */
    public int lruBits() {
        return lru;
    }

    /** Sets the 24 access bits (see {@link #lruBits()}). */
    public void setLruBits(int bits) {
        lru = bits & AccessBits.LRU_MAX;
    }

    /** The type of the value (TYPE_*): what commands read instead of the field. */
    public byte type() {
        return type;
    }

    /** Sets the type (TYPE_*) of a value being created; the value itself is stored with a setter. */
    public void setType(byte type) {
        this.type = type;
    }

    /** The string encoding: ENC_INT, ENC_RAW, or the embstr encoding (ENC_RAW for aggregates). */
    public byte enc() {
        return enc;
    }

    /** Whether the value is an int-encoded string ({@link #intValue()} holds it). */
    public boolean isInt() {
        return enc == ENC_INT;
    }

    /** The integer of an int-encoded string (meaningless for other values). */
    public long intValue() {
        return num;
    }

    /**
     * The array holding the key: the key is its first {@link #klen()} bytes (an embstr value may follow). Read only;
     * use {@link #keyBytes()} for a copy to keep.
     */
    public byte[] keyArray() {
        return key;
    }

    /** A copy of the key's bytes. */
    public byte[] keyBytes() {
        return java.util.Arrays.copyOf(key, klen());
    }

    /** LRU clock (seconds, 24 bits) or, under an LFU policy, minutes &lt;&lt; 8 | counter. */
    public int lru() {
        return lru;
    }

    public void setLru(int lru) {
        this.lru = lru;
    }

    /** Whether the key has an expire time (the time itself is in the database: Keyspace#expireOf). */
    public boolean hasExpire() {
        return volIdx >= 0;
    }

    /**
     * The array of a raw string (ENC_RAW, type string), which commands that change the value in place (APPEND,
     * SETRANGE, SETBIT, HLL) write into after {@link #makeRawWithRoom}: the value is its first {@link #strlen()}
     * bytes, the rest is spare room.
     */
    public byte[] rawArray() {
        return val;
    }

    /** Makes the value the raw string arr[0, len) (the entry takes the array; its spare room is kept). */
    public void setRaw(byte[] arr, long len) {
        unembed();
        obj = null;
        val = arr;
        enc = ENC_RAW;
        num = len;
    }

    /** Sets the length of a raw string after bytes were written into {@link #rawArray()} in place. */
    public void setRawLength(long len) {
        num = len;
    }

    /** The aggregate value (list, set, sorted set, hash, stream); null for a string (held in the entry itself). */
    public TypedValue value() {
        return obj;
    }

    /** Stores an aggregate value of the given type (a new key's value). */
    public void setValue(byte type, TypedValue v) {
        this.type = type;
        this.obj = v;
    }

    /** Replaces the aggregate value, keeping the type (a value rebuilt or converted by a command). */
    public void setValue(TypedValue v) {
        this.obj = v;
    }

    /** Length of the key (the start of the value in {@link #key} for embstr). */
    public int klen() {
        return enc == ENC_EMBSTR ? key.length - (int) num : key.length;
    }

    /** The array holding the string value (EMBSTR and RAW). */
    public byte[] valArray() {
        return enc == ENC_EMBSTR ? key : val;
    }

    /** Where the string value starts in {@link #valArray()}. */
    public int valOff() {
        return enc == ENC_EMBSTR ? key.length - (int) num : 0;
    }

    /**
     * MEMORY USAGE of this key as Redis computes it: the key's sds and its dictEntry, plus objectComputeSize of the
     * value (an int string is its robj; an embstr one allocation of robj + sds; a raw string its robj and sds,
     * spare capacity included; aggregates ask their value, sampling {@code samples} elements).
     */
    public long memoryUsage(long samples) {
        long size = RedisSizes.sdsSize(klen()) + RedisSizes.DICT_ENTRY;
        if (obj != null) {
            return size + obj.memoryUsage(samples);
        }
        return size + switch (enc) {
            case ENC_INT -> RedisSizes.ROBJ;
            case ENC_EMBSTR -> RedisSizes.embstrSize(num);
            default -> RedisSizes.ROBJ + RedisSizes.sdsSize(val == null ? num : Math.max(num, val.length));
        };
    }

    public int strlen() {
        return enc == ENC_INT ? Numbers.stringLength(num) : (int) num;
    }

    /** Drops an embedded value from the key array (before the value changes encoding). */
    private void unembed() {
        if (enc == ENC_EMBSTR) {
            key = java.util.Arrays.copyOf(key, key.length - (int) num);
            enc = ENC_RAW;
            num = 0;
        }
    }

    public void setInt(long v) {
        unembed();
        obj = null;
        enc = ENC_INT;
        val = null;
        num = v;
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
        if (len <= EMBSTR_LIMIT) {
            int k = klen();
            if (enc != ENC_EMBSTR || key.length != k + len) { // an overwrite of equal length reuses the array
                byte[] n = new byte[k + len];
                System.arraycopy(key, 0, n, 0, k);
                key = n;
            }
            System.arraycopy(src, off, key, k, len);
            val = null;
            obj = null;
            enc = ENC_EMBSTR;
            num = len;
            return;
        }
        unembed();
        byte[] v = enc == ENC_RAW && val != null && val.length == len ? val : new byte[len];
        System.arraycopy(src, off, v, 0, len);
        obj = null;
        val = v;
        num = len;
        enc = ENC_RAW;
    }

    /** The OBJECT ENCODING name of the value. */
    public String encodingName() {
        if (obj != null) {
            return obj.encodingName();
        }
        return enc == ENC_INT ? "int" : enc == ENC_EMBSTR ? "embstr" : "raw";
    }

    /** The TYPE name of the value. */
    public String typeName() {
        return switch (type) {
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
        if (enc == ENC_INT) {
            return Numbers.ll2bytes(num);
        }
        byte[] b = new byte[(int) num];
        System.arraycopy(valArray(), valOff(), b, 0, (int) num);
        return b;
    }

    /** Makes the value a raw string with room for at least needed bytes (dbUnshareStringValue + sdsMakeRoomFor). */
    public void makeRawWithRoom(int needed) {
        if (enc == ENC_RAW && val != null && val.length >= needed) {
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
        unembed();
        byte[] n = new byte[cap];
        System.arraycopy(cur, 0, n, 0, len);
        val = n;
        enc = ENC_RAW;
        num = len;
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
        type = o.type;
        lru = o.lru; // the access data travels with the value (RENAME, COPY)
        if (o.obj != null) {
            unembed();
            obj = copyRaw ? o.obj.copy() : o.obj;
            val = null;
            num = 0;
            enc = ENC_RAW;
        } else if (o.enc == ENC_INT) {
            setInt(o.num);
        } else if (o.enc == ENC_EMBSTR) {
            setStringNoInt(o.key, o.valOff(), (int) o.num);
        } else {
            unembed();
            obj = null;
            val = copyRaw ? java.util.Arrays.copyOf(o.val, (int) o.num) : o.val;
            num = o.num;
            enc = ENC_RAW;
        }
    }
}
