package io.cinnabar.rax;

import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;

/**
 * An ordered cursor over a {@link Rax}: seek with one of Redis's operators, then walk forward with
 * {@link #next()} or backward with {@link #prev()}, in any mix.
 *
 * <pre>
 * RaxIterator&lt;V&gt; it = rax.iterator();
 * it.seek(RaxSeek.GE, startId);
 * while (it.next() &amp;&amp; it.compareKey(endId) &lt;= 0) {
 *     use(it.key(), it.value());
 * }
 * </pre>
 *
 * <h2>State</h2>
 * The iterator keeps the path from the root to the current node (the nodes, the child index taken at each,
 * and the key length at each) and the current key in a growable buffer. As in Redis, a seek positions the
 * iterator on the element found without consuming it: the first {@link #next()} <em>or</em> {@link #prev()}
 * after a seek returns that element; later calls move. Once a move finds no element, the iterator is at its
 * end and every move returns false until the next seek.
 *
 * <h2>Costs</h2>
 * A seek is O(k) for a key of length {@code k} (one walk down, plus at most one walk up and one walk down).
 * A step is amortized O(1) node visits over a full scan (each edge is walked down once and up once) and
 * O(depth) at worst; each node visit is O(1) (the child index is remembered, never searched). No allocation
 * happens on a step except to grow the key buffer or path the first time a longer key is met.
 *
 * <h2>Modification</h2>
 * Adding or removing keys through the tree invalidates the iterator: the next move throws
 * {@link ConcurrentModificationException} until the iterator is seeked again (streams re-seek to the last key
 * they saw). Replacing the value of an existing key, through the tree or {@link #setValue}, is not a
 * modification. {@link #remove()} removes the current key and re-seeks by itself.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 *
 * @param <V> value type
 */
public final class RaxIterator<V> {
    private static final int UNSEEKED = 0;
    private static final int SEEKED = 1;
    private static final int ON_ELEMENT = 2;
    private static final int AT_END = 3;

    private final Rax<V> rax;
    private int expectedModCount;
    private int state = UNSEEKED;
    /** Direction of the last move: true forward. */
    private boolean forward = true;

    /** stack[0] is the root; stack[depth] the current node. */
    private Node[] stack = new Node[16];
    /** idx[d] is the child index taken at stack[d] to reach stack[d + 1]. */
    private int[] idx = new int[16];
    /** pos[d] is the key length at stack[d], that is the length of the path to it. */
    private int[] pos = new int[16];
    private int depth;
    private byte[] key = new byte[32];
    private int keyLen;

    RaxIterator(Rax<V> rax) {
        this.rax = rax;
    }

    // ------------------------------------------------------------------------------------------------ seek

    /** Seeks with a Redis operator string ({@code ^ $ = > >= < <=}); see {@link #seek(RaxSeek, byte[])}. */
    public boolean seek(String op, byte[] key) {
        return seek(RaxSeek.of(op), key, 0, key == null ? 0 : key.length);
    }

    /** Seeks to the element {@code op} names relative to {@code key}; see {@link #seek(RaxSeek, byte[], int, int)}. */
    public boolean seek(RaxSeek op, byte[] key) {
        return seek(op, key, 0, key == null ? 0 : key.length);
    }

    /** Seeks to the smallest key. */
    public boolean seekFirst() {
        return seek(RaxSeek.FIRST, null, 0, 0);
    }

    /** Seeks to the greatest key. */
    public boolean seekLast() {
        return seek(RaxSeek.LAST, null, 0, 0);
    }

    /**
     * Positions the iterator on the element {@code op} names relative to {@code k[off, off+len)} (ignored, and
     * may be null, for {@link RaxSeek#FIRST} and {@link RaxSeek#LAST}). The next {@link #next()} or
     * {@link #prev()} returns that element.
     *
     * @return true if there is such an element, false if the iterator is at its end
     */
    public boolean seek(RaxSeek op, byte[] k, int off, int len) {
        if (op != RaxSeek.FIRST && op != RaxSeek.LAST) {
            java.util.Objects.checkFromIndexSize(off, len, k.length);
        }
        expectedModCount = rax.modCount;
        depth = 0;
        stack[0] = rax.root();
        pos[0] = 0;
        keyLen = 0;
        boolean found = switch (op) {
            case FIRST -> descendFirst();
            case LAST -> descendLast();
            default -> seekKey(op, k, off, len);
        };
        state = found ? SEEKED : AT_END;
        return found;
    }

