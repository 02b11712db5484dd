package io.cinnabar.quicklist;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.lzf.Lzf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Redis's quicklist: a doubly linked list of nodes, each a listpack of several elements (or, for an element at
 * least {@link #packedThreshold()} bytes long, a plain node holding just that element), with the inner nodes
 * LZF-compressed. It is the encoding of large Redis lists.
 *
 * <h2>Layout</h2>
 * <pre>
 *  head                                                                    tail
 *  [lp: a b c] &lt;-&gt; [lp: d e f]  &lt;-&gt; [LZF(lp: g h i)] &lt;-&gt; [PLAIN: j] &lt;-&gt; [lp: k l]
 *  \___ compress depth 2: raw ___/      inner: compressed       \__ depth 2: raw __/
 * </pre>
 * See {@link QuicklistNode} for one node. The list keeps the element count and the node count.
 *
 * <h2>Fill</h2>
 * {@code fill} ({@code list-max-listpack-size}) bounds each listpack node, as Redis 7.2 does:
 * <ul>
 *   <li>{@code fill} &lt; 0: the node's bytes may not exceed 4, 8, 16, 32 or 64 KiB for -1..-5;</li>
 *   <li>{@code fill} &gt;= 0: at most {@code fill} elements (0 counts as 1), and at most
 *       {@link #SIZE_SAFETY_LIMIT} bytes.</li>
 * </ul>
 * An insertion estimates the new size as node bytes + element length + {@link #SIZE_ESTIMATE_OVERHEAD}; a merge
 * of two nodes as the sum of their bytes minus 7 (one header and terminator). An element whose length is at
 * least {@link #packedThreshold()} (default 1 GiB, {@code quicklist-packed-threshold}) goes to a plain node.
 *
 * <h2>Compression</h2>
 * With {@code compress} depth {@code d} &gt; 0, the {@code d} nodes at each end stay raw; a node beyond them is
 * stored LZF-compressed when it is at least {@link #MIN_COMPRESS_BYTES} long and compression saves at least
 * {@link #MIN_COMPRESS_IMPROVE} bytes. A node is decompressed to be read (into a temporary copy: its stored form
 * does not change) or updated (then compressed again), and every structural change re-applies the rule to the
 * node it touched and to the two nodes just inside the raw ends, as Redis's {@code __quicklistCompress} does,
 * so the nodes that are compressed are those Redis would compress after the same operations.
 *
 * <h2>Node boundaries</h2>
 * Pushes, inserts (with node splits and the neighbour merges that follow a split), replaces, pops and range
 * deletes follow Redis 7.2's {@code quicklist.c} step for step, so that the same commands give the same nodes
 * and an RDB writer emits the same bytes as Redis. Redis does not merge nodes after deletions; set
 * {@link #setMergeOnDelete(boolean)} to merge the nodes around a deletion when they fit together (more compact,
 * but node boundaries then differ from Redis's).
 *
 * <h2>Costs</h2>
 * With {@code N} elements in {@code M} nodes of at most {@code B} bytes:
 * push and pop at either end: O(B) at worst (one listpack insert or delete at its end moves no entries, so in
 * practice O(1) amortized plus the growth of the listpack's array); index access, insert and replace by
 * index: O(M) node hops from the nearer end plus O(B) inside the node (plus an O(B) decompression and
 * recompression if the node is compressed); range delete of {@code k} elements: O(M + k) plus O(B) per touched
 * node; iteration: O(1) per element plus one decompression per compressed node; applying the compression rule
 * after a structural change: O(d) node hops plus at most three node compressions.
 *
 * <h2>Iterators</h2>
 * {@link #iterator(boolean)} walks in one direction and survives {@link QuicklistIterator#remove()} of the
 * current element (Redis's {@code quicklistDelEntry}); any other change of the list invalidates it.
 *
 * <p><b>Note:</b> This class is not threadsafe. It is single-threaded by design: one thread owns the data.
 */
public final class Quicklist {
    /** Byte bound of a listpack node when {@code fill} counts elements (Redis's {@code SIZE_SAFETY_LIMIT}). */
    public static final int SIZE_SAFETY_LIMIT = 8192;
    /** Over-estimate of an entry's overhead when checking whether it fits ({@code SIZE_ESTIMATE_OVERHEAD}). */
    public static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** Nodes smaller than this are never compressed ({@code MIN_COMPRESS_BYTES}). */
    public static final int MIN_COMPRESS_BYTES = 48;
    /** Compression must save at least this many bytes to be kept ({@code MIN_COMPRESS_IMPROVE}). */
    public static final int MIN_COMPRESS_IMPROVE = 8;
    /** Default of {@code quicklist-packed-threshold}: 1 GiB. */
    public static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;
    /** Largest {@code fill} (Redis's {@code FILL_MAX} with 16 fill bits). */
    public static final int FILL_MAX = (1 << 15) - 1;
    /** Largest compress depth (Redis's {@code COMPRESS_MAX} with 16 bits). */
    public static final int COMPRESS_MAX = (1 << 16) - 1;
    /** Redis's default {@code list-max-listpack-size}. */
    public static final int DEFAULT_FILL = -2;
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    /** Bytes of a listpack header and terminator, which a merge saves once. */
    private static final int LP_HEADER_AND_EOF = 7;

    private final int fill;
    private final int compress;
    private long packedThreshold = DEFAULT_PACKED_THRESHOLD;
    private boolean mergeOnDelete;

    QuicklistNode head;
    QuicklistNode tail;
    private long count;
    private int len;
    /** Counts changes, for fail-fast iterators. */
    int modCount;
    /** A node an iterator decompressed to update it, compressed again before any other operation. */
    QuicklistNode pending;

    /**
     * What a merge's size estimate subtracts from the two nodes' bytes: 7 in Redis 7.2 (one listpack header and
     * terminator, exact); Redis 7.0 subtracted 11. Tests set 11 to compare with a 7.0 server.
     */
    int mergeEstimateSlack = LP_HEADER_AND_EOF;

    /** Result of {@link #locate(long)}. */
    private QuicklistNode locNode;
    private int locOffset;

    /** An empty list with Redis's defaults: fill -2 (8 KiB nodes), no compression. */
    public Quicklist() {
        this(DEFAULT_FILL, 0);
    }

    /**
     * An empty list.
     *
     * @param fill     {@code list-max-listpack-size}: clamped to -5..{@link #FILL_MAX} as Redis does
     * @param compress {@code list-compress-depth}: clamped to 0..{@link #COMPRESS_MAX}
     */
    public Quicklist(int fill, int compress) {
        this.fill = Math.max(-5, Math.min(FILL_MAX, fill));
        this.compress = Math.max(0, Math.min(COMPRESS_MAX, compress));
    }

    // ------------------------------------------------------------------------------------------------ settings

    /** The fill factor in force. */
    public int fill() {
        return fill;
    }

    /** The compress depth in force. */
    public int compressDepth() {
        return compress;
    }

    /** Elements at least this long go to plain nodes. */
    public long packedThreshold() {
        return packedThreshold;
    }

    /**
     * Sets {@code quicklist-packed-threshold} for later operations: 0 restores the default; values above
     * 4 GiB - 1 MiB are refused, as Redis refuses them.
     *
     * @return whether the value was accepted
     */
    public boolean setPackedThreshold(long threshold) {
        if (threshold < 0 || threshold > (1L << 32) - (1L << 20)) {
            return false;
        }
        packedThreshold = threshold == 0 ? DEFAULT_PACKED_THRESHOLD : threshold;
        return true;
    }

    /** Whether deletions merge the nodes around them when they fit (off by default, as in Redis). */
    public boolean mergeOnDelete() {
        return mergeOnDelete;
    }

    /** Turns merging of neighbour nodes after deletions on or off. */
    public void setMergeOnDelete(boolean merge) {
        mergeOnDelete = merge;
    }

    // ------------------------------------------------------------------------------------------------ sizes

    /** Number of elements. O(1). */
    public long count() {
        return count;
    }

    /** Whether the list has no elements. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Number of nodes. O(1). */
    public int nodeCount() {
        return len;
    }

    /** The head node (for RDB writing), or null when empty. */
    public QuicklistNode head() {
        flushPending();
        return head;
    }

    /** The tail node, or null when empty. */
    public QuicklistNode tail() {
        flushPending();
        return tail;
    }

    // ------------------------------------------------------------------------------------------------ limits

    private static int negFillLimit(int fill) {
        return OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)];
    }

    /**
     * The byte limit of a listpack node under {@code fill} (Redis's {@code quicklistNodeLimit}): 4..64 KiB for
     * negative fills, {@link Long#MAX_VALUE} when {@code fill} counts elements.
     */
    public static long nodeSizeLimit(int fill) {
        return fill < 0 ? negFillLimit(Math.max(fill, -5)) : Long.MAX_VALUE;
    }

    /** The element limit of a listpack node under {@code fill}: {@code fill} (at least 1), or unlimited when negative. */
    public static long nodeCountLimit(int fill) {
        return fill >= 0 ? Math.max(fill, 1) : Long.MAX_VALUE;
    }

    /**
     * Whether a listpack of {@code newSize} bytes and {@code newCount} elements breaks the limit {@code fill} sets
     * (Redis 7.2's {@code quicklistNodeExceedsLimit}, which also decides when a listpack-encoded list converts to a
     * quicklist): the size limit for negative fills; {@link #SIZE_SAFETY_LIMIT} and the count for others.
     */
    public static boolean nodeExceedsLimit(int fill, long newSize, long newCount) {
        if (fill < 0) {
            return newSize > nodeSizeLimit(fill);
        }
        return newSize > SIZE_SAFETY_LIMIT || newCount > nodeCountLimit(fill);
    }

    /** Whether a listpack node of {@code newSize} bytes and {@code newCount} elements breaks this list's fill. */
    boolean exceedsLimit(long newSize, long newCount) {
        return nodeExceedsLimit(fill, newSize, newCount);
    }

    private boolean isLarge(long size) {
        return size >= packedThreshold;
    }

    private boolean allowInsert(QuicklistNode n, int size) {
        if (n == null || n.isPlain || isLarge(size)) {
            return false;
        }
        return !exceedsLimit((long) n.sz + size + SIZE_ESTIMATE_OVERHEAD, n.count + 1L);
    }

    boolean allowMerge(QuicklistNode a, QuicklistNode b) {
        if (a == null || b == null || a.isPlain || b.isPlain) {
            return false;
        }
        return !exceedsLimit((long) a.sz + b.sz - mergeEstimateSlack, (long) a.count + b.count);
    }

    // ------------------------------------------------------------------------------------------------ compression

    /** Compresses a raw node unless exempt (Redis's {@code __quicklistCompressNode}). */
    private void compressNode(QuicklistNode n) {
        if (n == null || n.lzf != null || n.dontCompress) {
            return;
        }
        n.recompress = false;
        n.compress(MIN_COMPRESS_BYTES, MIN_COMPRESS_IMPROVE);
    }

    private static void decompressNode(QuicklistNode n) {
        if (n != null && n.lzf != null) {
            n.recompress = false;
            n.decompress();
        }
    }

    /** Decompresses a node to update it; it is compressed again when the update is done. */
    static void decompressForUse(QuicklistNode n) {
        if (n != null && n.lzf != null) {
            n.decompress();
            n.recompress = true;
        }
    }

    /** Redis's {@code quicklistCompress}: recompress a node decompressed for use, else apply the depth rule. */
    void compress(QuicklistNode n) {
        if (n.recompress) {
            compressNode(n);
        } else {
            compressWindow(n);
        }
    }

    private void recompressOnly(QuicklistNode n) {
        if (n.recompress) {
            compressNode(n);
        }
    }

    /**
     * Applies the depth rule around a change: decompress the {@code compress} nodes at each end, compress
     * {@code touched} if it lies beyond them, and compress the first node beyond them at each end. O(depth).
     */
    private void compressWindow(QuicklistNode touched) {
        if (len == 0 || compress == 0 || len < compress * 2L) {
            return;
        }
        QuicklistNode forward = head;
        QuicklistNode reverse = tail;
        boolean inDepth = false;
        for (int depth = 0; depth < compress; depth++) {
            decompressNode(forward);
            decompressNode(reverse);
            if (forward == touched || reverse == touched) {
                inDepth = true;
            }
            if (forward == reverse || forward.next == reverse) {
                return;
            }
            forward = forward.next;
            reverse = reverse.prev;
        }
        if (!inDepth) {
            compressNode(touched);
        }
        compressNode(forward);
        compressNode(reverse);
    }

    /** Compresses the node an iterator left decompressed, before anything else touches the list. */
    void flushPending() {
        QuicklistNode p = pending;
        if (p != null) {
            pending = null;
            if (p.recompress) {
                compress(p);
            }
        }
    }

    /** {@link #flushPending()} unless the pending node is {@code keep} (the caller's own node). */
    void flushPendingExcept(QuicklistNode keep) {
        if (pending != keep) {
            flushPending();
        }
    }

    // ------------------------------------------------------------------------------------------------ nodes

    /** Links {@code node} before or after {@code old} (null only when the list is empty). */
    private void insertNode(QuicklistNode old, QuicklistNode node, boolean after) {
        if (after) {
            node.prev = old;
            if (old != null) {
                node.next = old.next;
                if (old.next != null) {
                    old.next.prev = node;
                }
                old.next = node;
            }
            if (tail == old) {
                tail = node;
            }
        } else {
            node.next = old;
            if (old != null) {
                node.prev = old.prev;
                if (old.prev != null) {
                    old.prev.next = node;
                }
                old.prev = node;
            }
            if (head == old) {
                head = node;
            }
        }
        if (len == 0) {
            head = node;
            tail = node;
        }
        len++;
        if (old != null) {
            compress(old);
        }
        compress(node);
    }

    /** Unlinks {@code n} and subtracts its elements (Redis's {@code __quicklistDelNode}). */
    void delNode(QuicklistNode n) {
        if (n.next != null) {
            n.next.prev = n.prev;
        }
        if (n.prev != null) {
            n.prev.next = n.next;
        }
        if (n == tail) {
            tail = n.prev;
        }
        if (n == head) {
            head = n.next;
        }
        len--;
        count -= n.count;
        if (pending == n) {
            pending = null;
        }
        compressWindow(null);
    }

    /**
     * Deletes the entry at {@code p} of raw node {@code n}, or the whole node if plain or left empty.
     *
     * @return the offset of the entry that followed (now at {@code p}), -1 if none, -2 if the node is gone
     */
    int delIndex(QuicklistNode n, int p) {
        if (n.isPlain) {
            delNode(n);
            return -2;
        }
        int next = n.lp.delete(p);
        n.count--;
        count--;
        if (n.count == 0) {
            delNode(n);
            return -2;
        }
        n.sz = n.lp.bytes();
        return next;
    }

    private QuicklistNode packedNodeOf(byte[] s, int off, int len) {
        Listpack lp = new Listpack(Math.max(16, len + 16));
        lp.append(s, off, len);
        return new QuicklistNode(lp);
    }

    private void insertPlainNode(QuicklistNode old, byte[] s, int off, int len, boolean after) {
        insertNode(old, new QuicklistNode(Arrays.copyOfRange(s, off, off + len)), after);
        count++;
    }

    /** The node's listpack array is shrunk when the node stops being an end that grows. */
    private static void trim(QuicklistNode n) {
        if (n != null && n.lp != null) {
            n.lp.trimToSize();
        }
    }

    // ------------------------------------------------------------------------------------------------ push / pop

    /** Adds {@code s} at the head. */
    public void pushHead(byte[] s) {
        pushHead(s, 0, s.length);
    }

    /** Adds {@code s[off, off+len)} at the head (Redis's {@code quicklistPushHead}). */
    public void pushHead(byte[] s, int off, int len) {
        push(s, off, len, true);
    }

    /** Adds {@code s} at the tail. */
    public void pushTail(byte[] s) {
        pushTail(s, 0, s.length);
    }

    /** Adds {@code s[off, off+len)} at the tail (Redis's {@code quicklistPushTail}). */
    public void pushTail(byte[] s, int off, int len) {
        push(s, off, len, false);
    }

    private void push(byte[] s, int off, int len, boolean atHead) {
        Objects.checkFromIndexSize(off, len, s.length);
        flushPending();
        modCount++;
        QuicklistNode end = atHead ? head : tail;
        if (isLarge(len)) {
            insertPlainNode(end, s, off, len, !atHead);
            return;
        }
        if (allowInsert(end, len)) {
            if (atHead) {
                end.lp.prepend(s, off, len);
            } else {
                end.lp.append(s, off, len);
            }
            end.updateSize();
        } else {
            trim(end);
            insertNode(end, packedNodeOf(s, off, len), !atHead);
        }
        count++;
    }

    /** Removes and returns the head element, or null when empty. */
    public byte[] popHead() {
        return pop(true);
    }

    /** Removes and returns the tail element, or null when empty. */
    public byte[] popTail() {
        return pop(false);
    }

    /**
     * Removes the head or tail element and hands it to {@code sink} while its bytes are still in place, so a
     * caller that only writes it somewhere (a reply) copies nothing: Redis's {@code quicklistPop} without the copy.
     * The array given to the sink is valid only during the call.
     *
     * @return false when the list is empty (the sink is not called)
     */
    public boolean pop(boolean fromHead, ElementSink sink) {
        return popElement(fromHead, sink) != null;
    }

    /** Receives an element of the list without a copy (see {@link #pop(boolean, ElementSink)}). */
    public interface ElementSink {
        /** A string element: {@code length} bytes of {@code array} from {@code offset}, valid during the call. */
        void string(byte[] array, int offset, int length);

        /** An element stored as an integer. */
        void integer(long value);
    }

    private static final byte[] NO_COPY = new byte[0];

    private byte[] pop(boolean fromHead) {
        return popElement(fromHead, null);
    }

    /** Pops into sink, or returns a copy when sink is null; null when the list is empty. */
    private byte[] popElement(boolean fromHead, ElementSink sink) {
        flushPending();
        if (count == 0) {
            return null;
        }
        modCount++;
        QuicklistNode n = fromHead ? head : tail;
        decompressForUse(n);
        byte[] v = NO_COPY;
        if (n.isPlain) {
            if (sink == null) {
                v = n.plain;
            } else {
                sink.string(n.plain, 0, n.plain.length);
            }
            delNode(n);
        } else {
            int p = fromHead ? n.lp.first() : n.lp.last();
            if (sink == null) {
                v = n.lp.getBytes(p);
            } else if (n.lp.isInteger(p)) {
                sink.integer(n.lp.getLong(p));
            } else {
                sink.string(n.lp.array(), n.lp.stringOffset(p), n.lp.stringLength(p));
            }
            if (delIndex(n, p) != -2) {
                recompressOnly(n);
            }
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------ index

    /**
     * Finds element {@code idx} (0 = head, -1 = tail) from the nearer end; sets {@link #locNode} and
     * {@link #locOffset} (from the node's head). O(nodes).
     */
    boolean locate(long idx) {
        boolean forward = idx >= 0;
        long index = forward ? idx : -idx - 1;
        if (index >= count) {
            return false;
        }
        boolean seekForward = forward;
        long seekIndex = index;
        if (index > (count - 1) / 2) {
            seekForward = !forward;
            seekIndex = count - 1 - index;
        }
        QuicklistNode n = seekForward ? head : tail;
        long accum = 0;
        while (n != null && accum + n.count <= seekIndex) {
            accum += n.count;
            n = seekForward ? n.next : n.prev;
        }
        if (n == null) {
            return false;
        }
        int within = (int) (seekIndex - accum);
        locNode = n;
        locOffset = seekForward ? within : n.count - 1 - within;
        return true;
    }

    /**
     * The element at {@code index} (0 = head, negative from the tail: -1 = tail), or null when out of range
     * (Redis's {@code LINDEX}). O(nodes + node bytes).
     */
    public byte[] get(long index) {
        flushPending();
        if (!locate(index)) {
            return null;
        }
        QuicklistNode n = locNode;
        byte[] v;
        if (n.isPlain) {
            v = n.readablePlain().clone();
        } else {
            Listpack lp = n.readable();
            v = lp.getBytes(lp.seek(locOffset));
        }
        if (!n.isCompressed()) {
            compress(n); // Redis releases its iterator here, which applies the depth rule to the node
        }
        return v;
    }

    /**
     * Replaces the element at {@code index} (Redis's {@code quicklistReplaceAtIndex}).
     *
     * @return false if {@code index} is out of range
     */
    public boolean replace(long index, byte[] s) {
        flushPending();
        if (!locate(index)) {
            return false;
        }
        modCount++;
        QuicklistNode n = locNode;
        decompressForUse(n);
        replaceAt(n, locOffset, s, 0, s.length);
        return true;
    }

    /** Replaces element {@code offset} of node {@code n} (decompressed for use), as quicklistReplaceEntry. */
    void replaceAt(QuicklistNode n, int offset, byte[] s, int off, int len) {
        if (!n.isPlain && !isLarge(len)) {
            n.lp.replace(n.lp.seek(offset), s, off, len);
            n.updateSize();
            compress(n);
        } else if (n.isPlain) {
            if (isLarge(len)) {
                n.plain = Arrays.copyOfRange(s, off, off + len);
                n.sz = len;
                compress(n);
            } else {
                insertAt(n, 0, s, off, len, true);
                delNode(n);
            }
        } else {
            n.dontCompress = true;
            insertAt(n, offset, s, off, len, true);
            if (n.count == 1) {
                n.dontCompress = false;
                delNode(n);
            } else {
                delIndex(n, n.lp.last());
                n.dontCompress = false;
                compress(n);
                compress(n.next);
            }
        }
    }

    /**
     * Inserts {@code s} before the element at {@code index}.
     *
     * @return false if {@code index} is out of range
     */
    public boolean insertBefore(long index, byte[] s) {
        return insertAtIndex(index, s, false);
    }

    /**
     * Inserts {@code s} after the element at {@code index}.
     *
     * @return false if {@code index} is out of range
     */
    public boolean insertAfter(long index, byte[] s) {
        return insertAtIndex(index, s, true);
    }

    private boolean insertAtIndex(long index, byte[] s, boolean after) {
        flushPending();
        if (!locate(index)) {
            return false;
        }
        modCount++;
        QuicklistNode n = locNode;
        decompressForUse(n);
        insertAt(n, locOffset, s, 0, s.length, after);
        return true;
    }

    /**
     * Inserts next to element {@code offset} of node {@code n} (which the caller decompressed for use), as
     * Redis's {@code _quicklistInsert}: into the node if it has room; else into the neighbour at that end if
     * it has room; else into a new node at that end; else by splitting the node and merging around it.
     */
    void insertAt(QuicklistNode n, int offset, byte[] s, int off, int len, boolean after) {
        boolean full = !allowInsert(n, len);
        boolean atTail = after && offset == n.count - 1;
        boolean atHead = !after && offset == 0;
        boolean availNext = atTail && allowInsert(n.next, len);
        boolean availPrev = atHead && allowInsert(n.prev, len);
        if (isLarge(len)) {
            if (n.isPlain || atTail || atHead) {
                insertPlainNode(n, s, off, len, after);
            } else {
                decompressForUse(n);
                QuicklistNode rest = split(n, offset, after);
                QuicklistNode plain = new QuicklistNode(Arrays.copyOfRange(s, off, off + len));
                insertNode(n, plain, after);
                insertNode(plain, rest, after);
                count++;
            }
            return;
        }
        if (!full) {
            decompressForUse(n);
            int p = n.lp.seek(offset);
            if (after) {
                n.lp.insertAfter(p, s, off, len);
            } else {
                n.lp.insertBefore(p, s, off, len);
            }
            n.updateSize();
            recompressOnly(n);
        } else if (atTail && availNext) {
            QuicklistNode next = n.next;
            decompressForUse(next);
            next.lp.prepend(s, off, len);
            next.updateSize();
            recompressOnly(next);
            recompressOnly(n);
        } else if (atHead && availPrev) {
            QuicklistNode prev = n.prev;
            decompressForUse(prev);
            prev.lp.append(s, off, len);
            prev.updateSize();
            recompressOnly(prev);
            recompressOnly(n);
        } else if (atTail || atHead) {
            insertNode(n, packedNodeOf(s, off, len), after);
        } else {
            decompressForUse(n);
            QuicklistNode rest = split(n, offset, after);
            if (after) {
                rest.lp.prepend(s, off, len);
            } else {
                rest.lp.append(s, off, len);
            }
            rest.updateSize();
            insertNode(n, rest, after);
            mergeNodes(n);
        }
        count++;
    }

    /**
     * Splits raw packed node {@code n} at {@code offset} (Redis's {@code _quicklistSplitNode}): with
     * {@code after}, {@code n} keeps [0, offset] and the new node gets the rest; without, the new node gets
     * [0, offset) and {@code n} keeps the rest. The new node is not linked. O(node bytes).
     */
    private QuicklistNode split(QuicklistNode n, int offset, boolean after) {
        Listpack copy = Listpack.adopt(n.lp.toByteArray(), false);
        if (after) {
            n.lp.deleteRange(offset + 1, Long.MAX_VALUE);
            copy.deleteRange(0, offset + 1L);
        } else {
            n.lp.deleteRange(0, offset);
            copy.deleteRange(offset, Long.MAX_VALUE);
        }
        n.lp.trimToSize();
        n.updateSize();
        return new QuicklistNode(copy);
    }

    /**
     * After a split: merge the two nodes before {@code center}, the two after it, then {@code center} with its
     * neighbours, whenever the pair fits the fill limit (Redis's {@code _quicklistMergeNodes}).
     */
    private void mergeNodes(QuicklistNode center) {
        QuicklistNode prev = center.prev;
        QuicklistNode prevPrev = prev == null ? null : prev.prev;
        QuicklistNode next = center.next;
        QuicklistNode nextNext = next == null ? null : next.next;
        if (allowMerge(prev, prevPrev)) {
            merge(prevPrev, prev);
        }
        if (allowMerge(next, nextNext)) {
            merge(next, nextNext);
        }
        QuicklistNode target = center;
        if (allowMerge(center, center.prev)) {
            target = merge(center.prev, center);
        }
        if (allowMerge(target, target.next)) {
            merge(target, target.next);
        }
    }

    /** Appends {@code b}'s elements to {@code a} and unlinks {@code b} (Redis's {@code lpMerge}); returns a. */
    QuicklistNode merge(QuicklistNode a, QuicklistNode b) {
        decompressNode(a);
        decompressNode(b);
        a.lp.appendAll(b.lp);
        a.lp.trimToSize();
        a.updateSize();
        b.count = 0;
        delNode(b);
        compress(a);
        return a;
    }

    /**
     * With {@link #setMergeOnDelete(boolean)}: merges {@code n} with its previous and then its next node when
     * they fit. Returns the node now holding {@code n}'s elements.
     */
    QuicklistNode mergeAround(QuicklistNode n) {
        QuicklistNode t = n;
        if (allowMerge(t.prev, t)) {
            t = merge(t.prev, t);
        }
        if (allowMerge(t, t.next)) {
            merge(t, t.next);
        }
        return t;
    }

    /**
     * Deletes {@code n} elements from {@code start} on (negative from the tail), fewer if the list ends first
     * (Redis's {@code quicklistDelRange}). O(nodes + n) plus O(node bytes) for the two partly deleted nodes.
     *
     * @return whether anything was deleted
     */
    public boolean deleteRange(long start, long n) {
        flushPending();
        if (n <= 0) {
            return false;
        }
        long extent = n;
        if (start >= 0 && extent > count - start) {
            extent = count - start;
        } else if (start < 0 && extent > -start) {
            extent = -start;
        }
        if (!locate(start)) {
            return false;
        }
        modCount++;
        QuicklistNode node = locNode;
        int offset = locOffset;
        if (!node.isCompressed()) {
            compress(node); // Redis releases the iterator that located the start before deleting
        }
        QuicklistNode before = node.prev;
        while (extent > 0) {
            QuicklistNode next = node.next;
            long del = Math.min(extent, node.count - offset);
            if ((offset == 0 && extent >= node.count) || node.isPlain) {
                delNode(node);
            } else {
                decompressForUse(node);
                node.lp.deleteRange(offset, del);
                node.lp.trimToSize();
                node.updateSize();
                count -= del;
                if (node.count == 0) {
                    delNode(node);
                } else {
                    recompressOnly(node);
                }
            }
            extent -= del;
            node = next;
            offset = 0;
        }
        if (mergeOnDelete) {
            QuicklistNode c = before != null ? before.next : head;
            if (c != null) {
                mergeAround(c);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ iterate

    /** An iterator from the head (forward) or from the tail (backward). */
    public QuicklistIterator iterator(boolean fromHead) {
        flushPending();
        return new QuicklistIterator(this, fromHead, fromHead ? head : tail,
            fromHead || tail == null ? 0 : tail.count - 1);
    }

    /**
     * An iterator whose first element is the one at {@code index}, walking toward the tail ({@code forward})
     * or the head (Redis's {@code quicklistGetIteratorAtIdx}); it returns nothing if {@code index} is out of
     * range.
     */
    public QuicklistIterator iterator(long index, boolean forward) {
        flushPending();
        if (!locate(index)) {
            return new QuicklistIterator(this, forward, null, 0);
        }
        return new QuicklistIterator(this, forward, locNode, locOffset);
    }

    /** Every element, head to tail, as new arrays. O(N). */
    public List<byte[]> toList() {
        List<byte[]> out = new ArrayList<>((int) Math.min(count, Integer.MAX_VALUE - 8));
        try (QuicklistIterator it = iterator(true)) {
            while (it.next()) {
                out.add(it.value());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ adopt

    /**
     * Appends {@code lp} as a new tail node as it is, without merging (Redis's {@code quicklistAppendListpack},
     * for RDB loading). The list takes the listpack: the caller must not use it afterwards. Validate untrusted
     * bytes first ({@link Listpack#adopt(byte[], boolean)}).
     *
     * @throws IllegalArgumentException if the listpack is empty
     */
    public void appendListpack(Listpack lp) {
        if (lp.count() == 0) {
            throw new IllegalArgumentException("empty listpack node");
        }
        flushPending();
        modCount++;
        QuicklistNode n = new QuicklistNode(lp);
        insertNode(tail, n, true);
        count += n.count;
    }

    /** Appends {@code element} as a new plain tail node (Redis's {@code quicklistAppendPlainNode}); takes the array. */
    public void appendPlain(byte[] element) {
        flushPending();
        modCount++;
        insertNode(tail, new QuicklistNode(element), true);
        count++;
    }

    /**
     * A copy with the same settings and the same nodes, compressed nodes copied compressed (Redis's
     * {@code quicklistDup}, for COPY). O(total bytes).
     */
    public Quicklist copy() {
        flushPending();
        Quicklist c = new Quicklist(fill, compress);
        c.packedThreshold = packedThreshold;
        c.mergeOnDelete = mergeOnDelete;
        c.mergeEstimateSlack = mergeEstimateSlack;
        QuicklistNode last = null;
        for (QuicklistNode n = head; n != null; n = n.next) {
            QuicklistNode d = n.copy();
            d.prev = last;
            if (last == null) {
                c.head = d;
            } else {
                last.next = d;
            }
            last = d;
        }
        c.tail = last;
        c.len = len;
        c.count = count;
        return c;
    }

    // ------------------------------------------------------------------------------------------------ memory

    /**
     * Estimated heap bytes of the list (64-bit HotSpot, compressed references): the list object, 48 per node,
     * and per raw listpack 24 for its object plus its array (16-byte header plus capacity, rounded to 8); per
     * plain or compressed node its array. O(nodes).
     */
    public long estimatedBytes() {
        long bytes = 48;
        for (QuicklistNode n = head; n != null; n = n.next) {
            bytes += 48;
            if (n.lzf != null) {
                bytes += align(16 + n.lzf.length);
            } else if (n.isPlain) {
                bytes += align(16 + n.plain.length);
            } else {
                bytes += 24 + align(16 + n.lp.array().length);
            }
        }
        return bytes;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    // ------------------------------------------------------------------------------------------------ checks

    /**
     * Checks links, counts and sizes of every node, that no node is empty, that a plain node holds one element,
     * and that no node within the compress depth of either end is compressed.
     *
     * @throws IllegalStateException naming the first problem
     */
    public void verify() {
        long elements = 0;
        int nodes = 0;
        QuicklistNode prev = null;
        for (QuicklistNode n = head; n != null; n = n.next) {
            check(n.prev == prev, "broken prev link");
            check(n.count > 0, "empty node");
            if (n.lzf != null) {
                check(n.lp == null && n.plain == null, "compressed node keeps raw bytes");
                check(Lzf.decompress(n.lzf, 0, n.lzf.length, n.sz).length == n.sz, "bad compressed size");
            } else if (n.isPlain) {
                check(n.plain != null && n.plain.length == n.sz, "plain size");
            } else {
                check(n.lp.bytes() == n.sz && n.lp.count() == n.count, "listpack size or count");
            }
            check(!n.isPlain || n.count == 1, "plain node with several elements");
            elements += n.count;
            nodes++;
            prev = n;
        }
        check(prev == tail, "tail");
        check(elements == count && nodes == len, "counts");
        int depth = 0;
        for (QuicklistNode f = head, r = tail; f != null && depth < compress; f = f.next, r = r.prev, depth++) {
            check(f.lzf == null && r.lzf == null, "compressed node within the compress depth");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Quicklist[count=").append(count).append(", nodes=");
        for (QuicklistNode n = head; n != null; n = n.next) {
            sb.append(n).append(n.next != null ? " " : "");
        }
        return sb.append(']').toString();
    }
}
