package io.cinnabar.rdb;

import static io.cinnabar.rdb.RdbFormat.*;

import io.cinnabar.lzf.Lzf;
import io.cinnabar.lzf.LzfException;
import io.cinnabar.rdb.internal.IntsetBlob;
import io.cinnabar.rdb.internal.LpCursor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams an RDB file (versions 1 to 12, every type and opcode Redis writes; layout in {@link RdbFormat}) into an
 * {@link RdbVisitor}.
 *
 * <pre>{@code
 * RdbReader.open(Path.of("dump.rdb")).read(new RdbVisitor() {
 *     public void beginKey(RdbKey k) { System.out.println(new String(k.key())); }
 * });
 * }</pre>
 *
 * <h2>Costs and limits</h2>
 * One pass, O(file size). Memory: a fixed read buffer (64 KiB) plus the largest single element, blob or
 * string of the file; no length read from the file is trusted for allocation beyond the bytes that remain
 * (see {@link RdbInput}). Every encoded blob (ziplist, zipmap, intset, listpack, LZF) is validated in full as
 * it is decoded. Corrupt, truncated or unsupported input ends with one {@link RdbException} naming the offset.
 * Module values (types 6, 7) cannot be decoded without the module: by default the reader stops there with an
 * error naming the module and the key; with {@link #skipModules(boolean)} it walks a MODULE_2 value's opcodes,
 * reports it through {@link RdbVisitor#moduleValue} and goes on. Pre-GA formats that Redis itself refuses
 * (module type 6, function opcode 246) are refused too.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class RdbReader {
    private final RdbInput in;
    private boolean skipModules;
    private boolean verifyChecksum = true;
    private RdbVisitor v;
    private int version;
    private int db;
    private String stringEncoding;

    private RdbReader(RdbInput in, boolean payload) {
        this.in = in;
    }

    /** A reader over a stream of unknown size. */
    public static RdbReader of(InputStream in) {
        return new RdbReader(new RdbInput(in, -1, RdbInput.BUFFER), false);
    }

    /** A reader over a stream whose total size is known (bounds every allocation by it). */
    public static RdbReader of(InputStream in, long size) {
        return new RdbReader(new RdbInput(in, size, RdbInput.BUFFER), false);
    }

    public static RdbReader of(byte[] file) {
        return new RdbReader(new RdbInput(file), false);
    }

    /** Opens a file; {@link #read} closes it. */
    public static RdbReader open(Path file) throws IOException {
        long size = Files.size(file);
        RdbReader r = new RdbReader(new RdbInput(Files.newInputStream(file), size, RdbInput.BUFFER), false);
        r.closeAfterRead = true;
        return r;
    }

    private boolean closeAfterRead;

    /** A reader positioned on the value of a DUMP payload (package use by {@link DumpPayload}). */
    static RdbReader payload(byte[] bytes, int length, int version) {
        byte[] body = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
        RdbReader r = new RdbReader(new RdbInput(body), true);
        r.version = version;
        return r;
    }

    /** Reads one type byte and value, which must end exactly at the end of the input (DUMP payloads). */
    int readValue(RdbVisitor visitor) {
        this.v = visitor;
        long at = in.offset();
        int type = in.u8("value type");
        if (!isValueType(type)) {
            throw new RdbException("unknown value type " + type, at);
        }
        RdbKey k = new RdbKey(0, new byte[0], type, type == TYPE_STRING ? "raw" : encoding(type), -1, -1, -1, at);
        begun = false;
        value(type, k);
        if (begun) {
            v.endKey(current);
        }
        if (in.hasMore()) {
            throw new RdbException("value ends before the payload footer", in.offset());
        }
        return type;
    }

    /** Walk MODULE_2 values and report them instead of failing (default false). */
    public RdbReader skipModules(boolean skip) {
        this.skipModules = skip;
        return this;
    }

    /** Check the CRC64 trailer (default true; a zero checksum always passes, as in Redis). */
    public RdbReader verifyChecksum(boolean verify) {
        this.verifyChecksum = verify;
        return this;
    }

    /** Bytes consumed so far: after {@link #read}, the length of the RDB data including its trailer. */
    public long offset() {
        return in.offset();
    }

    /** The version from the header (after {@link #read}). */
    public int version() {
        return version;
    }

    /**
     * Reads the whole file into {@code visitor}.
     *
     * @throws RdbException on corrupt, truncated or unsupported input
     */
    public void read(RdbVisitor visitor) {
        this.v = visitor;
        try {
            readFile();
        } finally {
            if (closeAfterRead) {
                in.close();
            }
        }
    }

    private void readFile() {
        version = header();
        v.start(version);
        while (true) {
            long at = in.offset();
            int type = in.u8("record type");
            if (type == OPCODE_EOF) {
                trailer();
                return;
            }
            record(type, at);
        }
    }

    private int header() {
        byte[] h = new byte[9];
        for (int i = 0; i < 9; i++) {
            h[i] = (byte) in.u8("file header");
        }
        String s = new String(h, StandardCharsets.US_ASCII);
        if (!s.startsWith(MAGIC)) {
            throw new RdbException("not an RDB file: no REDIS magic", 0);
        }
        int ver;
        try {
            ver = Integer.parseInt(s.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbException("bad RDB version " + s.substring(5), 5);
        }
        if (ver < 1 || ver > MAX_VERSION) {
            throw new RdbException("unsupported RDB version " + ver, 5);
        }
        return ver;
    }

    private void trailer() {
        long computed = in.crc();
        long stored = 0;
        if (version >= 5) {
            stored = in.longLE("CRC64 trailer");
            if (verifyChecksum && stored != 0 && stored != computed) {
                throw new RdbChecksumException(stored, computed, in.offset() - 8);
            }
        }
        v.end(stored, computed);
    }

    private long expireAt = -1;
    private long idle = -1;
    private int freq = -1;

    private void record(int type, long at) {
        switch (type) {
            case OPCODE_AUX -> v.aux(string("aux key"), string("aux value"));
            case OPCODE_SELECTDB -> {
                long n = len("db number");
                if (n > Integer.MAX_VALUE) {
                    throw new RdbException("db number " + n + " out of range", at);
                }
                db = (int) n;
                v.selectDb(db);
            }
            case OPCODE_RESIZEDB -> v.resizeDb(len("db size"), len("expires size"));
            case OPCODE_SLOT_INFO -> v.slotInfo(len("slot id"), len("slot size"), len("slot expires size"));
            case OPCODE_EXPIRETIME_MS -> expireAt = in.longLE("expire time");
            case OPCODE_EXPIRETIME -> expireAt = (in.intLE("expire time") & 0xffffffffL) * 1000L;
            case OPCODE_IDLE -> idle = len("idle time");
            case OPCODE_FREQ -> freq = in.u8("LFU frequency");
            case OPCODE_MODULE_AUX -> moduleAux(at);
            case OPCODE_FUNCTION2 -> v.function(string("function library"));
            case OPCODE_FUNCTION_PRE_GA ->
                throw new RdbException("pre-GA function format (opcode 246, Redis 7.0 release candidates) is not"
                    + " supported; Redis 7.0 GA refuses it too", at);
            default -> {
                if (!isValueType(type)) {
                    throw new RdbException("unknown record type " + type, at);
                }
                keyValue(type, at);
            }
        }
    }

    private void moduleAux(long at) {
        long id = ulen("module id");
        long whenOpcode = len("module aux when-opcode");
        long when = len("module aux when");
        if (whenOpcode != MODULE_OPCODE_UINT) {
            throw new RdbException("bad module aux when-opcode " + whenOpcode, at);
        }
        skipModuleOpcodes();
        v.moduleAux(id, moduleName(id), when);
    }

    private void keyValue(int type, long at) {
        byte[] key = string("key");
        RdbKey k;
        if (type == TYPE_STRING) {
            byte[] value = string("string value");
            k = key(key, type, stringEncoding, at);
            v.beginKey(k);
            v.string(value);
            v.endKey(k);
            return;
        }
        k = key(key, type, encoding(type), at);
        begun = false;
        value(type, k);
        if (begun) {
            v.endKey(k);
        }
    }

    private boolean begun;
    private RdbKey current;

    /**
     * Starts the key once its value is known not to be empty. Redis skips empty collections on load ("empty keys
     * skipped"), so an empty one goes to {@link RdbVisitor#emptyKey} instead.
     */
    private boolean begin(RdbKey k, boolean empty) {
        if (empty) {
            v.emptyKey(k);
            return false;
        }
        begun = true;
        v.beginKey(k);
        return true;
    }

    private RdbKey key(byte[] key, int type, String enc, long at) {
        RdbKey k = new RdbKey(db, key, type, enc, expireAt, idle, freq, at);
        expireAt = -1;
        idle = -1;
        freq = -1;
        return k;
    }

    /** Reads one value of {@code type} (the key already read): shared with {@link DumpPayload}. */
    void value(int type, RdbKey k) {
        current = k;
        switch (type) {
            case TYPE_STRING -> {
                byte[] s = string("string value");
                current = new RdbKey(k.db(), k.key(), k.type(), stringEncoding, k.expireAtMs(), k.idleSeconds(),
                    k.freq(), k.offset());
                begin(current, false);
                v.string(s);
            }
            case TYPE_LIST -> {
                long n = len("list length");
                if (begin(k, n == 0)) {
                    for (; n > 0; n--) {
                        v.listElement(string("list element"));
                    }
                }
            }
            case TYPE_SET -> {
                long n = len("set size");
                if (begin(k, n == 0)) {
                    for (; n > 0; n--) {
                        v.setMember(string("set member"));
                    }
                }
            }
            case TYPE_ZSET, TYPE_ZSET_2 -> zset(type == TYPE_ZSET_2);
            case TYPE_HASH -> {
                long n = len("hash size");
                if (begin(k, n == 0)) {
                    for (; n > 0; n--) {
                        v.hashEntry(string("hash field"), string("hash value"), -1);
                    }
                }
            }
            case TYPE_HASH_METADATA, TYPE_HASH_METADATA_PRE_GA -> hashMetadata(type == TYPE_HASH_METADATA);
            case TYPE_HASH_ZIPMAP -> zipmap();
            case TYPE_LIST_ZIPLIST, TYPE_ZSET_ZIPLIST, TYPE_HASH_ZIPLIST -> ziplistValue(type);
            case TYPE_SET_INTSET -> intset();
            case TYPE_SET_LISTPACK, TYPE_ZSET_LISTPACK, TYPE_HASH_LISTPACK -> listpackValue(type, 0);
            case TYPE_HASH_LISTPACK_EX_PRE_GA -> listpackValue(type, 3);
            case TYPE_HASH_LISTPACK_EX -> {
                in.longLE("hash min expire");
                listpackValue(type, 3);
            }
            case TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2 -> quicklist(type == TYPE_LIST_QUICKLIST_2);
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 -> {
                begin(k, false);
                stream(type);
            }
            case TYPE_MODULE_2 -> module(k);
            case TYPE_MODULE_PRE_GA -> throw new RdbException("module value of pre-GA type 6 (" + moduleName(ulen("module id"))
                + ") for key " + printable(k) + " cannot be skipped; Redis refuses it too", k.offset());
            default -> throw new RdbException("unknown value type " + type, k.offset());
        }
    }

    private void zset(boolean binary) {
        long n = len("zset size");
        if (!begin(current, n == 0)) {
            return;
        }
        for (; n > 0; n--) {
            byte[] m = string("zset member");
            v.zsetEntry(m, binary ? Double.longBitsToDouble(in.longLE("zset score")) : textScore());
        }
    }

    private double textScore() {
        long at = in.offset();
        int l = in.u8("zset score length");
        switch (l) {
            case SCORE_NAN -> {
                return Double.NaN;
            }
            case SCORE_POS_INF -> {
                return Double.POSITIVE_INFINITY;
            }
            case SCORE_NEG_INF -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                return parseDouble(in.bytes(l, "zset score"), at);
            }
        }
    }

    static double parseDouble(byte[] text, long at) {
        String s = new String(text, StandardCharsets.US_ASCII);
        try {
            return switch (s) {
                case "inf", "+inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                case "nan" -> Double.NaN;
                default -> Double.parseDouble(s);
            };
        } catch (NumberFormatException e) {
            throw new RdbException("score is not a number", at);
        }
    }

    private void hashMetadata(boolean ga) {
        long min = ga ? in.longLE("hash min expire") : 0;
        long n = len("hash size");
        if (!begin(current, n == 0)) {
            return;
        }
        for (; n > 0; n--) {
            long ttl = len("hash field ttl");
            long expire = ttl == 0 ? -1 : ga ? ttl + min - 1 : ttl;
            v.hashEntry(string("hash field"), string("hash value"), expire);
        }
    }

    private void zipmap() {
        long at = in.offset();
        byte[] zm = string("zipmap");
        long base = blobBase(at, zm);
        if (!begin(current, zm.length >= 2 && (zm[1] & 0xff) == 0xff)) {
            Zipmap.decode(zm, base, null);
            return;
        }
        boolean adopted = v.blob(RdbBlob.ZIPMAP, zm);
        Zipmap.decode(zm, base, adopted ? null : (f, val) -> v.hashEntry(f, val, -1));
    }

    private long blobBase(long at, byte[] b) {
        return stringEncoding.equals("lzf") ? at : in.offset() - b.length;
    }

    private void ziplistValue(int type) {
        long at = in.offset();
        byte[] zl = string("ziplist");
        long base = blobBase(at, zl);
        if (!begin(current, zl.length > Ziplist.HEADER && (zl[Ziplist.HEADER] & 0xff) == Ziplist.END)) {
            Ziplist.decode(zl, base, null);
            return;
        }
        boolean adopted = v.blob(RdbBlob.ZIPLIST, zl);
        if (adopted) {
            Ziplist.validate(zl);
            return;
        }
        if (type == TYPE_LIST_ZIPLIST) {
            Ziplist.decode(zl, base, v::listElement);
            return;
        }
        Pairs pairs = new Pairs(type == TYPE_ZSET_ZIPLIST, base);
        int n = Ziplist.decode(zl, base, pairs);
        pairs.finish(n);
    }

    /** Collects alternating entries into pairs: member/score or field/value. */
    private final class Pairs implements java.util.function.Consumer<byte[]> {
        private final boolean zset;
        private final long base;
        private byte[] first;

        Pairs(boolean zset, long base) {
            this.zset = zset;
            this.base = base;
        }

        @Override
        public void accept(byte[] e) {
            if (first == null) {
                first = e;
                return;
            }
            if (zset) {
                v.zsetEntry(first, parseDouble(e, base));
            } else {
                v.hashEntry(first, e, -1);
            }
            first = null;
        }

        void finish(int n) {
            if (n % 2 != 0) {
                throw new RdbException("odd number of entries (" + n + ") in a paired encoding", base);
            }
        }
    }

    private void intset() {
        long at = in.offset();
        byte[] is = string("intset");
        long base = blobBase(at, is);
        long[] values = IntsetBlob.values(is, base);
        if (!begin(current, values.length == 0)) {
            return;
        }
        if (!v.blob(RdbBlob.INTSET, is)) {
            for (long x : values) {
                v.setMember(Long.toString(x).getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private void listpackValue(int type, int hashTtlStride) {
        long at = in.offset();
        byte[] lp = string("listpack");
        long base = blobBase(at, lp);
        LpCursor c = new LpCursor(lp, base);
        if (!begin(current, lp.length > 6 && (lp[6] & 0xff) == 0xff)) {
            c.next();
            return;
        }
        if (v.blob(RdbBlob.LISTPACK, lp)) {
            return; // already validated deeply by the listpack module
        }
        int family = type == TYPE_SET_LISTPACK ? 1 : type == TYPE_ZSET_LISTPACK ? 2 : 3;
        while (c.next()) {
            byte[] a = c.bytes();
            if (family == 1) {
                v.setMember(a);
                continue;
            }
            if (!c.next()) {
                throw new RdbException("listpack ends inside a pair", base + c.position());
            }
            if (family == 2) {
                v.zsetEntry(a, c.isInt() ? c.intValue() : parseDouble(c.bytes(), base + c.position()));
                continue;
            }
            byte[] b = c.bytes();
            long expire = -1;
            if (hashTtlStride == 3) {
                if (!c.next()) {
                    throw new RdbException("listpack ends inside a field/value/ttl triple", base + c.position());
                }
                long ttl = c.intValue();
                expire = ttl == 0 ? -1 : ttl;
            }
            v.hashEntry(a, b, expire);
        }
    }

    /**
     * Quicklists: Redis skips empty ziplist nodes, and a list whose nodes are all empty is an empty key, so the key
     * begins at its first non-empty node.
     */
    private void quicklist(boolean v2) {
        boolean started = false;
        for (long n = len("quicklist node count"); n > 0; n--) {
            long container = v2 ? len("quicklist node container") : QUICKLIST_NODE_PACKED;
            if (container != QUICKLIST_NODE_PACKED && container != QUICKLIST_NODE_PLAIN) {
                throw new RdbException("bad quicklist node container " + container, in.offset());
            }
            long at = in.offset();
            byte[] node = string("quicklist node");
            if (node.length == 0) {
                throw new RdbException("empty quicklist node", at);
            }
            if (container == QUICKLIST_NODE_PLAIN) {
                started = started || begin(current, false);
                v.listElement(node);
                continue;
            }
            long base = blobBase(at, node);
            if (!v2) {
                boolean empty = node.length > Ziplist.HEADER && (node[Ziplist.HEADER] & 0xff) == Ziplist.END;
                if (empty) {
                    Ziplist.validate(node);
                    continue;
                }
                started = started || begin(current, false);
                if (!v.blob(RdbBlob.ZIPLIST, node)) {
                    Ziplist.decode(node, base, v::listElement);
                } else {
                    Ziplist.validate(node);
                }
                continue;
            }
            LpCursor c = new LpCursor(node, base);
            if (node.length > 6 && (node[6] & 0xff) == 0xff) {
                c.next();
                continue;
            }
            started = started || begin(current, false);
            if (!v.blob(RdbBlob.LISTPACK, node)) {
                while (c.next()) {
                    v.listElement(c.bytes());
                }
            }
        }
        if (!started) {
            begin(current, true);
        }
    }

    private void stream(int type) {
        for (long n = len("stream listpack count"); n > 0; n--) {
            long at = in.offset();
            byte[] master = string("stream master id");
            if (master.length != 16) {
                throw new RdbException("stream node key of " + master.length + " bytes, expected 16", at);
            }
            at = in.offset();
            byte[] lp = string("stream listpack");
            long base = blobBase(at, lp);
            boolean adopted = v.streamListpack(master, lp);
            StreamListpack.walk(lp, base, StreamId.fromBytes(master, 0), adopted ? null : v);
        }
        long length = len("stream length");
        StreamId last = new StreamId(ulen("stream last id"), ulen("stream last id"));
        StreamId first = null;
        StreamId maxDeleted = null;
        long added = -1;
        if (type >= TYPE_STREAM_LISTPACKS_2) {
            first = new StreamId(ulen("stream first id"), ulen("stream first id"));
            maxDeleted = new StreamId(ulen("stream max deleted id"), ulen("stream max deleted id"));
            added = ulen("stream entries added");
        }
        long groups = len("stream group count");
        v.streamMetadata(new StreamMetadata(length, last, first, maxDeleted, added, groups));
        for (; groups > 0; groups--) {
            group(type);
        }
    }

    private void group(int type) {
        byte[] name = string("consumer group name");
        StreamId last = new StreamId(ulen("group last id"), ulen("group last id"));
        long entriesRead = -1;
        if (type >= TYPE_STREAM_LISTPACKS_2) {
            entriesRead = ulen("group entries read");
        }
        long pel = len("group PEL size");
        v.streamGroup(name, last, entriesRead, pel);
        for (; pel > 0; pel--) {
            StreamId id = rawId("PEL entry id");
            long delivery = in.longLE("PEL delivery time");
            v.streamPending(id, delivery, len("PEL delivery count"));
        }
        for (long c = len("consumer count"); c > 0; c--) {
            byte[] cname = string("consumer name");
            long seen = in.longLE("consumer seen time");
            long active = type >= TYPE_STREAM_LISTPACKS_3 ? in.longLE("consumer active time") : -1;
            long cpel = len("consumer PEL size");
            v.streamConsumer(cname, seen, active, cpel);
            for (; cpel > 0; cpel--) {
                v.streamConsumerPending(rawId("consumer PEL id"));
            }
        }
    }

    private StreamId rawId(String what) {
        byte[] b = in.bytes(16, what);
        return StreamId.fromBytes(b, 0);
    }

    private void module(RdbKey k) {
        long id = ulen("module id");
        String name = moduleName(id);
        if (!skipModules) {
            throw new RdbException("module value of type " + name + " (encoding version " + moduleVersion(id)
                + ") for key " + printable(k) + " cannot be decoded; read with skipModules to skip it", k.offset());
        }
        begin(k, false);
        skipModuleOpcodes();
        v.moduleValue(id, name);
    }

    private void skipModuleOpcodes() {
        while (true) {
            long at = in.offset();
            long op = len("module opcode");
            switch ((int) Math.min(op, 99)) {
                case MODULE_OPCODE_EOF -> {
                    return;
                }
                case MODULE_OPCODE_SINT, MODULE_OPCODE_UINT -> len("module integer");
                case MODULE_OPCODE_FLOAT -> in.skip(4, "module float");
                case MODULE_OPCODE_DOUBLE -> in.skip(8, "module double");
                case MODULE_OPCODE_STRING -> string("module string");
                default -> throw new RdbException("unknown module opcode " + op, at);
            }
        }
    }

    static String printable(RdbKey k) {
        return new String(k.key(), StandardCharsets.ISO_8859_1);
    }

    // ---- lengths and strings

    /** A length; a special (string) encoding here is an error. */
    long len(String what) {
        return len(what, false);
    }

    /** An unsigned 64-bit number stored as a length (stream ids, entries-read). */
    long ulen(String what) {
        return len(what, true);
    }

    private long len(String what, boolean unsigned) {
        long at = in.offset();
        int b = in.u8(what);
        switch (b >>> 6) {
            case LEN_6BIT -> {
                return b & 0x3f;
            }
            case LEN_14BIT -> {
                return (b & 0x3f) << 8 | in.u8(what);
            }
            case 2 -> {
                if (b == LEN_32BIT) {
                    return in.longBE(4, what);
                }
                if (b == LEN_64BIT) {
                    long l = in.longBE(8, what);
                    if (l < 0 && !unsigned) {
                        throw new RdbException("length of " + what + " out of range", at);
                    }
                    return l;
                }
                throw new RdbException("bad length byte 0x" + Integer.toHexString(b) + " for " + what, at);
            }
            default -> throw new RdbException("unexpected string encoding where the length of " + what + " belongs", at);
        }
    }

    /** A string in any of its encodings; sets {@link #stringEncoding}. */
    byte[] string(String what) {
        long at = in.offset();
        int b = in.u8(what);
        if ((b >>> 6) != LEN_ENCVAL) {
            long len = lengthFrom(b, what, at);
            stringEncoding = "raw";
            return in.bytes(len, what);
        }
        switch (b & 0x3f) {
            case ENC_INT8 -> {
                stringEncoding = "int";
                return ascii((byte) in.u8(what));
            }
            case ENC_INT16 -> {
                stringEncoding = "int";
                int lo = in.u8(what);
                return ascii((short) (lo | in.u8(what) << 8));
            }
            case ENC_INT32 -> {
                stringEncoding = "int";
                return ascii(in.intLE(what));
            }
            case ENC_LZF -> {
                stringEncoding = "lzf";
                return lzf(what, at);
            }
            default -> throw new RdbException("unknown string encoding " + (b & 0x3f) + " for " + what, at);
        }
    }

    private long lengthFrom(int b, String what, long at) {
        switch (b >>> 6) {
            case LEN_6BIT -> {
                return b & 0x3f;
            }
            case LEN_14BIT -> {
                return (b & 0x3f) << 8 | in.u8(what);
            }
            default -> {
                if (b == LEN_32BIT) {
                    return in.longBE(4, what);
                }
                if (b == LEN_64BIT) {
                    return in.longBE(8, what);
                }
                throw new RdbException("bad length byte 0x" + Integer.toHexString(b) + " for " + what, at);
            }
        }
    }

    private byte[] lzf(String what, long at) {
        long clen = len(what + " compressed length");
        long ulen = len(what + " length");
        if (clen > Integer.MAX_VALUE || ulen > Integer.MAX_VALUE || (ulen > 0 && !Lzf.plausible((int) clen, (int) ulen))) {
            throw new RdbException("LZF lengths " + clen + " -> " + ulen + " of " + what + " are impossible", at);
        }
        long dataAt = in.offset();
        byte[] c = in.bytes(clen, what);
        if (ulen == 0) {
            throw new RdbException("LZF string of length 0", at);
        }
        try {
            return Lzf.decompress(c, 0, c.length, (int) ulen);
        } catch (LzfException e) {
            throw new RdbException("corrupt LZF data in " + what + ": " + e.getMessage(), dataAt + Math.max(0, e.offset()), e);
        }
    }

    private static byte[] ascii(long x) {
        return Long.toString(x).getBytes(StandardCharsets.US_ASCII);
    }
}
