package io.cinnabar.intset;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;

/**
 * A sorted set of distinct 64-bit integers stored in Redis's intset layout, byte for byte.
 *
 * <h2>Layout</h2>
 * <pre>
 *   offset 0          4          8
 *          +----------+----------+-----------------------------------------+
 *          | encoding | length   | contents: length * encoding bytes       |
 *          | uint32 LE| uint32 LE| signed integers, LE, strictly ascending |
 *          +----------+----------+-----------------------------------------+
 *
 *   encoding  2 (int16), 4 (int32) or 8 (int64): the width of every element
 *   length    the number of elements
 *   blob size 8 + length * encoding
 * </pre>
 * Worked example: the set {5, -3, 300} is {@code 02000000 03000000 fdff 0500 2c01}: int16 encoding, three
 * elements, -3, 5 and 300 as little-endian 16-bit values ({@code IntsetTest#workedExample}). This is what an RDB
 * file or a DUMP payload carries inside a {@code RDB_TYPE_SET_INTSET} (11) string.
 *
 * <h2>Encoding upgrades</h2>
 * A new set uses int16. Adding a value that does not fit the current width rewrites every element at the wider
 * width (back to front, in place) and puts the new value first (if negative) or last (if positive): a value that
 * needs a wider encoding is necessarily smaller or larger than every element. Removing never narrows the
 * encoding, as in Redis.
 *
 * <h2>Adoption without re-encoding</h2>
 * The first {@link #blobLength()} bytes of {@link #array()} are always the exact blob, header included, so a set
 * can be written to RDB as is, and a blob read from RDB can be adopted with {@link #wrap(byte[], boolean)} after
 * validation, without copying. The backing array may be longer than the blob after additions (growth is
 * amortized, where Redis reallocates exactly on every change); {@link #toByteArray()} returns an exact copy.
 *
 * <h2>Costs</h2>
 * {@link #contains}, {@link #search} and {@link #get} are O(log n) / O(1) reads with no allocation. {@link #add}
 * and {@link #remove} are O(n): they shift the tail with {@code System.arraycopy}; an upgrade rewrites all n
 * elements. Memory is 8 bytes of header plus 2, 4 or 8 bytes per element.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Intset {
    /** Offset of the uint32 encoding field. */
    public static final int ENCODING_OFFSET = 0;
    /** Offset of the uint32 length field. */
    public static final int LENGTH_OFFSET = 4;
    /** Size of the header; the contents start here. */
    public static final int HEADER_SIZE = 8;
    /** Encoding of a set whose elements all fit in 16 bits. */
    public static final int ENC_INT16 = 2;
    /** Encoding of a set whose elements all fit in 32 bits. */
    public static final int ENC_INT32 = 4;
    /** Encoding of a set with at least one element needing 64 bits. */
    public static final int ENC_INT64 = 8;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private byte[] buf;
    private int encoding;
    private int length;

    /** An empty set with int16 encoding, as Redis's {@code intsetNew}. */
    public Intset() {
        this(new byte[HEADER_SIZE + 8 * ENC_INT16], ENC_INT16, 0);
        writeHeader();
    }

    private Intset(byte[] buf, int encoding, int length) {
        this.buf = buf;
        this.encoding = encoding;
        this.length = length;
    }

    /**
     * Adopts {@code blob} (the whole array) as the backing store of a set, without copying, after checking it
     * as {@link #validate(byte[], int, int, boolean)} does. Deep validation (strictly ascending elements) is
     * what makes the set's operations correct; skip it only for bytes this process wrote itself.
     *
     * @throws IntsetFormatException if the blob is not a valid intset
     */
    public static Intset wrap(byte[] blob, boolean deep) {
        validate(blob, 0, blob.length, deep);
        return new Intset(blob, readInt(blob, ENCODING_OFFSET), readInt(blob, LENGTH_OFFSET));
    }

    /**
     * Copies and adopts the blob at {@code b[off, off+len)} after validating it. The only allocation is the copy.
     *
     * @throws IntsetFormatException if the bytes are not a valid intset
     */
    public static Intset copyOf(byte[] b, int off, int len, boolean deep) {
        validate(b, off, len, deep);
        byte[] copy = Arrays.copyOfRange(b, off, off + len);
        return new Intset(copy, readInt(copy, ENCODING_OFFSET), readInt(copy, LENGTH_OFFSET));
    }

    /**
     * Checks that {@code b[off, off+len)} is an intset as Redis's {@code intsetValidateIntegrity} does: the header
     * is readable, the encoding is 2, 4 or 8, {@code 8 + length * encoding == len}, and the set is not empty; deep
     * validation also checks that the elements are strictly ascending (sorted, no duplicates). Shallow
     * validation is O(1); deep validation is O(n) and allocates nothing.
     *
     * @throws IntsetFormatException naming the first problem found
     */
    public static void validate(byte[] b, int off, int len, boolean deep) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len < HEADER_SIZE) {
            throw new IntsetFormatException("intset of " + len + " bytes is shorter than its 8-byte header");
        }
        int enc = readInt(b, off + ENCODING_OFFSET);
        if (enc != ENC_INT16 && enc != ENC_INT32 && enc != ENC_INT64) {
            throw new IntsetFormatException("intset encoding " + Integer.toUnsignedString(enc) + " is not 2, 4 or 8");
        }
        long count = Integer.toUnsignedLong(readInt(b, off + LENGTH_OFFSET));
        if (HEADER_SIZE + count * enc != len) {
            throw new IntsetFormatException("intset of " + count + " elements of " + enc + " bytes cannot be "
                + len + " bytes long");
        }
        if (count == 0) {
            throw new IntsetFormatException("intset is empty");
        }
        if (deep) {
            validateOrder(b, off, enc, (int) count);
        }
    }

    /** The boolean form of {@link #validate(byte[], int, int, boolean)}. */
    public static boolean isValid(byte[] b, int off, int len, boolean deep) {
        try {
            validate(b, off, len, deep);
            return true;
        } catch (IntsetFormatException e) {
            return false;
        }
    }

    private static void validateOrder(byte[] b, int off, int enc, int count) {
        long prev = read(b, off + HEADER_SIZE, enc, 0);
        for (int i = 1; i < count; i++) {
            long cur = read(b, off + HEADER_SIZE, enc, i);
            if (cur <= prev) {
                throw new IntsetFormatException("intset element " + i + " (" + cur + ") is not greater than element "
                    + (i - 1) + " (" + prev + ")");
            }
            prev = cur;
        }
    }

    /** The narrowest encoding that holds {@code v}: 2, 4 or 8 bytes. */
    public static int valueEncoding(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            return ENC_INT64;
        }
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            return ENC_INT32;
        }
        return ENC_INT16;
    }

    /** @return the number of elements */
    public int size() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** @return the width of every element in bytes: 2, 4 or 8 */
    public int encoding() {
        return encoding;
    }

    /** @return the size of the blob, {@code 8 + size() * encoding()}: Redis's {@code intsetBlobLen} */
    public int blobLength() {
        return HEADER_SIZE + length * encoding;
    }

    /**
     * The backing array, not a copy: its first {@link #blobLength()} bytes are the blob. It stays valid until the
     * next {@link #add} (which may replace it) and must not be modified.
     */
    public byte[] array() {
        return buf;
    }

    /**
     * Replaces the contents of this set with a copy of the blob at {@code src[index, index+len)}, reusing the backing
     * array when it is large enough (then nothing is allocated). Meant for bytes this process wrote itself (an
     * intset kept in off-heap memory): the header is checked against {@code len} as shallow validation does, except
     * that an empty set is accepted. The buffer's position and limit are not used or changed. O(len).
     *
     * @throws IntsetFormatException     if the header does not describe a blob of {@code len} bytes
     * @throws IndexOutOfBoundsException if the range is outside the buffer
     */
    public void load(ByteBuffer src, int index, int len) {
        Objects.checkFromIndexSize(index, len, src.capacity());
        if (len < HEADER_SIZE) {
            throw new IntsetFormatException("an intset of " + len + " bytes");
        }
        int enc = src.getInt(index + ENCODING_OFFSET);
        int n = src.getInt(index + LENGTH_OFFSET);
        if (src.order() != ByteOrder.LITTLE_ENDIAN) {
            enc = Integer.reverseBytes(enc);
            n = Integer.reverseBytes(n);
        }
        if ((enc != ENC_INT16 && enc != ENC_INT32 && enc != ENC_INT64) || n < 0
                || (long) HEADER_SIZE + (long) n * enc != len) {
            throw new IntsetFormatException("not an intset of " + len + " bytes");
        }
        if (buf.length < len) {
            buf = new byte[len];
        }
        src.get(index, buf, 0, len);
        encoding = enc;
        length = n;
    }

    /**
     * Copies the blob's {@link #blobLength()} bytes into {@code dst} at {@code index} (position and limit unchanged).
     * Allocation-free, O(blob).
     *
     * @throws IndexOutOfBoundsException if they do not fit
     */
    public void writeTo(ByteBuffer dst, int index) {
        dst.put(index, buf, 0, blobLength());
    }

    /** @return an exact copy of the blob, as RDB and DUMP carry it */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, blobLength());
    }

    /** Drops spare capacity so that {@link #array()} is exactly the blob. */
    public void trimToSize() {
        if (buf.length != blobLength()) {
            buf = Arrays.copyOf(buf, blobLength());
        }
    }

    /**
     * @return the element at {@code index} in ascending order
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public long get(int index) {
        Objects.checkIndex(index, length);
        return read(buf, HEADER_SIZE, encoding, index);
    }

    /**
     * @return an element chosen uniformly with {@code random}, as {@code SRANDMEMBER}/{@code SPOP} do
     * @throws NoSuchElementException if the set is empty
     */
    public long random(RandomGenerator random) {
        if (length == 0) {
            throw new NoSuchElementException("empty intset");
        }
        return read(buf, HEADER_SIZE, encoding, random.nextInt(length));
    }

    /** @throws NoSuchElementException if the set is empty */
    public long min() {
        if (length == 0) {
            throw new NoSuchElementException("empty intset");
        }
        return read(buf, HEADER_SIZE, encoding, 0);
    }

    /** @throws NoSuchElementException if the set is empty */
    public long max() {
        if (length == 0) {
            throw new NoSuchElementException("empty intset");
        }
        return read(buf, HEADER_SIZE, encoding, length - 1);
    }

    /** @return whether {@code v} is an element: O(log n), no allocation */
    public boolean contains(long v) {
        return valueEncoding(v) <= encoding && search(v) >= 0;
    }

    /**
     * Binary search, as {@link Arrays#binarySearch(long[], long)} reports it: the index of {@code v}, or
     * {@code -(insertion point) - 1}. Values beyond the last or before the first element are answered without
     * searching, as Redis's {@code intsetSearch} does.
     */
    public int search(long v) {
        if (length == 0) {
            return -1;
        }
        if (v > read(buf, HEADER_SIZE, encoding, length - 1)) {
            return -length - 1;
        }
        if (v < read(buf, HEADER_SIZE, encoding, 0)) {
            return -1;
        }
        return switch (encoding) {
            case ENC_INT16 -> search16(v);
            case ENC_INT32 -> search32(v);
            default -> search64(v);
        };
    }

    private int search16(long v) {
        int lo = 0;
        int hi = length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long cur = (short) I16.get(buf, HEADER_SIZE + (mid << 1));
            if (cur < v) {
                lo = mid + 1;
            } else if (cur > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    private int search32(long v) {
        int lo = 0;
        int hi = length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long cur = (int) I32.get(buf, HEADER_SIZE + (mid << 2));
            if (cur < v) {
                lo = mid + 1;
            } else if (cur > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    private int search64(long v) {
        int lo = 0;
        int hi = length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long cur = (long) I64.get(buf, HEADER_SIZE + (mid << 3));
            if (cur < v) {
                lo = mid + 1;
            } else if (cur > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /**
     * Adds {@code v}, upgrading the encoding first when {@code v} does not fit it. O(n).
     *
     * @return true if the set changed, false if {@code v} was already an element
     */
    public boolean add(long v) {
        int valenc = valueEncoding(v);
        if (valenc > encoding) {
            upgradeAndAdd(v, valenc);
            return true;
        }
        int pos = search(v);
        if (pos >= 0) {
            return false;
        }
        pos = -pos - 1;
        ensureCapacity(blobLength() + encoding);
        int at = HEADER_SIZE + pos * encoding;
        System.arraycopy(buf, at, buf, at + encoding, (length - pos) * encoding);
        write(buf, encoding, pos, v);
        length++;
        writeHeader();
        return true;
    }

    /**
     * Removes {@code v}. The encoding is kept even when no remaining element needs it. O(n).
     *
     * @return true if {@code v} was an element
     */
    public boolean remove(long v) {
        if (valueEncoding(v) > encoding) {
            return false;
        }
        int pos = search(v);
        if (pos < 0) {
            return false;
        }
        int at = HEADER_SIZE + pos * encoding;
        System.arraycopy(buf, at + encoding, buf, at, (length - pos - 1) * encoding);
        length--;
        writeHeader();
        return true;
    }

    /** Calls {@code action} with every element in ascending order. */
    public void forEach(LongConsumer action) {
        for (int i = 0; i < length; i++) {
            action.accept(read(buf, HEADER_SIZE, encoding, i));
        }
    }

    /** @return the elements in ascending order */
    public long[] toLongArray() {
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            out[i] = read(buf, HEADER_SIZE, encoding, i);
        }
        return out;
    }

    private void upgradeAndAdd(long v, int newEncoding) {
        int oldEncoding = encoding;
        int prepend = v < 0 ? 1 : 0;
        ensureCapacity(HEADER_SIZE + (length + 1) * newEncoding);
        // back to front: the wider slot i+prepend never overlaps a narrower slot not yet read
        for (int i = length - 1; i >= 0; i--) {
            write(buf, newEncoding, i + prepend, read(buf, HEADER_SIZE, oldEncoding, i));
        }
        write(buf, newEncoding, prepend == 1 ? 0 : length, v);
        encoding = newEncoding;
        length++;
        writeHeader();
    }

    private void ensureCapacity(int needed) {
        if (needed <= buf.length) {
            return;
        }
        if (needed < 0 || needed > MAX_ARRAY) {
            throw new IllegalStateException("intset would exceed " + MAX_ARRAY + " bytes");
        }
        long grown = Math.min(MAX_ARRAY, (long) buf.length + (buf.length >> 1));
        buf = Arrays.copyOf(buf, (int) Math.max(needed, grown));
    }

    private void writeHeader() {
        I32.set(buf, ENCODING_OFFSET, encoding);
        I32.set(buf, LENGTH_OFFSET, length);
    }

    private static int readInt(byte[] b, int at) {
        return (int) I32.get(b, at);
    }

    private static long read(byte[] b, int contents, int enc, int index) {
        return switch (enc) {
            case ENC_INT16 -> (short) I16.get(b, contents + (index << 1));
            case ENC_INT32 -> (int) I32.get(b, contents + (index << 2));
            default -> (long) I64.get(b, contents + (index << 3));
        };
    }

    private static void write(byte[] b, int enc, int index, long v) {
        switch (enc) {
            case ENC_INT16 -> I16.set(b, HEADER_SIZE + (index << 1), (short) v);
            case ENC_INT32 -> I32.set(b, HEADER_SIZE + (index << 2), (int) v);
            default -> I64.set(b, HEADER_SIZE + (index << 3), v);
        }
    }

    /** Two sets are equal when their blobs are equal (same elements and same encoding). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Intset other
            && Arrays.equals(buf, 0, blobLength(), other.buf, 0, other.blobLength());
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < blobLength(); i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Intset{enc=").append(encoding).append(", [");
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(read(buf, HEADER_SIZE, encoding, i));
        }
        return sb.append("]}").toString();
    }
}
