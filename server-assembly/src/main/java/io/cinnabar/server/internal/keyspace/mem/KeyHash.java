package io.cinnabar.server.internal.keyspace.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The key hash of {@link OffHeapKeyTable}: a 64-bit multiply-rotate mix over little-endian 8-byte words with a
 * per-process random seed, folded to 32 bits. It is computed identically over a {@code byte[]} slice (a lookup
 * from the request buffer) and over key bytes in off-heap memory (a rehash or relink), so entries need not store
 * their hash.
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
final class KeyHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = ThreadLocalRandom.current().nextLong();
    private static final long M1 = 0x87c37b91114253d5L;
    private static final long M2 = 0x4cf5ad432745937fL;

    private KeyHash() {
    }

    static int hash(byte[] b, int off, int len) {
        long h = SEED ^ (len * 0x9E3779B97F4A7C15L);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = word(h, (long) LONGS.get(b, off + i));
        }
        int rem = len - i;
        long t;
        if (rem == 0) {
            t = 0;
        } else if (len >= 8) { // the last 8 bytes, the tail in their top rem bytes
            t = (long) LONGS.get(b, off + len - 8) >>> ((8 - rem) << 3);
        } else {
            t = 0;
            int s = 0;
            if ((rem & 4) != 0) {
                t = (int) INTS.get(b, off) & 0xFFFF_FFFFL;
                i = 4;
                s = 32;
            } else {
                i = 0;
            }
            if ((rem & 2) != 0) {
                t |= ((short) SHORTS.get(b, off + i) & 0xFFFFL) << s;
                i += 2;
                s += 16;
            }
            if ((rem & 1) != 0) {
                t |= (b[off + i] & 0xFFL) << s;
            }
        }
        return fin(h, t);
    }

    /**
     * The same hash over len bytes at index p of buf (a little-endian buffer). The tail is read as one overlapping
     * word when the key has 8 bytes or more, otherwise as an int, a short and a byte: no loop of single-byte reads
     * (a rehash hashes every key it moves).
     */
    static int hash(ByteBuffer buf, int p, int len) {
        long h = SEED ^ (len * 0x9E3779B97F4A7C15L);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = word(h, buf.getLong(p + i));
        }
        int rem = len - i;
        long t;
        if (rem == 0) {
            t = 0;
        } else if (len >= 8) {
            t = buf.getLong(p + len - 8) >>> ((8 - rem) << 3);
        } else {
            t = 0;
            int s = 0;
            if ((rem & 4) != 0) {
                t = buf.getInt(p) & 0xFFFF_FFFFL;
                i = 4;
                s = 32;
            } else {
                i = 0;
            }
            if ((rem & 2) != 0) {
                t |= (buf.getShort(p + i) & 0xFFFFL) << s;
                i += 2;
                s += 16;
            }
            if ((rem & 1) != 0) {
                t |= (buf.get(p + i) & 0xFFL) << s;
            }
        }
        return fin(h, t);
    }

    private static long word(long h, long k) {
        k *= M1;
        k = Long.rotateLeft(k, 31);
        k *= M2;
        h ^= k;
        return Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }

    private static int fin(long h, long tail) {
        h ^= tail * M1;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
