package io.cinnabar.server.internal.type.hash;

import io.cinnabar.quicklist.Quicklist.ElementSink;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.CompactValue;
import io.cinnabar.server.internal.type.ListpackBlobValue;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.keyspace.RedisSizes;
import io.cinnabar.server.internal.type.Members;

import io.cinnabar.dict.Dict;
import io.cinnabar.dict.DictEntry;
import io.cinnabar.listpack.Listpack;
import java.util.ArrayList;
import java.util.List;

/**
 * A hash value in one of Redis's two encodings.
 * <pre>
 *   listpack   field0 value0 field1 value1 ...   (insertion order; integers stored as listpack integers)
 *   hashtable  Dict&lt;byte[]&gt;  field -&gt; value
 * </pre>
 * A new hash is a listpack; it becomes a hashtable, for good, when it would hold more than
 * {@code hash-max-listpack-entries} fields or a field or value longer than {@code hash-max-listpack-value} bytes
 * (Redis's {@code hashTypeTryConversion} and {@code hashTypeSet}). Listpack operations are O(N) in the number of
 * fields (N is at most the threshold); hashtable operations are O(1) expected.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class HashValue extends ListpackBlobValue implements Members {
    public Dict<byte[]> ht;

    public HashValue() {
        lp = new Listpack();
    }

    /** Adopts a listpack of field/value pairs as is (RDB/RESTORE). */
    public HashValue(Listpack pairs) {
        lp = pairs;
    }

    // ---- the listpack encoding is the off-heap blob (ListpackBlobValue); freeEffort of a hashtable: its fields

    @Override
    protected String kind() {
        return "a hash";
    }

    @Override
    protected void dropBigEncoding() {
        ht = null;
    }

    @Override
    protected String bigEncodingName() {
        return "hashtable";
    }

    @Override
    protected long bigFreeEffort() {
        return ht.size();
    }

    @Override
    public CompactValue newValue() {
        return new HashValue();
    }

    @Override
    public TypedValue copy() {
        HashValue h = new HashValue();
        if (lp != null) {
            h.lp = lp.copy();
        } else {
            h.lp = null;
            h.ht = new Dict<>();
            h.ht.expand(ht.size());
            ht.forEach(e -> h.ht.put(e.key(), e.value()));
        }
        return h;
    }

    /**
     * objectComputeSize: a listpack is its allocation; a hashtable is the dict, its bucket array and the first
     * {@code samples} pairs (dictEntry + field sds + value sds) scaled to all. O(samples).
     */
    @Override
    public long memoryUsage(long samples) {
        if (lp != null) {
            return RedisSizes.ROBJ + RedisSizes.mallocSize(lp.bytes());
        }
        long n = Math.min(samples, ht.size());
        long sampled = ht.sumOfFirst(n, HashValue::pairSize);
        return RedisSizes.ROBJ + RedisSizes.DICT + RedisSizes.DICT_SLOT * ht.buckets()
            + RedisSizes.scaled(sampled, n, ht.size());
    }

    /** objectComputeSize's figure for one field/value pair of a hashtable: dictEntry + field sds + value sds. */
    private static long pairSize(DictEntry<byte[]> e) {
        return RedisSizes.DICT_ENTRY + RedisSizes.sdsSize(e.key().length) + RedisSizes.sdsSize(e.value().length);
    }

    public int size() {
        return lp != null ? lp.count() / 2 : ht.size();
    }

    /**
     * Converts to a hashtable if adding fields and values whose lengths are {@code lens[from..to)} calls for it.
     */
    void tryConversion(int[] lens, int from, int to, TypeLimits lim) {
        if (lp == null) {
            return;
        }
        if ((to - from) / 2 > lim.hashEntries) {
            toHashtable((to - from) / 2);
            return;
        }
        long sum = 0;
        for (int i = from; i < to; i++) {
            if (lens[i] > lim.hashValue) {
                toHashtable(0);
                return;
            }
            sum += lens[i];
        }
        if (!lp.safeToAdd(sum)) {
            toHashtable(0);
        }
    }

    public void toHashtable(int extra) {
        Dict<byte[]> d = new Dict<>();
        d.expand((long) size() + extra);
        for (int p = lp.first(); p >= 0; ) {
            byte[] f = lp.getBytes(p);
            p = lp.next(p);
            d.put(f, lp.getBytes(p));
            p = lp.next(p);
        }
        ht = d;
        lp = null;
    }

    /** Offset of the value entry of the field, or -1 (listpack encoding only). */
    int lpValue(byte[] b, int off, int len) {
        int p = lp.find(lp.first(), b, off, len, 1);
        return p < 0 ? -1 : lp.next(p);
    }

    /** The value of the field as a new array, or null. */
    public byte[] get(byte[] b, int off, int len) {
        if (lp != null) {
            int v = lpValue(b, off, len);
            return v < 0 ? null : lp.getBytes(v);
        }
        DictEntry<byte[]> e = ht.find(b, off, len);
        return e == null ? null : e.value();
    }

    boolean exists(byte[] b, int off, int len) {
        return lp != null ? lp.find(lp.first(), b, off, len, 1) >= 0 : ht.find(b, off, len) != null;
    }

    /** Hands the value of the field to out without copying it; false (out untouched) when there is no such field. */
    boolean get(byte[] b, int off, int len, ElementSink out) {
        if (lp != null) {
            int v = lpValue(b, off, len);
            if (v < 0) {
                return false;
            }
            entry(lp, v, out);
            return true;
        }
        DictEntry<byte[]> e = ht.find(b, off, len);
        if (e == null) {
            return false;
        }
        byte[] v = e.value();
        out.string(v, 0, v.length);
        return true;
    }

    /** Hands the listpack entry at p to out: its digits as a long, or its bytes in place. */
    static void entry(Listpack lp, int p, ElementSink out) {
        if (lp.isInteger(p)) {
            out.integer(lp.getLong(p));
        } else {
            out.string(lp.array(), lp.stringOffset(p), lp.stringLength(p));
        }
    }

    static int entryLength(Listpack lp, int p) {
        return lp.isInteger(p) ? Numbers.stringLength(lp.getLong(p)) : lp.stringLength(p);
    }

    /** Length of the field's value, 0 if absent (HSTRLEN). */
    int strlen(byte[] b, int off, int len) {
        if (lp != null) {
            int v = lpValue(b, off, len);
            return v < 0 ? 0 : entryLength(lp, v);
        }
        DictEntry<byte[]> e = ht.find(b, off, len);
        return e == null ? 0 : e.value().length;
    }

    /** Sets field to value; returns true if the field is new. Converts as hashTypeSet does. */
    public boolean set(byte[] f, int foff, int flen, byte[] v, int voff, int vlen, TypeLimits lim) {
        if (lp != null && (flen > lim.hashValue || vlen > lim.hashValue)) {
            toHashtable(0);
        }
        if (lp != null) {
            int p = lp.find(lp.first(), f, foff, flen, 1);
            if (p >= 0) {
                lp.replace(lp.next(p), v, voff, vlen);
                return false;
            }
            lp.append(f, foff, flen);
            lp.append(v, voff, vlen);
            if (size() > lim.hashEntries) {
                toHashtable(0);
            }
            return true;
        }
        DictEntry<byte[]> e = ht.find(f, foff, flen);
        byte[] val = java.util.Arrays.copyOfRange(v, voff, voff + vlen);
        if (e != null) {
            e.setValue(val);
            return false;
        }
        ht.put(java.util.Arrays.copyOfRange(f, foff, foff + flen), val);
        return true;
    }

    boolean delete(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lp.find(lp.first(), b, off, len, 1);
            if (p < 0) {
                return false;
            }
            lp.deleteRangeAt(p, 2);
            return true;
        }
        boolean removed = ht.unlink(b, off, len) != null;
        if (removed) {
            ht.resizeIfNeeded();
        }
        return removed;
    }

    /** All fields and values in iteration order, as alternating entries. */
    public List<byte[]> pairs() {
        List<byte[]> out = new ArrayList<>(size() * 2);
        if (lp != null) {
            for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                out.add(lp.getBytes(p));
            }
        } else {
            ht.forEach(e -> {
                out.add(e.key());
                out.add(e.value());
            });
        }
        return out;
    }

    @Override
    public boolean removeMember(byte[] b, int off, int len) {
        return delete(b, off, len);
    }

    @Override
    public long memberCount() {
        return size();
    }
}
