package io.cinnabar.server.internal.keyspace.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An allocator of off-heap memory for the keyspace, after jemalloc's small/large split. Memory is reserved from the
 * JVM in slabs (direct {@link ByteBuffer}s of {@link #slabSize()} bytes, 64 KiB by default); each slab serves one
 * {@linkplain SizeClasses size class} and tracks its regions with a bitmap. A request above
 * {@link SizeClasses#SMALL_MAX} gets a direct buffer of its own (page-rounded).
 * <pre>
 *   handle (long) = slab id &lt;&lt; 32 | byte offset in the slab          0 is never a handle (slab ids start at 1)
 *
 *   slab of class c:   [ region 0 | region 1 | ... | region n-1 | tail ]   n = slabSize / size(c)
 *   bitmap (long[]):    bit i set = region i allocated; bits past n are set once, so they never look free
 * </pre>
 * <b>Allocation</b> takes the lowest free region of the class's current slab; when that slab is full the fullest of
 * (at most 16 examined) non-full slabs of the class becomes current, and only when none exists is a slab taken from
 * the pool of empty slabs or reserved from the JVM. Filling dense slabs first lets sparse ones drain.
 * <b>Free</b> clears the bit; a slab left empty (and not current) goes back to the empty pool, which keeps at most
 * {@code maxEmptySlabs} slabs for any class to reuse; beyond that the slab is released to the JVM (its native memory
 * returns when the collector clears the buffer, as for every direct buffer). Both are O(1) amortized: the bitmap
 * search resumes at a per-slab hint, the lowest word that may hold a free bit.
 * <p>
 * <b>Accounting</b>: {@link #allocatedBytes()} sums the rounded sizes of live allocations (Redis's
 * {@code allocator.allocated}), {@link #activeBytes()} the slabs and large buffers in use ({@code allocator.active}),
 * {@link #footprintBytes()} adds the pooled empty slabs ({@code allocator.resident}), and
 * {@link #fragmentationRatio()} is active / allocated ({@code allocator_frag_ratio}).
 * <p>
 * <b>Defragmentation</b> (Redis's {@code activedefrag}): {@link #shouldRelocate(long)} says whether an allocation
 * sits in a slab used no more than the average slab of its class; {@link #relocate(long)} then copies it into
 * a fuller slab and returns the new handle, which the owner must store in place of the old one. Walking every
 * allocation this way empties the sparse slabs, which return to the pool.
 * <p>
 * Handles are not checked on the hot accessors (the direct buffer still bounds-checks each access to its slab, so a
 * stray handle can damage other allocations but never memory outside the allocator); {@link #free(long)} and
 * {@link #usableSize(long)} reject a handle that is not a live allocation with {@link IllegalArgumentException}.
 * No Java object is created per allocation.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class SlabAllocator {
    /** The handle that is never allocated. */
    public static final long NULL = 0;
    public static final int DEFAULT_SLAB_SIZE = 64 * 1024;
    private static final VarHandle ARRAY_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte LARGE = -1;
    private static final byte UNUSED = -2;
    private static final int PICK_CANDIDATES = 16;

    private final int slabSize;
    private final long maxFootprint;
    private final int maxEmptySlabs;

    // per slab id (index 0 is never used)
    private ByteBuffer[] bufs = new ByteBuffer[16];
    private byte[] slabClass = new byte[16];
    private int[] live = new int[16];
    private long[][] bitmaps = new long[16][];
    private int[] hint = new int[16];
    private int[] posInNonFull = new int[16];
    private int nextId = 1;
    private int[] freeIds = new int[16];
    private int freeIdCount;

    // per size class
    private final int[] regions = new int[SizeClasses.count()];
    private final int[] current = new int[SizeClasses.count()];
    private final int[][] nonFull = new int[SizeClasses.count()][4];
    private final int[] nonFullCount = new int[SizeClasses.count()];
    private final int[] classSlabs = new int[SizeClasses.count()];
    private final long[] classLive = new long[SizeClasses.count()];

    private ByteBuffer[] emptyPool;
    private int emptyCount;

    private long allocated;
    private long footprint;
    private long liveAllocations;
    private long relocations;

    /** An allocator with 64 KiB slabs, up to 16 pooled empty slabs and no footprint limit. */
    public SlabAllocator() {
        this(DEFAULT_SLAB_SIZE, 16, Long.MAX_VALUE);
    }

    /**
     * @param slabSize      bytes per slab: a power of two from 16 KiB to 1 GiB
     * @param maxEmptySlabs empty slabs kept for reuse instead of being released
     * @param maxFootprint  the most bytes of slabs and large buffers held at once; beyond it an allocation throws
     *                      {@link OffHeapLimitException}
     */
    public SlabAllocator(int slabSize, int maxEmptySlabs, long maxFootprint) {
        if (slabSize < 2 * SizeClasses.SMALL_MAX || slabSize > SizeClasses.MAX_ALLOCATION
                || Integer.bitCount(slabSize) != 1) {
            throw new IllegalArgumentException("slab size must be a power of two from 16 KiB to 1 GiB: " + slabSize);
        }
        if (maxEmptySlabs < 0 || maxFootprint < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.slabSize = slabSize;
        this.maxEmptySlabs = maxEmptySlabs;
        this.maxFootprint = maxFootprint;
        this.emptyPool = new ByteBuffer[maxEmptySlabs];
        for (int c = 0; c < regions.length; c++) {
            regions[c] = slabSize / SizeClasses.size(c);
        }
        Arrays.fill(posInNonFull, -1);
    }

    public int slabSize() {
        return slabSize;
    }

    // ---------------------------------------------------------------- allocate / free

    /**
     * Allocates size bytes (contents undefined) and returns the handle.
     *
     * @throws IllegalArgumentException if size is negative or above {@link SizeClasses#MAX_ALLOCATION}
     * @throws OffHeapLimitException    if a new slab or large buffer cannot be reserved
     */
    public long allocate(int size) {
        SizeClasses.check(size);
        if (size > SizeClasses.SMALL_MAX) {
            return allocateLarge(SizeClasses.roundUp(size));
        }
        int c = SizeClasses.classOf(size);
        int s = current[c];
        if (s == 0 || live[s] == regions[c]) {
            s = pickSlab(c, 0);
            if (s == 0) {
                s = newSlab(c);
            }
            current[c] = s;
        }
        return take(s, c);
    }

    /** Frees an allocation. @throws IllegalArgumentException if h is not a live allocation */
    public void free(long h) {
        int s = slabOf(h);
        int off = (int) h;
        if (slabClass[s] == LARGE) {
            if (off != 0) {
                throw notAllocated(h);
            }
            int cap = bufs[s].capacity();
            allocated -= cap;
            footprint -= cap;
            liveAllocations--;
            bufs[s] = null;
            releaseId(s);
            return;
        }
        int c = slabClass[s];
        int r = regionOf(h, s, c);
        long[] bm = bitmaps[s];
        bm[r >>> 6] &= ~(1L << r);
        if (live[s] == regions[c]) {
            addNonFull(c, s);
        }
        live[s]--;
        classLive[c]--;
        allocated -= SizeClasses.size(c);
        liveAllocations--;
        if ((r >>> 6) < hint[s]) {
            hint[s] = r >>> 6;
        }
        if (live[s] == 0 && current[c] != s) {
            retire(s, c);
        }
    }

    /** The bytes usable at h (its class size, or the page-rounded large size). @throws IllegalArgumentException */
    public int usableSize(long h) {
        int s = slabOf(h);
        if (slabClass[s] == LARGE) {
            if ((int) h != 0) {
                throw notAllocated(h);
            }
            return bufs[s].capacity();
        }
        regionOf(h, s, slabClass[s]);
        return SizeClasses.size(slabClass[s]);
    }

    private long take(int s, int c) {
        long[] bm = bitmaps[s];
        int w = hint[s];
        while (bm[w] == -1L) {
            w++;
        }
        hint[s] = w;
        int bit = Long.numberOfTrailingZeros(~bm[w]);
        bm[w] |= 1L << bit;
        int r = (w << 6) + bit;
        if (++live[s] == regions[c]) {
            removeNonFull(c, s);
        }
        classLive[c]++;
        allocated += SizeClasses.size(c);
        liveAllocations++;
        return ((long) s << 32) | ((long) r * SizeClasses.size(c));
    }

    private long allocateLarge(int cap) {
        ByteBuffer b = reserve(cap);
        int s = newId();
        bufs[s] = b;
        slabClass[s] = LARGE;
        live[s] = 1;
        allocated += cap;
        liveAllocations++;
        return (long) s << 32;
    }

    /** The fullest non-full slab of class c other than exclude (among the first few), or 0. */
    private int pickSlab(int c, int exclude) {
        int best = 0;
        int n = Math.min(nonFullCount[c], PICK_CANDIDATES + 1);
        int[] list = nonFull[c];
        for (int i = 0; i < n; i++) {
            int s = list[i];
            if (s != exclude && (best == 0 || live[s] > live[best])) {
                best = s;
            }
        }
        return best;
    }

    private int newSlab(int c) {
        ByteBuffer b;
        if (emptyCount > 0) {
            b = emptyPool[--emptyCount];
            emptyPool[emptyCount] = null;
        } else {
            b = reserve(slabSize);
        }
        int s = newId();
        bufs[s] = b;
        slabClass[s] = (byte) c;
        live[s] = 0;
        hint[s] = 0;
        int n = regions[c];
        long[] bm = new long[(n + 63) >>> 6];
        if ((n & 63) != 0) {
            bm[bm.length - 1] = -1L << (n & 63); // bits past the last region never look free
        }
        bitmaps[s] = bm;
        classSlabs[c]++;
        addNonFull(c, s);
        return s;
    }

    private void retire(int s, int c) {
        removeNonFull(c, s);
        classSlabs[c]--;
        bitmaps[s] = null;
        if (emptyCount < maxEmptySlabs) {
            emptyPool[emptyCount++] = bufs[s];
        } else {
            footprint -= slabSize;
        }
        bufs[s] = null;
        releaseId(s);
    }

    private ByteBuffer reserve(int bytes) {
        if (footprint + bytes > maxFootprint) {
            throw new OffHeapLimitException("off-heap footprint limit of " + maxFootprint + " bytes reached ("
                    + footprint + " held, " + bytes + " more requested)", null);
        }
        ByteBuffer b;
        try {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (OutOfMemoryError e) {
            throw new OffHeapLimitException("the JVM refused " + bytes + " bytes of direct memory", e);
        }
        footprint += bytes;
        return b;
    }

    private int newId() {
        if (freeIdCount > 0) {
            return freeIds[--freeIdCount];
        }
        if (nextId == bufs.length) {
            int n = bufs.length * 2;
            bufs = Arrays.copyOf(bufs, n);
            slabClass = Arrays.copyOf(slabClass, n);
            live = Arrays.copyOf(live, n);
            bitmaps = Arrays.copyOf(bitmaps, n);
            hint = Arrays.copyOf(hint, n);
            int old = posInNonFull.length;
            posInNonFull = Arrays.copyOf(posInNonFull, n);
            Arrays.fill(posInNonFull, old, n, -1);
        }
        return nextId++;
    }

    private void releaseId(int s) {
        slabClass[s] = UNUSED;
        if (freeIdCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
        }
        freeIds[freeIdCount++] = s;
    }

    private void addNonFull(int c, int s) {
        if (nonFullCount[c] == nonFull[c].length) {
            nonFull[c] = Arrays.copyOf(nonFull[c], nonFull[c].length * 2);
        }
        posInNonFull[s] = nonFullCount[c];
        nonFull[c][nonFullCount[c]++] = s;
    }

    private void removeNonFull(int c, int s) {
        int p = posInNonFull[s];
        int last = nonFull[c][--nonFullCount[c]];
        nonFull[c][p] = last;
        posInNonFull[last] = p;
        posInNonFull[s] = -1;
    }

    private int slabOf(long h) {
        long s = h >>> 32;
        if (s <= 0 || s >= nextId || bufs[(int) s] == null) {
            throw notAllocated(h);
        }
        return (int) s;
    }

    private int regionOf(long h, int s, int c) {
        int off = (int) h;
        int size = SizeClasses.size(c);
        int r = off / size;
        if (off < 0 || off % size != 0 || r >= regions[c] || (bitmaps[s][r >>> 6] & (1L << r)) == 0) {
            throw notAllocated(h);
        }
        return r;
    }

    private static IllegalArgumentException notAllocated(long h) {
        return new IllegalArgumentException("not a live off-heap allocation: 0x" + Long.toHexString(h));
    }

    // ---------------------------------------------------------------- defragmentation

    /**
     * Whether moving the allocation at h would help defragment (jemalloc's defrag hint, as Redis 7.2 patches it): it
     * lives in a small slab that is not the current one of its class, and that slab is used no more than the average
     * of the class's other slabs (the current slab left out of the average, so that evenly thinned slabs still drain
     * into it); and another slab has room. O(1).
     */
    public boolean shouldRelocate(long h) {
        int s = slabOf(h);
        int c = slabClass[s];
        if (c < 0 || s == current[c]) {
            return false;
        }
        int n = live[s];
        if (n == regions[c]) {
            return false;
        }
        int cur = current[c];
        long slabs = classSlabs[c];
        long regs = classLive[c];
        if (cur != 0) {
            slabs--;
            regs -= live[cur];
        }
        if ((long) n * slabs > regs) {
            return false;
        }
        return (cur != 0 && live[cur] < regions[c]) || nonFullCount[c] > 1;
    }

    /**
     * Moves the allocation at h to a fuller slab of its class if {@link #shouldRelocate(long)} says so, copying its
     * bytes, and returns the new handle (h itself when it stays). The caller must replace every copy of h.
     */
    public long relocate(long h) {
        if (!shouldRelocate(h)) {
            return h;
        }
        int from = (int) (h >>> 32);
        int c = slabClass[from];
        int s = current[c];
        if (s == 0 || live[s] == regions[c]) {
            s = pickSlab(c, from);
            if (s == 0) {
                return h;
            }
            current[c] = s;
        }
        long n = take(s, c);
        copy(h, n, SizeClasses.size(c));
        free(h);
        relocations++;
        return n;
    }

    // ---------------------------------------------------------------- accounting

    /** Sum of the rounded sizes of live allocations. */
    public long allocatedBytes() {
        return allocated;
    }

    /** Bytes of slabs holding at least one allocation (or current) and of large buffers. */
    public long activeBytes() {
        return footprint - (long) emptyCount * slabSize;
    }

    /** Bytes of every slab and large buffer held, the pooled empty slabs included. */
    public long footprintBytes() {
        return footprint;
    }

    /** activeBytes / allocatedBytes: 1.0 when every active slab is full; 1.0 when nothing is allocated. */
    public double fragmentationRatio() {
        return allocated == 0 ? 1.0 : (double) activeBytes() / allocated;
    }

    public long liveAllocations() {
        return liveAllocations;
    }

    /** Slabs in use (not pooled), all classes. */
    public int slabsInUse() {
        int n = 0;
        for (int c : classSlabs) {
            n += c;
        }
        return n;
    }

    /** Allocations moved by {@link #relocate(long)} so far. */
    public long relocations() {
        return relocations;
    }

    // ---------------------------------------------------------------- memory access (little-endian)

    ByteBuffer buffer(long h) {
        return bufs[(int) (h >>> 32)];
    }

    public long getLong(long h) {
        return bufs[(int) (h >>> 32)].getLong((int) h);
    }

    public void putLong(long h, long v) {
        bufs[(int) (h >>> 32)].putLong((int) h, v);
    }

    public int getInt(long h) {
        return bufs[(int) (h >>> 32)].getInt((int) h);
    }

    public void putInt(long h, int v) {
        bufs[(int) (h >>> 32)].putInt((int) h, v);
    }

    public byte getByte(long h) {
        return bufs[(int) (h >>> 32)].get((int) h);
    }

    public void putByte(long h, byte v) {
        bufs[(int) (h >>> 32)].put((int) h, v);
    }

    /** Copies len bytes from src[off..] to h. */
    public void copyIn(byte[] src, int off, long h, int len) {
        bufs[(int) (h >>> 32)].put((int) h, src, off, len);
    }

    /** Copies len bytes from h to dst[off..]. */
    public void copyOut(long h, byte[] dst, int off, int len) {
        bufs[(int) (h >>> 32)].get((int) h, dst, off, len);
    }

    /** Copies len bytes from h to the buffer dst at index (heap or direct; dst's position is not used). */
    public void copyOut(long h, ByteBuffer dst, int index, int len) {
        dst.put(index, bufs[(int) (h >>> 32)], (int) h, len);
    }

    /** Copies len bytes from src to dst (the ranges may overlap). */
    public void copy(long src, long dst, int len) {
        bufs[(int) (dst >>> 32)].put((int) dst, bufs[(int) (src >>> 32)], (int) src, len);
    }

    /** Whether the len bytes at h equal b[off..off+len). Allocation-free. */
    public boolean equals(long h, byte[] b, int off, int len) {
        ByteBuffer buf = bufs[(int) (h >>> 32)];
        int p = (int) h;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if (buf.getLong(p + i) != (long) ARRAY_LONGS.get(b, off + i)) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (buf.get(p + i) != b[off + i]) {
                return false;
            }
        }
        return true;
    }
}
