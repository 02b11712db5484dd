package io.cinnabar.rax;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A radix tree over byte strings with compressed nodes, ordered by unsigned lexicographic comparison of the
 * keys (the order of {@link Arrays#compareUnsigned(byte[], byte[])}): Redis's rax, the index of stream entries,
 * consumer groups, pending entries lists and consumers.
 *
 * <h2>Layout</h2>
 * Every node stands for the position reached by the bytes on the path from the root. A node is either a
 * <em>branch</em> node with zero or more one-byte edges, sorted, each to its own child, or a <em>compressed</em>
 * node with a run of two or more bytes leading to one child. Any node can be a key (its position is a key of
 * the tree) and then carries a value, which may be null. Keys "foo", "foobar" and "footer":
 * <pre>
 *            (f o o)            compressed, not a key
 *               |
 *          [t   b] "foo"        branch of two edges, key "foo"
 *          /     \
 *  "foot" (e r)  (a r) "foob"   compressed
 *          |       |
 *   "footer" []   [] "foobar"   leaves, keys
 * </pre>
 * See {@link Node} for the bytes of one node: one object, one {@code byte[]} holding a flags byte and the edge
 * bytes, and one child array (a branch) or one child reference (a compressed node).
 *
 * <h2>Invariants (the canonical form)</h2>
 * <ol>
 *   <li>The edges of a branch node are strictly ascending (unsigned).</li>
 *   <li>A compressed node holds at least 2 bytes; a single-byte path is a branch node of one edge.</li>
 *   <li>Every node without edges, except the root, is a key.</li>
 *   <li>A node with exactly one child never has a child that is not a key and has exactly one child: such
 *       chains are merged into one compressed node (starting at any node, key or not, and absorbing the
 *       following non-key single-child nodes).</li>
 * </ol>
 * Insertion and removal (which re-compresses the chain around the removed key, as Redis's {@code raxRemove}
 * does) keep all four, so the shape of the tree depends only on the set of keys, never on the history of
 * insertions and removals. Redis's own removal stops re-compressing at a key node; this one also merges into a
 * key node, so it is never less compact than Redis.
 *
 * <h2>Costs</h2>
 * With {@code k} the key length and {@code w} the widest branch on the path (at most 256):
 * {@link #find}, {@link #contains}: O(k) byte comparisons plus O(log w) per branch;
 * {@link #insert}, {@link #tryInsert}, {@link #put}: the same, plus O(w) to copy the one branch node that
 * gains an edge, or O(run length) to split one compressed node;
 * {@link #remove}: the same walk plus O(w) to drop an edge and O(merged length) to re-compress;
 * {@link #size()}: O(1); {@link #nodeCount()}: O(nodes) once after the key set changed, then O(1);
 * {@link #estimatedBytes()}: O(nodes).
 * Iteration: see {@link RaxIterator}. No operation recurses, so deep trees (long keys) cannot overflow the
 * stack.
 *
 * <h2>Memory</h2>
 * On 64-bit HotSpot with compressed references (12-byte object headers, 8-byte alignment): a leaf is 24
 * bytes; a branch node of {@code w} edges is {@code 24 + align(16 + 1 + w) + align(16 + 4w)}; a compressed node of
 * {@code n} bytes is {@code 24 + align(17 + n)}. {@link #estimatedBytes()} adds this up. Keys themselves are not
 * stored apart from the edge bytes. 1 M stream IDs (16-byte big-endian ms and seq, sequential ms) take about
 * 57 bytes per key, against 72 for a {@code TreeMap<byte[], V>} (see the module README).
 *
 * <p><b>Note:</b> This class is not threadsafe. It is single-threaded by design: one thread owns the data.
 *
 * @param <V> value type; values may be null
 */
public final class Rax<V> {
    private Node root = new Node(Node.EMPTY_NON_KEY, null, null);
    private long size;
    /** Nodes, the root included, kept as inserts split and removals merge them (Redis's numnodes). */
    private long nodes = 1;
    /** Counts structural changes (a key added or removed), for fail-fast iterators. */
    int modCount;

    /** Ancestors of the node being removed, reused across calls. */
    private Node[] path = new Node[16];
    /** Child index taken at each ancestor on {@link #path}. */
    private int[] pathIdx = new int[16];
    /** The value a key had before the last {@link #put}, {@link #tryInsert} or {@link #remove}. */
    private Object previous;

    /** Creates an empty tree. */
    public Rax() {
    }

    /** Number of keys. O(1). */
    public long size() {
        return size;
    }

    /** True when there are no keys. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Removes every key. O(1); the old nodes become garbage. */
    public void clear() {
        root = new Node(Node.EMPTY_NON_KEY, null, null);
        size = 0;
        nodes = 1;
        modCount++;
    }

    Node root() {
        return root;
    }

    // ------------------------------------------------------------------------------------------------ insert

    /**
     * Inserts {@code key} with {@code value}, replacing the value if the key exists (Redis's raxInsert).
     *
     * @return true if the key was added, false if it existed and its value was replaced
     */
    public boolean insert(byte[] key, V value) {
        return insert(key, 0, key.length, value, true);
    }

    /**
     * Inserts {@code key} with {@code value} only if the key does not exist (Redis's raxTryInsert).
     *
     * @return true if the key was added, false if it existed (its value is left as it was)
     */
    public boolean tryInsert(byte[] key, V value) {
        return insert(key, 0, key.length, value, false);
    }

    /**
     * Inserts or replaces, like {@link java.util.Map#put}.
     *
     * @return the previous value, or null if the key was absent (or had a null value)
     */
    @SuppressWarnings("unchecked")
    public V put(byte[] key, V value) {
        return insert(key, 0, key.length, value, true) ? null : (V) previous;
    }

    /**
     * Inserts the key {@code key[off, off+len)}.
     *
     * @param overwrite replace the value of an existing key (true) or leave it (false)
     * @return true if the key was added
     */
    public boolean insert(byte[] key, int off, int len, V value, boolean overwrite) {
        java.util.Objects.checkFromIndexSize(off, len, key.length);
        Node n = root;
        int i = 0;
        while (true) {
            if (i == len) {
                break;
            }
            if (n.isCompressed()) {
                byte[] d = n.data;
                int run = d.length - 1;
                int max = Math.min(run, len - i);
                int j = 0;
                while (j < max && d[j + 1] == key[off + i + j]) {
                    j++;
                }
                if (j < run) {
                    nodes += splitCompressed(n, j, key, off + i, len - i, value);
                    return added();
                }
                i += run;
                n = (Node) n.link;
                continue;
            }
            if (n.data.length == 1) {
                n.setRun(key, off + i, len - i, Node.leaf(value));
                nodes++;
                return added();
            }
            int c = key[off + i] & 0xff;
            int idx = n.find(c);
            if (idx < 0) {
                n.addEdge(-idx - 1, c, tail(key, off + i + 1, len - i - 1, value));
                nodes += len - i - 1 == 0 ? 1 : 2;
                return added();
            }
            n = ((Node[]) n.link)[idx];
            i++;
        }
        if (n.isKey()) {
            previous = n.value;
            if (overwrite) {
                n.value = value;
            }
            return false;
        }
        n.setKey(true, value);
        return added();
    }

    private boolean added() {
        size++;
        modCount++;
        return true;
    }

    /**
     * A new node chain for the rest of a key {@code key[off, off+len)}, ending in a leaf holding {@code value}: one
     * node when {@code len == 0}, else two.
     */
    private static Node tail(byte[] key, int off, int len, Object value) {
        Node leaf = Node.leaf(value);
        if (len == 0) {
            return leaf;
        }
        Node t = new Node(Node.EMPTY_NON_KEY, null, null);
        t.setRun(key, off, len, leaf);
        return t;
    }

    /**
     * Splits compressed node {@code n} whose run matched the remaining key {@code rest[off, off+len)} for only
     * {@code j} bytes. Either the key ends inside the run (then a key node is put at position {@code j}), or it
     * differs at {@code j} (then a branch of two edges is put there: the old run's rest and the key's rest).
     *
     * @return the number of nodes added
     */
    private static int splitCompressed(Node n, int j, byte[] rest, int off, int len, Object value) {
        byte[] d = n.data;
        int run = d.length - 1;
        Node child = (Node) n.link;
        if (j == len) {
            // the key ends inside the run: prefix [0, j) -> key node [j, run) -> old child
            Node k = new Node(Node.EMPTY_KEY, null, value);
            k.setRun(d, 1 + j, run - j, child);
            n.setRun(d, 1, j, k);
            return 1;
        }
        // mismatch at j: prefix [0, j) -> branch {d[j] -> postfix [j+1, run), key[j] -> tail of the key}
        Node post = child;
        if (run - j - 1 > 0) {
            post = new Node(Node.EMPTY_NON_KEY, null, null);
            post.setRun(d, 2 + j, run - j - 1, child);
        }
        Node t = tail(rest, off + j + 1, len - j - 1, value);
        int c1 = d[1 + j] & 0xff;
        int c2 = rest[off + j] & 0xff;
        Node b = j == 0 ? n : new Node(null, null, null);
        byte flags = j == 0 ? (byte) (d[0] & Node.KEY) : 0;
        b.data = c1 < c2 ? new byte[] {flags, (byte) c1, (byte) c2} : new byte[] {flags, (byte) c2, (byte) c1};
        b.link = c1 < c2 ? new Node[] {post, t} : new Node[] {t, post};
        if (j > 0) {
            n.setRun(d, 1, j, b);
        }
        return (post != child ? 1 : 0) + (len - j - 1 == 0 ? 1 : 2) + (j > 0 ? 1 : 0);
    }

    // ------------------------------------------------------------------------------------------------ lookup

    /** The value of {@code key}, or null if absent (or the value is null: see {@link #contains}). */
    public V find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** The value of the key {@code key[off, off+len)}, or null. */
    @SuppressWarnings("unchecked")
    public V find(byte[] key, int off, int len) {
        Node n = lookup(key, off, len);
        return n != null && n.isKey() ? (V) n.value : null;
    }

    /** True if {@code key} is a key (whatever its value). */
    public boolean contains(byte[] key) {
        Node n = lookup(key, 0, key.length);
        return n != null && n.isKey();
    }

    /** The node whose position is exactly the key, key or not; null if the path leaves the tree or ends mid-run. */
    private Node lookup(byte[] key, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, key.length);
        Node n = root;
        int i = 0;
        while (i < len) {
            if (n.isCompressed()) {
                byte[] d = n.data;
                int run = d.length - 1;
                if (len - i < run || !Arrays.equals(d, 1, run + 1, key, off + i, off + i + run)) {
                    return null;
                }
                i += run;
                n = (Node) n.link;
            } else {
                int idx = n.find(key[off + i] & 0xff);
                if (idx < 0) {
                    return null;
                }
                n = ((Node[]) n.link)[idx];
                i++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------ remove

    /**
     * Removes {@code key} and re-compresses the nodes around it (Redis's raxRemove).
     *
     * @return true if the key existed
     */
    public boolean remove(byte[] key) {
        return remove(key, 0, key.length);
    }

    /** Removes {@code key} and returns its value, or null if it was absent (or its value was null). */
    @SuppressWarnings("unchecked")
    public V removeValue(byte[] key) {
        return remove(key, 0, key.length) ? (V) previous : null;
    }

    /**
     * Removes the key {@code key[off, off+len)}.
     *
     * <p>Algorithm: walk down, recording the ancestors. Unmark the node. Then, by the number of its children:
     * two or more: done. One: re-compress the chain through it. None: delete it together with the chain of
     * non-key single-child ancestors that only led to it, drop the edge from the first ancestor that stays
     * (a key, or a node with other children), and re-compress that ancestor if one child is left.
     *
     * @return true if the key existed
     */
    public boolean remove(byte[] key, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, key.length);
        Node n = root;
        int depth = 0;
        int i = 0;
        while (i < len) {
            int idx;
            Node next;
            if (n.isCompressed()) {
                byte[] d = n.data;
                int run = d.length - 1;
                if (len - i < run || !Arrays.equals(d, 1, run + 1, key, off + i, off + i + run)) {
                    return false;
                }
                idx = 0;
                next = (Node) n.link;
                i += run;
            } else {
                idx = n.find(key[off + i] & 0xff);
                if (idx < 0) {
                    return false;
                }
                next = ((Node[]) n.link)[idx];
                i++;
            }
            push(depth++, n, idx);
            n = next;
        }
        if (!n.isKey()) {
            return false;
        }
        previous = n.value;
        n.setKey(false, null);
        size--;
        modCount++;
        int kids = n.childCount();
        if (kids == 1) {
            recompress(n, depth);
        } else if (kids == 0) {
            removeLeaf(depth);
        }
        Arrays.fill(path, 0, depth, null);
        return true;
    }

    private void push(int depth, Node n, int idx) {
        if (depth == path.length) {
            path = Arrays.copyOf(path, depth * 2);
            pathIdx = Arrays.copyOf(pathIdx, depth * 2);
        }
        path[depth] = n;
        pathIdx[depth] = idx;
    }

    /** Deletes the (now unmarked) leaf at {@code depth} and the non-key single-child chain above it. */
    private void removeLeaf(int depth) {
        int leafDepth = depth;
        while (depth > 0) {
            Node p = path[depth - 1];
            if (p.isKey() || p.childCount() != 1) {
                break;
            }
            depth--;
        }
        if (depth == 0) {
            root.makeLeaf(); // every node but the root goes
            nodes = 1;
            return;
        }
        nodes -= leafDepth - depth + 1; // the leaf and path[depth, leafDepth)
        Node p = path[depth - 1];
        if (p.isCompressed()) {
            p.makeLeaf();
            return;
        }
        p.removeEdge(pathIdx[depth - 1]);
        if (p.childCount() == 1) {
            recompress(p, depth - 1);
        }
    }

    /**
     * Merges the chain through {@code x} (which has exactly one child; {@code path[0, depth)} are its ancestors)
     * into one compressed node: go up while the node is not a key and its parent has one child, then absorb
     * following nodes while they are not keys and have one child. Cost O(total run length).
     */
    private void recompress(Node x, int depth) {
        Node start = x;
        while (!start.isKey() && depth > 0 && path[depth - 1].childCount() == 1) {
            start = path[--depth];
        }
        int total = start.size();
        int nodes = 1;
        Node end = start.child(0);
        while (!end.isKey() && end.childCount() == 1) {
            total += end.size();
            nodes++;
            end = end.child(0);
        }
        if (nodes == 1) {
            return;
        }
        this.nodes -= nodes - 1;
        byte[] run = new byte[total + 1];
        run[0] = (byte) ((start.data[0] & Node.KEY) | Node.COMPR);
        int at = 1;
        for (Node m = start; m != end; m = m.child(0)) {
            int s = m.size();
            System.arraycopy(m.data, 1, run, at, s);
            at += s;
        }
        start.data = run;
        start.link = end;
    }

    // ------------------------------------------------------------------------------------------------ iterate

    /** A new iterator, not positioned: call one of its seek methods first. */
    public RaxIterator<V> iterator() {
        return new RaxIterator<>(this);
    }

    // ------------------------------------------------------------------------------------------------ stats

    /** Number of nodes, the root included (Redis's numnodes, kept up to date by inserts and removals). O(1). */
    public long nodeCount() {
        return nodes;
    }

    /** {@link #nodeCount()} by walking the tree, for tests. O(nodes). */
    long walkNodeCount() {
        long count = 0;
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            count++;
            for (int i = 0, k = n.childCount(); i < k; i++) {
                todo.push(n.child(i));
            }
        }
        return count;
    }

    /**
     * Estimated heap bytes of the tree's own objects (nodes, their byte arrays and child arrays; not the values),
     * for 64-bit HotSpot with compressed references: 12-byte object header, 16-byte array header, 4-byte
     * references, sizes rounded up to 8. O(nodes).
     */
    public long estimatedBytes() {
        long bytes = 16 + 8 + 8 + 8;
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            bytes += 24;
            if (n.data.length > 1) {
                bytes += align(16 + n.data.length);
            }
            if (n.link instanceof Node[] kids) {
                bytes += align(16 + 4L * kids.length);
            }
            for (int i = 0, k = n.childCount(); i < k; i++) {
                todo.push(n.child(i));
            }
        }
        return bytes;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Checks the invariants listed in the class comment and that the number of keys equals {@link #size()}.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    void verify() {
        long keys = 0;
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n.isKey()) {
                keys++;
            } else if (n.value != null) {
                throw new IllegalStateException("value on a non-key node");
            }
            byte[] d = n.data;
            if (n.isCompressed()) {
                check(d.length >= 3 && n.link instanceof Node, "compressed node with fewer than 2 bytes");
            } else {
                check(d.length == 1 ? n.link == null
                    : n.link instanceof Node[] k && k.length == d.length - 1, "branch width and children differ");
                for (int i = 2; i < d.length; i++) {
                    check((d[i - 1] & 0xff) < (d[i] & 0xff), "branch edges not ascending");
                }
            }
            check(n == root || n.isKey() || n.childCount() > 0, "dangling non-key leaf");
            for (int i = 0, k = n.childCount(); i < k; i++) {
                Node c = n.child(i);
                check(c != null, "null child");
                check(k != 1 || c.isKey() || c.childCount() != 1, "uncompressed chain");
                todo.push(c);
            }
        }
        check(keys == size, "size " + size + " but " + keys + " keys");
        long walked = walkNodeCount();
        check(walked == nodes, "node count " + nodes + " but " + walked + " nodes");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** The tree drawn one node per line (like Redis's raxShow), for tests and debugging. O(nodes). */
    String dump() {
        StringBuilder sb = new StringBuilder();
        ArrayDeque<Object[]> todo = new ArrayDeque<>();
        todo.push(new Object[] {root, 0, ""});
        while (!todo.isEmpty()) {
            Object[] e = todo.pop();
            Node n = (Node) e[0];
            int indent = (Integer) e[1];
            sb.append(" ".repeat(indent)).append(e[2]).append(n.isCompressed() ? '"' : '[');
            for (int i = 0; i < n.size(); i++) {
                sb.append(i > 0 && !n.isCompressed() ? "," : "").append(String.format("%02x", n.edge(i)));
            }
            sb.append(n.isCompressed() ? '"' : ']').append(n.isKey() ? "=" + n.value : "").append('\n');
            for (int i = n.childCount() - 1; i >= 0; i--) {
                String label = n.isCompressed() ? "-> " : String.format("%02x-> ", n.edge(i));
                todo.push(new Object[] {n.child(i), indent + 2, label});
            }
        }
        return sb.toString();
    }
}
