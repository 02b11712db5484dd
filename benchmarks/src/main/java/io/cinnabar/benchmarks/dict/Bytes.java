package io.cinnabar.benchmarks.dict;

import java.util.Arrays;

/**
 * The byte[] key wrapper a Java map needs (arrays hash by identity): hashes the bytes once at construction, as
 * {@code String} does. Lookups from a network buffer would build one per lookup, so the benchmarks do too.
 */
public final class Bytes {
    final byte[] b;
    private final int hash;

    public Bytes(byte[] b) {
        this.b = b;
        this.hash = Arrays.hashCode(b);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes x && x.hash == hash && Arrays.equals(x.b, b);
    }
}
