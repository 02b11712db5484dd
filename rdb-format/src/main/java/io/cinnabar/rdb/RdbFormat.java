package io.cinnabar.rdb;

/**
 * The RDB file layout: one constant per field, value type and opcode, as Redis's {@code rdb.h} defines them.
 *
 * <h2>File</h2>
 * <pre>
 *   "REDIS" + 4 ASCII digits (version, "0011")
 *   { AUX 0xFA &lt;string key&gt; &lt;string value&gt; }            redis-ver, redis-bits, ctime, used-mem, aof-base ...
 *   { MODULE_AUX 0xF7 &lt;len module id&gt; &lt;len when-opcode=2&gt; &lt;len when&gt; &lt;module opcodes...&gt; EOF(0) }
 *   { FUNCTION2 0xF5 &lt;string library code&gt; }
 *   { SELECTDB 0xFE &lt;len db&gt;   [RESIZEDB 0xFB &lt;len keys&gt; &lt;len expires&gt;]   [SLOT_INFO 0xF4 &lt;len slot&gt; &lt;len size&gt; &lt;len expires&gt;]
 *     { [EXPIRETIME_MS 0xFC &lt;8 bytes LE ms&gt; | EXPIRETIME 0xFD &lt;4 bytes LE s&gt;]
 *       [IDLE 0xF8 &lt;len seconds&gt;] [FREQ 0xF9 &lt;1 byte&gt;]
 *       &lt;type byte&gt; &lt;string key&gt; &lt;value&gt; } }
 *   EOF 0xFF
 *   &lt;8 bytes CRC64, little endian&gt;                           version 5 and later; all zero = checksum disabled
 * </pre>
 *
 * <h2>Lengths</h2>
 * <pre>
 *   00llllll                          length 0..63
 *   01llllll llllllll                 length 0..16383 (14 bits, big endian)
 *   10000000 [4 bytes big endian]     32-bit length
 *   10000001 [8 bytes big endian]     64-bit length
 *   11eeeeee                          a specially encoded string follows (strings only):
 *     e=0  [1 byte]   int8      e=1 [2 bytes LE] int16      e=2 [4 bytes LE] int32
 *     e=3  &lt;len compressed&gt; &lt;len uncompressed&gt; &lt;LZF bytes&gt;
 * </pre>
 * A string is a length followed by that many raw bytes, or one of the special encodings above.
 *
 * <h2>Scores</h2>
 * Type 3 (ZSET) stores scores as text: one length byte then ASCII ({@code 253} NaN, {@code 254} +inf,
 * {@code 255} -inf). Type 5 (ZSET_2) stores an 8-byte little-endian IEEE 754 double.
 *
 * <h2>Versions</h2>
 * 1-4 (Redis &lt; 2.6, no checksum), 5 (CRC64), 6 (2.6/2.8: ziplist/intset/zipmap), 7 (3.2: quicklist),
 * 8 (4.0: modules, LFU/LRU, AUX), 9 (5.0: streams, LE millisecond times), 10 (7.0: listpack everywhere, functions,
 * quicklist of listpacks, stream v2), 11 (7.2: set listpack, stream v3), 12 (7.4: hash field expiry, slot info).
 */
public final class RdbFormat {
    private RdbFormat() {
    }

    /** The magic that opens every RDB file. */
    public static final String MAGIC = "REDIS";
    /** The newest version this reader understands. */
    public static final int MAX_VERSION = 12;

    // value types
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE_PRE_GA = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int TYPE_SET_LISTPACK = 20;
    public static final int TYPE_STREAM_LISTPACKS_3 = 21;
    public static final int TYPE_HASH_METADATA_PRE_GA = 22;
    public static final int TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
    public static final int TYPE_HASH_METADATA = 24;
    public static final int TYPE_HASH_LISTPACK_EX = 25;

    // opcodes
    public static final int OPCODE_SLOT_INFO = 244;
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    // length encoding
    public static final int LEN_6BIT = 0;
    public static final int LEN_14BIT = 1;
    public static final int LEN_32BIT = 0x80;
    public static final int LEN_64BIT = 0x81;
    public static final int LEN_ENCVAL = 3;
    public static final int ENC_INT8 = 0;
    public static final int ENC_INT16 = 1;
    public static final int ENC_INT32 = 2;
    public static final int ENC_LZF = 3;

    // text scores of type 3
    public static final int SCORE_NAN = 253;
    public static final int SCORE_POS_INF = 254;
    public static final int SCORE_NEG_INF = 255;

