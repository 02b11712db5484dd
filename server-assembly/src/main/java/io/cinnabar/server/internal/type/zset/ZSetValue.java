package io.cinnabar.server.internal.type.zset;

import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.CompactValue;
import io.cinnabar.server.internal.type.ListpackBlobValue;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.keyspace.RedisSizes;
import io.cinnabar.server.internal.type.Members;

import io.cinnabar.dict.Dict;
import io.cinnabar.dict.DictEntry;
import io.cinnabar.listpack.Listpack;
import io.cinnabar.sds.Numbers;
import io.cinnabar.skiplist.LexRange;
import io.cinnabar.skiplist.ScoreRange;
import io.cinnabar.skiplist.ZSkipList;
import java.util.Arrays;

/**
 * A sorted set in one of Redis's two encodings.
 * <pre>
 *   listpack   member0 score0 member1 score1 ...   sorted by (score, member bytes); scores as Redis 7.2 d2string text
 *                                                  (stored as listpack integers when integral)
 *   skiplist   ZSkipList ordered by (score, member) + Dict&lt;ZSkipList.Node&gt; member -&gt; node
 * </pre>
 * A listpack becomes a skiplist when it would hold more than {@code zset-max-listpack-entries} members or a member
 * longer than {@code zset-max-listpack-value} bytes; results of ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE/ZRANGESTORE go
 * back to a listpack when they fit ({@code zsetConvertToListpackIfNeeded}). Listpack operations are O(N) (N is at
 * most the threshold); skiplist operations O(log N), score lookup O(1) expected.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ZSetValue extends ListpackBlobValue implements Members {
    public ZSkipList zsl;
    Dict<ZSkipList.Node> dict;
    /** Where {@link #text()} keeps an integer member's text. */
    private static final int INT_TEXT = Numbers.MAX_D2STRING_CHARS + 8;
    /** Scratch of the listpack encoding's inserts ({@link #text()}); null until the first. */
    private byte[] text;

    /** Receives one element of a range. */
    public interface Visitor {
        void visit(byte[] member, double score);
    }

    private ZSetValue() {
    }

    /** Whether {@link #create} makes a listpack for these hints (zsetTypeCreate's choice). */
    public static boolean startsAsListpack(long sizeHint, long maxLen, TypeLimits lim) {
        return sizeHint <= lim.zsetEntries && maxLen <= lim.zsetValue;
    }

    /** An empty sorted set in its listpack encoding. */
    public static ZSetValue emptyListpack() {
        ZSetValue z = new ZSetValue();
        z.lp = new Listpack();
        return z;
    }

    /** zsetTypeCreate: a listpack unless sizeHint or maxLen exceed the thresholds. */
    public static ZSetValue create(long sizeHint, long maxLen, TypeLimits lim) {
        ZSetValue z = new ZSetValue();
        if (startsAsListpack(sizeHint, maxLen, lim)) {
            z.lp = new Listpack();
        } else {
            z.zsl = new ZSkipList();
            z.dict = new Dict<>();
            z.dict.expand(sizeHint);
        }
        return z;
    }

    // ---- the listpack encoding is the off-heap blob (ListpackBlobValue); freeEffort of a skiplist: its length

    @Override
    protected String kind() {
        return "a sorted set";
    }

    /** The member table of the skiplist encoding, or null for a compact encoding (DEBUG HTSTATS-KEY). */
    public Dict<?> hashTable() {
        return dict;
    }

    @Override
    protected void dropBigEncoding() {
        zsl = null;
        dict = null;
    }

    @Override
    protected String bigEncodingName() {
        return "skiplist";
    }

    @Override
    protected long bigFreeEffort() {
        return zsl.size();
    }

    @Override
    public CompactValue newValue() {
        return new ZSetValue();
    }

    @Override
    public TypedValue copy() {
        ZSetValue z = new ZSetValue();
        if (lp != null) {
            z.lp = lp.copy();
        } else {
            z.zsl = new ZSkipList();
            z.dict = new Dict<>();
            z.dict.expand(dict.size());
            for (ZSkipList.Node n = zsl.first(); n != null; n = n.next()) {
                z.dict.put(n.member(), z.zsl.insert(n.score(), n.member()));
            }
        }
        return z;
    }

    /**
     * objectComputeSize: a listpack is its allocation; a skiplist is the zset, zskiplist, dict and bucket array,
     * the 32-level header node, and the first {@code samples} nodes in order (member sds, dictEntry, node of its
     * level) scaled to all. O(samples).
     */
    @Override
    public long memoryUsage(long samples) {
        if (lp != null) {
            return RedisSizes.ROBJ + RedisSizes.mallocSize(lp.bytes());
        }
        long sampled = 0;
        long n = 0;
        for (ZSkipList.Node node = zsl.first(); node != null && n < samples; node = node.next()) {
            sampled += RedisSizes.sdsSize(node.member().length) + RedisSizes.DICT_ENTRY
                + RedisSizes.skiplistNodeSize(node.level());
            n++;
        }
        return RedisSizes.ROBJ + RedisSizes.ZSET + RedisSizes.ZSKIPLIST + RedisSizes.DICT
            + RedisSizes.DICT_SLOT * dict.buckets() + RedisSizes.skiplistNodeSize(RedisSizes.ZSKIPLIST_MAXLEVEL)
            + RedisSizes.scaled(sampled, n, dict.size());
    }

    public long size() {
        return lp != null ? lp.count() / 2 : zsl.size();
    }

    /** zsetTypeMaybeConvert: a skiplist when sizeHint elements would not fit a listpack. */
    void maybeConvert(long sizeHint, TypeLimits lim) {
        if (lp != null && sizeHint > lim.zsetEntries) {
            toSkiplist(sizeHint);
        }
    }

    public void toSkiplist(long sizeHint) {
        ZSkipList l = new ZSkipList();
        Dict<ZSkipList.Node> d = new Dict<>();
        d.expand(Math.max(sizeHint, size()));
        for (int p = lp.first(); p >= 0; ) {
            byte[] m = lp.getBytes(p);
            p = lp.next(p);
            double s = lpScore(lp, p);
            p = lp.next(p);
            d.put(m, l.insert(s, m));
        }
        zsl = l;
        dict = d;
        lp = null;
    }

    /** zsetConvertToListpackIfNeeded: back to a listpack when small enough (STORE results). */
    void toListpackIfFits(TypeLimits lim) {
        if (zsl == null || zsl.size() > lim.zsetEntries) {
            return;
        }
        long total = 0;
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next()) {
            if (n.member().length > lim.zsetValue) {
                return;
            }
            total += n.member().length;
        }
        Listpack l = new Listpack();
        if (!l.safeToAdd(total)) {
            return;
        }
        byte[] buf = new byte[Numbers.MAX_D2STRING_CHARS + 8];
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next()) {
            l.append(n.member());
            int len = Numbers.d2string(n.score() == 0 ? 0.0 : n.score(), buf, 0);
            l.append(buf, 0, len);
        }
        lp = l;
        zsl = null;
        dict = null;
    }

    public static double lpScore(Listpack lp, int p) {
        if (lp.isInteger(p)) {
            return lp.getLong(p);
        }
        return Numbers.parseDouble(lp.array(), lp.stringOffset(p), lp.stringLength(p));
    }

    /** Offset of the member entry in the listpack, or -1. */
    private int lpFind(byte[] b, int off, int len) {
        return lp.find(lp.first(), b, off, len, 1);
    }

    /** The score of the member, or NaN when absent. */
    public double score(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            return p < 0 ? Double.NaN : lpScore(lp, lp.next(p));
        }
        DictEntry<ZSkipList.Node> e = dict.find(b, off, len);
        return e == null ? Double.NaN : e.value().score();
    }

    /** Adds a new member or changes the score of an existing one (old = its current score, NaN when new). */
    public void put(byte[] b, int off, int len, double score, double old, TypeLimits lim) {
        if (lp != null && Double.isNaN(old) && (size() + 1 > lim.zsetEntries || len > lim.zsetValue
                || !lp.safeToAdd(len))) {
            toSkiplist(size() + 1);
        }
        if (lp != null) {
            if (!Double.isNaN(old)) {
                lp.deleteRangeAt(lpFind(b, off, len), 2);
            }
            lpInsert(b, off, len, score);
            return;
        }
        if (Double.isNaN(old)) {
            byte[] m = Arrays.copyOfRange(b, off, off + len);
            dict.put(m, zsl.insert(score, m));
        } else {
            DictEntry<ZSkipList.Node> e = dict.find(b, off, len);
            ZSkipList.Node n = e.value();
            e.setValue(zsl.updateScore(n.score(), n.member(), score));
        }
    }

    private void lpInsert(byte[] b, int off, int len, double score) {
        byte[] sb = text();
        // a listpack keeps no negative zero: Redis's integer fast path prints -0.0 as "0"
        int slen = Numbers.d2string(score == 0 ? 0.0 : score, sb, 0);
        for (int p = lp.first(); p >= 0; ) {
            int q = lp.next(p);
            double s = lpScore(lp, q);
            if (s > score || s == score && compare(p, b, off, len) > 0) {
                int at = lp.insertBefore(p, b, off, len);
                lp.insertAfter(at, sb, 0, slen);
                return;
            }
            p = lp.next(q);
        }
        lp.append(b, off, len);
        lp.append(sb, 0, slen);
    }

    /**
     * Scratch for the listpack encoding's inserts: a score's text at {@code [0, INT_TEXT)}, an integer member's at
     * {@code [INT_TEXT, ...)}; made once per value (the entry views reuse their values), never per command.
     */
    private byte[] text() {
        if (text == null) {
            text = new byte[INT_TEXT + Numbers.MAX_LONG_CHARS];
        }
        return text;
    }

    /** memcmp of the listpack entry at p (as text) with b[off, off+len). */
    private int compare(int p, byte[] b, int off, int len) {
        byte[] a;
        int ao;
        int al;
        if (lp.isInteger(p)) {
            a = text();
            ao = INT_TEXT;
            al = Numbers.ll2string(lp.getLong(p), a, INT_TEXT);
        } else {
            a = lp.array();
            ao = lp.stringOffset(p);
            al = lp.stringLength(p);
        }
        return Arrays.compareUnsigned(a, ao, ao + al, b, off, off + len);
    }

    boolean remove(byte[] b, int off, int len) {
        if (lp != null) {
            int p = lpFind(b, off, len);
            if (p < 0) {
                return false;
            }
            lp.deleteRangeAt(p, 2);
            return true;
        }
        DictEntry<ZSkipList.Node> e = dict.unlink(b, off, len);
        if (e == null) {
            return false;
        }
        zsl.delete(e.value().score(), e.value().member());
        dict.resizeIfNeeded();
        return true;
    }

    /** The 0-based rank of the member in ascending order, or -1. */
    long rank(byte[] b, int off, int len) {
        if (lp != null) {
            long r = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p)), r++) {
                if (lp.contentEquals(p, b, off, len)) {
                    return r;
                }
            }
            return -1;
        }
        DictEntry<ZSkipList.Node> e = dict.find(b, off, len);
        return e == null ? -1 : zsl.rank(e.value());
    }

    /** Ascending ranks {first, last} of the elements in the score range, or null when none. */
    long[] scoreRanks(ScoreRange r) {
        if (lp != null) {
            long first = -1;
            long last = -1;
            long i = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p)), i++) {
                if (r.contains(lpScore(lp, lp.next(p)))) {
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                }
            }
            return first < 0 ? null : new long[] {first, last};
        }
        ZSkipList.Node a = zsl.firstInRange(r);
        if (a == null) {
            return null;
        }
        return new long[] {zsl.rank(a), zsl.rank(zsl.lastInRange(r))};
    }

    /**
     * The elements Redis visits for a lex range, as ascending ranks {lo, hi}, or null when none: the first element
     * in range (forward) or the last one (reverse), then offset elements skipped without looking at them, then
     * elements while they are &lt;= max (forward) or &gt;= min (reverse). Lex ranges assume equal scores; with mixed
     * scores this walk is what makes the result match Redis's.
     */
    long[] lexWalk(LexRange r, boolean reverse, long offset) {
        if (offset < 0) {
            return null;
        }
        long size = size();
        if (lp != null) {
            if (size == 0 || r.isEmpty()) {
                return null;
            }
            byte[][] ms = new byte[(int) size][];
            int i = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                ms[i++] = lp.getBytes(p);
            }
            if (!r.gteMin(ms[ms.length - 1]) || !r.lteMax(ms[0])) {
                return null; // zzlIsInLexRange
            }
            if (!reverse) {
                int a = 0;
                while (a < ms.length && !r.gteMin(ms[a])) {
                    a++;
                }
                if (a == ms.length || !r.lteMax(ms[a])) {
                    return null;
                }
                long s0 = a + offset;
                if (s0 >= ms.length || !r.lteMax(ms[(int) s0])) {
                    return null;
                }
                int b = (int) s0;
                while (b + 1 < ms.length && r.lteMax(ms[b + 1])) {
                    b++;
                }
                return new long[] {s0, b};
            }
            int b = ms.length - 1;
            while (b >= 0 && !r.lteMax(ms[b])) {
                b--;
            }
            if (b < 0 || !r.gteMin(ms[b])) {
                return null;
            }
            long s0 = b - offset;
            if (s0 < 0 || !r.gteMin(ms[(int) s0])) {
                return null;
            }
            int a = (int) s0;
            while (a - 1 >= 0 && r.gteMin(ms[a - 1])) {
                a--;
            }
            return new long[] {a, s0};
        }
        ZSkipList.Node x = reverse ? zsl.lastInLexRange(r) : zsl.firstInLexRange(r);
        for (long k = 0; x != null && k < offset; k++) {
            x = reverse ? x.previous() : x.next();
        }
        if (x == null || (reverse ? !r.gteMin(x.member()) : !r.lteMax(x.member()))) {
            return null;
        }
        long at = zsl.rank(x);
        long other = at;
        if (!reverse) {
            for (x = x.next(); x != null && r.lteMax(x.member()); x = x.next()) {
                other++;
            }
            return new long[] {at, other};
        }
        for (x = x.previous(); x != null && r.gteMin(x.member()); x = x.previous()) {
            other--;
        }
        return new long[] {other, at};
    }

    /** ZREMRANGEBYLEX as Redis walks it; returns the removed members. */
    java.util.List<byte[]> removeLex(LexRange r) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        if (lp != null) {
            long[] w = lexWalk(r, false, 0);
            if (w != null) {
                range(w[0], w[1], false, (m, s) -> out.add(m));
                for (byte[] m : out) {
                    remove(m, 0, m.length);
                }
            }
            return out;
        }
        zsl.deleteRangeByLex(r, n -> {
            out.add(n.member());
            dict.unlink(n.member());
        });
        dict.resizeIfNeeded();
        return out;
    }

    /** ZLEXCOUNT as Redis computes it (a forward walk for listpack, rank arithmetic for skiplist). */
    long lexCount(LexRange r) {
        if (lp != null) {
            long[] w = lexWalk(r, false, 0);
            return w == null ? 0 : w[1] - w[0] + 1;
        }
        ZSkipList.Node first = zsl.firstInLexRange(r);
        if (first == null) {
            return 0;
        }
        long len = zsl.size();
        long count = len - zsl.rank(first);
        ZSkipList.Node last = zsl.lastInLexRange(r);
        if (last != null) {
            count -= len - 1 - zsl.rank(last);
        }
        return count;
    }

    /**
     * Visits the elements with ascending ranks start..end (inclusive, valid), in ascending order, or in
     * descending order from end down to start when reverse.
     */
    public void range(long start, long end, boolean reverse, Visitor v) {
        if (lp != null) {
            int n = (int) (end - start + 1);
            byte[][] ms = new byte[n][];
            double[] ss = new double[n];
            int i = 0;
            int k = 0;
            for (int p = lp.first(); p >= 0 && i <= end; p = lp.next(lp.next(p)), i++) {
                if (i >= start) {
                    ms[k] = lp.getBytes(p);
                    ss[k++] = lpScore(lp, lp.next(p));
                }
            }
            for (int j = 0; j < n; j++) {
                int x = reverse ? n - 1 - j : j;
                v.visit(ms[x], ss[x]);
            }
            return;
        }
        long size = zsl.size();
        if (reverse) {
            zsl.rangeByRank(size - 1 - end, size - 1 - start, true, node -> v.visit(node.member(), node.score()));
        } else {
            zsl.rangeByRank(start, end, false, node -> v.visit(node.member(), node.score()));
        }
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
