package io.cinnabar.rax;

/**
 * One node of a {@link Rax}: a header byte and the edge bytes in one {@code byte[]}, the children in
 * {@link #link}, the value of the key that ends at this node in {@link #value}.
 *
 * <pre>
 * data:  +-------+-------+-------+-----+-------+
 *        | flags | c[0]  | c[1]  | ... | c[n-1]|      flags: bit 0 KEY, bit 1 COMPR
 *        +-------+-------+-------+-----+-------+
 *
 * branch node (COMPR clear), n &gt;= 0 edges of one byte each, sorted unsigned ascending:
 *        link = Node[n] (child i is reached through byte c[i]); null when n == 0
 * compressed node (COMPR set), n &gt;= 2 bytes walked in sequence, exactly one child:
 *        link = Node (reached after all n bytes)
 * </pre>
 *
 * A node stands for the position reached by the bytes on the path from the root to it; if KEY is set, that
 * position is a key and {@link #value} holds its value (possibly null). A node without edges uses one of the
 * shared arrays {@link #EMPTY_NON_KEY} and {@link #EMPTY_KEY} as its data, so a leaf costs one object of
 * 24 bytes (12-byte header and three compressed references on 64-bit HotSpot) plus nothing else.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Node {
    static final byte KEY = 1;
    static final byte COMPR = 2;
    /** Data of a node without edges that is not a key (only ever the root of an empty tree). Never written. */
    static final byte[] EMPTY_NON_KEY = {0};
    /** Data of a leaf: a key without edges. Never written. */
    static final byte[] EMPTY_KEY = {KEY};

    byte[] data;
    /** {@code Node[]} for a branch node with children, {@code Node} for a compressed node, else null. */
    Object link;
    Object value;

    Node(byte[] data, Object link, Object value) {
        this.data = data;
        this.link = link;
        this.value = value;
    }

    static Node leaf(Object value) {
        return new Node(EMPTY_KEY, null, value);
    }

    boolean isKey() {
        return (data[0] & KEY) != 0;
    }

    boolean isCompressed() {
        return (data[0] & COMPR) != 0;
    }

    /** Number of edge bytes: branch width, or the length of a compressed run. */
    int size() {
        return data.length - 1;
    }

    /** Number of children: 1 for a compressed node, the edge count for a branch node. */
    int childCount() {
        return isCompressed() ? 1 : data.length - 1;
    }

    /** The child at {@code i} (0 for a compressed node). */
    Node child(int i) {
        return isCompressed() ? (Node) link : ((Node[]) link)[i];
    }

    /** Edge byte {@code i} as an unsigned int. */
    int edge(int i) {
        return data[i + 1] & 0xff;
    }

    /** Marks this node as a key with {@code v} or clears the key mark, keeping its edges. */
    void setKey(boolean key, Object v) {
        value = key ? v : null;
        if (data.length == 1) {
            data = key ? EMPTY_KEY : EMPTY_NON_KEY;
        } else if (key) {
            data[0] |= KEY;
        } else {
            data[0] &= ~KEY;
        }
    }

    /** Drops all edges; the node keeps its key mark and value. */
    void makeLeaf() {
        data = isKey() ? EMPTY_KEY : EMPTY_NON_KEY;
        link = null;
    }

    /**
     * Replaces the edges by the single run {@code key[off, off+len)} leading to {@code child}: a branch node of
     * one edge when {@code len == 1}, a compressed node otherwise. The key mark is kept.
     */
    void setRun(byte[] key, int off, int len, Node child) {
        byte[] d = new byte[len + 1];
        d[0] = (byte) ((data[0] & KEY) | (len > 1 ? COMPR : 0));
        System.arraycopy(key, off, d, 1, len);
        data = d;
        link = len > 1 ? child : new Node[] {child};
    }

    /**
     * Index of the child reached through byte {@code c} (unsigned) in a branch node, or
     * {@code -(insertion point) - 1}. Linear scan with early exit for narrow nodes, binary search for wide ones.
     */
    int find(int c) {
        byte[] d = data;
        int n = d.length - 1;
        if (n <= 16) {
            for (int i = 0; i < n; i++) {
                int e = d[i + 1] & 0xff;
                if (e >= c) {
                    return e == c ? i : -i - 1;
                }
            }
            return -n - 1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int e = d[mid + 1] & 0xff;
            if (e < c) {
                lo = mid + 1;
            } else if (e > c) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** Inserts edge {@code c} to {@code child} at sorted position {@code at} of a branch node. Cost O(width). */
    void addEdge(int at, int c, Node child) {
        byte[] d = data;
        int n = d.length - 1;
        byte[] nd = new byte[n + 2];
        nd[0] = d[0];
        System.arraycopy(d, 1, nd, 1, at);
        nd[at + 1] = (byte) c;
        System.arraycopy(d, at + 1, nd, at + 2, n - at);
        Node[] kids = new Node[n + 1];
        if (n > 0) {
            Node[] old = (Node[]) link;
            System.arraycopy(old, 0, kids, 0, at);
            System.arraycopy(old, at, kids, at + 1, n - at);
        }
        kids[at] = child;
        data = nd;
        link = kids;
    }

    /** Removes edge {@code at} of a branch node. Cost O(width). */
    void removeEdge(int at) {
        byte[] d = data;
        int n = d.length - 1;
        if (n == 1) {
            makeLeaf();
            return;
        }
        byte[] nd = new byte[n];
        nd[0] = d[0];
        System.arraycopy(d, 1, nd, 1, at);
        System.arraycopy(d, at + 2, nd, at + 1, n - at - 1);
        Node[] old = (Node[]) link;
        Node[] kids = new Node[n - 1];
        System.arraycopy(old, 0, kids, 0, at);
        System.arraycopy(old, at + 1, kids, at, n - at - 1);
        data = nd;
        link = kids;
    }
}