    // module value opcodes (MODULE_2 and MODULE_AUX)
    public static final int MODULE_OPCODE_EOF = 0;
    public static final int MODULE_OPCODE_SINT = 1;
    public static final int MODULE_OPCODE_UINT = 2;
    public static final int MODULE_OPCODE_FLOAT = 3;
    public static final int MODULE_OPCODE_DOUBLE = 4;
    public static final int MODULE_OPCODE_STRING = 5;

    // quicklist 2 node containers
    public static final int QUICKLIST_NODE_PLAIN = 1;
    public static final int QUICKLIST_NODE_PACKED = 2;

    // stream listpack entry flags
    public static final int STREAM_ITEM_FLAG_DELETED = 1;
    public static final int STREAM_ITEM_FLAG_SAMEFIELDS = 2;

    /** Whether {@code type} is a value type some Redis version writes. */
    public static boolean isValueType(int type) {
        return (type >= TYPE_STRING && type <= TYPE_MODULE_2) || (type >= TYPE_HASH_ZIPMAP && type <= TYPE_HASH_LISTPACK_EX);
    }

    /** The data type a value type belongs to: string, list, set, zset, hash, stream or module. */
    public static String family(int type) {
        return switch (type) {
            case TYPE_STRING -> "string";
            case TYPE_LIST, TYPE_LIST_ZIPLIST, TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2 -> "list";
            case TYPE_SET, TYPE_SET_INTSET, TYPE_SET_LISTPACK -> "set";
            case TYPE_ZSET, TYPE_ZSET_2, TYPE_ZSET_ZIPLIST, TYPE_ZSET_LISTPACK -> "zset";
            case TYPE_HASH, TYPE_HASH_ZIPMAP, TYPE_HASH_ZIPLIST, TYPE_HASH_LISTPACK, TYPE_HASH_METADATA_PRE_GA,
                TYPE_HASH_LISTPACK_EX_PRE_GA, TYPE_HASH_METADATA, TYPE_HASH_LISTPACK_EX -> "hash";
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 -> "stream";
            case TYPE_MODULE_PRE_GA, TYPE_MODULE_2 -> "module";
            default -> throw new IllegalArgumentException("not a value type: " + type);
        };
    }

    /**
     * The encoding a value type implies in the file. Strings report {@code raw}, {@code int} or {@code lzf}
     * per value instead (see {@link RdbKey#encoding()}).
     */
    public static String encoding(int type) {
        return switch (type) {
            case TYPE_STRING -> "raw";
            case TYPE_LIST -> "linkedlist";
            case TYPE_LIST_ZIPLIST -> "ziplist";
            case TYPE_LIST_QUICKLIST -> "quicklist";
            case TYPE_LIST_QUICKLIST_2 -> "quicklist2";
            case TYPE_SET, TYPE_ZSET, TYPE_ZSET_2, TYPE_HASH -> type == TYPE_SET || type == TYPE_HASH ? "hashtable" : "skiplist";
            case TYPE_SET_INTSET -> "intset";
            case TYPE_SET_LISTPACK, TYPE_ZSET_LISTPACK, TYPE_HASH_LISTPACK -> "listpack";
            case TYPE_ZSET_ZIPLIST, TYPE_HASH_ZIPLIST -> "ziplist";
            case TYPE_HASH_ZIPMAP -> "zipmap";
            case TYPE_HASH_METADATA_PRE_GA, TYPE_HASH_METADATA -> "hashtable-ex";
            case TYPE_HASH_LISTPACK_EX_PRE_GA, TYPE_HASH_LISTPACK_EX -> "listpack-ex";
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 -> "stream";
            case TYPE_MODULE_PRE_GA, TYPE_MODULE_2 -> "module";
            default -> throw new IllegalArgumentException("not a value type: " + type);
        };
    }

    private static final String MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * The 9-character type name packed in a 64-bit module id: six bits per character from the most significant
     * end, then a 10-bit encoding version ({@link #moduleVersion(long)}).
     */
    public static String moduleName(long moduleId) {
        char[] name = new char[9];
        for (int i = 0; i < 9; i++) {
            name[i] = MODULE_CHARSET.charAt((int) ((moduleId >>> (64 - 6 * (i + 1))) & 63));
        }
        return new String(name);
    }

    /** The encoding version in the low 10 bits of a module id. */
    public static int moduleVersion(long moduleId) {
        return (int) (moduleId & 1023);
    }
}
