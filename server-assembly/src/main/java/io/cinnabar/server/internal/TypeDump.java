package io.cinnabar.server.internal;

import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbFormat;
import io.cinnabar.rdb.RdbVisitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DUMP and RESTORE of lists, sets, sorted sets and hashes (the hooks {@link DumpCommands} calls for non-string
 * values). DUMP writes the generic RDB encodings (list, set, zset v2, hash), which every Redis since 2.x reads;
 * RESTORE accepts every encoding the rdb-format module decodes and rebuilds the value through the normal insertion
 * paths, so it takes the encoding Redis 7.2 would choose for it under the current thresholds.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
final class TypeDump {
    private TypeDump() {
    }

    /** The DUMP payload of a list, set, sorted set or hash entry. */
    static byte[] dump(Entry e, int version) {
        switch (e.type) {
            case Entry.TYPE_LIST -> {
                return DumpPayload.list(version, ((ListValue) e.obj).all());
            }
            case Entry.TYPE_SET -> {
                return DumpPayload.set(version, ((SetValue) e.obj).members());
            }
            case Entry.TYPE_ZSET -> {
                ZSetValue z = (ZSetValue) e.obj;
                List<byte[]> ms = new ArrayList<>();
                double[] ss = new double[(int) z.size()];
                if (z.size() > 0) {
                    z.range(0, z.size() - 1, false, (m, s) -> {
                        ss[ms.size()] = s;
                        ms.add(m);
                    });
                }
                return DumpPayload.zset(version, ms, ss);
            }
            default -> {
                List<byte[]> p = ((HashValue) e.obj).pairs();
                Map<byte[], byte[]> m = new LinkedHashMap<>();
                for (int i = 0; i < p.size(); i += 2) {
                    m.put(p.get(i), p.get(i + 1));
                }
                return DumpPayload.hash(version, m);
            }
        }
    }

    /** Collects the elements of an aggregate payload. */
    private static final class Collector implements RdbVisitor {
        final List<byte[]> items = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();

        @Override
        public void listElement(byte[] element) {
            items.add(element);
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
            default -> -1;
        };
    }

    /** Builds the value of a verified payload of the given Entry type (see {@link #entryType}). */
    static TypedValue restore(byte[] payload, byte type, TypeLimits lim) {
        Collector col = new Collector();
        DumpPayload.read(payload, col);
        List<byte[]> items = col.items;
        switch (type) {
            case Entry.TYPE_LIST -> {
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
                    s.add(m, 0, m.length, lim);
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
                    z.put(m, 0, m.length, col.scores.get(i), z.score(m, 0, m.length), lim);
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
                    h.set(f, 0, f.length, v, 0, v.length, lim);
                }
                return h;
            }
        }
    }
}
