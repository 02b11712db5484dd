package io.cinnabar.server.internal.persist;

import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.stream.StreamRdb;
import io.cinnabar.server.internal.type.stream.StreamValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbFormat;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.RdbBlob;
import io.cinnabar.rdb.RdbWriter;
import io.cinnabar.intset.Intset;
import io.cinnabar.listpack.Listpack;
import io.cinnabar.quicklist.Quicklist;
import io.cinnabar.quicklist.QuicklistNode;
import io.cinnabar.skiplist.ZSkipList;
import java.util.ArrayList;
import java.util.List;

/**
 * DUMP and RESTORE of lists, sets, sorted sets and hashes (the hooks {@link DumpCommands} calls for non-string
 * values). DUMP writes each value in its current encoding, byte for byte as Redis 7.2 does (listpack and intset
 * blobs as they are, lists as quicklist nodes); RESTORE adopts such blobs and nodes as they are and accepts every
 * other encoding the rdb-format module decodes, rebuilding those through the normal insertion paths.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class TypeDump {
    private TypeDump() {
    }

    /**
     * The DUMP payload of a list, set, sorted set or hash entry, in the value's current encoding as Redis 7.2's
     * {@code rdbSaveObject} writes it: listpack hash 16, listpack zset 17, intset 11, listpack set 20 (version 11
     * only; version 10 gets a plain set), a list as type 18 (a listpack list as one packed node; a quicklist node by
     * node, compressed nodes as their LZF bytes, plain nodes as raw strings); hashtables as the plain set/hash
     * types in iteration order and skiplists as ZSET_2 from the tail with binary scores. O(value bytes).
     */
    static byte[] dump(Entry e, int version, boolean compression) {
        if (e.type() == Entry.TYPE_STREAM) {
            return StreamRdb.dumpPayload((StreamValue) e.value(), version);
        }
        return DumpPayload.encode(version, compression, rdbType(e, version), w -> body(w, e));
    }

    /**
     * Redis's rdbSavedObjectLen: the bytes the value takes in an RDB file (RDB 11, after the type byte and the
     * key), with LZF when compression is on. DEBUG OBJECT's serializedlength. O(value).
     */
    public static long serializedLength(Entry e, boolean compression) {
        byte[] p = e.value() != null ? dump(e, 11, compression)
            : DumpPayload.encode(11, compression, RdbFormat.TYPE_STRING, w -> w.string(e.stringBytes()));
        return p.length - 1 - DumpPayload.FOOTER;
    }

    /**
     * The RDB type byte under which {@link #body} writes a list, set, sorted set or hash value in its current
     * encoding (not for streams: {@link io.cinnabar.rdb.RdbWriter#stream} writes those whole).
     */
    static int rdbType(Entry e, int version) {
        return switch (e.type()) {
            case Entry.TYPE_LIST -> RdbFormat.TYPE_LIST_QUICKLIST_2;
            case Entry.TYPE_SET -> {
                SetValue s = (SetValue) e.value();
                yield s.is != null ? RdbFormat.TYPE_SET_INTSET
                    : s.lp != null && version >= 11 ? RdbFormat.TYPE_SET_LISTPACK : RdbFormat.TYPE_SET;
            }
            case Entry.TYPE_ZSET -> ((ZSetValue) e.value()).lp != null ? RdbFormat.TYPE_ZSET_LISTPACK : RdbFormat.TYPE_ZSET_2;
            default -> ((HashValue) e.value()).lp != null ? RdbFormat.TYPE_HASH_LISTPACK : RdbFormat.TYPE_HASH;
        };
    }

    /** Writes the value of a list, set, sorted set or hash as {@link #rdbType} said (w's version decides). */
    static void body(RdbWriter w, Entry e) {
        switch (e.type()) {
            case Entry.TYPE_LIST -> list(w, (ListValue) e.value());
            case Entry.TYPE_SET -> set(w, (SetValue) e.value());
            case Entry.TYPE_ZSET -> zset(w, (ZSetValue) e.value());
            default -> hash(w, (HashValue) e.value());
        }
    }

    private static void list(RdbWriter w, ListValue l) {
        if (l.lp != null) {
            w.length(1);
            w.length(QuicklistNode.CONTAINER_PACKED);
            w.string(l.lp.array(), 0, l.lp.bytes());
            return;
        }
        w.length(l.ql.nodeCount());
        for (QuicklistNode n = l.ql.head(); n != null; n = n.next()) {
            w.length(n.container());
            if (n.isCompressed()) {
                w.lzfString(n.compressedBytes(), n.size());
            } else {
                w.string(n.rawArray(), 0, n.size());
            }
        }
    }

    private static void set(RdbWriter w, SetValue s) {
        if (s.is != null) {
            w.string(s.is.array(), 0, s.is.blobLength());
            return;
        }
        if (s.lp != null && w.version() >= 11) {
            w.string(s.lp.array(), 0, s.lp.bytes());
            return;
        }
        List<byte[]> members = s.members();
        w.length(members.size());
        for (byte[] m : members) {
            w.string(m);
        }
    }

    private static void zset(RdbWriter w, ZSetValue z) {
        if (z.lp != null) {
            w.string(z.lp.array(), 0, z.lp.bytes());
            return;
        }
        w.length(z.zsl.size());
        for (ZSkipList.Node n = z.zsl.last(); n != null; n = n.previous()) {
            w.string(n.member());
            w.binaryDouble(n.score());
        }
    }

    private static void hash(RdbWriter w, HashValue h) {
        if (h.lp != null) {
            w.string(h.lp.array(), 0, h.lp.bytes());
            return;
        }
        w.length(h.ht.size());
        h.ht.forEach(d -> {
            w.string(d.key());
            w.string(d.value());
        });
    }

    /**
     * Collects an aggregate payload: the blob of an intset or listpack value (types 11, 16, 17, 20) as it is, the
     * nodes of a type 18 list as they are (a listpack per packed node, an element per plain node), and the
     * elements of every other encoding.
     */
    static final class Collector implements RdbVisitor {
        final int rdbType;
        final List<byte[]> items = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();
        /** Type 18 nodes: a listpack, or a plain element when the matching {@link #plain} entry is true. */
        final List<byte[]> nodes = new ArrayList<>();
        final List<Boolean> plain = new ArrayList<>();
        byte[] blob;

        Collector(int rdbType) {
            this.rdbType = rdbType;
        }

        @Override
        public boolean blob(RdbBlob kind, byte[] bytes) {
            if (rdbType == RdbFormat.TYPE_LIST_QUICKLIST_2 && kind == RdbBlob.LISTPACK) {
                nodes.add(bytes);
                plain.add(Boolean.FALSE);
                return true;
            }
            boolean single = kind == RdbBlob.INTSET && rdbType == RdbFormat.TYPE_SET_INTSET
                || kind == RdbBlob.LISTPACK && (rdbType == RdbFormat.TYPE_HASH_LISTPACK
                || rdbType == RdbFormat.TYPE_ZSET_LISTPACK || rdbType == RdbFormat.TYPE_SET_LISTPACK);
            if (single) {
                blob = bytes;
            }
            return single;
        }

        @Override
        public void listElement(byte[] element) {
            if (rdbType == RdbFormat.TYPE_LIST_QUICKLIST_2) {
                nodes.add(element);
                plain.add(Boolean.TRUE);
            } else {
                items.add(element);
            }
        }

        @Override
        public void setMember(byte[] member) {
            items.add(member);
        }

        @Override
        public void zsetEntry(byte[] member, double score) {
            items.add(member);
            scores.add(score);
        }

        @Override
        public void hashEntry(byte[] field, byte[] value, long expireAtMs) {
            items.add(field);
            items.add(value);
        }
    }

    /** The Entry.TYPE_* of an RDB value type, or -1 when it is not a list, set, sorted set or hash. */
    static byte entryType(int rdbType) {
        return switch (rdbType) {
            case RdbFormat.TYPE_LIST, RdbFormat.TYPE_LIST_ZIPLIST, RdbFormat.TYPE_LIST_QUICKLIST,
                RdbFormat.TYPE_LIST_QUICKLIST_2 -> Entry.TYPE_LIST;
            case RdbFormat.TYPE_SET, RdbFormat.TYPE_SET_INTSET, RdbFormat.TYPE_SET_LISTPACK -> Entry.TYPE_SET;
            case RdbFormat.TYPE_ZSET, RdbFormat.TYPE_ZSET_2, RdbFormat.TYPE_ZSET_ZIPLIST,
                RdbFormat.TYPE_ZSET_LISTPACK -> Entry.TYPE_ZSET;
            case RdbFormat.TYPE_HASH, RdbFormat.TYPE_HASH_ZIPMAP, RdbFormat.TYPE_HASH_ZIPLIST,
                RdbFormat.TYPE_HASH_LISTPACK -> Entry.TYPE_HASH;
            case RdbFormat.TYPE_STREAM_LISTPACKS, RdbFormat.TYPE_STREAM_LISTPACKS_2,
                RdbFormat.TYPE_STREAM_LISTPACKS_3 -> Entry.TYPE_STREAM;
            default -> -1;
        };
    }

    /**
     * Builds the value of a verified payload of the given Entry type (see {@link #entryType}), as Redis 7.2's
     * {@code rdbLoadObject} does: an intset or listpack blob and the nodes of a type 18 list are adopted as they
     * are, then converted when they exceed the entry-count thresholds (a list with one small node becomes a
     * listpack); other encodings are rebuilt through the normal insertion paths. O(payload).
     */
    static TypedValue restore(byte[] payload, byte type, TypeLimits lim) {
        if (type == Entry.TYPE_STREAM) {
            return StreamRdb.fromPayload(payload); // its listpacks adopted as they are
        }
        Collector col = new Collector(payload[0] & 0xff);
        DumpPayload.read(payload, col);
        return build(col, type, lim);
    }

    /** Builds the value a {@link Collector} gathered (from a payload or a file) as {@link #restore} describes. */
    static TypedValue build(Collector col, byte type, TypeLimits lim) {
        if (col.blob != null) {
            return adopt(col, lim);
        }
        List<byte[]> items = col.items;
        switch (type) {
            case Entry.TYPE_LIST -> {
                if (col.rdbType == RdbFormat.TYPE_LIST_QUICKLIST_2) {
                    return adoptNodes(col, lim);
                }
                ListValue l = new ListValue();
                for (byte[] v : items) {
                    l.growing(v.length, 1, lim);
                    l.push(v, 0, v.length, false);
                }
                return l;
            }
            case Entry.TYPE_SET -> {
                byte[] first = items.isEmpty() ? null : items.get(0);
                SetValue s = SetValue.create(first, 0, first == null ? 0 : first.length, items.size(), lim);
                for (byte[] m : items) {
                    if (!s.add(m, 0, m.length, lim)) {
                        throw new RdbException(duplicate(col.rdbType, "Duplicate set members detected"), 0);
                    }
                }
                return s;
            }
            case Entry.TYPE_ZSET -> {
                long maxLen = 0;
                for (byte[] m : items) {
                    maxLen = Math.max(maxLen, m.length);
                }
                ZSetValue z = ZSetValue.create(items.size(), maxLen, lim);
                for (int i = 0; i < items.size(); i++) {
                    byte[] m = items.get(i);
                    if (Double.isNaN(col.scores.get(i))) { // Redis's check: a NaN score breaks the skiplist order
                        throw new RdbException("Zset with NAN score detected", 0);
                    }
                    double old = z.score(m, 0, m.length);
                    if (!Double.isNaN(old)) {
                        throw new RdbException(duplicate(col.rdbType, "Duplicate zset fields detected"), 0);
                    }
                    z.put(m, 0, m.length, col.scores.get(i), old, lim);
                }
                return z;
            }
            default -> {
                HashValue h = new HashValue();
                if (items.size() / 2 > lim.hashEntries) {
                    h.toHashtable(items.size() / 2);
                }
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    byte[] f = items.get(i);
                    byte[] v = items.get(i + 1);
                    if (!h.set(f, 0, f.length, v, 0, v.length, lim)) {
                        throw new RdbException(duplicate(col.rdbType, "Duplicate hash fields detected"), 0);
                    }
                }
                return h;
            }
        }
    }

    /** Whether a restored value has no elements (a payload Redis refuses as an empty key). */
    static boolean isEmpty(TypedValue v) {
        return switch (v) {
            case ListValue l -> l.size() == 0;
            case SetValue s -> s.size() == 0;
            case ZSetValue z -> z.size() == 0;
            case HashValue h -> h.size() == 0;
            default -> false;
        };
    }

    /** An intset or listpack blob taken as it is, converted when it holds more entries than allowed. */
    private static TypedValue adopt(Collector col, TypeLimits lim) {
        switch (col.rdbType) {
            case RdbFormat.TYPE_SET_INTSET -> {
                SetValue s = SetValue.emptyIntset();
                s.is = Intset.wrap(col.blob, false);
                if (s.size() > lim.setIntsetEntries) {
                    s.toHashtable(0);
                }
                return s;
            }
            case RdbFormat.TYPE_SET_LISTPACK -> {
                SetValue s = SetValue.emptyListpack();
                s.lp = unique(Listpack.adopt(col.blob, false), 1, "Set listpack integrity check failed.");
                if (s.size() > lim.setEntries) {
                    s.toHashtable(0);
                }
                return s;
            }
            case RdbFormat.TYPE_ZSET_LISTPACK -> {
                ZSetValue z = ZSetValue.create(0, 0, lim);
                z.lp = unique(Listpack.adopt(col.blob, false), 2, "Zset listpack integrity check failed.");
                if (z.size() > lim.zsetEntries) {
                    z.toSkiplist(0);
                }
                return z;
            }
            default -> {
                HashValue h = new HashValue(unique(Listpack.adopt(col.blob, false), 2,
                    "Hash listpack integrity check failed."));
                if (h.size() > lim.hashEntries) {
                    h.toHashtable(0);
                }
                return h;
            }
        }
    }

    /**
     * The message of a duplicate found while rebuilding a value: a ziplist or zipmap fails Redis's integrity check
     * (its conversion checks duplicates), a plain set, zset or hash has Redis's own "Duplicate ..." message.
     */
    private static String duplicate(int rdbType, String plain) {
        return switch (rdbType) {
            case RdbFormat.TYPE_ZSET_ZIPLIST -> "Zset ziplist integrity check failed.";
            case RdbFormat.TYPE_HASH_ZIPLIST -> "Hash ziplist integrity check failed.";
            case RdbFormat.TYPE_HASH_ZIPMAP -> "Zipmap integrity check failed.";
            default -> plain;
        };
    }

    /**
     * The listpack if no two of its elements at every {@code stride}-th position (set members, hash fields, zset
     * members) are equal; Redis accepts duplicates without sanitize-dump-payload and fails later on them, here a
     * duplicate is refused at once. O(n) with one hash set of the n elements.
     */
    static Listpack unique(Listpack lp, int stride, String reason) {
        java.util.HashSet<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
        int i = 0;
        for (int p = lp.first(); p >= 0; p = lp.next(p), i++) {
            if (i % stride == 0 && !seen.add(java.nio.ByteBuffer.wrap(lp.getBytes(p)))) {
                throw new RdbException(reason + " (duplicate element)", 0);
            }
        }
        if (i % stride != 0) {
            throw new RdbException(reason + " (uneven pairs)", 0);
        }
        return lp;
    }

    /** The nodes of a type 18 list taken as they are; one small packed node becomes a listpack list. */
    private static TypedValue adoptNodes(Collector col, TypeLimits lim) {
        ListValue l = new ListValue();
        Quicklist q = new Quicklist(lim.listSize, lim.listCompressDepth);
        q.setPackedThreshold(lim.listPackedThreshold);
        for (int i = 0; i < col.nodes.size(); i++) {
            if (col.plain.get(i)) {
                q.appendPlain(col.nodes.get(i));
            } else {
                q.appendListpack(Listpack.adopt(col.nodes.get(i), false));
            }
        }
        l.lp = null;
        l.ql = q;
        l.shrinking(lim);
        return l;
    }
}
