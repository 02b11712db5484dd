package io.cinnabar.server.internal.pubsub;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash map from byte strings to values, looked up by a slice of a larger array ({@code get(buf, off, len)})
 * so that a PUBLISH or an invalidation finds its channel or key without copying or wrapping the bytes. Chained
 * buckets, power-of-two table, doubled when the load passes 1 and halved when it falls under 1/8. Iteration order
 * is the table's (unspecified, as Redis's dict order is).
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class BytesMap<V> {
    private static final class Node<V> {
        final byte[] key;
        final int hash;
        V value;
        Node<V> next;

        Node(byte[] key, int hash, V value, Node<V> next) {
            this.key = key;
            this.hash = hash;
            this.value = value;
            this.next = next;
        }
    }

    @SuppressWarnings("unchecked")
    private Node<V>[] table = new Node[8];
    private int size;

    static int hash(byte[] b, int off, int len) {
        int h = 0x811c9dc5;
        for (int i = 0; i < len; i++) {
            h = (h ^ b[off + i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    V get(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        for (Node<V> n = table[h & (table.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, 0, n.key.length, b, off, off + len)) {
                return n.value;
            }
        }
        return null;
    }

    V get(byte[] key) {
        return get(key, 0, key.length);
    }

    /** Adds or replaces; the map keeps key (the caller must not change it). */
    void put(byte[] key, V value) {
        int h = hash(key, 0, key.length);
        int i = h & (table.length - 1);
        for (Node<V> n = table[i]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                n.value = value;
                return;
            }
        }
        table[i] = new Node<>(key, h, value, table[i]);
        if (++size > table.length) {
            resize(table.length * 2);
        }
    }

    V remove(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        int i = h & (table.length - 1);
        Node<V> prev = null;
        for (Node<V> n = table[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, 0, n.key.length, b, off, off + len)) {
                if (prev == null) {
                    table[i] = n.next;
                } else {
                    prev.next = n.next;
                }
                size--;
                if (table.length > 8 && size < table.length / 8) {
                    resize(table.length / 2);
                }
                return n.value;
            }
        }
        return null;
    }

    V remove(byte[] key) {
        return remove(key, 0, key.length);
    }

    void clear() {
        Arrays.fill(table, null);
        size = 0;
        if (table.length > 8) {
            resize(8);
        }
    }

    /** A key picked at random (for eviction), or null when empty. */
    byte[] randomKey() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (true) {
            Node<V> n = table[r.nextInt(table.length)];
            if (n != null) {
                int depth = 0;
                for (Node<V> m = n; m != null; m = m.next) {
                    depth++;
                }
                int pick = r.nextInt(depth);
                while (pick-- > 0) {
                    n = n.next;
                }
                return n.key;
            }
        }
    }

    /** Visits every entry; the visitor must not change the map. */
    void forEach(BiConsumer<byte[], V> visitor) {
        for (Node<V> head : table) {
            for (Node<V> n = head; n != null; n = n.next) {
                visitor.accept(n.key, n.value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void resize(int cap) {
        Node<V>[] old = table;
        table = new Node[cap];
        for (Node<V> head : old) {
            Node<V> n = head;
            while (n != null) {
                Node<V> next = n.next;
                int i = n.hash & (cap - 1);
                n.next = table[i];
                table[i] = n;
                n = next;
            }
        }
    }
}
