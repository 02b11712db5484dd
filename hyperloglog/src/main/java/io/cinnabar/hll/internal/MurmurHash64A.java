package io.cinnabar.hll.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MurmurHash2, 64-bit version for 64-bit platforms (Austin Appleby's MurmurHash64A), the hash Redis's HyperLogLog
 * applies to every element. Blocks of 8 bytes are read little endian, as Redis does on every platform, and the
 * 1-7 trailing bytes are mixed in as the reference function's fall-through switch does.
 * <p><b>Note:</b> This class is stateless and therefore threadsafe.
 */
public final class MurmurHash64A {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final long M = 0xc6a4a7935bd1e995L;
    private static final int R = 47;

    private MurmurHash64A() {
    }

    /** The hash of {@code b[off, off+len)} with the given seed. O(len), no allocation. */
    public static long hash(byte[] b, int off, int len, long seed) {
        long h = seed ^ (len * M);
        int end = off + (len & ~7);
        for (int p = off; p < end; p += 8) {
            long k = (long) LONG_LE.get(b, p);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h ^= k;
            h *= M;
        }
        int rest = len & 7;
        if (rest != 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (long) (b[end + i] & 0xff) << (8 * i);
            }
            h *= M;
        }
        h ^= h >>> R;
        h *= M;
        h ^= h >>> R;
        return h;
    }
}
