package io.cinnabar.server.internal.type.list;

import io.cinnabar.quicklist.Quicklist.ElementSink;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.CompactValue;
import io.cinnabar.server.internal.type.ListpackBlobValue;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.keyspace.RedisSizes;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.quicklist.Quicklist;
import io.cinnabar.quicklist.QuicklistIterator;
import io.cinnabar.quicklist.QuicklistNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A list value in one of Redis 7.2's two encodings.
 * <pre>
 *   listpack   the elements in order, while the listpack stays within list-max-listpack-size
 *   quicklist  a Quicklist of listpack nodes (fill = list-max-listpack-size, compress = list-compress-depth)
 * </pre>
 * Conversions follow Redis 7.2's {@code listTypeTryConversionRaw}: before a list grows, a listpack whose bytes plus
 * the bytes of the new elements (or whose count plus new count, for a positive fill) would exceed the node limit
 * becomes a quicklist holding it as its first node; after a list shrinks, a quicklist with a single packed node of
 * at most half the size limit (and half the count limit) becomes a listpack again, adopting the node's bytes.
 * Listpack operations are O(N) bytes; quicklist operations O(nodes + node bytes).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ListValue extends ListpackBlobValue {
    /** Redis's optimization_level: node byte limits for fill -1..-5. */
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};
    private static final int SAFETY_LIMIT = 8192;

    public Quicklist ql;

    public ListValue() {
        lp = new Listpack();
    }

    // ---- the listpack encoding is the off-heap blob (ListpackBlobValue); freeEffort of a quicklist: its nodes

    @Override
    protected String kind() {
        return "a list";
    }

    @Override
    protected void dropBigEncoding() {
        ql = null;
    }

    @Override
    protected String bigEncodingName() {
        return "quicklist";
    }

    @Override
    protected long bigFreeEffort() {
        return ql.nodeCount();
    }

    @Override
    public CompactValue newValue() {
        return new ListValue();
    }

    @Override
    public TypedValue copy() {
        ListValue v = new ListValue();
        if (lp != null) {
            v.lp = lp.copy();
        } else {
            v.lp = null;
            v.ql = new Quicklist(ql.fill(), ql.compressDepth());
            for (byte[] e : ql.toList()) {
                v.ql.pushTail(e);
            }
        }
        return v;
    }

    /**
     * objectComputeSize: a listpack is its allocation; a quicklist samples its first nodes (each a quicklistNode
     * and its listpack, plain element or LZF block) and scales their average to all nodes. O(samples).
     */
    @Override
    public long memoryUsage(long samples) {
        if (lp != null) {
            return RedisSizes.ROBJ + RedisSizes.mallocSize(lp.bytes());
        }
        long sampled = 0;
        long n = 0;
        QuicklistNode node = ql.head();
        do {
            sampled += RedisSizes.QUICKLIST_NODE + nodeAllocation(node);
            n++;
            node = node.next();
        } while (node != null && n < samples);
        return RedisSizes.ROBJ + RedisSizes.QUICKLIST + RedisSizes.scaled(sampled, n, ql.nodeCount());
    }

    /** zmalloc_size of a node's entry: the quicklistLZF (4-byte length + block) or the listpack/plain bytes. */
    private static long nodeAllocation(QuicklistNode node) {
        if (node.isCompressed()) {
            return RedisSizes.mallocSize(4L + node.compressedBytes().length);
        }
        return RedisSizes.mallocSize(node.size());
    }

    public long size() {
        return lp != null ? lp.count() : ql.count();
    }

    /** quicklistNodeExceedsLimit for a node of newBytes bytes and newCount elements. */
    static boolean exceedsLimit(int fill, long newBytes, long newCount) {
        if (fill < 0) {
            int level = Math.min(-fill - 1, SIZE_LEVELS.length - 1);
            return newBytes > SIZE_LEVELS[level];
        }
        if (newBytes > SAFETY_LIMIT) {
            return true;
        }
        return newCount > (fill == 0 ? 1 : fill);
    }

    /** Converts a listpack to a quicklist if adding count elements of addBytes bytes would exceed the limit. */
    public void growing(long addBytes, long addCount, TypeLimits lim) {
        if (ql != null && ql.packedThreshold() != lim.listPackedThreshold) {
            // DEBUG QUICKLIST-PACKED-THRESHOLD changed it: Redis's threshold is one global
            ql.setPackedThreshold(lim.listPackedThreshold);
        }
        if (lp == null || !exceedsLimit(lim.listSize, (long) lp.bytes() + addBytes, lp.count() + addCount)) {
            return;
        }
        Quicklist q = new Quicklist(lim.listSize, lim.listCompressDepth);
        q.setPackedThreshold(lim.listPackedThreshold);
        if (lp.count() > 0) {
            q.appendListpack(lp);
        }
        ql = q;
        lp = null;
    }

    /** Converts a single-node quicklist back to a listpack when it is at most half the limits. */
    public void shrinking(TypeLimits lim) {
        if (ql == null || ql.nodeCount() != 1) {
            return;
        }
        QuicklistNode n = ql.head();
        if (n.isPlain()) {
            return;
        }
        long szLimit;
        long countLimit;
        int fill = lim.listSize;
        if (fill < 0) {
            szLimit = SIZE_LEVELS[Math.min(-fill - 1, SIZE_LEVELS.length - 1)];
            countLimit = 0xFFFFFFFFL;
        } else {
            szLimit = Long.MAX_VALUE;
            countLimit = fill == 0 ? 1 : fill;
        }
        szLimit /= 2;
        countLimit /= 2;
        if (n.size() > szLimit || ql.count() > countLimit) {
            return;
        }
        lp = Listpack.adopt(n.rawBytes());
        ql = null;
    }

    public void push(byte[] b, int off, int len, boolean head) {
        if (lp != null) {
            if (head) {
                lp.prepend(b, off, len);
            } else {
                lp.append(b, off, len);
            }
        } else if (head) {
            ql.pushHead(b, off, len);
        } else {
            ql.pushTail(b, off, len);
        }
    }

    /** Pops the head or tail element (the list is not empty), handing it to out in place, copying nothing. */
    void pop(boolean head, ElementSink out) {
        if (lp != null) {
            Listpack l = lp;
            int p = head ? l.first() : l.last();
            if (l.isInteger(p)) {
                out.integer(l.getLong(p));
            } else {
                out.string(l.array(), l.stringOffset(p), l.stringLength(p));
            }
            l.delete(p);
        } else {
            ql.pop(head, out);
        }
    }

    byte[] pop(boolean head) {
        if (lp != null) {
            int p = head ? lp.first() : lp.last();
            byte[] v = lp.getBytes(p);
            lp.delete(p);
            return v;
        }
        return head ? ql.popHead() : ql.popTail();
    }

    /** The element at index (negative from the tail), or null. */
    byte[] get(long index) {
        if (lp != null) {
            if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
                return null;
            }
            int p = lp.seek((int) index);
            return p < 0 ? null : lp.getBytes(p);
        }
        return ql.get(index);
    }

    boolean set(long index, byte[] v) {
        if (lp != null) {
            if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
                return false;
            }
            int p = lp.seek((int) index);
            if (p < 0) {
                return false;
            }
            lp.replace(p, v, 0, v.length);
            return true;
        }
        return ql.replace(index, v);
    }

    /** Inserts v before or after the element at index (0 &lt;= index &lt; size). */
    void insert(long index, boolean after, byte[] v) {
        if (lp != null) {
            int p = lp.seek((int) index);
            if (after) {
                lp.insertAfter(p, v, 0, v.length);
            } else {
                lp.insertBefore(p, v, 0, v.length);
            }
        } else if (after) {
            ql.insertAfter(index, v);
        } else {
            ql.insertBefore(index, v);
        }
    }

    /** Deletes n elements from index start (non-negative). */
    void deleteRange(long start, long n) {
        if (n <= 0) {
            return;
        }
        if (lp != null) {
            lp.deleteRange((int) start, n);
        } else {
            ql.deleteRange(start, n);
        }
    }

    /** The elements with indexes start..end (valid, inclusive). */
    public List<byte[]> range(long start, long end) {
        List<byte[]> out = new ArrayList<>((int) Math.min(end - start + 1, 1 << 16));
        if (lp != null) {
            int p = lp.seek((int) start);
            for (long i = start; i <= end && p >= 0; i++, p = lp.next(p)) {
                out.add(lp.getBytes(p));
            }
            return out;
        }
        try (QuicklistIterator it = ql.iterator(start, true)) {
            for (long i = start; i <= end && it.next(); i++) {
                out.add(it.value());
            }
        }
        return out;
    }

    /**
     * Hands the elements start..end (valid indexes, start &lt;= end) to out in order, straight from the listpack
     * or quicklist bytes: LRANGE allocates nothing per element (integer entries are handed as longs).
     */
    void range(long start, long end, ElementSink out) {
        if (lp != null) {
            Listpack l = lp;
            int p = l.seek((int) start);
            for (long i = start; i <= end && p >= 0; i++, p = l.next(p)) {
                if (l.isInteger(p)) {
                    out.integer(l.getLong(p));
                } else {
                    out.string(l.array(), l.stringOffset(p), l.stringLength(p));
                }
            }
            return;
        }
        try (QuicklistIterator it = ql.iterator(start, true)) {
            for (long i = start; i <= end && it.next(); i++) {
                if (it.isInteger()) {
                    out.integer(it.longValue());
                } else {
                    out.string(it.valueArray(), it.valueOffset(), it.valueLength());
                }
            }
        }
    }

    /** Every element, head to tail. */
    public List<byte[]> all() {
        long n = size();
        return n == 0 ? new ArrayList<>() : range(0, n - 1);
    }
}
