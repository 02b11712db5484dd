package io.cinnabar.server.internal;

/**
 * One key of the keyspace with its value object, in a single Java object (Redis spreads this over a dictEntry, an
 * sds key, a robj and an expires-dict entry).
 * <pre>
 *   key       byte[]   the key, exact length, never mutated once inserted
 *   hash      int      hash of key with the database's seed (bucket = hash &amp; mask)
 *   next      Entry    bucket chain
 *   type      byte     TYPE_STRING, or TYPE_LIST/SET/ZSET/HASH whose value is in obj
 *   enc       byte     ENC_INT | ENC_EMBSTR | ENC_RAW for strings (other types report their obj's encoding)
 *   val       byte[]   string bytes for EMBSTR/RAW (RAW may have spare capacity); null for INT
 *   obj       TypedValue  the list/set/zset/hash value (it knows its own encoding), null for strings
 *   num       long     the integer for INT; the string length for EMBSTR/RAW
 *   expire    long     absolute unix time in ms, or -1
 *   lru       int      LRU clock (seconds, 24 bits) or, under an LFU policy, minutes &lt;&lt; 8 | counter
 *   volIdx    int      index in the database's volatile-key array, or -1 when the key has no expire
 * </pre>
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Entry {
    static final byte TYPE_STRING = 0;
    static final byte TYPE_LIST = 1;
    static final byte TYPE_SET = 2;
    static final byte TYPE_ZSET = 3;
    static final byte TYPE_HASH = 4;
    static final byte ENC_INT = 1;
    static final byte ENC_EMBSTR = 8;
    static final byte ENC_RAW = 0;
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    static final int EMBSTR_LIMIT = 44;

    final byte[] key;
    final int hash;
    Entry next;
    byte type;
    byte enc;
    byte[] val;
    TypedValue obj;
    long num;
    long expire = -1;
    int lru;
    int volIdx = -1;

    Entry(byte[] key, int hash) {
        this.key = key;
        this.hash = hash;
    }

    int strlen() {
        return enc == ENC_INT ? Num.digits(num) : (int) num;
    }

    void setInt(long v) {
        obj = null;
        enc = ENC_INT;
        val = null;
        num = v;
    }

    /** Stores a copy of src as Redis's tryObjectEncoding would: int, embstr or raw. */
    void setString(byte[] src, int off, int len, long[] tmp) {
        if (len <= 20 && Num.intEncodable(src, off, len, tmp)) {
            setInt(tmp[0]);
            return;
        }
        setStringNoInt(src, off, len);
    }

    /** Stores a copy as embstr (up to 44 bytes) or raw, never int (createStringObject). */
    void setStringNoInt(byte[] src, int off, int len) {
        byte[] v = new byte[len];
        System.arraycopy(src, off, v, 0, len);
        obj = null;
        val = v;
        num = len;
        enc = len <= EMBSTR_LIMIT ? ENC_EMBSTR : ENC_RAW;
    }

    /** The OBJECT ENCODING name of the value. */
    String encodingName() {
        if (obj != null) {
            return obj.encodingName();
        }
        return enc == ENC_INT ? "int" : enc == ENC_EMBSTR ? "embstr" : "raw";
    }

    /** The TYPE name of the value. */
    String typeName() {
        return switch (type) {
            case TYPE_LIST -> "list";
            case TYPE_SET -> "set";
            case TYPE_ZSET -> "zset";
            case TYPE_HASH -> "hash";
            default -> "string";
        };
    }

    /** Copies the string value of this entry (as text for INT) to a new array. */
    byte[] stringBytes() {
        if (enc == ENC_INT) {
            return Num.ll2bytes(num);
        }
        byte[] b = new byte[(int) num];
        System.arraycopy(val, 0, b, 0, (int) num);
        return b;
    }

    /** Makes the value a raw string with room for at least cap bytes (Redis's dbUnshareStringValue + sdsMakeRoomFor). */
    void makeRawWithRoom(int needed) {
        int len = strlen();
        byte[] cur = enc == ENC_INT ? Num.ll2bytes(num) : val;
        if (enc != ENC_RAW || cur.length < needed) {
            int cap = needed;
            if (enc == ENC_RAW || needed > len) {
                // sds greedy growth: double below 1 MB, then +1 MB
                cap = needed < 1024 * 1024 ? Math.max(needed, needed * 2) : needed + 1024 * 1024;
                if (cap < 0) {
                    cap = needed;
                }
            }
            if (enc != ENC_RAW && needed <= len) {
                cap = len;
            }
            byte[] n = new byte[Math.max(cap, needed)];
            System.arraycopy(cur, 0, n, 0, len);
            val = n;
        }
        enc = ENC_RAW;
        num = len;
    }

    /** Takes o's value, expire and access data without copying the bytes (RENAME). */
    void copyRef(Entry o) {
        type = o.type;
        enc = o.enc;
        val = o.val;
        obj = o.obj;
        num = o.num;
        lru = o.lru;
        expire = o.expire;
    }

    void copyValueFrom(Entry o) {
        type = o.type;
        enc = o.enc;
        num = o.num;
        obj = o.obj == null ? null : o.obj.copy();
        if (o.val != null) {
            val = new byte[(int) o.num];
            System.arraycopy(o.val, 0, val, 0, (int) o.num);
        } else {
            val = null;
        }
    }
}
