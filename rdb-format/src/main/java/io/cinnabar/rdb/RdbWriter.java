package io.cinnabar.rdb;

import static io.cinnabar.rdb.RdbFormat.*;

import io.cinnabar.intset.Intset;
import io.cinnabar.listpack.Listpack;
import io.cinnabar.lzf.Lzf;
import io.cinnabar.lzf.LzfCompressor;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes RDB files of version 11 (Redis 7.2) or 10 (Redis 7.0), byte layout in {@link RdbFormat}.
 *
 * <pre>{@code
 * try (RdbWriter w = RdbWriter.create(out, 11)) {
 *     w.header();
 *     w.redisAux(0);
 *     w.selectDb(0);
 *     w.resizeDb(1, 0);
 *     w.string("k".getBytes(), "v".getBytes(), -1);
 *     w.finish();
 * }
 * }</pre>
 *
 * <h2>What it writes</h2>
 * Strings the way Redis does: integers that fit 32 bits with the int encodings, strings over 20 bytes LZF
 * compressed when that saves at least 4 bytes (unless {@link #compression(boolean)} is off), others raw. Lists,
 * sets, sorted sets and hashes given as collections are written as Redis 7.2 saves them: small ones in listpacks
 * or intsets (built by the listpack and intset modules), large ones in the plain encodings (types 2, 5, 4; lists
 * always as quicklists of listpack nodes) — see {@link #compact(boolean)}. Encoded blobs a reader
 * handed over (listpacks, intsets) and stream listpacks are written as they are with {@link #blobValue} and
 * {@link #stream}; version 10 refuses the types it does not have (20 set listpack, 21 stream v3).
 *
 * <h2>Costs</h2>
 * Output goes through a 64 KiB buffer; the CRC64 trailer is computed as bytes pass. O(bytes written).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class RdbWriter implements Closeable {
    private final OutputStream out;
    private final int version;
    private final byte[] buf = new byte[1 << 16];
    private int n;
    private long crc;
    private long written;
    private boolean compression = true;
    private boolean compact = true;
    private boolean checksum = true;
    /** Scratch for the slice-based writers: one compressor and one output array, reused (no garbage per string). */
    private LzfCompressor lzf;
    private byte[] lzfOut;

    private RdbWriter(OutputStream out, int version) {
        if (version != 10 && version != 11) {
            throw new IllegalArgumentException("RdbWriter writes versions 10 and 11, not " + version);
        }
        this.out = out;
        this.version = version;
    }

    /** A writer for version 10 or 11 over {@code out} (not buffered further; closed by {@link #close()}). */
    public static RdbWriter create(OutputStream out, int version) {
        return new RdbWriter(out, version);
    }

    public int version() {
        return version;
    }

    /** LZF-compress strings over 20 bytes, as Redis's {@code rdbcompression yes} (default true). */
    public RdbWriter compression(boolean on) {
        this.compression = on;
        return this;
    }

    /**
     * Write small collections in the compact encodings Redis itself saves, by Redis 7.2's built-in thresholds
     * (default true): lists as quicklists of listpack nodes of at most 8 KiB ({@code list-max-listpack-size -2});
     * sets of integers (at most 512) as intsets, other sets of at most 128 members of at most 64 bytes as listpacks
     * (version 11 only; version 10 writes them as plain sets); sorted sets of at most 128 members of at most 64 bytes
     * and hashes of at most 512 fields with fields and values of at most 64 bytes as listpacks. Everything else, or
     * everything when off, goes in the plain encodings.
     */
    public RdbWriter compact(boolean on) {
        this.compact = on;
        return this;
    }

    /** Write the CRC64 trailer (default true); off writes eight zero bytes, as Redis's {@code rdbchecksum no}. */
    public RdbWriter checksum(boolean on) {
        this.checksum = on;
        return this;
    }

    /** Bytes written so far. */
    public long written() {
        return written + n;
    }

    // ---- records

    public void header() {
        raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
    }

    public void aux(String key, String value) {
        aux(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    public void aux(byte[] key, byte[] value) {
        u8(OPCODE_AUX);
        string(key);
        string(value);
    }

    /** The aux fields Redis writes: redis-ver, redis-bits, ctime, used-mem, aof-base. */
    public void redisAux(long usedMemory) {
        aux("redis-ver", version == 11 ? "7.2.4" : "7.0.15");
        aux("redis-bits", "64");
        aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
        aux("used-mem", Long.toString(usedMemory));
        aux("aof-base", "0");
    }

    public void function(byte[] code) {
        u8(OPCODE_FUNCTION2);
        string(code);
    }

    public void selectDb(int db) {
        u8(OPCODE_SELECTDB);
        length(db);
    }

    public void resizeDb(long keys, long expires) {
        u8(OPCODE_RESIZEDB);
        length(keys);
        length(expires);
    }

    /** Writes the expiry (if {@code expireAtMs >= 0}), the type byte and the key. */
    public void key(int type, byte[] key, long expireAtMs) {
        if (!isValueType(type) || type == TYPE_MODULE_PRE_GA || type > TYPE_STREAM_LISTPACKS_3
            || (version == 10 && (type == TYPE_SET_LISTPACK || type == TYPE_STREAM_LISTPACKS_3))) {
            throw new IllegalArgumentException("RDB " + version + " cannot hold value type " + type);
        }
        if (expireAtMs >= 0) {
            u8(OPCODE_EXPIRETIME_MS);
            longLE(expireAtMs);
        }
        u8(type);
        string(key);
    }

    /**
     * As {@link #key(int, byte[], long)} for the key {@code key[off, off+len)}, plus the access data Redis saves per
     * maxmemory-policy: an IDLE record when {@code idleSeconds >= 0} (LRU policies), a FREQ record when
     * {@code freq >= 0} (LFU policies). Copies nothing.
     */
    public void key(int type, byte[] key, int off, int len, long expireAtMs, long idleSeconds, int freq) {
        if (!isValueType(type) || type == TYPE_MODULE_PRE_GA || type > TYPE_STREAM_LISTPACKS_3
            || (version == 10 && (type == TYPE_SET_LISTPACK || type == TYPE_STREAM_LISTPACKS_3))) {
            throw new IllegalArgumentException("RDB " + version + " cannot hold value type " + type);
        }
        if (expireAtMs >= 0) {
            u8(OPCODE_EXPIRETIME_MS);
            longLE(expireAtMs);
        }
        if (idleSeconds >= 0) {
            u8(OPCODE_IDLE);
            length(idleSeconds);
        }
        if (freq >= 0) {
            u8(OPCODE_FREQ);
            u8(freq & 0xff);
        }
        u8(type);
        string(key, off, len);
    }

    public void string(byte[] key, byte[] value, long expireAtMs) {
        key(TYPE_STRING, key, expireAtMs);
        string(value);
    }

    public void list(byte[] key, Collection<byte[]> elements, long expireAtMs) {
        if (!compact) {
            key(TYPE_LIST, key, expireAtMs);
            strings(elements);
            return;
        }
        key(TYPE_LIST_QUICKLIST_2, key, expireAtMs);
        quicklistValue(elements);
    }

    public void set(byte[] key, Collection<byte[]> members, long expireAtMs) {
        if (compact && members.size() <= SET_MAX_INTSET_ENTRIES) {
            byte[] is = intset(members);
            if (is != null) {
                key(TYPE_SET_INTSET, key, expireAtMs);
                string(is);
                return;
            }
        }
        if (compact && version >= 11 && members.size() <= SET_MAX_LISTPACK_ENTRIES && maxLength(members) <= MAX_LISTPACK_VALUE) {
            key(TYPE_SET_LISTPACK, key, expireAtMs);
            string(Listpack.encode(members instanceof List<byte[]> l ? l : List.copyOf(members)));
            return;
        }
        key(TYPE_SET, key, expireAtMs);
        strings(members);
    }

    /** A sorted set; {@code members} and {@code scores} are parallel. */
    public void zset(byte[] key, List<byte[]> members, double[] scores, long expireAtMs) {
        if (compact && members.size() <= ZSET_MAX_LISTPACK_ENTRIES && maxLength(members) <= MAX_LISTPACK_VALUE) {
            key(TYPE_ZSET_LISTPACK, key, expireAtMs);
            string(zsetListpack(members, scores));
            return;
        }
        key(TYPE_ZSET_2, key, expireAtMs);
        zsetValue(members, scores);
    }

    public void hash(byte[] key, Map<byte[], byte[]> fields, long expireAtMs) {
        if (compact && fields.size() <= HASH_MAX_LISTPACK_ENTRIES && maxLength(fields.keySet()) <= MAX_LISTPACK_VALUE
            && maxLength(fields.values()) <= MAX_LISTPACK_VALUE) {
            List<byte[]> flat = new java.util.ArrayList<>(fields.size() * 2);
            fields.forEach((f, v) -> {
                flat.add(f);
                flat.add(v);
            });
            key(TYPE_HASH_LISTPACK, key, expireAtMs);
            string(Listpack.encode(flat));
            return;
        }
        key(TYPE_HASH, key, expireAtMs);
        hashValue(fields);
    }

    /** Redis 7.2's built-in thresholds used by {@link #compact(boolean)}. */
    static final int SET_MAX_INTSET_ENTRIES = 512;
    static final int SET_MAX_LISTPACK_ENTRIES = 128;
    static final int ZSET_MAX_LISTPACK_ENTRIES = 128;
    static final int HASH_MAX_LISTPACK_ENTRIES = 512;
    static final int MAX_LISTPACK_VALUE = 64;
    /** {@code list-max-listpack-size -2}: 8 KiB per quicklist node. */
    static final int LIST_NODE_BYTES = 8192;

    private static int maxLength(Collection<byte[]> c) {
        int m = 0;
        for (byte[] b : c) {
            m = Math.max(m, b.length);
        }
        return m;
    }

    /** The intset of {@code members} if every one is a canonical 64-bit integer, else null. */
    private static byte[] intset(Collection<byte[]> members) {
        if (members.isEmpty()) {
            return null;
        }
        Intset is = new Intset();
        for (byte[] m : members) {
            long v = canonicalInteger(m, 20);
            if (v == Long.MIN_VALUE && !java.util.Arrays.equals(m, MIN_LONG)) {
                return null;
            }
            is.add(v);
        }
        return is.toByteArray();
    }

    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    /** Member/score pairs in score order (then member bytes), scores as Redis prints them. */
    private static byte[] zsetListpack(List<byte[]> members, double[] scores) {
        Integer[] order = new Integer[members.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(scores[a], scores[b]);
            return c != 0 ? c : java.util.Arrays.compareUnsigned(members.get(a), members.get(b));
        });
        List<byte[]> flat = new java.util.ArrayList<>(order.length * 2);
        for (int i : order) {
            flat.add(members.get(i));
            flat.add(scoreText(scores[i]).getBytes(StandardCharsets.US_ASCII));
        }
        return Listpack.encode(flat);
    }

    /** A score as text: integers without a fraction, inf/-inf/nan, else the shortest round-trip form ("1e-300"). */
    static String scoreText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mant = s.substring(0, e);
        if (mant.endsWith(".0")) {
            mant = mant.substring(0, mant.length() - 2);
        }
        return mant + "e" + (s.charAt(e + 1) == '-' ? "-" : "+") + s.substring(s.charAt(e + 1) == '-' ? e + 2 : e + 1);
    }

    /** Quicklist nodes: listpacks of at most {@value #LIST_NODE_BYTES} bytes (a larger element gets its own node). */
    void quicklistValue(Collection<byte[]> elements) {
        List<byte[]> nodes = new java.util.ArrayList<>();
        List<byte[]> cur = new java.util.ArrayList<>();
        long size = 7;
        for (byte[] e : elements) {
            long add = e.length + 11L;
            if (!cur.isEmpty() && size + add > LIST_NODE_BYTES) {
                nodes.add(Listpack.encode(cur));
                cur = new java.util.ArrayList<>();
                size = 7;
            }
            cur.add(e);
            size += add;
        }
        if (!cur.isEmpty()) {
            nodes.add(Listpack.encode(cur));
        }
        length(nodes.size());
        for (byte[] node : nodes) {
            length(QUICKLIST_NODE_PACKED);
            string(node);
        }
    }

    /** An encoded value written as it is: {@code type} 11 intset, 16/17/20 listpack, or a module-free blob type. */
    public void blobValue(byte[] key, int type, byte[] blob, long expireAtMs) {
        if (type != TYPE_SET_INTSET && type != TYPE_SET_LISTPACK && type != TYPE_ZSET_LISTPACK && type != TYPE_HASH_LISTPACK) {
            throw new IllegalArgumentException("not a single-blob value type: " + type);
        }
        key(type, key, expireAtMs);
        string(blob);
    }

    /** A list as a quicklist of listpack nodes (type 18), each node written as it is. */
    public void quicklist(byte[] key, List<byte[]> listpackNodes, long expireAtMs) {
        key(TYPE_LIST_QUICKLIST_2, key, expireAtMs);
        length(listpackNodes.size());
        for (byte[] node : listpackNodes) {
            length(QUICKLIST_NODE_PACKED);
            string(node);
        }
    }

    /**
     * A stream: its listpacks (16-byte master id, listpack) as they are, then metadata and groups. Written as type
     * 21 in version 11, 19 in version 10 (consumers lose their active time).
     */
    public void stream(byte[] key, List<byte[][]> listpacks, StreamMetadata meta, List<StreamGroupData> groups,
                       long expireAtMs) {
        int type = streamType();
        key(type, key, expireAtMs);
        streamValue(listpacks, meta, groups);
    }

    /** The value type of a stream in this version (21 in version 11, 19 in version 10), for {@link #key}. */
    public int streamValueType() {
        return streamType();
    }

    /** A stream's value after its {@link #key} record: as {@link #stream} writes it. */
    public void streamBody(List<byte[][]> listpacks, StreamMetadata meta, List<StreamGroupData> groups) {
        streamValue(listpacks, meta, groups);
    }

    /** The stream type this version writes: 21 for version 11, 19 for version 10. */
    int streamType() {
        return version == 11 ? TYPE_STREAM_LISTPACKS_3 : TYPE_STREAM_LISTPACKS_2;
    }

    void streamValue(List<byte[][]> listpacks, StreamMetadata meta, List<StreamGroupData> groups) {
        int type = streamType();
        length(listpacks.size());
        for (byte[][] node : listpacks) {
            string(node[0]);
            string(node[1]);
        }
        length(meta.length());
        id(meta.lastId());
        id(meta.firstId() == null ? StreamId.ZERO : meta.firstId());
        id(meta.maxDeletedId() == null ? StreamId.ZERO : meta.maxDeletedId());
        length(meta.entriesAdded() < 0 ? meta.length() : meta.entriesAdded());
        length(groups.size());
        for (StreamGroupData g : groups) {
            group(g, type);
        }
    }

    private void group(StreamGroupData g, int type) {
        string(g.name());
        id(g.lastDelivered());
        length(g.entriesRead());
        length(g.pending().size());
        for (StreamGroupData.Pending p : g.pending()) {
            raw(p.id().toBytes());
            longLE(p.deliveryTimeMs());
            length(p.deliveryCount());
        }
        length(g.consumers().size());
        for (StreamGroupData.Consumer c : g.consumers()) {
            string(c.name());
            longLE(c.seenTimeMs());
            if (type == TYPE_STREAM_LISTPACKS_3) {
                longLE(c.activeTimeMs() < 0 ? c.seenTimeMs() : c.activeTimeMs());
            }
            length(c.pending().size());
            for (StreamId id : c.pending()) {
                raw(id.toBytes());
            }
        }
    }

    private void id(StreamId id) {
        length(id.ms());
        length(id.seq());
    }

    /** Writes EOF and the CRC64 trailer, then flushes. */
    public void finish() {
        u8(OPCODE_EOF);
        flushBuffer();
        long c = checksum ? crc : 0;
        longLE(c);
        flushBuffer();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            flushBuffer();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- value bodies (also used for DUMP payloads)

    void strings(Collection<byte[]> elements) {
        length(elements.size());
        for (byte[] e : elements) {
            string(e);
        }
    }

    void zsetValue(List<byte[]> members, double[] scores) {
        if (members.size() != scores.length) {
            throw new IllegalArgumentException("members and scores differ in length");
        }
        length(members.size());
        for (int i = members.size() - 1; i >= 0; i--) {
            // tail first, as Redis saves skiplists, so that loading appends in order
            string(members.get(i));
            longLE(Double.doubleToLongBits(scores[i]));
        }
    }

    void hashValue(Map<byte[], byte[]> fields) {
        length(fields.size());
        for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
            string(e.getKey());
            string(e.getValue());
        }
    }

    // ---- primitives

    /** A length in the smallest of the 6/14/32/64-bit forms. */
    public void length(long len) {
        if (len >= 0 && len < (1 << 6)) {
            u8((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            u8((int) (len >>> 8) | 0x40);
            u8((int) len & 0xff);
        } else if (len >= 0 && len <= 0xffffffffL) {
            u8(LEN_32BIT);
            beN(len, 4);
        } else {
            u8(LEN_64BIT);
            beN(len, 8);
        }
    }

    /** A string: int encoded when it is a canonical 32-bit integer, LZF when that pays, raw otherwise. */
    public void string(byte[] s) {
        if (s.length <= 11 && intEncoded(s)) {
            return;
        }
        if (compression && s.length > 20) {
            byte[] c = Lzf.compress(s, s.length - 4);
            if (c != null) {
                u8(0xc0 | ENC_LZF);
                length(c.length);
                length(s.length);
                raw(c);
                return;
            }
        }
        length(s.length);
        raw(s);
    }

    /**
     * As {@link #string(byte[])} for {@code s[off, off+len)}, without allocating: the LZF output goes to a reused
     * scratch array (Redis's rdbSaveRawString).
     */
    public void string(byte[] s, int off, int len) {
        if (len <= 11 && intEncoded(s, off, len)) {
            return;
        }
        if (compression && len > 20) {
            if (lzf == null) {
                lzf = new LzfCompressor();
            }
            byte[] out = scratch(len);
            int c = lzf.compress(s, off, len, out, 0, len - 4);
            if (c > 0) {
                u8(0xc0 | ENC_LZF);
                length(c);
                length(len);
                raw(out, 0, c);
                return;
            }
        }
        length(len);
        raw(s, off, len);
    }

    /**
     * The decimal text of {@code v} as a string record, without building the text when it fits the int encodings
     * (an int-encoded string value, Redis's rdbSaveLongLongAsStringObject).
     */
    public void longString(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            intRecord(v);
            return;
        }
        byte[] t = scratch(32);
        int p = 21;
        long x = v;
        do {
            t[--p] = (byte) ('0' + Math.abs(x % 10));
            x /= 10;
        } while (x != 0);
        if (v < 0) {
            t[--p] = '-';
        }
        length(21 - p);
        raw(t, p, 21 - p);
    }

    /** The reused scratch array, at least n bytes; above 1 MiB a one-off array (a huge value's is not kept). */
    private byte[] scratch(int n) {
        if (n > 1 << 20) {
            return new byte[n];
        }
        if (lzfOut == null || lzfOut.length < n) {
            lzfOut = new byte[Math.max(n, 256)];
        }
        return lzfOut;
    }

    /**
     * A string already LZF-compressed elsewhere (a compressed quicklist node), written as it is: the LZF marker,
     * the compressed and raw lengths, then the bytes (Redis's {@code rdbSaveLzfBlob}).
     */
    public void lzfString(byte[] compressed, long rawLength) {
        u8(0xc0 | ENC_LZF);
        length(compressed.length);
        length(rawLength);
        raw(compressed);
    }

    /** A double as 8 little-endian IEEE 754 bytes (ZSET_2 scores, Redis's {@code rdbSaveBinaryDoubleValue}). */
    public void binaryDouble(double d) {
        longLE(Double.doubleToLongBits(d));
    }

    private boolean intEncoded(byte[] s) {
        long v = canonicalInteger(s);
        if (v == Long.MIN_VALUE) {
            return false;
        }
        return intRecord(v);
    }

    private boolean intEncoded(byte[] s, int off, int len) {
        long v = canonicalInteger(s, off, len, 11);
        if (v == Long.MIN_VALUE) {
            return false;
        }
        return intRecord(v);
    }

    /** The int encodings of v when it fits 32 bits; false (nothing written) otherwise. */
    private boolean intRecord(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            u8(0xc0 | ENC_INT8);
            u8((int) v & 0xff);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            u8(0xc0 | ENC_INT16);
            u8((int) v & 0xff);
            u8((int) (v >>> 8) & 0xff);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            u8(0xc0 | ENC_INT32);
            for (int i = 0; i < 4; i++) {
                u8((int) (v >>> (8 * i)) & 0xff);
            }
        } else {
            return false;
        }
        return true;
    }

    /** The value of a canonical decimal integer (no leading zeros or plus sign), or Long.MIN_VALUE. */
    static long canonicalInteger(byte[] s) {
        return canonicalInteger(s, 11);
    }

    /** As {@link #canonicalInteger(byte[])} for texts of at most {@code maxLength} bytes, overflow-checked. */
    static long canonicalInteger(byte[] s, int maxLength) {
        return canonicalInteger(s, 0, s.length, maxLength);
    }

    /** As {@link #canonicalInteger(byte[], int)} for {@code s[off, off+len)}. */
    static long canonicalInteger(byte[] s, int off, int len, int maxLength) {
        if (len == 0 || len > maxLength) {
            return Long.MIN_VALUE;
        }
        int end = off + len;
        int i = off;
        boolean neg = s[off] == '-';
        if (neg) {
            i++;
            if (len == 1) {
                return Long.MIN_VALUE;
            }
        }
        if (s[i] == '0' && (end > i + 1 || neg)) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < end; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    void u8(int b) {
        if (n == buf.length) {
            flushBuffer();
        }
        buf[n++] = (byte) b;
    }

    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    /** Raw bytes {@code b[off, off+len)}, written as they are. */
    public void raw(byte[] b, int off, int len) {
        if (len > buf.length - n) {
            flushBuffer();
            if (len > buf.length) {
                crc = Crc64.update(crc, b, off, len);
                write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    void longLE(long v) {
        for (int i = 0; i < 8; i++) {
            u8((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private void beN(long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            u8((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private void flushBuffer() {
        if (n == 0) {
            return;
        }
        crc = Crc64.update(crc, buf, 0, n);
        write(buf, 0, n);
        n = 0;
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
            written += len;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CRC64 of everything written so far (flushes the buffer into it). */
    long crcSoFar() {
        flushBuffer();
        return crc;
    }
}
