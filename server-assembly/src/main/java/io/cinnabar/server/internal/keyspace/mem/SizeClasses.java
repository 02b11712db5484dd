package io.cinnabar.server.internal.keyspace.mem;

/**
 * The size classes of {@link SlabAllocator}, in the spirit of jemalloc's: a request is rounded up to the smallest
 * class that holds it, so that regions of one class can be packed into a slab and reused by any later request of
 * that class.
 * <pre>
 *   8, 16, 24, 32, 40, 48, 56, 64                     spacing 8 (entries of short keys live here)
 *   80, 96, 112, 128                                  spacing 16
 *   160, 192, 224, 256, 320, ..., 7168, 8192          four classes per doubling (spacing = previous power / 4)
 *   &gt; 8192 (SMALL_MAX)                              large: rounded up to a multiple of 4096, one buffer each
 * </pre>
 * Rounding wastes less than 8 bytes up to 64 and less than a fifth of the class above (65 takes 80, 129 takes 160);
 * a large request wastes less than one 4 KiB page. 36 small classes.
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
public final class SizeClasses {
    /** The largest small class; larger requests get a buffer of their own. */
    public static final int SMALL_MAX = 8192;
    /** Large requests are rounded up to a multiple of this. */
    public static final int PAGE = 4096;
    /** The largest request the allocator accepts (1 GiB): a direct buffer is indexed by int. */
    public static final int MAX_ALLOCATION = 1 << 30;

    private static final int[] SIZES = buildSizes();
    /** Class index of each size rounded up to a multiple of 8, indexed by (size + 7) / 8. */
    private static final byte[] LOOKUP = buildLookup();

    private SizeClasses() {
    }

    private static int[] buildSizes() {
        int[] s = new int[64];
        int n = 0;
        for (int v = 8; v <= 64; v += 8) {
            s[n++] = v;
        }
        for (int v = 80; v <= 128; v += 16) {
            s[n++] = v;
        }
        for (int base = 128; base < SMALL_MAX; base *= 2) {
            for (int k = 1; k <= 4; k++) {
                s[n++] = base + k * (base / 4);
            }
        }
        return java.util.Arrays.copyOf(s, n);
    }

    private static byte[] buildLookup() {
        byte[] t = new byte[SMALL_MAX / 8 + 1];
        int c = 0;
        for (int i = 0; i < t.length; i++) {
            int size = i * 8;
            while (SIZES[c] < size) {
                c++;
            }
            t[i] = (byte) c;
        }
        return t;
    }

    /** Number of small classes. */
    public static int count() {
        return SIZES.length;
    }

    /** The size in bytes of small class c. */
    public static int size(int c) {
        return SIZES[c];
    }

    /** The small class holding size bytes (0 &lt;= size &lt;= SMALL_MAX); size 0 gets the smallest class. */
    public static int classOf(int size) {
        return LOOKUP[(size + 7) >>> 3];
    }

    /**
     * The number of bytes the allocator really reserves for a request of size bytes: its class size, or for a
     * large request the next multiple of {@link #PAGE}.
     *
     * @throws IllegalArgumentException if size is negative or above {@link #MAX_ALLOCATION}
     */
    public static int roundUp(int size) {
        check(size);
        return size <= SMALL_MAX ? SIZES[classOf(size)] : (size + PAGE - 1) & -PAGE;
    }

    static void check(long size) {
        if (size < 0 || size > MAX_ALLOCATION) {
            throw new IllegalArgumentException("allocation of " + size + " bytes is outside 0.." + MAX_ALLOCATION);
        }
    }
}