    /** How the walk down for a seek ended, relative to the sought key. */
    private static final int AT = 0;
    /** Stopped inside a compressed run whose child subtree is greater than the key. */
    private static final int CHILD_GREATER = 1;
    /** Stopped inside a compressed run whose child subtree is less than the key. */
    private static final int CHILD_LESS = 2;
    /** Stopped at a branch node without an edge for the next key byte. */
    private static final int BRANCH_MISS = 3;

    /**
     * Walks down along the key as far as the tree goes, then finds the element from where the walk stopped. In
     * every case the node where it stopped (if not exactly at the key) is a proper prefix of the key, hence less.
     */
    private boolean seekKey(RaxSeek op, byte[] k, int off, int len) {
        int i = 0;
        int outcome;
        int insertion = 0;
        while (true) {
            Node n = stack[depth];
            if (i == len) {
                outcome = AT;
                break;
            }
            if (n.isCompressed()) {
                byte[] d = n.data;
                int run = d.length - 1;
                int max = Math.min(run, len - i);
                int j = 0;
                while (j < max && d[j + 1] == k[off + i + j]) {
                    j++;
                }
                if (j == run) {
                    push(0);
                    i += run;
                    continue;
                }
                outcome = i + j == len || (d[j + 1] & 0xff) > (k[off + i + j] & 0xff) ? CHILD_GREATER : CHILD_LESS;
                break;
            }
            int c = k[off + i] & 0xff;
            int at = n.find(c);
            if (at >= 0) {
                push(at);
                i++;
                continue;
            }
            insertion = -at - 1;
            outcome = BRANCH_MISS;
            break;
        }
        Node n = stack[depth];
        return switch (op) {
            case EQ -> outcome == AT && n.isKey();
            case GE, GT -> seekGreater(op == RaxSeek.GE, outcome, insertion, n);
            default -> seekLess(op == RaxSeek.LE, outcome, insertion, n);
        };
    }

    private boolean seekGreater(boolean orEqual, int outcome, int insertion, Node n) {
        switch (outcome) {
            case AT:
                if (n.isKey()) {
                    return orEqual || stepNext();
                }
                return descendFirst();
            case CHILD_GREATER:
                push(0);
                return descendFirst();
            case CHILD_LESS:
                return ascendNext();
            default:
                if (insertion < n.size()) {
                    push(insertion);
                    return descendFirst();
                }
                return ascendNext();
        }
    }

    private boolean seekLess(boolean orEqual, int outcome, int insertion, Node n) {
        switch (outcome) {
            case AT:
                return n.isKey() && orEqual || ascendPrev();
            case CHILD_GREATER:
                return n.isKey() || ascendPrev();
            case CHILD_LESS:
                push(0);
                return descendLast();
            default:
                if (insertion > 0) {
                    push(insertion - 1);
                    return descendLast();
                }
                return n.isKey() || ascendPrev();
        }
    }

    // ------------------------------------------------------------------------------------------------ moves

    /**
     * Moves to the next key in ascending order (or, right after a seek, onto the element found).
     *
     * @return true if positioned on an element, false at the end
     * @throws ConcurrentModificationException if keys were added or removed since the last seek
     */
    public boolean next() {
        return move(true);
    }

    /**
     * Moves to the previous key in ascending order (or, right after a seek, onto the element found).
     *
     * @return true if positioned on an element, false at the end
     * @throws ConcurrentModificationException if keys were added or removed since the last seek
     */
    public boolean prev() {
        return move(false);
    }

    private boolean move(boolean fwd) {
        if (state == UNSEEKED) {
            throw new IllegalStateException("seek first");
        }
        if (state == AT_END) {
            return false;
        }
        if (expectedModCount != rax.modCount) {
            throw new ConcurrentModificationException("the rax changed: seek again");
        }
        forward = fwd;
        if (state == SEEKED) {
            state = ON_ELEMENT;
            return true;
        }
        boolean found = fwd ? stepNext() : ascendPrev();
        if (!found) {
            state = AT_END;
        }
        return found;
    }

    /** True when positioned on an element (a move or seek found one and no move has run off the end). */
    public boolean valid() {
        return state == SEEKED || state == ON_ELEMENT;
    }

    /** From the current key node: its first child's first key, or the next subtree's first key. */
    private boolean stepNext() {
        if (stack[depth].childCount() > 0) {
            push(0);
            return descendFirst();
        }
        return ascendNext();
    }

