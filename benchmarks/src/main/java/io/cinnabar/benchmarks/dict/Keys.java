package io.cinnabar.benchmarks.dict;

import java.nio.charset.StandardCharsets;

/** Redis-like keys: "key:" + a decimal number, 5 to 12 bytes. */
final class Keys {
    private Keys() {
    }

    static byte[][] make(int n) {
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    /** A permutation of 0..n-1 so that lookups do not follow insertion order. */
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
