package io.cinnabar.server.internal.keyspace.mem;

/**
 * The byte layout of one key of {@link OffHeapKeyTable}: a single {@link SlabAllocator} allocation holding what
 * Redis spreads over a dictEntry, an sds key, a robj and (for embstr) the string.
 * <pre>
 *   offset  size  field
 *    0       8    next      handle of the next entry of the bucket chain; 0 ends the chain
 *    8       4    meta      bits 0-23 LRU clock (or LFU minutes &lt;&lt; 8 | counter), 24-27 type, 28-31 encoding
 *   12       4    klen      bits 0-29 key length; bit 30 SNAP (the keyspace's snapshot epoch parity); bit 31
 *                              HAS_EXPIRE
 *   16       4    aux       embstr/raw: value length in bytes; blob aggregate: blob length in bytes; heap
 *                              aggregate and heap raw: slot in the table's object array; int: 0
 *   20      12    expire    only if HAS_EXPIRE: expire time (unix ms, 8 bytes), index in the volatile array (4)
 *   20|32    8    word      only for int and raw strings and blob aggregates: the integer, the handle of the raw
 *                              value's or the blob's allocation, or (heap raw) the value's length in its heap array
 *   ...   klen    key       the key's bytes
 *   ...    aux    embstr    only for embstr: the value's bytes
 *
 *   "k1" -&gt; embstr "hello", no expire: 20 + 2 + 5 = 27 bytes, size class 32
 *     [next 8][meta: lru | type 0 &lt;&lt; 24 | 8 &lt;&lt; 28][klen 2][aux 5]['k' '1']['h' 'e' 'l' 'l' 'o']
 *   "counter" -&gt; int 42 with an expire: 20 + 12 + 8 + 7 = 47 bytes, size class 48
 *   "h" -&gt; hash {f: v} as a listpack: 20 + 8 + 1 = 29 bytes (class 32), and the 13-byte listpack in its own
 *     allocation (class 16): [next][meta: lru | 4 &lt;&lt; 24 | 11 &lt;&lt; 28][klen 1][aux 13][word: blob handle]['h']
 * </pre>
 * A <b>blob aggregate</b> is a list, set, sorted set or hash in its small encoding (listpack, {@link #ENC_LISTPACK};
 * intset, {@link #ENC_INTSET}): its bytes, exactly as Redis holds them and RDB carries them, live in an allocation of
 * their own, so the key costs no heap object. The big encodings (quicklist, hashtable, skiplist) and streams are
 * <b>heap aggregates</b>: encoding 0 and a slot in the table's object array.
 * All fields are little-endian and unaligned (a direct buffer reads unaligned words at full speed on x86-64 and
 * AArch64). The key's hash is not stored: a rehash computes it again from the key bytes, as Redis's dict does.
 * Types and encodings use Redis's numbers ({@code OBJ_STRING} 0 ... {@code OBJ_STREAM} 6;
 * {@code OBJ_ENCODING_RAW} 0, {@code INT} 1, ..., {@code EMBSTR} 8, ..., {@code LISTPACK} 11).
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
public final class EntryLayout {
    public static final int NEXT = 0;
    public static final int META = 8;
    public static final int KLEN = 12;
    public static final int AUX = 16;
    public static final int HEADER = 20;
    public static final int EXPIRE = 20;
    public static final int VOL_INDEX = 28;
    public static final int EXPIRE_SIZE = 12;
    public static final int WORD_SIZE = 8;
    public static final int HAS_EXPIRE = 0x8000_0000;
    /** The snapshot epoch parity bit of the klen field (see Keyspace#beginSnapshot). */
    public static final int SNAP = 0x4000_0000;
    /** The key length bits of the klen field. */
    public static final int KLEN_MASK = 0x3FFF_FFFF;
    public static final int LRU_MASK = 0xFF_FFFF;

    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_STREAM = 6;
    public static final int ENC_RAW = 0;
    public static final int ENC_INT = 1;
    public static final int ENC_EMBSTR = 8;
    /** An aggregate held as an off-heap intset blob (Redis's OBJ_ENCODING_INTSET). */
    public static final int ENC_INTSET = 6;
    /** An aggregate held as an off-heap listpack blob (Redis's OBJ_ENCODING_LISTPACK). */
    public static final int ENC_LISTPACK = 11;
    /**
     * A raw string held in a heap {@code byte[]} in the table's object slot (the word holds its length): the form
     * commands that write a value in place (APPEND, SETRANGE, SETBIT, BITFIELD, PFADD) use. Never reported: OBJECT
     * ENCODING says "raw".
     */
    public static final int ENC_HEAP_RAW = 15;

    private EntryLayout() {
    }

    /** Whether an entry of this type and encoding holds a heap object in the table's slot array. */
    static boolean hasSlot(int type, int encoding) {
        return type != TYPE_STRING ? !isBlob(type, encoding) : encoding == ENC_HEAP_RAW;
    }

    /** Whether an entry of this type and encoding is an aggregate held as an off-heap blob. */
    public static boolean isBlob(int type, int encoding) {
        return type != TYPE_STRING && (encoding == ENC_LISTPACK || encoding == ENC_INTSET);
    }

    /** Whether the entry's word is the handle of an allocation it owns (a raw string's or a blob's). */
    static boolean ownsWord(int type, int encoding) {
        return type == TYPE_STRING ? encoding == ENC_RAW : isBlob(type, encoding);
    }

    static int meta(int type, int encoding, int lru) {
        return (lru & LRU_MASK) | (type & 0xF) << 24 | (encoding & 0xF) << 28;
    }

    static int type(int meta) {
        return (meta >>> 24) & 0xF;
    }

    static int encoding(int meta) {
        return meta >>> 28;
    }

    /** Whether an entry of this type and encoding carries the 8-byte word (int and raw strings, blob aggregates). */
    static boolean hasWord(int type, int encoding) {
        return type == TYPE_STRING ? encoding != ENC_EMBSTR : isBlob(type, encoding);
    }

    static int wordOffset(boolean expire) {
        return expire ? HEADER + EXPIRE_SIZE : HEADER;
    }

    static int keyOffset(boolean expire, boolean word) {
        return HEADER + (expire ? EXPIRE_SIZE : 0) + (word ? WORD_SIZE : 0);
    }

    /**
     * Total bytes of an entry.
     *
     * @throws IllegalArgumentException when it exceeds {@link SizeClasses#MAX_ALLOCATION}
     */
    static int size(boolean expire, boolean word, int klen, int inline) {
        long n = (long) keyOffset(expire, word) + klen + inline;
        if (n > SizeClasses.MAX_ALLOCATION) {
            throw new IllegalArgumentException("key of " + klen + " bytes and value of " + inline
                    + " bytes exceed the entry limit of " + SizeClasses.MAX_ALLOCATION + " bytes");
        }
        return (int) n;
    }
}
