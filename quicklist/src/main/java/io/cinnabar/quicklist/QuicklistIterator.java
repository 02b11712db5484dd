package io.cinnabar.quicklist;

import io.cinnabar.listpack.Listpack;

import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;

/**
 * A one-direction cursor over a {@link Quicklist} (Redis's {@code quicklistIter}).
 *
 * <pre>
 * try (QuicklistIterator it = list.iterator(true)) {
 *     while (it.next()) {
 *         if (it.valueEquals(victim)) {
 *             it.remove();          // LREM: the walk goes on with the following element
 *         }
 *     }
 * }
 * </pre>
 *
 * <h2>State</h2>
 * The current node, the index of the current element in it, and the offset of that element's entry in the
 * node's listpack (so a step is one listpack hop, O(1)). A compressed node is read from a temporary
 * decompressed copy, made once per node; its stored form does not change unless the iterator updates it.
 *
 * <h2>Changes</h2>
 * {@link #remove()} deletes the current element and the walk continues with the next one in the iterator's
 * direction (Redis's {@code quicklistDelEntry}). {@link #insertBefore}, {@link #insertAfter} and
 * {@link #replace} make one change and end the iteration, as Redis resets its iterator after them. Any change
 * made through the list itself makes the next call throw {@link ConcurrentModificationException}. A node the
 * iterator decompressed to update it is compressed again when the iterator leaves it, at {@link #close()}, or
 * before the list's next operation, whichever comes first. Like Redis's iterator, leaving a raw node (and
 * closing) applies the compression depth rule to it, so walking a list can compress an inner node that an
 * earlier in-place update made compressible: the stored nodes then match Redis's after the same commands.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class QuicklistIterator implements AutoCloseable {
    private final Quicklist ql;
    private final boolean forward;
    private int expectedModCount;

    private QuicklistNode node;
    /** Index in {@link #node} of the element the next call of {@link #next()} returns. */
    private int nextIdx;
    /** Index of the current element, valid while {@link #onElement}. */
    private int curIdx;
    private boolean onElement;
    private boolean ended;

    /** Readable listpack of a packed node (the node's own or a decompressed copy); null until loaded. */
    private Listpack view;
    /** Readable element of a plain node. */
    private byte[] plainView;
    /** Offset in {@link #view} of the entry of element {@link #pIdx}, or -1. */
    private int p = -1;
    private int pIdx = -1;

    QuicklistIterator(Quicklist ql, boolean forward, QuicklistNode start, int offset) {
        this.ql = ql;
        this.forward = forward;
        this.expectedModCount = ql.modCount;
        this.node = start;
        this.nextIdx = offset;
        this.ended = start == null;
    }

    /** Whether this iterator walks from head to tail. */
    public boolean isForward() {
        return forward;
    }

    /**
     * Moves to the next element in the iterator's direction.
     *
     * @return false when there is none (then the iteration has ended)
     * @throws ConcurrentModificationException if the list was changed other than through this iterator
     */
    public boolean next() {
        checkMod();
        onElement = false;
        if (ended) {
            return false;
        }
        while (node != null) {
            if (nextIdx >= 0 && nextIdx < node.count) {
                position(nextIdx);
                curIdx = nextIdx;
                nextIdx += forward ? 1 : -1;
                onElement = true;
                return true;
            }
            leaveNode();
            node = forward ? node.next : node.prev;
            if (node != null) {
                nextIdx = forward ? 0 : node.count - 1;
            }
        }
        ended = true;
        return false;
    }

    /** Loads the node's readable form if needed and points {@link #p} at element {@code idx}. */
    private void position(int idx) {
        if (node.isPlain) {
            if (plainView == null) {
                plainView = node.readablePlain();
            }
            return;
        }
        if (view == null) {
            view = node.readable();
            p = -1;
        }
        if (p >= 0 && pIdx == idx) {
            return;
        }
        if (p >= 0 && pIdx == idx - 1) {
            p = view.next(p);
        } else if (p >= 0 && pIdx == idx + 1) {
            p = view.prev(p);
        } else {
            p = view.seek(idx);
        }
        pIdx = idx;
    }

    /**
     * Drops the node's readable form and, as Redis's iterator does when it leaves a node, applies the compression
     * rule to it: a node this iterator decompressed is compressed again, a raw node gets the depth rule.
     */
    private void leaveNode() {
        QuicklistNode n = node;
        if (n != null && !n.isCompressed()) {
            if (ql.pending == n) {
                ql.pending = null;
            }
            ql.compress(n);
        }
        view = null;
        plainView = null;
        p = -1;
        pIdx = -1;
    }

    private void checkMod() {
        if (expectedModCount != ql.modCount) {
            throw new ConcurrentModificationException("the quicklist changed");
        }
    }

    private void checkElement() {
        checkMod();
        if (!onElement) {
            throw new NoSuchElementException("not on an element");
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** A copy of the current element (the decimal text of an integer entry). */
    public byte[] value() {
        checkElement();
        return node.isPlain ? plainView.clone() : view.getBytes(p);
    }

    /**
     * The array holding the current string element, without a copy (for writing it to a reply): valid until the
     * iterator moves or the list changes; read {@link #valueLength()} bytes from {@link #valueOffset()}.
     *
     * @throws IllegalStateException if the element is stored as an integer (see {@link #isInteger()})
     */
    public byte[] valueArray() {
        checkString();
        return node.isPlain ? plainView : view.array();
    }

    /** Where the current string element starts in {@link #valueArray()}. */
    public int valueOffset() {
        checkString();
        return node.isPlain ? 0 : view.stringOffset(p);
    }

    /** The length of the current string element in {@link #valueArray()}. */
    public int valueLength() {
        checkString();
        return node.isPlain ? plainView.length : view.stringLength(p);
    }

    private void checkString() {
        checkElement();
        if (!node.isPlain && view.isInteger(p)) {
            throw new IllegalStateException("integer element");
        }
    }

    /** Whether the current element is stored as an integer (never for a plain node). */
    public boolean isInteger() {
        checkElement();
        return !node.isPlain && view.isInteger(p);
    }

    /**
     * The integer value of the current element.
     *
     * @throws IllegalStateException if it is stored as a string
     */
    public long longValue() {
        checkElement();
        if (node.isPlain) {
            throw new IllegalStateException("plain element");
        }
        return view.getLong(p);
    }

    /** Whether the current element reads as {@code s} (Redis's {@code quicklistCompare}). */
    public boolean valueEquals(byte[] s) {
        checkElement();
        if (node.isPlain) {
            return Arrays.equals(plainView, s);
        }
        return view.contentEquals(p, s, 0, s.length);
    }

    /** Whether the current element sits in a plain node. */
    public boolean inPlainNode() {
        checkElement();
        return node.isPlain;
    }

    // ------------------------------------------------------------------------------------------------ changes

    /** Makes the current node raw for an update; {@link #p} stays valid because the bytes are the same. */
    private void takeForUpdate() {
        if (node.isCompressed()) {
            Quicklist.decompressForUse(node);
            ql.pending = node;
        }
        if (!node.isPlain) {
            view = node.lp;
        } else {
            plainView = node.plain;
        }
    }

    /**
     * Deletes the current element; the next {@link #next()} returns the element that followed it in this
     * iterator's direction. O(node bytes).
     */
    public void remove() {
        checkElement();
        ql.flushPendingExcept(node);
        takeForUpdate();
        QuicklistNode n = node;
        QuicklistNode before = n.prev;
        QuicklistNode after = n.next;
        int oldP = p;
        int np = ql.delIndex(n, p);
        ql.modCount++;
        expectedModCount = ql.modCount;
        onElement = false;
        if (np == -2) {
            view = null;
            plainView = null;
            p = -1;
            pIdx = -1;
            node = forward ? after : before;
            nextIdx = node == null ? 0 : forward ? 0 : node.count - 1;
            if (ql.mergeOnDelete() && before != null && after != null) {
                mergeAfterNodeRemoval(before, after);
            }
        } else {
            if (forward) {
                nextIdx = curIdx;
                p = np;
                pIdx = np < 0 ? -1 : curIdx;
            } else {
                nextIdx = curIdx - 1;
                p = curIdx > 0 ? view.prev(oldP) : -1;
                pIdx = curIdx > 0 ? curIdx - 1 : -1;
            }
            if (ql.mergeOnDelete() && (ql.allowMerge(n.prev, n) || ql.allowMerge(n, n.next))) {
                mergeAround(n);
            }
        }
        ended = node == null;
        expectedModCount = ql.modCount;
    }

    /** With merge-on-delete: the node that held the element vanished; merge its two former neighbours. */
    private void mergeAfterNodeRemoval(QuicklistNode before, QuicklistNode after) {
        int beforeCount = before.count;
        if (ql.allowMerge(before, after)) {
            leaveNode();
            ql.merge(before, after);
            if (node == after) {
                nextIdx += beforeCount;
            }
            node = before;
        }
    }

    /** With merge-on-delete: merge the current node with its neighbours and re-point at the same element. */
    private void mergeAround(QuicklistNode n) {
        QuicklistNode prev = n.prev;
        int shift = prev == null ? 0 : prev.count;
        leaveNode();
        QuicklistNode kept = ql.mergeAround(n);
        if (kept != n) {
            nextIdx += shift;
        }
        node = kept;
    }

    /** Inserts {@code s} before the current element and ends the iteration. */
    public void insertBefore(byte[] s) {
        change(s, false, false);
    }

    /** Inserts {@code s} after the current element and ends the iteration. */
    public void insertAfter(byte[] s) {
        change(s, true, false);
    }

    /** Replaces the current element with {@code s} and ends the iteration (Redis's {@code quicklistReplaceEntry}). */
    public void replace(byte[] s) {
        change(s, false, true);
    }

    private void change(byte[] s, boolean after, boolean replace) {
        checkElement();
        ql.flushPendingExcept(node);
        QuicklistNode n = node;
        if (ql.pending == n) {
            ql.pending = null;
        }
        Quicklist.decompressForUse(n);
        if (replace) {
            ql.replaceAt(n, curIdx, s, 0, s.length);
        } else {
            ql.insertAt(n, curIdx, s, 0, s.length, after);
        }
        ql.modCount++;
        expectedModCount = ql.modCount;
        end();
    }

    private void end() {
        view = null;
        plainView = null;
        p = -1;
        node = null;
        onElement = false;
        ended = true;
    }

    /** Ends the iteration; compresses again the node this iterator decompressed, if any. */
    @Override
    public void close() {
        if (!ended && expectedModCount == ql.modCount) {
            leaveNode();
        }
        end();
    }
}