    /** From the current node: the first key at or below it. */
    private boolean descendFirst() {
        while (true) {
            Node n = stack[depth];
            if (n.isKey()) {
                return true;
            }
            if (n.childCount() == 0) {
                return false;
            }
            push(0);
        }
    }

    /** From the current node: the last key at or below it (the deepest rightmost node, always a key). */
    private boolean descendLast() {
        while (true) {
            Node n = stack[depth];
            int k = n.childCount();
            if (k == 0) {
                return n.isKey();
            }
            push(k - 1);
        }
    }

    /** Leaves the current subtree upward to the first key of the next sibling subtree. */
    private boolean ascendNext() {
        while (depth > 0) {
            pop();
            Node p = stack[depth];
            int next = idx[depth] + 1;
            if (next < p.childCount()) {
                push(next);
                return descendFirst();
            }
        }
        return false;
    }

    /** Leaves the current subtree upward to the last key before it: a previous sibling's last key, or an ancestor. */
    private boolean ascendPrev() {
        while (depth > 0) {
            pop();
            Node p = stack[depth];
            int prev = idx[depth] - 1;
            if (prev >= 0) {
                push(prev);
                return descendLast();
            }
            if (p.isKey()) {
                return true;
            }
        }
        return false;
    }

    /** Descends from the current node to its child {@code i}, appending the edge bytes to the key. */
    private void push(int i) {
        Node n = stack[depth];
        if (depth + 1 == stack.length) {
            int cap = stack.length * 2;
            stack = Arrays.copyOf(stack, cap);
            idx = Arrays.copyOf(idx, cap);
            pos = Arrays.copyOf(pos, cap);
        }
        byte[] d = n.data;
        if (n.isCompressed()) {
            int run = d.length - 1;
            ensureKey(keyLen + run);
            System.arraycopy(d, 1, key, keyLen, run);
            keyLen += run;
        } else {
            ensureKey(keyLen + 1);
            key[keyLen++] = d[i + 1];
        }
        idx[depth] = i;
        depth++;
        stack[depth] = n.child(i);
        pos[depth] = keyLen;
    }

    private void pop() {
        stack[depth] = null;
        depth--;
        keyLen = pos[depth];
    }

    private void ensureKey(int need) {
        if (need > key.length) {
            key = Arrays.copyOf(key, Math.max(need, key.length * 2));
        }
    }

    // ------------------------------------------------------------------------------------------------ element

    private void checkElement() {
        if (!valid()) {
            throw new NoSuchElementException("not positioned on an element");
        }
    }

    /** A copy of the current key. */
    public byte[] key() {
        checkElement();
        return Arrays.copyOf(key, keyLen);
    }

    /** Length of the current key. */
    public int keyLength() {
        checkElement();
        return keyLen;
    }

    /** Copies the current key into {@code dst} at {@code off} (no allocation); returns its length. */
    public int copyKey(byte[] dst, int off) {
        checkElement();
        System.arraycopy(key, 0, dst, off, keyLen);
        return keyLen;
    }

    /** Compares the current key with {@code other}, unsigned lexicographically (Redis's raxCompare). */
    public int compareKey(byte[] other) {
        return compareKey(other, 0, other.length);
    }

    /** Compares the current key with {@code other[off, off+len)}, unsigned lexicographically. */
    public int compareKey(byte[] other, int off, int len) {
        checkElement();
        return Arrays.compareUnsigned(key, 0, keyLen, other, off, off + len);
    }

    /** The value of the current key. */
    @SuppressWarnings("unchecked")
    public V value() {
        checkElement();
        return (V) stack[depth].value;
    }

    /** Replaces the value of the current key; the iterator stays valid. O(1). */
    public void setValue(V value) {
        checkElement();
        stack[depth].value = value;
    }

    /**
     * Removes the current key from the tree and re-seeks just past it in the direction of the last move, so
     * that the next move in that direction returns the neighbour. Cost: one removal and one seek, O(k).
     */
    public void remove() {
        checkElement();
        if (expectedModCount != rax.modCount) {
            throw new ConcurrentModificationException("the rax changed: seek again");
        }
        byte[] k = Arrays.copyOf(key, keyLen);
        rax.remove(k);
        seek(forward ? RaxSeek.GT : RaxSeek.LT, k);
    }
}
