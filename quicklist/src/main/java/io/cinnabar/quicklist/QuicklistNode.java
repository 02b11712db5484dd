package io.cinnabar.quicklist;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.lzf.Lzf;

/**
 * One node of a {@link Quicklist}, exposed read-only so that an RDB writer can emit it as it is and an RDB
 * reader can build a list node by node ({@link Quicklist#appendListpack}, {@link Quicklist#appendPlain}).
 *
 * <pre>
 * container   PACKED (2): a listpack of 1..N elements     PLAIN (1): one element as raw bytes
 * encoding    RAW: the listpack / element bytes            LZF: those bytes LZF-compressed
 * size()      bytes of the raw form (listpack bytes, or element length), whatever the encoding
 * </pre>
 * In an RDB file of type {@code RDB_TYPE_LIST_QUICKLIST_2} each node is written as its container number
 * ({@link #container()}) followed by its bytes as a string: {@link #compressedBytes()} as an LZF string of raw
 * length {@link #size()} when {@link #isCompressed()}, otherwise the first {@link #size()} bytes of
 * {@link #rawArray()}.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class QuicklistNode {
    /** RDB container number of a plain node. */
    public static final int CONTAINER_PLAIN = 1;
    /** RDB container number of a listpack node. */
    public static final int CONTAINER_PACKED = 2;

    QuicklistNode prev;
    QuicklistNode next;
    /** The listpack of a raw packed node; null when plain or compressed. */
    Listpack lp;
    /** The element of a raw plain node; null when packed or compressed. */
    byte[] plain;
    /** The LZF form of the raw bytes; null when raw. */
    byte[] lzf;
    /** Bytes of the raw form. */
    int sz;
    /** Number of elements (1 for a plain node). */
    int count;
    final boolean isPlain;
    /** Decompressed for an update: compress again when done (Redis's {@code recompress}). */
    boolean recompress;
    /** Temporarily exempt from compression (Redis's {@code dont_compress}). */
    boolean dontCompress;

    QuicklistNode(Listpack lp) {
        this.lp = lp;
        this.sz = lp.bytes();
        this.count = lp.count();
        this.isPlain = false;
    }

    QuicklistNode(byte[] plain) {
        this.plain = plain;
        this.sz = plain.length;
        this.count = 1;
        this.isPlain = true;
    }

    /** The next node toward the tail, or null. */
    public QuicklistNode next() {
        return next;
    }

    /** The previous node toward the head, or null. */
    public QuicklistNode prev() {
        return prev;
    }

    /** Whether this node holds one element as raw bytes rather than a listpack. */
    public boolean isPlain() {
        return isPlain;
    }

    /** {@link #CONTAINER_PLAIN} or {@link #CONTAINER_PACKED}, as RDB writes it. */
    public int container() {
        return isPlain ? CONTAINER_PLAIN : CONTAINER_PACKED;
    }

    /** Whether the node is stored LZF-compressed. */
    public boolean isCompressed() {
        return lzf != null;
    }

    /** Number of elements in the node. */
    public int count() {
        return count;
    }

    /** Size in bytes of the raw form (listpack or element), compressed or not. */
    public int size() {
        return sz;
    }

    /**
     * The LZF bytes of a compressed node (exactly their length). The array is the node's own: do not modify it.
     *
     * @throws IllegalStateException if the node is not compressed
     */
    public byte[] compressedBytes() {
        if (lzf == null) {
            throw new IllegalStateException("node is not compressed");
        }
        return lzf;
    }

    /**
     * The array holding the raw form of an uncompressed node in its first {@link #size()} bytes (it may be
     * longer). The array is the node's own: do not modify it.
     *
     * @throws IllegalStateException if the node is compressed
     */
    public byte[] rawArray() {
        if (lzf != null) {
            throw new IllegalStateException("node is compressed");
        }
        return isPlain ? plain : lp.array();
    }

    /** A copy of the raw form (listpack bytes or the element), decompressing if needed. O(size). */
    public byte[] rawBytes() {
        if (lzf != null) {
            return Lzf.decompress(lzf, 0, lzf.length, sz);
        }
        return isPlain ? plain.clone() : lp.toByteArray();
    }

    /** The listpack of a packed node for reading: the node's own when raw, a decompressed copy otherwise. */
    Listpack readable() {
        if (lzf == null) {
            return lp;
        }
        return Listpack.adopt(Lzf.decompress(lzf, 0, lzf.length, sz), false);
    }

    /** The element of a plain node for reading (the node's own array when raw). */
    byte[] readablePlain() {
        return lzf == null ? plain : Lzf.decompress(lzf, 0, lzf.length, sz);
    }

    /** Takes the raw form back from the LZF form. O(size). */
    void decompress() {
        byte[] raw = Lzf.decompress(lzf, 0, lzf.length, sz);
        if (isPlain) {
            plain = raw;
        } else {
            lp = Listpack.adopt(raw, false);
        }
        lzf = null;
    }

    /**
     * Replaces the raw form by its LZF form if the raw form is at least {@code minBytes} long and compressing
     * saves at least {@code minImprove} bytes (Redis's rules). O(size).
     *
     * @return whether the node is now compressed
     */
    boolean compress(int minBytes, int minImprove) {
        if (sz < minBytes) {
            return false;
        }
        byte[] raw;
        if (isPlain) {
            raw = plain;
        } else {
            lp.trimToSize();
            raw = lp.array();
        }
        byte[] c = Lzf.compress(raw, sz);
        if (c == null || c.length + minImprove >= sz) {
            return false;
        }
        lzf = c;
        lp = null;
        plain = null;
        return true;
    }

    /** Re-reads size and count after the listpack changed. */
    void updateSize() {
        sz = lp.bytes();
        count = lp.count();
    }

    @Override
    public String toString() {
        return (isPlain ? "PLAIN" : "PACKED") + (lzf != null ? "/LZF" : "") + "[count=" + count + ", size=" + sz + "]";
    }
}
