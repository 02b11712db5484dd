package io.cinnabar.benchmarks.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key a {@code HashMap} needs for bytes (arrays hash by identity): a slice, hashed once at construction.
 * Built per lookup, as a lookup from a network buffer would be.
 */
final class ByteKey {
    private final byte[] b;
    private final int off;
    private final int len;
    private final int hash;

    ByteKey(byte[] b, int off, int len) {
        this.b = b;
        this.off = off;
        this.len = len;
        int h = 1;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + b[i];
        }
        this.hash = h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && k.hash == hash && Arrays.equals(b, off, off + len, k.b, k.off, k.off + k.len);
    }

    /** Redis-like keys "key:" + i, as DEBUG POPULATE makes them. */
    static byte[][] keys(int n) {
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    static int[] shuffled(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
