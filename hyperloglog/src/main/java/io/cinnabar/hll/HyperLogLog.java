package io.cinnabar.hll;

import io.cinnabar.hll.internal.ErtlEstimator;
import io.cinnabar.hll.internal.MurmurHash64A;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Redis's HyperLogLog, byte for byte: the string value {@code PFADD}, {@code PFCOUNT} and {@code PFMERGE} work on,
 * edited in place. An HLL is a plain Redis string (no type of its own), so {@code GET}, {@code SET}, {@code DUMP},
 * {@code RESTORE} and RDB files carry these bytes unchanged between Redis and any user of this class.
 *
 * <h2>Byte layout</h2>
 * <pre>
 *   offset 0   "HYLL"        MAGIC_OFFSET        magic, 4 bytes
 *          4   encoding      ENCODING_OFFSET     DENSE (0) or SPARSE (1); anything else is not an HLL
 *          5   0 0 0                             unused
 *          8   cardinality   CARDINALITY_OFFSET  cached PFCOUNT result, 8 bytes little endian; bit 7 of byte 15
 *                                                (CACHE_STALE_BIT of the most significant byte) set = recompute
 *         16   registers     HEADER_SIZE         REGISTERS (16384 = 2^P, P = 14) registers, as below
 *
 *   dense:  REGISTER_BITS (6) bits per register, packed from the least significant bit of each byte up:
 *           byte   16       17       18       19
 *                  11000000 22221111 33333322 55444444 ...   (register 0 is the low 6 bits of byte 16)
 *           total length exactly DENSE_SIZE = 16 + 12288 = 12304 bytes; values 0..REGISTER_MAX (63)
 *
 *   sparse: run-length opcodes covering the 16384 registers in order:
 *           00xxxxxx            ZERO   xxxxxx+1 registers (1..ZERO_MAX_LEN = 64) are 0
 *           01xxxxxx yyyyyyyy   XZERO  (xxxxxx yyyyyyyy)+1 registers (1..XZERO_MAX_LEN = 16384) are 0
 *           1vvvvvxx            VAL    xx+1 registers (1..VAL_MAX_LEN = 4) hold vvvvv+1 (1..VAL_MAX_VALUE = 32)
 *           an empty HLL is one XZERO:16384, the two bytes 7f ff
 * </pre>
 * Worked example (bytes taken from Redis 7.0.15, checked in {@code HyperLogLogTest#workedExample}): a new key
 * holds {@code 48 59 4c 4c 01 00 00 00 00 00 00 00 00 00 00 00 7f ff} ("HYLL", sparse, a valid cached count of 0,
 * XZERO:16384). {@code PFADD k a} hashes "a" to register 12711 with a run of 2 and stores
 * {@code 48 59 4c 4c 01 00 00 00 00 00 00 00 00 00 00 80 71 a6 84 4e 57}: the cache marked stale, then
 * XZERO:12711 ({@code 71 a6}), VAL:2,1 ({@code 84}), XZERO:3672 ({@code 4e 57}). {@code PFCOUNT k} then writes
 * the count, 1, into bytes 8..15.
 *
 * <h2>Adding, promotion, counting</h2>
 * An element is hashed with MurmurHash64A (seed {@link #HASH_SEED}); the low 14 bits pick the register and the
 * register takes the maximum of its value and 1 + the number of trailing zeros of the remaining 50 bits (at most
 * 51). A sparse HLL turns dense when a register needs a value above 32, or when an edit would make the string
 * longer than {@link #sparseMaxBytes()} (Redis's {@code hll-sparse-max-bytes}, default 3000). The count is Otmar
 * Ertl's improved estimator over the histogram of register values, which Redis uses since 5.0; its standard error
 * is 1.04 / sqrt(16384) = 0.81%. The bytes of a sparse HLL depend on the order of the edits, exactly as in Redis;
 * the registers do not.
 *
 * <h2>Corrupted input</h2>
 * Every method reads only inside the array. {@link #wrap}, {@link #copyOf} and {@link #validate} check the header
 * (Redis's {@code isHLLObjectOrReply}); a sparse string whose runs do not cover exactly 16384 registers is reported
 * with {@link HllFormatException} by the operation that walks it, as Redis reports it only then, and by
 * {@code validate(..., deep = true)} up front. As in Redis 7.2.10 and later (the CVE-2025-32023 fix, also in the
 * distributions' patched 7.0 packages), a run that goes past the last register makes the string corrupted, even a
 * VAL after a complete set of runs, which older Redis ignored when converting or merging.
 * <p>
 * Where Redis reads the byte after the string (its sds terminator, for an XZERO cut in half at the very end), this
 * class reads {@code array[length]} when the array is longer than the string, else 0, and keeps that byte as Redis
 * does: 0 after each length change, except for the one in-place edit that writes past the end. A caller that keeps
 * the string in a larger array therefore gets Redis's exact answers on such strings.
 *
 * <h2>Costs</h2>
 * Dense add O(1); sparse add O(sparse length), at most {@code sparseMaxBytes} plus one opcode; {@link #count()}
 * O(1) with a fresh cache, else O(16384) (dense) or O(sparse length); merges O(16384); {@link #toDense()}
 * O(16384) and allocates the 12304-byte dense string. Adding, counting and merging allocate nothing, except a
 * sparse string that outgrows its array (grown as sds grows: doubled below 1 MiB) and the 64-slot histogram of a
 * count.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class HyperLogLog {
    /** Offset of the 4 magic bytes "HYLL". */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the encoding byte: {@link #DENSE} or {@link #SPARSE}. */
    public static final int ENCODING_OFFSET = 4;
    /** Offset of the cached cardinality, 8 bytes little endian. */
    public static final int CARDINALITY_OFFSET = 8;
    /** Bit of byte {@code CARDINALITY_OFFSET + 7} that marks the cached cardinality stale. */
    public static final int CACHE_STALE_BIT = 0x80;
    /** Header length: magic, encoding, 3 unused bytes, cached cardinality. Registers start here. */
    public static final int HEADER_SIZE = 16;
    /** The encoding byte of a dense HLL. */
    public static final int DENSE = 0;
    /** The encoding byte of a sparse HLL. */
    public static final int SPARSE = 1;
    /** Bits of the hash that choose the register. */
    public static final int P = 14;
    /** Bits of the hash left for the run of zeros. */
    public static final int Q = 64 - P;
    /** Number of registers, 2^P. */
    public static final int REGISTERS = 1 << P;
    /** Bits per dense register. */
    public static final int REGISTER_BITS = 6;
    /** Largest value a register can hold (hashing gives at most Q + 1 = 51). */
    public static final int REGISTER_MAX = (1 << REGISTER_BITS) - 1;
    /** Length of a dense HLL string. */
    public static final int DENSE_SIZE = HEADER_SIZE + (REGISTERS * REGISTER_BITS + 7) / 8;
    /** Largest value a sparse VAL opcode holds; a higher value makes the HLL dense. */
    public static final int VAL_MAX_VALUE = 32;
    /** Most registers one VAL opcode covers. */
    public static final int VAL_MAX_LEN = 4;
    /** Most registers one ZERO opcode covers. */
    public static final int ZERO_MAX_LEN = 64;
    /** Most registers one XZERO opcode covers. */
    public static final int XZERO_MAX_LEN = 16384;
    /** Seed of MurmurHash64A. */
    public static final long HASH_SEED = 0xadc83b19L;
    /** Default of Redis's {@code hll-sparse-max-bytes}. */
    public static final long DEFAULT_SPARSE_MAX_BYTES = 3000;

    private static final int P_MASK = REGISTERS - 1;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    /** The string bytes: [0, len) is the value, buf[len] (if it exists) plays Redis's sds terminator. */
    private byte[] buf;
    private int len;
    private long sparseMaxBytes = DEFAULT_SPARSE_MAX_BYTES;
    /** Scratch for the up to 5 opcodes that replace one opcode in a sparse edit. */
    private final byte[] seq = new byte[5];

    /** A new, empty HLL in the sparse encoding, as Redis's {@code createHLLObject}: 18 bytes. */
    public HyperLogLog() {
        buf = new byte[HEADER_SIZE + 2];
        len = HEADER_SIZE + 2;
        buf[MAGIC_OFFSET] = 'H';
        buf[MAGIC_OFFSET + 1] = 'Y';
        buf[MAGIC_OFFSET + 2] = 'L';
        buf[MAGIC_OFFSET + 3] = 'L';
        buf[ENCODING_OFFSET] = SPARSE;
        xzero(buf, HEADER_SIZE, REGISTERS);
    }

    private HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /**
     * Edits the HLL string held in {@code buf[0, len)} in place, without copying, after checking its header. The
     * array may be replaced as the string grows or turns dense: read it back with {@link #array()} and
     * {@link #length()}. Sparse corruption is found by the operations, as in Redis (or call {@link #validate} with
     * {@code deep} first).
     *
     * @throws HllFormatException if the header is not an HLL's ({@link #isHll})
     */
    public static HyperLogLog wrap(byte[] buf, int len) {
        Objects.checkFromIndexSize(0, len, buf.length);
        checkHeader(buf, 0, len);
        return new HyperLogLog(buf, len);
    }

    /**
     * A copy of the HLL string at {@code b[off, off+len)}, after checking its header.
     *
     * @throws HllFormatException if the header is not an HLL's ({@link #isHll})
     */
    public static HyperLogLog copyOf(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        checkHeader(b, off, len);
        return new HyperLogLog(Arrays.copyOfRange(b, off, off + len), len);
    }

    /**
     * Sets the sparse size limit, Redis's {@code hll-sparse-max-bytes}: an edit that would make a sparse string
     * longer converts it to dense. 0 makes every first edit convert. Returns this.
     *
     * @throws IllegalArgumentException if negative
     */
    public HyperLogLog sparseMaxBytes(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("sparseMaxBytes must be >= 0: " + maxBytes);
        }
        this.sparseMaxBytes = maxBytes;
        return this;
    }

    /** The sparse size limit, {@link #DEFAULT_SPARSE_MAX_BYTES} unless set. */
    public long sparseMaxBytes() {
        return sparseMaxBytes;
    }

    /** The backing array; its first {@link #length()} bytes are the HLL string. */
    public byte[] array() {
        return buf;
    }

    /** Length of the HLL string. */
    public int length() {
        return len;
    }

    /** An exact copy of the HLL string. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** {@link #DENSE} or {@link #SPARSE}. */
    public int encoding() {
        return buf[ENCODING_OFFSET];
    }

    public boolean isDense() {
        return buf[ENCODING_OFFSET] == DENSE;
    }

    public boolean isSparse() {
        return buf[ENCODING_OFFSET] == SPARSE;
    }

    // ------------------------------------------------------------------ header and validation

    /**
     * Redis's {@code isHLLObjectOrReply} test on a string: at least a header long, the magic, a known encoding, and
     * exactly {@link #DENSE_SIZE} bytes when dense. O(1).
     */
    public static boolean isHll(byte[] b, int off, int len) {
        if (len < HEADER_SIZE || b[off] != 'H' || b[off + 1] != 'Y' || b[off + 2] != 'L' || b[off + 3] != 'L') {
            return false;
        }
        int enc = b[off + ENCODING_OFFSET] & 0xff;
        return enc == SPARSE || enc == DENSE && len == DENSE_SIZE;
    }

    /**
     * Validates untrusted bytes: the header as {@link #isHll}, and when {@code deep}, that a sparse string's
     * opcodes cover exactly 16384 registers (what {@link #count()}, the merges and {@link #toDense()} require).
     * A string that passes deep validation is accepted by every operation of this class. O(1) shallow, O(length)
     * deep; no allocation unless it throws. Reads {@code b[off+len]} as described in the class comment.
     *
     * @throws HllFormatException naming the first problem found (and nothing else, for any content)
     */
    public static void validate(byte[] b, int off, int len, boolean deep) {
        Objects.checkFromIndexSize(off, len, b.length);
        checkHeader(b, off, len);
        if (deep && b[off + ENCODING_OFFSET] == SPARSE) {
            long covered = walkSparse(b, off, len, null, false);
            if (covered != REGISTERS) {
                throw corrupted(covered < 0 ? "sparse runs go past register 16383"
                    : "sparse runs cover " + covered + " registers, not 16384");
            }
        }
    }

    /** {@link #validate(byte[], int, int, boolean)} of the whole array. */
    public static void validate(byte[] b, boolean deep) {
        validate(b, 0, b.length, deep);
    }

    /** Whether {@link #validate(byte[], int, int, boolean)} would pass. */
    public static boolean isValid(byte[] b, int off, int len, boolean deep) {
        try {
            validate(b, off, len, deep);
            return true;
        } catch (HllFormatException e) {
            return false;
        }
    }

    private static void checkHeader(byte[] b, int off, int len) {
        if (isHll(b, off, len)) {
            return;
        }
        String why;
        if (len < HEADER_SIZE) {
            why = "shorter than the 16-byte header: " + len + " bytes";
        } else if (b[off] != 'H' || b[off + 1] != 'Y' || b[off + 2] != 'L' || b[off + 3] != 'L') {
            why = "no HYLL magic";
        } else if (b[off + ENCODING_OFFSET] == DENSE) {
            why = "dense string of " + len + " bytes, not " + DENSE_SIZE;
        } else {
            why = "unknown encoding " + (b[off + ENCODING_OFFSET] & 0xff);
        }
        throw new HllFormatException("not a HyperLogLog string: " + why, true);
    }

    private static HllFormatException corrupted(String why) {
        return new HllFormatException("corrupted HyperLogLog: " + why, false);
    }

    // ------------------------------------------------------------------ cached cardinality

    /** Whether the cached cardinality is fresh (the stale bit is clear). */
    public boolean isCacheValid() {
        return (buf[CARDINALITY_OFFSET + 7] & CACHE_STALE_BIT) == 0;
    }

    /** The 8 bytes of cached cardinality as stored (meaningful only when {@link #isCacheValid()}). */
    public long cachedCount() {
        return (long) LONG_LE.get(buf, CARDINALITY_OFFSET);
    }

    /** Stores a cardinality in the header (a negative value also sets the stale bit, as Redis's bytes would). */
    public void setCachedCount(long count) {
        LONG_LE.set(buf, CARDINALITY_OFFSET, count);
    }

    /** Marks the cached cardinality stale; every edit through this class does it. */
    public void invalidateCache() {
        buf[CARDINALITY_OFFSET + 7] |= (byte) CACHE_STALE_BIT;
    }

    // ------------------------------------------------------------------ hashing

    /** MurmurHash64A of {@code b[off, off+len)} with {@link #HASH_SEED}, the hash that chooses the register. */
    public static long hash(byte[] b, int off, int len) {
        return MurmurHash64A.hash(b, off, len, HASH_SEED);
    }

    /** The register an element hashes to, in the low 16 bits, and its run length (1..51) above them. */
    private static int patLen(byte[] b, int off, int n) {
        long hash = hash(b, off, n);
        int index = (int) (hash & P_MASK);
        int count = Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
        return count << 16 | index;
    }

    // ------------------------------------------------------------------ dense registers

    /**
     * Register {@code index} of the dense HLL string starting at {@code b[off]} (the header's first byte), without
     * any check of the header. For callers that handle dense strings themselves (Redis's PFSELFTEST).
     */
    public static int denseRegister(byte[] b, int off, int index) {
        Objects.checkIndex(index, REGISTERS);
        return denseGet(b, off + HEADER_SIZE, index);
    }

    /**
     * Writes {@code value} (0..63) into register {@code index} of the dense HLL string starting at {@code b[off]},
     * unconditionally and without touching the cache or any other bits.
     */
    public static void setDenseRegister(byte[] b, int off, int index, int value) {
        Objects.checkIndex(index, REGISTERS);
        Objects.checkIndex(value, REGISTER_MAX + 1);
        Objects.checkFromIndexSize(off, DENSE_SIZE, b.length);
        denseSetRaw(b, off + HEADER_SIZE, index, value);
    }

    private static int denseGet(byte[] b, int base, int reg) {
        int bit = reg * REGISTER_BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        int v = (b[i] & 0xff) >>> fb;
        if (fb > 2) {
            v |= (b[i + 1] & 0xff) << (8 - fb);
        }
        return v & REGISTER_MAX;
    }

    private static void denseSetRaw(byte[] b, int base, int reg, int val) {
        int bit = reg * REGISTER_BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        b[i] = (byte) (b[i] & ~(REGISTER_MAX << fb) | val << fb);
        if (fb > 2) {
            b[i + 1] = (byte) (b[i + 1] & ~(REGISTER_MAX >>> (8 - fb)) | val >>> (8 - fb));
        }
    }

    /**
     * The value of register {@code index} (0..16383) in either encoding: O(1) dense, O(sparse length) sparse.
     *
     * @throws HllFormatException if the sparse runs end before reaching the register or go past the last one
     */
    public int register(int index) {
        Objects.checkIndex(index, REGISTERS);
        if (isDense()) {
            return denseGet(buf, HEADER_SIZE, index);
        }
        long first = 0;
        for (int p = HEADER_SIZE; p < len; p += opLength(buf[p])) {
            int span = span(buf, p);
            if (first + span > REGISTERS) {
                break;
            }
            if (index < first + span) {
                int op = buf[p] & 0xff;
                return (op & 0x80) == 0 ? 0 : (op >>> 2 & 0x1f) + 1;
            }
            first += span;
        }
        throw corrupted("sparse runs do not cover register " + index);
    }

    private boolean denseSet(int reg, int count) {
        if (count > denseGet(buf, HEADER_SIZE, reg)) {
            denseSetRaw(buf, HEADER_SIZE, reg, count);
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ sparse opcodes

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static int opLength(byte op) {
        return isXzero(op) ? 2 : 1;
    }

    private static int valOp(int value, int runlen) {
        return 0x80 | (value - 1) << 2 | (runlen - 1);
    }

    private static void xzero(byte[] b, int p, int runlen) {
        b[p] = (byte) (0x40 | (runlen - 1) >>> 8);
        b[p + 1] = (byte) (runlen - 1);
    }

    /** The byte at i, or what Redis would read past the string: the array's byte if it has one, else 0. */
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

    // ------------------------------------------------------------------ add / raise

    /** {@link #add(byte[], int, int)} of the whole array. */
    public boolean add(byte[] element) {
        return add(element, 0, element.length);
    }

    /**
     * Adds an element (Redis's {@code hllAdd}): true if a register changed, which also marks the cache stale. A
     * sparse HLL may turn dense on the way.
     *
     * @throws HllFormatException if the sparse runs are corrupted; the edits of earlier calls are kept, as Redis
     *     keeps the registers a PFADD changed before it met the corruption
     */
    public boolean add(byte[] element, int off, int n) {
        int pl = patLen(element, off, n);
        return raise(pl & 0xffff, pl >>> 16);
    }

    /**
     * Raises register {@code index} to {@code value} if it is lower (Redis's {@code hllDenseSet} /
     * {@code hllSparseSet}); true if it changed, which also marks the cache stale. Values above 32 make a sparse
     * HLL dense; 0 never changes anything.
     *
     * @throws IllegalArgumentException if index is not 0..16383 or value not 0..63
     * @throws HllFormatException if the sparse runs are corrupted
     */
    public boolean raise(int index, int value) {
        if (index < 0 || index >= REGISTERS || value < 0 || value > REGISTER_MAX) {
            throw new IllegalArgumentException("register " + index + " value " + value);
        }
        if (value == 0) {
            return false;
        }
        int r = set(index, value);
        if (r < 0) {
            throw corrupted("sparse runs do not cover register " + index);
        }
        if (r > 0) {
            invalidateCache();
        }
        return r > 0;
    }

    /** hllDenseSet / hllSparseSet: 1 changed, 0 not, -1 corrupted sparse runs. */
    private int set(int index, int count) {
        if (buf[ENCODING_OFFSET] == DENSE) {
            return denseSet(index, count) ? 1 : 0;
        }
        return sparseSet(index, count);
    }

    /**
     * hllSparseSet, in four steps as Redis: (1) find the opcode covering index; (2) handle the in-place cases
     * (VAL already high enough, VAL or ZERO of length 1); (3) otherwise split the opcode into up to
     * ZERO/XZERO - VAL - ZERO/XZERO (at most 5 bytes) and splice it in, or promote to dense when the string would
     * outgrow sparseMaxBytes; (4) merge equal adjacent VALs around the edit. Redis's exact choices are kept: the
     * bytes of a sparse HLL depend on the order of the edits.
     */
    private int sparseSet(int index, int count) {
        if (count > VAL_MAX_VALUE) {
            return promote(index, count);
        }
        ensureRoom(3);
        int end = len;
        int p = HEADER_SIZE;
        int prev = -1;
        long first = 0;
        long span = 0;
        while (p < end) {
            span = span(buf, p);
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += opLength(buf[p]);
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
        return splice(p, prev, end, op, split(op, index, first, first + span - 1, count), index, count);
    }

    /** Step 3: replaces the opcode at p by the seqlen bytes of seq, or promotes if the string would grow too long. */
    private int splice(int p, int prev, int end, int op, int seqlen, int index, int count) {
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
        int p = prev >= 0 ? prev : HEADER_SIZE;
        int scan = 5;
        while (p < end && scan-- != 0) {
            int op = buf[p] & 0xff;
            if ((op & 0x80) == 0) {
                p += opLength((byte) op);
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
        if (!sparseToDense()) {
            return -1;
        }
        return denseSet(index, count) ? 1 : 0;
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
     * Converts a sparse HLL to dense (Redis's {@code hllSparseToDense}), keeping the header, cached cardinality
     * included. True if it converted, false if it was dense already. O(16384); allocates the dense string.
     *
     * @throws HllFormatException (changing nothing) if the sparse runs do not cover exactly 16384 registers
     */
    public boolean toDense() {
        if (isDense()) {
            return false;
        }
        if (!sparseToDense()) {
            throw corrupted("sparse runs do not cover exactly 16384 registers");
        }
        return true;
    }

    private boolean sparseToDense() {
        if (buf[ENCODING_OFFSET] == DENSE) {
            return true;
        }
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, d, 0, HEADER_SIZE);
        d[ENCODING_OFFSET] = DENSE;
        if (walkSparse(buf, 0, len, d, false) != REGISTERS) {
            return false;
        }
        buf = d;
        len = DENSE_SIZE;
        return true;
    }

    /**
     * Walks the sparse opcodes of b[off, off+n), writing each VAL register into out (dense registers after a header
     * when not bytes, else one byte per register taking the maximum; nothing when out is null). Returns the number
     * of registers covered, or -1 as soon as a run goes past the last register.
     */
    private static long walkSparse(byte[] b, int off, int n, byte[] out, boolean bytes) {
        int end = off + n;
        int p = off + HEADER_SIZE;
        long idx = 0;
        while (p < end) {
            int op = b[p] & 0xff;
            int runlen = span(b, p);
            if (idx + runlen > REGISTERS) {
                return -1;
            }
            if ((op & 0x80) == 0 || out == null) {
                idx += runlen;
                p += opLength((byte) op);
                continue;
            }
            int val = (op >>> 2 & 0x1f) + 1;
            for (int i = 0; i < runlen; i++, idx++) {
                if (!bytes) {
                    denseSetRaw(out, HEADER_SIZE, (int) idx, val);
                } else if (val > out[(int) idx]) {
                    out[(int) idx] = (byte) val;
                }
            }
            p++;
        }
        return idx;
    }

    // ------------------------------------------------------------------ merge

    /**
     * Raises {@code registers[i]} (one byte per register, 16384 of them) to register i of this HLL: the union
     * step of {@code PFMERGE} and multi-key {@code PFCOUNT} ({@code hllMerge}). O(16384) dense, O(length) sparse.
     *
     * @throws HllFormatException if the sparse runs are corrupted; registers may then be partly raised
     */
    public void unionInto(byte[] registers) {
        unionInto(buf, 0, len, registers);
    }

    /**
     * {@link #unionInto(byte[])} of the HLL string at {@code b[off, off+len)}, read in place (no wrapper, no copy).
     * The caller has checked the header ({@link #isHll}); {@code b[off+len]} is read as the class comment says.
     *
     * @throws HllFormatException if the sparse runs are corrupted; registers may then be partly raised
     */
    public static void unionInto(byte[] b, int off, int len, byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("registers must have 16384 slots: " + registers.length);
        }
        if (b[off + ENCODING_OFFSET] == DENSE) {
            for (int i = 0, q = off + HEADER_SIZE; i < REGISTERS; i += 4, q += 3) {
                int b0 = b[q] & 0xff;
                int b1 = b[q + 1] & 0xff;
                int b2 = b[q + 2] & 0xff;
                raiseSlot(registers, i, b0 & 63);
                raiseSlot(registers, i + 1, (b0 >>> 6 | b1 << 2) & 63);
                raiseSlot(registers, i + 2, (b1 >>> 4 | b2 << 4) & 63);
                raiseSlot(registers, i + 3, b2 >>> 2);
            }
            return;
        }
        if (walkSparse(b, off, len, registers, true) != REGISTERS) {
            throw corrupted("sparse runs do not cover exactly 16384 registers");
        }
    }

    private static void raiseSlot(byte[] registers, int i, int v) {
        if (v > registers[i]) {
            registers[i] = (byte) v;
        }
    }

    /**
     * Raises every register of this HLL to {@code registers[i]} where that is higher, then marks the cache stale
     * (the write into {@code PFMERGE}'s target). Like Redis, it does not convert a sparse target to dense first:
     * call {@link #toDense()} before when a source was dense, as {@code PFMERGE} does. O(16384) plus the sparse
     * edits.
     *
     * @throws IllegalArgumentException (before any change) if registers is not 16384 values of 0..63
     */
    public void mergeRegisters(byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("registers must have 16384 slots: " + registers.length);
        }
        for (int j = 0; j < REGISTERS; j++) {
            if (registers[j] < 0 || registers[j] > REGISTER_MAX) {
                throw new IllegalArgumentException("register " + j + " value " + registers[j]);
            }
        }
        for (int j = 0; j < REGISTERS; j++) {
            if (registers[j] != 0) {
                set(j, registers[j]); // as Redis, a failed sparse edit is not reported here
            }
        }
        invalidateCache();
    }

    /**
     * Makes this HLL the union of itself and {@code other} ({@code PFMERGE this other}): dense if either is dense,
     * registers the maximum of both. O(16384).
     *
     * @throws HllFormatException if either is a corrupted sparse HLL (this one unchanged)
     */
    public void merge(HyperLogLog other) {
        byte[] registers = new byte[REGISTERS];
        unionInto(registers);
        other.unionInto(registers);
        if (other.isDense()) {
            toDense();
        }
        mergeRegisters(registers);
    }

    // ------------------------------------------------------------------ count

    /**
     * The cardinality estimate, as {@code PFCOUNT key}: the cached value when fresh, else the estimate, which is
     * then cached. Typical error 0.81%; see the README for bounds.
     *
     * @throws HllFormatException if the sparse runs are corrupted (nothing changed)
     */
    public long count() {
        if (isCacheValid()) {
            return cachedCount();
        }
        long n = estimate();
        setCachedCount(n);
        return n;
    }

    /**
     * The estimate computed from the registers, ignoring and not touching the cache ({@code hllCount}).
     *
     * @throws HllFormatException if the sparse runs are corrupted
     */
    public long estimate() {
        int[] histo = new int[64];
        if (!histogram(buf, 0, len, histo)) {
            throw corrupted("sparse runs do not cover exactly 16384 registers");
        }
        return ErtlEstimator.estimate(histo, REGISTERS, Q);
    }

    /**
     * The estimate of a union held as one byte per register (filled by {@link #unionInto}): {@code PFCOUNT} of
     * several keys. Values above 63 are not allowed.
     *
     * @throws IllegalArgumentException if registers is not 16384 values of 0..63
     */
    public static long estimateUnion(byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("registers must have 16384 slots: " + registers.length);
        }
        int[] histo = new int[64];
        for (int i = 0; i < REGISTERS; i++) {
            int v = registers[i];
            if (v < 0 || v > REGISTER_MAX) {
                throw new IllegalArgumentException("register " + i + " value " + v);
            }
            histo[v]++;
        }
        return ErtlEstimator.estimate(histo, REGISTERS, Q);
    }

    /** Adds the histogram of register values to histo; false for sparse runs not covering 16384 registers. */
    private static boolean histogram(byte[] b, int off, int n, int[] histo) {
        if (b[off + ENCODING_OFFSET] == DENSE) {
            for (int i = 0, q = off + HEADER_SIZE; i < REGISTERS / 4; i++, q += 3) {
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
        for (int p = off + HEADER_SIZE; p < end; ) {
            int op = b[p] & 0xff;
            int runlen = span(b, p);
            idx += runlen;
            if (idx > REGISTERS) {
                return false;
            }
            histo[(op & 0x80) == 0 ? 0 : (op >>> 2 & 0x1f) + 1] += runlen;
            p += opLength((byte) op);
        }
        return idx == REGISTERS;
    }

    // ------------------------------------------------------------------ debugging

    /**
     * The sparse opcodes as {@code PFDEBUG DECODE} prints them: "Z:n" for XZERO, "z:n" for ZERO, "v:value,len" for
     * VAL, space separated. Prints what is there, corrupted or not.
     *
     * @throws IllegalStateException if the HLL is dense
     */
    public String decodeSparse() {
        if (!isSparse()) {
            throw new IllegalStateException("HLL encoding is not sparse");
        }
        StringBuilder s = new StringBuilder();
        for (int p = HEADER_SIZE; p < len; ) {
            int op = buf[p] & 0xff;
            if (s.length() > 0) {
                s.append(' ');
            }
            if (isZero(op)) {
                s.append("z:").append(span(buf, p));
            } else if (isXzero(op)) {
                s.append("Z:").append(span(buf, p));
            } else {
                s.append("v:").append((op >>> 2 & 0x1f) + 1).append(',').append((op & 3) + 1);
            }
            p += opLength((byte) op);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "HyperLogLog[" + (isDense() ? "dense" : "sparse") + ", " + len + " bytes]";
    }
}
