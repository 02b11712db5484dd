package io.cinnabar.server.internal;

/**
 * One key of the keyspace with its value object, in a single Java object (Redis spreads this over a dictEntry, an
 * sds key, a robj and an expires-dict entry).
 * <pre>
 *   key       byte[]   the key, exact length, never mutated once inserted
 *   hash      int      hash of key with the database's seed (bucket = hash &amp; mask)
 *   next      Entry    bucket chain
 *   type      byte     TYPE_STRING (other types are not implemented yet)
 *   enc       byte     ENC_INT | ENC_EMBSTR | ENC_RAW, reported by OBJECT ENCODING
 *   val       byte[]   string bytes for EMBSTR/RAW (RAW may have spare capacity); null for INT
 *   num       long     the integer for INT; the string length for EMBSTR/RAW
 *   lru       int      LRU clock (seconds, 24 bits) or, under an LFU policy, minutes &lt;&lt; 8 | counter
 *   volIdx    int      index in the database's volatile-key arrays (entry, expire time), or -1 when the key
 *                      has no expire: the expire lives there, so keys without one do not pay 8 bytes for it
 * </pre>
 * 46 bytes of fields and header, 48 with alignment (compressed references), plus the key and value arrays.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Entry {
    static final byte TYPE_STRING = 0;
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
    long num;
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
        byte[] v = val != null && val.length == len ? val : new byte[len]; // an overwrite of equal length reuses it
        System.arraycopy(src, off, v, 0, len);
        val = v;
        num = len;
        enc = len <= EMBSTR_LIMIT ? ENC_EMBSTR : ENC_RAW;
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

    /** Takes o's value and access data without copying the bytes (RENAME; the caller moves the expire). */
    void copyRef(Entry o) {
        type = o.type;
        enc = o.enc;
        val = o.val;
        num = o.num;
        lru = o.lru;
    }

    void copyValueFrom(Entry o) {
        type = o.type;
        enc = o.enc;
        num = o.num;
        if (o.val != null) {
            val = new byte[(int) o.num];
            System.arraycopy(o.val, 0, val, 0, (int) o.num);
        } else {
            val = null;
        }
    }
}
