package io.cinnabar.server.internal.type.set;

import java.nio.ByteBuffer;
import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.CompactValue;
import io.cinnabar.server.internal.type.ListpackBlobValue;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.keyspace.RedisSizes;
import io.cinnabar.server.internal.type.Members;

import io.cinnabar.dict.Dict;
import io.cinnabar.dict.DictEntry;
import io.cinnabar.intset.Intset;
import io.cinnabar.listpack.Listpack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set value in one of Redis 7.2's three encodings.
 * <pre>
 *   intset     sorted 16/32/64-bit integers          (only canonical integers, at most set-max-intset-entries)
 *   listpack   members in insertion order            (at most set-max-listpack-entries of set-max-listpack-value bytes)
 *   hashtable  Dict&lt;Boolean&gt; member -&gt; TRUE
 * </pre>
 * Conversions follow Redis 7.2's {@code setTypeCreate}, {@code setTypeMaybeConvert} and {@code setTypeAddAux}: an
 * intset that receives a non-integer becomes a listpack when it is small enough (note the strict comparisons Redis
 * uses there) and a hashtable otherwise; a listpack that would exceed its limits and an intset that exceeds
 * {@code set-max-intset-entries} become hashtables. Conversions only go towards hashtable, except when SPOP rebuilds
 * a set. Costs: intset O(log N) lookup, O(N) insert; listpack O(N); hashtable O(1) expected.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class SetValue extends ListpackBlobValue implements Members {
    public Intset is;
    Dict<Boolean> ht;
    private final long[] tmp = new long[1];

    private SetValue() {
    }

    /** An empty set that can hold value, sized for sizeHint members (setTypeCreate). */
    public static SetValue create(byte[] b, int off, int len, long sizeHint, TypeLimits lim) {
        SetValue s = new SetValue();
        long[] t = new long[1];
        if (b != null && Numbers.string2ll(b, off, len, t) && sizeHint <= lim.setIntsetEntries) {
            s.is = new Intset();
        } else if (sizeHint <= lim.setEntries) {
            s.lp = new Listpack();
        } else {
            s.ht = new Dict<>();
            s.ht.expand(sizeHint);
        }
        return s;
    }

    public static SetValue emptyIntset() {
        SetValue s = new SetValue();
        s.is = new Intset();
        return s;
    }

    public static SetValue emptyListpack() {
        SetValue s = new SetValue();
        s.lp = new Listpack();
        return s;
    }

    /** The member table of the hashtable encoding, or null for a compact encoding (DEBUG HTSTATS-KEY). */
    public Dict<?> hashTable() {
        return ht;
    }

    @Override
    public String encodingName() {
        return is != null ? "intset" : super.encodingName();
    }

    // ---- off-heap blob: the intset here, the listpack in ListpackBlobValue (both stored off-heap between commands)

    @Override
    protected String kind() {
        return "a set";
    }

    /** Drops the hashtable and the intset: a listpack blob is being loaded. */
    @Override
    protected void dropBigEncoding() {
        ht = null;
        is = null;
    }

    @Override
    protected String bigEncodingName() {
        return "hashtable";
    }

    /** Redis's lazyfreeGetFreeEffort: 1 for an intset (as for a listpack), the number of members of a hashtable. */
    @Override
    protected long bigFreeEffort() {
        return is != null ? 1 : ht.size();
    }

    @Override
    public int blobEncoding() {
        return is != null ? ENC_INTSET : super.blobEncoding();
    }

    @Override
    public int blobLength() {
        return is != null ? is.blobLength() : super.blobLength();
    }

    @Override
    public void writeBlob(ByteBuffer dst, int index) {
        if (is != null) {
            is.writeTo(dst, index);
        } else {
            super.writeBlob(dst, index);
        }
    }

    @Override
    public void loadBlob(int encoding, ByteBuffer src, int index, int len) {
        if (encoding == ENC_INTSET) {
            ht = null;
            lp = null;
            if (is == null) {
                is = new Intset();
            }
            is.load(src, index, len);
        } else {
            super.loadBlob(encoding, src, index, len);
        }
    }

    @Override
    public CompactValue newValue() {
        return new SetValue();
    }

    @Override
    public TypedValue copy() {
        SetValue s = new SetValue();
        if (is != null) {
            s.is = Intset.copyOf(is.array(), 0, is.blobLength(), false);
        } else if (lp != null) {
            s.lp = lp.copy();
        } else {
            s.ht = new Dict<>();
            s.ht.expand(ht.size());
            ht.forEach(e -> s.ht.put(e.key(), Boolean.TRUE));
        }
        return s;
    }

    /**
     * objectComputeSize: intset and listpack are their allocation; a hashtable is the dict, its bucket array and
     * the first {@code samples} members (dictEntry + sds) scaled to all. O(samples).
     */
    @Override
    public long memoryUsage(long samples) {
        if (is != null) {
            return RedisSizes.ROBJ + RedisSizes.mallocSize(is.blobLength());
        }
        if (lp != null) {
            return RedisSizes.ROBJ + RedisSizes.mallocSize(lp.bytes());
        }
        long n = Math.min(samples, ht.size());
        long sampled = ht.sumOfFirst(n, SetValue::memberSize);
        return RedisSizes.ROBJ + RedisSizes.DICT + RedisSizes.DICT_SLOT * ht.buckets()
            + RedisSizes.scaled(sampled, n, ht.size());
    }

    /** objectComputeSize's figure for one member of a hashtable: dictEntry + member sds. */
    private static long memberSize(DictEntry<Boolean> e) {
        return RedisSizes.DICT_ENTRY + RedisSizes.sdsSize(e.key().length);
    }

    public int size() {
        return is != null ? is.size() : lp != null ? lp.count() : ht.size();
    }

    /** setTypeMaybeConvert: a hashtable when sizeHint members would not fit the small encoding. */
    void maybeConvert(long sizeHint, TypeLimits lim) {
        if (lp != null && sizeHint > lim.setEntries || is != null && sizeHint > lim.setIntsetEntries) {
            toHashtable(sizeHint);
        }
    }

    public void toHashtable(long sizeHint) {
        Dict<Boolean> d = new Dict<>();
        d.expand(Math.max(sizeHint, size()));
        for (byte[] m : members()) {
            d.put(m, Boolean.TRUE);
        }
        ht = d;
        is = null;
        lp = null;
    }

    private void intsetToListpack() {
        Listpack l = new Listpack();
        for (int i = 0; i < is.size(); i++) {
            l.appendLong(is.get(i));
        }
        lp = l;
        is = null;
    }

    public boolean add(byte[] b, int off, int len, TypeLimits lim) {
        if (ht != null) {
            if (ht.find(b, off, len) != null) {
                return false;
            }
            ht.put(Arrays.copyOfRange(b, off, off + len), Boolean.TRUE);
            return true;
        }
        if (lp != null) {
            if (lp.find(lp.first(), b, off, len, 0) >= 0) {
                return false;
            }
            if (lp.count() < lim.setEntries && len <= lim.setValue && lp.safeToAdd(len)) {
                lp.append(b, off, len);
            } else {
                toHashtable(lp.count() + 1L);
                ht.put(Arrays.copyOfRange(b, off, off + len), Boolean.TRUE);
            }
            return true;
        }
        if (Numbers.string2ll(b, off, len, tmp)) {
            if (!is.add(tmp[0])) {
                return false;
            }
            if (is.size() > Math.min(lim.setIntsetEntries, 1 << 30)) {
                toHashtable(0);
            }
            return true;
        }
        int n = is.size();
        int maxelelen = n == 0 ? 0 : Math.max(Numbers.stringLength(is.max()), Numbers.stringLength(is.min()));
        if (n < lim.setEntries && len < lim.setValue && maxelelen < lim.setValue) {
            intsetToListpack();
            lp.append(b, off, len);
        } else {
            toHashtable(n + 1L);
            ht.put(Arrays.copyOfRange(b, off, off + len), Boolean.TRUE);
        }
        return true;
    }

    boolean remove(byte[] b, int off, int len) {
        if (ht != null) {
            boolean r = ht.unlink(b, off, len) != null;
            if (r) {
                ht.resizeIfNeeded();
            }
            return r;
        }
        if (lp != null) {
            int p = lp.find(lp.first(), b, off, len, 0);
            if (p < 0) {
                return false;
            }
            lp.delete(p);
            return true;
        }
        return Numbers.string2ll(b, off, len, tmp) && is.remove(tmp[0]);
    }

    public boolean contains(byte[] b, int off, int len) {
        if (ht != null) {
            return ht.find(b, off, len) != null;
        }
        if (lp != null) {
            return lp.find(lp.first(), b, off, len, 0) >= 0;
        }
        return Numbers.string2ll(b, off, len, tmp) && is.contains(tmp[0]);
    }

    public boolean contains(byte[] m) {
        return contains(m, 0, m.length);
    }

    /** A random member (Redis's setTypeRandomElement): O(1) for intset and hashtable, O(N) for listpack. */
    byte[] random() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        if (is != null) {
            return Numbers.ll2bytes(is.get(r.nextInt(is.size())));
        }
        if (lp != null) {
            return lp.getBytes(lp.seek(r.nextInt(lp.count())));
        }
        return ht.fairRandomEntry().key();
    }

    /** The members in iteration order (ascending for intset, insertion order for listpack). */
    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>(size());
        if (is != null) {
            for (int i = 0; i < is.size(); i++) {
                out.add(Numbers.ll2bytes(is.get(i)));
            }
        } else if (lp != null) {
            for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                out.add(lp.getBytes(p));
            }
        } else {
            ht.forEach((DictEntry<Boolean> e) -> out.add(e.key()));
        }
        return out;
    }

    @Override
    public boolean removeMember(byte[] b, int off, int len) {
        return remove(b, off, len);
    }

    @Override
    public long memberCount() {
        return size();
    }
}
