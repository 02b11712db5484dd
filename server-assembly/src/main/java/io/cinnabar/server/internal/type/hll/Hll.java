package io.cinnabar.server.internal.type.hll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's HyperLogLog, byte for byte: the string value PFADD, PFCOUNT and PFMERGE work on. An HLL is a plain
 * string (no type of its own), so GET, SET, DUMP and RESTORE carry it unchanged between Redis and Cinnabar.
 *
 * <h2>Byte layout</h2>
 * <pre>
 *   offset 0   "HYLL"        magic, 4 bytes
 *          4   encoding      0 = dense, 1 = sparse (anything else is not an HLL)
 *          5   0 0 0         unused
 *          8   cardinality   cached PFCOUNT result, 8 bytes little endian; bit 7 of byte 15 (the most
 *                            significant bit) set means "stale, recompute"
 *         16   registers     16384 registers (P = 14), as below
 *
 *   dense:  12288 bytes, 6 bits per register, packed from the least significant bit of each byte up:
 *           byte  0        1        2        3
 *                 11000000 22221111 33333322 55444444 ...   (register 0 is the low 6 bits of byte 0)
 *           total length exactly 16 + 12288 = 12304 bytes
 *   sparse: run-length opcodes covering the 16384 registers in order:
 *           00xxxxxx            ZERO   xxxxxx+1 registers (1..64) are 0
 *           01xxxxxx yyyyyyyy   XZERO  (xxxxxx yyyyyyyy)+1 registers (1..16384) are 0
 *           1vvvvvxx            VAL    xx+1 registers (1..4) hold vvvvv+1 (1..32)
 *           an empty HLL is one XZERO:16384, the two bytes 7f ff
 * </pre>
 * Worked example (bytes taken from Redis 7.0.15, checked in {@code HllTest#workedExample}): a new key holds
 * {@code 48 59 4c 4c 01 00 00 00 00 00 00 00 00 00 00 00 7f ff} ("HYLL", sparse, a valid cached count of 0,
 * XZERO:16384). {@code PFADD k a} hashes "a" to register 12711 with a run of 2 and stores
 * {@code 48 59 4c 4c 01 00 00 00 00 00 00 00 00 00 00 80 71 a6 84 4e 57}: the cache marked stale, then
 * XZERO:12711 ({@code 71 a6}), VAL:2,1 ({@code 84}), XZERO:3672 ({@code 4e 57}). {@code PFCOUNT k} then writes the
 * count, 1, into bytes 8..15.
 * <p>
 * An element is hashed with MurmurHash64A (seed {@code 0xadc83b19}); the low 14 bits pick the register and the
 * register takes the maximum of its value and 1 + the number of trailing zeros of the remaining 50 bits (at most
 * 51). A sparse HLL turns dense when a register needs a value above 32 or when an edit would make the string
 * longer than {@code hll-sparse-max-bytes}. The count is Otmar Ertl's improved estimator over the histogram of
 * register values ("New cardinality estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), which
 * Redis uses since 5.0.
 *
 * <h2>Corrupted input</h2>
 * Every method reads only inside the array; a sparse string whose runs do not cover exactly 16384 registers is
 * reported (return value) instead of trusted. As in Redis 7.2.10 and later (the CVE-2025-32023 fix, also in the
 * distributions' patched 7.0 packages), a run that goes past the last register makes the string corrupted, even a
 * VAL after a complete set of runs, which older Redis ignored when converting or merging. Where Redis reads the byte after the string (its sds terminator,
 * for an XZERO cut in half at the end), this class reads {@code buf[len]} when the array is longer, else 0, and
 * keeps that byte as Redis does: 0 after each length change, except for the one in-place edit that writes past
 * the end.
 *
 * <h2>Costs</h2>
 * Dense add O(1); sparse add O(sparse length) (at most {@code hll-sparse-max-bytes}, default 3000); count O(16384)
 * unless the cached value is fresh; merge O(16384).
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Hll {
    /** Header length: magic, encoding, 3 unused, 8 bytes of cached cardinality. */
    public static final int HDR = 16;
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    static final int P_MASK = REGISTERS - 1;
    static final int BITS = 6;
    static final int REGISTER_MAX = (1 << BITS) - 1;
    /** Length of a dense HLL string. */
    public static final int DENSE_SIZE = HDR + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    static final int ENCODING_OFF = 4;
    static final int CARD_OFF = 8;
    static final int VAL_MAX_VALUE = 32;
    static final int VAL_MAX_LEN = 4;
    static final int ZERO_MAX_LEN = 64;
    static final int XZERO_MAX_LEN = 16384;
    static final long SEED = 0xadc83b19L;
    /** 0.5 / ln 2, the estimator's constant for m going to infinity. */
    static final double ALPHA_INF = 0.721347520444481703680;
    /** Default of {@code hll-sparse-max-bytes}. */
    public static final long DEFAULT_SPARSE_MAX_BYTES = 3000;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    /** The string bytes: [0, len) is the value, buf[len] (if it exists) plays Redis's sds terminator. */
    private byte[] buf;
    private int len;
    private final byte[] seq = new byte[5];

    /** A new, empty HLL in the sparse encoding (createHLLObject). */
    public Hll() {
        buf = new byte[HDR + 2];
        len = HDR + 2;
        buf[0] = 'H';
        buf[1] = 'Y';
        buf[2] = 'L';
        buf[3] = 'L';
        buf[ENCODING_OFF] = SPARSE;
        xzero(buf, HDR, REGISTERS);
    }

    /**
     * Edits the HLL held in {@code buf[0, len)} in place (the array may be replaced as the string grows: read it back
     * with {@link #buf()}). The caller has checked it with {@link #isHll}.
     */
    public Hll(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    public byte[] buf() {
        return buf;
    }

    public int length() {
        return len;
    }

    public int encoding() {
        return buf[ENCODING_OFF];
    }

    // ------------------------------------------------------------------ header

    /** Redis's isHLLObjectOrReply test on a string: long enough, magic, known encoding, exact dense length. */
    public static boolean isHll(byte[] b, int off, int len) {
        if (len < HDR || b[off] != 'H' || b[off + 1] != 'Y' || b[off + 2] != 'L' || b[off + 3] != 'L') {
            return false;
        }
        int enc = b[off + ENCODING_OFF] & 0xff;
        return enc == SPARSE || enc == DENSE && len == DENSE_SIZE;
    }

    /**
     * Validates untrusted bytes: {@link #isHll}, and when deep, that a sparse string's opcodes cover exactly 16384
     * registers (what PFCOUNT, PFMERGE and the sparse-to-dense conversion require). O(length) when deep.
     */
    public static boolean validate(byte[] b, int off, int len, boolean deep) {
        if (!isHll(b, off, len)) {
            return false;
        }
        return !deep || b[off + ENCODING_OFF] == DENSE || walkSparse(b, off, len, null, true) == REGISTERS;
    }

    public boolean cacheValid() {
        return (buf[CARD_OFF + 7] & 0x80) == 0;
    }

    public long cachedCardinality() {
        return (long) LONG_LE.get(buf, CARD_OFF);
    }

    public void setCachedCardinality(long card) {
        LONG_LE.set(buf, CARD_OFF, card);
    }

    public void invalidateCache() {
        buf[CARD_OFF + 7] |= (byte) 0x80;
    }

    // ------------------------------------------------------------------ hashing

    /** MurmurHash2, 64-bit version (MurmurHash64A), reading 8-byte blocks little endian as Redis does. */
    public static long murmur64a(byte[] b, int off, int n, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = seed ^ (n * m);
        int end = off + (n & ~7);
        for (int p = off; p < end; p += 8) {
            long k = (long) LONG_LE.get(b, p);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = n & 7;
        if (rest != 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (long) (b[end + i] & 0xff) << (8 * i);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** The register an element hashes to, in the low 16 bits, and its run length (1..51) above them. */
    static int patLen(byte[] b, int off, int n) {
        long hash = murmur64a(b, off, n, SEED);
        int index = (int) (hash & P_MASK);
        int count = Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
        return count << 16 | index;
    }

    // ------------------------------------------------------------------ dense registers

    static int denseGet(byte[] b, int base, int reg) {
        int bit = reg * BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        int v = (b[i] & 0xff) >>> fb;
        if (fb > 2) {
            v |= (b[i + 1] & 0xff) << (8 - fb);
        }
        return v & REGISTER_MAX;
    }

    static void denseSetRaw(byte[] b, int base, int reg, int val) {
        int bit = reg * BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        b[i] = (byte) (b[i] & ~(REGISTER_MAX << fb) | val << fb);
        if (fb > 2) {
            b[i + 1] = (byte) (b[i + 1] & ~(REGISTER_MAX >>> (8 - fb)) | val >>> (8 - fb));
        }
    }

    /** Register reg of a dense HLL. */
    public int register(int reg) {
        return denseGet(buf, HDR, reg);
    }

    private int denseSet(int reg, int count) {
        if (count > denseGet(buf, HDR, reg)) {
            denseSetRaw(buf, HDR, reg, count);
            return 1;
        }
        return 0;
    }

    // ------------------------------------------------------------------ sparse opcodes

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static int valOp(int value, int runlen) {
        return 0x80 | (value - 1) << 2 | (runlen - 1);
    }

    private static void xzero(byte[] b, int p, int runlen) {
        b[p] = (byte) (0x40 | (runlen - 1) >>> 8);
        b[p + 1] = (byte) (runlen - 1);
    }

    /** The byte at i, or what Redis would read past the string: buf[len] if the array has it, else 0. */
    private static int at(byte[] b, int i) {
        return i < b.length ? b[i] & 0xff : 0;
    }

    /** Registers covered by the opcode at p (XZERO reads its second byte with {@link #at}). */
    private static int span(byte[] b, int p) {
        int op = b[p] & 0xff;
        if (isZero(op)) {
            return (op & 0x3f) + 1;
        }
        if ((op & 0x80) != 0) {
            return (op & 3) + 1;
        }
        return ((op & 0x3f) << 8 | at(b, p + 1)) + 1;
    }

    // ------------------------------------------------------------------ add / set

    /**
     * Adds an element (hllAdd): 1 if a register changed, 0 if not, -1 if the sparse representation is corrupted.
     * A sparse HLL may turn dense on the way ({@code sparseMaxBytes} is {@code hll-sparse-max-bytes}).
     */
    public int add(byte[] ele, int off, int n, long sparseMaxBytes) {
        int pl = patLen(ele, off, n);
        return set(pl & 0xffff, pl >>> 16, sparseMaxBytes);
    }

    /** Raises register index to count if it is lower (hllDenseSet / hllSparseSet): 1, 0, or -1 if corrupted. */
    public int set(int index, int count, long sparseMaxBytes) {
        if (buf[ENCODING_OFF] == DENSE) {
            return denseSet(index, count);
        }
        return buf[ENCODING_OFF] == SPARSE ? sparseSet(index, count, sparseMaxBytes) : -1;
    }

    /**
     * hllSparseSet, in four steps as Redis: (1) find the opcode covering index; (2) handle the in-place cases
     * (VAL already high enough, VAL or ZERO of length 1); (3) otherwise split the opcode into up to
     * ZERO/XZERO - VAL - ZERO/XZERO (at most 5 bytes) and splice it in, or promote to dense when the string would
     * outgrow sparseMaxBytes; (4) merge equal adjacent VALs around the edit. Redis's exact choices are kept: the
     * bytes of a sparse HLL depend on the order of the edits.
     */
    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) {
            return promote(index, count);
        }
        ensureRoom(3);
        int end = len;
        int p = HDR;
        int prev = -1;
        long first = 0;
        long span = 0;
        while (p < end) {
            span = span(buf, p);
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += isXzero(buf[p]) ? 2 : 1;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = buf[p] & 0xff;
        if ((op & 0x80) != 0) {
            if ((op >>> 2 & 0x1f) + 1 >= count) {
                return 0;
            }
            if ((op & 3) == 0) {
                buf[p] = (byte) valOp(count, 1);
                return merged(prev, end);
            }
        } else if (isZero(op) && (op & 0x3f) == 0) {
            buf[p] = (byte) valOp(count, 1);
            return merged(prev, end);
        }
        int seqlen = split(op, index, first, first + span - 1, count);
        int oldlen = isXzero(op) ? 2 : 1;
        int next = p + oldlen >= end ? -1 : p + oldlen;
        int delta = seqlen - oldlen;
        if (delta > 0 && len + delta > sparseMaxBytes) {
            return promote(index, count);
        }
        if (delta != 0 && next >= 0) {
            System.arraycopy(buf, next, buf, next + delta, end - next);
        }
        len += delta;
        buf[len] = 0; // sdsIncrLen writes the terminator; an XZERO cut at the end makes the copy below overwrite it
        System.arraycopy(seq, 0, buf, p, seqlen);
        return merged(prev, end + delta);
    }

    /** Writes into seq the opcodes replacing op (covering first..last) once index holds count; returns their length. */
    private int split(int op, int index, long first, long last, int count) {
        int n = 0;
        boolean zeros = (op & 0x80) == 0;
        int curval = (op >>> 2 & 0x1f) + 1;
        if (index != first) {
            n = zeros ? zeroRun(n, (int) (index - first)) : putVal(n, curval, (int) (index - first));
        }
        n = putVal(n, count, 1);
        if (index != last) {
            n = zeros ? zeroRun(n, (int) (last - index)) : putVal(n, curval, (int) (last - index));
        }
        return n;
    }

    private int putVal(int n, int value, int runlen) {
        seq[n] = (byte) valOp(value, runlen);
        return n + 1;
    }

    private int zeroRun(int n, int runlen) {
        if (runlen > ZERO_MAX_LEN) {
            xzero(seq, n, runlen);
            return n + 2;
        }
        seq[n] = (byte) (runlen - 1);
        return n + 1;
    }

    /** Step 4: scans up to 5 opcodes from prev, merging adjacent VALs of equal value; invalidates the cache. */
    private int merged(int prev, int end) {
        int p = prev >= 0 ? prev : HDR;
        int scan = 5;
        while (p < end && scan-- != 0) {
            int op = buf[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            } else if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < end && (buf[p + 1] & 0x80) != 0) {
                int v1 = (op >>> 2 & 0x1f) + 1;
                int op2 = buf[p + 1] & 0xff;
                int runlen = (op & 3) + (op2 & 3) + 2;
                if (v1 == (op2 >>> 2 & 0x1f) + 1 && runlen <= VAL_MAX_LEN) {
                    buf[p + 1] = (byte) valOp(v1, runlen);
                    System.arraycopy(buf, p + 1, buf, p, end - p);
                    len--;
                    buf[len] = 0;
                    end--;
                    continue;
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    private int promote(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        return denseSet(index, count);
    }

    /** Makes room for n more bytes plus the terminator byte (sdsMakeRoomFor, growing as sds does). */
    private void ensureRoom(int n) {
        int need = len + n + 1;
        if (buf.length >= need) {
            return;
        }
        int cap = need < 1024 * 1024 ? need * 2 : need + 1024 * 1024;
        byte[] b = new byte[cap];
        System.arraycopy(buf, 0, b, 0, Math.min(buf.length, len + 1));
        buf = b;
    }

    // ------------------------------------------------------------------ sparse to dense

    /**
     * Converts a sparse HLL to dense (hllSparseToDense); the header, cached cardinality included, is kept. Returns
     * false, changing nothing, if the runs do not cover exactly 16384 registers.
     */
    public boolean toDense() {
        if (buf[ENCODING_OFF] == DENSE) {
            return true;
        }
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, d, 0, HDR);
        d[ENCODING_OFF] = DENSE;
        if (walkSparse(buf, 0, len, d, false) != REGISTERS) {
            return false;
        }
        buf = d;
        len = DENSE_SIZE;
        return true;
    }

    /**
     * Walks the sparse opcodes of b[off, off+n), writing each VAL register into out (dense registers after a header
     * when dense, else one byte per register taking the maximum; nothing when out is null). Returns the number of
     * registers covered, or -1 as soon as a run goes past the last register.
     */
    private static long walkSparse(byte[] b, int off, int n, byte[] out, boolean bytes) {
        int end = off + n;
        int p = off + HDR;
        long idx = 0;
        while (p < end) {
            int op = b[p] & 0xff;
            int runlen = span(b, p);
            if (idx + runlen > REGISTERS) {
                return -1;
            }
            if ((op & 0x80) == 0) {
                idx += runlen;
                p += isXzero(op) ? 2 : 1;
                continue;
            }
            int val = (op >>> 2 & 0x1f) + 1;
            if (out == null) {
                idx += runlen;
                p++;
                continue;
            }
            for (int i = 0; i < runlen; i++, idx++) {
                if (!bytes) {
                    denseSetRaw(out, HDR, (int) idx, val);
                } else if (val > out[(int) idx]) {
                    out[(int) idx] = (byte) val;
                }
            }
            p++;
        }
        return idx;
    }

    // ------------------------------------------------------------------ merge and count

    /**
     * Raises max[i] (one byte per register) to register i of the HLL in b[off, off+n) (hllMerge). Returns false if a
     * sparse HLL is corrupted; max may then be partly updated.
     */
    public static boolean merge(byte[] b, int off, int n, byte[] max) {
        if (b[off + ENCODING_OFF] == DENSE) {
            int base = off + HDR;
            for (int i = 0, q = base; i < REGISTERS; i += 4, q += 3) {
                int b0 = b[q] & 0xff;
                int b1 = b[q + 1] & 0xff;
                int b2 = b[q + 2] & 0xff;
                raise(max, i, b0 & 63);
                raise(max, i + 1, (b0 >>> 6 | b1 << 2) & 63);
                raise(max, i + 2, (b1 >>> 4 | b2 << 4) & 63);
                raise(max, i + 3, b2 >>> 2);
            }
            return true;
        }
        return walkSparse(b, off, n, max, true) == REGISTERS;
    }

    private static void raise(byte[] max, int i, int v) {
        if (v > max[i]) {
            max[i] = (byte) v;
        }
    }

    /**
     * Adds the histogram of register values of the HLL in b[off, off+n) to histo (64 slots). Returns false for a
     * sparse HLL whose runs do not cover exactly 16384 registers.
     */
    public static boolean histogram(byte[] b, int off, int n, int[] histo) {
        if (b[off + ENCODING_OFF] == DENSE) {
            for (int i = 0, q = off + HDR; i < REGISTERS / 4; i++, q += 3) {
                int b0 = b[q] & 0xff;
                int b1 = b[q + 1] & 0xff;
                int b2 = b[q + 2] & 0xff;
                histo[b0 & 63]++;
                histo[(b0 >>> 6 | b1 << 2) & 63]++;
                histo[(b1 >>> 4 | b2 << 4) & 63]++;
                histo[b2 >>> 2]++;
            }
            return true;
        }
        int end = off + n;
        long idx = 0;
        for (int p = off + HDR; p < end; ) {
            int op = b[p] & 0xff;
            int runlen = span(b, p);
            idx += runlen;
            if (idx > REGISTERS) {
                return false;
            }
            histo[(op & 0x80) == 0 ? 0 : (op >>> 2 & 0x1f) + 1] += runlen;
            p += isXzero(op) ? 2 : 1;
        }
        return idx == REGISTERS;
    }

    /** The histogram of one byte per register (PFCOUNT of several keys). */
    public static void rawHistogram(byte[] max, int[] histo) {
        for (int i = 0; i < REGISTERS; i++) {
            histo[max[i]]++;
        }
    }

    /**
     * The cardinality estimate from a register histogram (Ertl's improved estimator, as hllCount):
     * z = m tau(1 - h[q+1]/m), then for k = q..1: z = (z + h[k]) / 2, then z += m sigma(h[0]/m), and
     * E = round(alpha_inf m^2 / z). Values above q+1 (only in crafted dense strings) do not count, as in Redis. A
     * result that does not fit a signed 64-bit integer gives Long.MIN_VALUE, as x86-64 Redis's llroundl does.
     */
    public static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        double e = ALPHA_INF * m * m / z;
        if (!(e < 0x1p63)) {
            return Long.MIN_VALUE;
        }
        return Math.round(e); // e >= 0: half away from zero, as llroundl
    }

    /** Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), iterated until it no longer changes. */
    static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double y = 1;
        double z = x;
        double prev;
        do {
            x *= x;
            prev = z;
            z += x * y;
            y += y;
        } while (prev != z);
        return z;
    }

    /** Ertl's tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3, iterated until it no longer changes. */
    static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double y = 1.0;
        double z = 1 - x;
        double prev;
        do {
            x = Math.sqrt(x);
            prev = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (prev != z);
        return z / 3;
    }

    /**
     * Computes the estimate of this HLL, ignoring the cache, into out[0]. Returns false (out untouched) for a
     * corrupted sparse HLL; a dense HLL is always counted.
     */
    public boolean count(long[] out) {
        int[] histo = new int[64];
        if (!histogram(buf, 0, len, histo)) {
            return false;
        }
        out[0] = estimate(histo);
        return true;
    }

    // ------------------------------------------------------------------ debugging

    /** PFDEBUG DECODE of a sparse HLL: "Z:n" for XZERO, "z:n" for ZERO, "v:value,len" for VAL, space separated. */
    public String decode() {
        StringBuilder s = new StringBuilder();
        for (int p = HDR; p < len; ) {
            int op = buf[p] & 0xff;
            if (s.length() > 0) {
                s.append(' ');
            }
            if (isZero(op)) {
                s.append("z:").append(span(buf, p));
                p++;
            } else if (isXzero(op)) {
                s.append("Z:").append(span(buf, p));
                p += 2;
            } else {
                s.append("v:").append((op >>> 2 & 0x1f) + 1).append(',').append((op & 3) + 1);
                p++;
            }
        }
        return s.toString();
    }
}
