package io.cinnabar.listpack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

import static io.cinnabar.listpack.ListpackLayout.COUNT_OFFSET;
import static io.cinnabar.listpack.ListpackLayout.COUNT_UNKNOWN;
import static io.cinnabar.listpack.ListpackLayout.EMPTY_SIZE;
import static io.cinnabar.listpack.ListpackLayout.EOF;
import static io.cinnabar.listpack.ListpackLayout.HEADER_SIZE;
import static io.cinnabar.listpack.ListpackLayout.NOT_AN_INT;
import static io.cinnabar.listpack.ListpackLayout.TOTAL_BYTES_OFFSET;

/**
 * Redis's listpack, byte for byte, in one {@code byte[]}: the bytes RDB files and DUMP payloads carry, so a
 * listpack read from them is adopted as it is ({@link #adopt(byte[])}) and written back with
 * {@link #toByteArray()} without re-encoding.
 *
 * <h2>Layout</h2>
 * <pre>
 *   &lt;total-bytes: uint32 LE&gt; &lt;count: uint16 LE&gt; &lt;entry&gt; ... &lt;entry&gt; &lt;0xFF&gt;
 *
 *   count 65535 means "unknown": the entries are walked to count them (and the header is set again once the
 *   count fits).
 *
 *   entry = &lt;encoding [+ data]&gt; &lt;back-length&gt;
 *
 *   encoding (first byte)                              data
 *   0xxxxxxx                   7-bit uint 0..127       -
 *   10xxxxxx                   string, len &lt; 64        len bytes
 *   110xxxxx yyyyyyyy          13-bit int              -            (x = high 5 bits, two's complement)
 *   1110xxxx yyyyyyyy          string, len &lt; 4096      len bytes    (x = high 4 bits of len)
 *   11110000 &lt;len: uint32 LE&gt;  string, any len         len bytes
 *   11110001 &lt;int16 LE&gt;        16-bit int
 *   11110010 &lt;int24 LE&gt;        24-bit int
 *   11110011 &lt;int32 LE&gt;        32-bit int
 *   11110100 &lt;int64 LE&gt;        64-bit int
 *
 *   back-length = size of &lt;encoding [+ data]&gt; in 1..5 bytes of 7 bits, written most significant group
 *   first; every byte but the leftmost has its high bit set, so it is read right to left from the byte before
 *   the next entry: that is how the list is walked backwards. Sizes up to 127 take 1 byte, up to 16382 two,
 *   up to 2097150 three, up to 268435454 four, more five (Redis's exact thresholds).
 * </pre>
 * Worked example ({@code ListpackTest#workedExample}): the elements {@code hello foo quux 1024} are
 * <pre>
 *   1c 00 00 00  04 00                  28 bytes, 4 elements
 *   85 68 65 6c 6c 6f  06               "hello": 6-bit string of 5, entry of 6 bytes
 *   83 66 6f 6f  04                     "foo"
 *   84 71 75 75 78  05                  "quux"
 *   c4 00  02                           1024 = 0x0400 as a 13-bit int
 *   ff                                  terminator
 * </pre>
 * A string of 200 bytes ends with the back-length {@code 01 ca}: 202 = 1&times;128 + 74, and 74|0x80 = 0xca.
 *
 * <h2>Integers and strings</h2>
 * An element given as bytes is stored as an integer exactly when it is the canonical decimal form of an int64
 * ({@link ListpackLayout#isCanonicalInt}), in the smallest integer encoding that holds it; otherwise as a
 * string. Reading gives back the same bytes either way, so the listpack behaves as a list of byte strings.
 *
 * <h2>Positions</h2>
 * Entries are addressed, as in Redis, by the offset of their first byte ({@code int}, {@code -1} for "none"):
 * {@link #first()}, {@link #last()}, {@link #next(int)}, {@link #prev(int)}, {@link #seek(int)},
 * {@link #find(int, byte[], int, int, int)}. An offset stays valid until the listpack is modified; every
 * modifying method returns the offset to continue from. Offsets must come from these methods: the class does
 * not check that an arbitrary number is the start of an entry.
 *
 * <h2>Costs</h2>
 * {@link #first()}, {@link #last()}, {@link #next(int)}, {@link #prev(int)} and reading an entry are O(1).
 * {@link #seek(int)} walks from the nearer end, O(N). Every insert, replace or delete moves the bytes after the
 * position, O(bytes); the batch operations move them once for the whole batch. {@link #count()} is O(1) except
 * when the header holds 65535 (walks once). The array grows by half its size when full; {@link #trimToSize()}
 * gives the memory back. No operation allocates except growth and the methods that return new arrays.
 *
 * <h2>Untrusted input</h2>
 * {@link #validate(byte[], int, int, boolean)} checks bytes as Redis's {@code lpValidateIntegrity} does
 * (stricter in one point: the walk must end at the last byte) and throws {@link ListpackException} with the
 * offset of the first problem; it never reads outside the given range and allocates nothing.
 * {@link #adopt(byte[])} validates deeply before taking the array. A listpack adopted with shallow
 * validation ({@code adopt(bytes, false)}, as Redis does when {@code sanitize-dump-payload} is off) may
 * throw {@link ListpackException} later if the entries are corrupt, where Redis would assert; reads never go
 * past the array and walks never loop.
 *
 * <h2>Limits</h2>
 * At most {@link #MAX_BYTES} bytes (a Java array; Redis allows 2<sup>32</sup>-1): growing past it throws
 * {@link IllegalStateException}. Redis keeps listpacks under 1 GiB ({@link #SAFETY_SIZE},
 * {@link #safeToAdd(long)}) and converts to another encoding before.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Listpack {
    /** Largest listpack this class builds (Java's array limit; Redis's own limit is 2^32-1). */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 16;
    /** Redis's {@code LISTPACK_MAX_SAFETY_SIZE}: callers switch to another encoding before passing it. */
    public static final int SAFETY_SIZE = 1 << 30;

    private static final int DEFAULT_CAPACITY = 32;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int size;
    /** Exact number of entries, or -1 while unknown (header 65535 and not walked yet). */
    private int count;

    /** An empty listpack. */
    public Listpack() {
        this(DEFAULT_CAPACITY);
    }

    /** An empty listpack whose array holds {@code capacity} bytes before it grows. */
    public Listpack(int capacity) {
        buf = new byte[Math.max(capacity, EMPTY_SIZE)];
        clear();
    }

    private Listpack(byte[] blob, int count) {
        this.buf = blob;
        this.size = blob.length;
        this.count = count;
    }

    // ================================================================ construction and adoption

    /**
     * Takes {@code blob} (for example a string read from an RDB file) as a listpack after deep validation,
     * without copying: the caller must not change the array afterwards.
     *
     * @throws ListpackException if the bytes are not a valid listpack
     */
    public static Listpack adopt(byte[] blob) {
        return adopt(blob, true);
    }

    /**
     * Takes {@code blob} as a listpack after deep or shallow validation (header and terminator only, as Redis
     * does for RESTORE without {@code sanitize-dump-payload}), without copying.
     *
     * @throws ListpackException if the validation fails
     */
    public static Listpack adopt(byte[] blob, boolean deep) {
        validate(blob, 0, blob.length, deep);
        int header = ListpackLayout.getUInt16(blob, COUNT_OFFSET);
        return new Listpack(blob, header == COUNT_UNKNOWN ? -1 : header);
    }

    /**
     * A listpack holding a copy of {@code b[off, off+len)}, after deep validation.
     *
     * @throws ListpackException if the bytes are not a valid listpack
     */
    public static Listpack copyOf(byte[] b, int off, int len) {
        validate(b, off, len, true);
        return adopt(Arrays.copyOfRange(b, off, off + len), false);
    }

    /** A listpack of the given elements, in order, exactly as Redis would build it by appending them. */
    public static Listpack of(List<byte[]> elements) {
        Listpack lp = new Listpack(EMPTY_SIZE);
        lp.batchAppend(elements);
        return lp;
    }

    /** A listpack of the given elements, in order, exactly as Redis would build it by appending them. */
    public static Listpack of(byte[]... elements) {
        return of(Arrays.asList(elements));
    }

    /** The listpack bytes of the given elements, in order (what {@code of(elements).toByteArray()} returns). */
    public static byte[] encode(List<byte[]> elements) {
        Listpack lp = of(elements);
        return lp.buf.length == lp.size ? lp.buf : lp.toByteArray();
    }

    /**
     * The elements of a listpack given as bytes, after deep validation; integers come back as their decimal
     * text. Allocates at most the elements' own bytes plus one array slot per element.
     *
     * @throws ListpackException if the bytes are not a valid listpack
     */
    public static List<byte[]> decode(byte[] b, int off, int len) {
        validate(b, off, len, true);
        return new Listpack(Arrays.copyOfRange(b, off, off + len), -1).toList();
    }

    // ================================================================ validation

    /** {@code validate(b, 0, b.length, deep)}. */
    public static int validate(byte[] b, boolean deep) {
        return validate(b, 0, b.length, deep);
    }

    /**
     * Checks that {@code b[off, off+len)} is a listpack, as Redis's {@code lpValidateIntegrity}: the header's
     * total size equals {@code len}, the last byte is the terminator and, when {@code deep}, every entry has a
     * known encoding, lies inside the range and ends with a back-length equal to its size, the walk ends on the
     * last byte, and the entry count equals the header's unless that is 65535. Shallow validation also checks
     * the first entry. Reads only inside the range, allocates nothing, O(bytes) when deep, O(1) otherwise.
     *
     * @return the number of entries when {@code deep}, -1 otherwise
     * @throws ListpackException with the offset (from {@code off}) of the first problem
     */
    public static int validate(byte[] b, int off, int len, boolean deep) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len < EMPTY_SIZE) {
            throw new ListpackException(len + " bytes cannot hold a header and a terminator", 0);
        }
        long total = ListpackLayout.getUInt32(b, off + TOTAL_BYTES_OFFSET);
        if (total != len) {
            throw new ListpackException("header says " + total + " bytes, the input has " + len, TOTAL_BYTES_OFFSET);
        }
        if ((b[off + len - 1] & 0xFF) != EOF) {
            throw new ListpackException("last byte is not the terminator 0xff", len - 1);
        }
        if (!deep) {
            if ((b[off + HEADER_SIZE] & 0xFF) != EOF) {
                validateEntry(b, off, len, HEADER_SIZE);
            }
            return -1;
        }
        int n = 0;
        int p = HEADER_SIZE;
        while ((b[off + p] & 0xFF) != EOF) {
            p = validateEntry(b, off, len, p);
            n++;
        }
        if (p != len - 1) {
            throw new ListpackException("terminator before the end of the listpack", p);
        }
        int header = ListpackLayout.getUInt16(b, off + COUNT_OFFSET);
        if (header != COUNT_UNKNOWN && header != n) {
            throw new ListpackException("header counts " + header + " elements, the entries are " + n, COUNT_OFFSET);
        }
        return n;
    }

    /** Checks the entry at {@code p} (relative to {@code off}) and returns the offset of the next one. */
    private static int validateEntry(byte[] b, int off, int len, int p) {
        int first = b[off + p] & 0xFF;
        int header = ListpackLayout.headerSize(first);
        if (header == 0) {
            throw new ListpackException("invalid entry encoding 0x" + Integer.toHexString(first), p);
        }
        if ((long) p + header > len - 1) {
            throw new ListpackException("entry encoding passes the end", p);
        }
        long encoded = ListpackLayout.encodedSize(b, off + p);
        long entry = encoded + ListpackLayout.backlenSize(encoded);
        if (p + entry > len - 1) {
            throw new ListpackException("entry of " + entry + " bytes passes the end", p);
        }
        int next = (int) (p + entry);
        long backlen = ListpackLayout.readBacklen(b, off + next - 1, off + p);
        if (backlen != encoded) {
            throw new ListpackException("back-length " + backlen + " does not match the entry size " + encoded, next - 1);
        }
        return next;
    }

    // ================================================================ buffer API

    /**
     * Replaces the contents of this listpack with a copy of {@code src[index, index+len)}, reusing the backing array
     * when it is large enough (then nothing is allocated). Meant for bytes this process wrote itself (a listpack kept
     * in off-heap memory): only the header's total-bytes field and the terminator are checked, as
     * {@link #adopt(byte[], boolean)} does without deep validation. The buffer's position and limit are not used or
     * changed. O(len).
     *
     * @throws ListpackException         if the total-bytes field does not say {@code len} or the terminator is missing
     * @throws IndexOutOfBoundsException if the range is outside the buffer
     */
    public void load(ByteBuffer src, int index, int len) {
        Objects.checkFromIndexSize(index, len, src.capacity());
        if (len < EMPTY_SIZE || len > MAX_BYTES) {
            throw new ListpackException("a listpack of " + len + " bytes", 0);
        }
        if (buf.length < len) {
            buf = new byte[(int) Math.min((long) len + (len >> 2) + 16, MAX_BYTES)]; // room for a few inserts
        }
        src.get(index, buf, 0, len);
        if (ListpackLayout.getUInt32(buf, TOTAL_BYTES_OFFSET) != len || (buf[len - 1] & 0xFF) != EOF) {
            clear();
            throw new ListpackException("not a listpack of " + len + " bytes", 0);
        }
        size = len;
        int header = ListpackLayout.getUInt16(buf, COUNT_OFFSET);
        count = header == COUNT_UNKNOWN ? -1 : header;
    }

    /**
     * Copies the listpack's {@link #bytes()} bytes into {@code dst} at {@code index} (position and limit unchanged).
     * Allocation-free, O(bytes).
     *
     * @throws IndexOutOfBoundsException if they do not fit
     */
    public void writeTo(ByteBuffer dst, int index) {
        dst.put(index, buf, 0, size);
    }

    // ================================================================ size

    /** @return the size of the listpack in bytes, header and terminator included (Redis's {@code lpBytes}) */
    public int bytes() {
        return size;
    }

    /**
     * The number of elements (Redis's {@code lpLength}): O(1), except once when the header holds 65535, then the
     * entries are walked and the header is set if the count fits in it.
     */
    public int count() {
        if (count < 0) {
            int n = 0;
            for (int p = first(); p >= 0; p = next(p)) {
                n++;
            }
            count = n;
            if (n < COUNT_UNKNOWN) {
                writeCount(n);
            }
        }
        return count;
    }

    /** @return whether the listpack has no elements */
    public boolean isEmpty() {
        return (buf[HEADER_SIZE] & 0xFF) == EOF;
    }

    /** Whether {@code add} more bytes keep the listpack under {@link #SAFETY_SIZE} (Redis's {@code lpSafeToAdd}). */
    public boolean safeToAdd(long add) {
        return size + add <= SAFETY_SIZE;
    }

    /**
     * The backing array; the listpack is its first {@link #bytes()} bytes. It is replaced when the listpack grows
     * or shrinks, and must not be modified.
     */
    public byte[] array() {
        return buf;
    }

    /** @return a copy of the listpack's bytes, exactly {@link #bytes()} long */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Shrinks the backing array to {@link #bytes()}. */
    public void trimToSize() {
        if (buf.length != size) {
            buf = Arrays.copyOf(buf, size);
        }
    }

    /** Removes every element. */
    public void clear() {
        size = EMPTY_SIZE;
        count = 0;
        writeTotal();
        writeCount(0);
        buf[HEADER_SIZE] = (byte) EOF;
    }

    // ================================================================ navigation

    /** @return the offset of the first entry, or -1 if empty */
    public int first() {
        return (buf[HEADER_SIZE] & 0xFF) == EOF ? -1 : HEADER_SIZE;
    }

    /** @return the offset of the last entry, or -1 if empty */
    public int last() {
        return size == EMPTY_SIZE ? -1 : before(size - 1);
    }

    /** @return the offset of the entry after the one at {@code p}, or -1 if {@code p} is the last */
    public int next(int p) {
        int q = skip(p);
        return (buf[q] & 0xFF) == EOF ? -1 : q;
    }

    /** @return the offset of the entry before the one at {@code p}, or -1 if {@code p} is the first */
    public int prev(int p) {
        return p == HEADER_SIZE ? -1 : before(p);
    }

    /**
     * The offset of the element at {@code index}, counting from 0 at the head or from -1 at the tail, or -1 when
     * out of range (Redis's {@code lpSeek}). Walks from the nearer end when the count is known: O(N).
     */
    public int seek(int index) {
        int n = count;
        boolean forward = true;
        if (n >= 0) {
            if (index < 0) {
                index += n;
            }
            if (index < 0 || index >= n) {
                return -1;
            }
            if (index > n / 2) {
                forward = false;
                index -= n;
            }
        } else if (index < 0) {
            forward = false;
        }
        int p;
        if (forward) {
            for (p = first(); index > 0 && p >= 0; index--) {
                p = next(p);
            }
        } else {
            for (p = last(); index < -1 && p >= 0; index++) {
                p = prev(p);
            }
        }
        return p;
    }

    /** @return the size in bytes of the entry at {@code p}: encoding, data and back-length */
    public int entrySize(int p) {
        return skip(p) - p;
    }

    /**
     * The offset after the entry at {@code p}. The range checks cost one comparison and make a corrupt listpack
     * that was adopted with shallow validation fail instead of looping.
     */
    private int skip(int p) {
        long encoded = ListpackLayout.encodedSize(buf, headerInBounds(p));
        long q = p + encoded + ListpackLayout.backlenSize(encoded);
        if (encoded == 0 || q >= size) {
            throw new ListpackException("corrupt entry", p);
        }
        return (int) q;
    }

    /**
     * {@code p} if the encoding bytes of the entry at {@code p} (for an integer: the whole entry) end before the
     * terminator; always true in a validated listpack, checked so that reading a shallowly adopted corrupt one
     * fails with {@link ListpackException} instead of reading past the array.
     */
    private int headerInBounds(int p) {
        int first = buf[p] & 0xFF;
        long need = ListpackLayout.isStringEncoding(first) ? ListpackLayout.headerSize(first)
            : ListpackLayout.encodedSize(buf, p);
        if ((long) p + need >= size) {
            throw new ListpackException("entry passes the end", p);
        }
        return p;
    }

    private int before(int p) {
        long encoded = ListpackLayout.readBacklen(buf, p - 1, HEADER_SIZE);
        long q = p - encoded - ListpackLayout.backlenSize(encoded);
        if (encoded < 0 || q < HEADER_SIZE) {
            throw new ListpackException("corrupt back-length", p - 1);
        }
        return (int) q;
    }

    // ================================================================ reading

    /** @return whether the entry at {@code p} is stored with an integer encoding */
    public boolean isInteger(int p) {
        return !ListpackLayout.isStringEncoding(buf[p] & 0xFF);
    }

    /**
     * @return the value of the integer entry at {@code p}
     * @throws IllegalStateException if the entry is a string
     */
    public long getLong(int p) {
        if (!isInteger(p)) {
            throw new IllegalStateException("string entry at " + p);
        }
        return ListpackLayout.readInt(buf, headerInBounds(p));
    }

    /** @return where the bytes of the string entry at {@code p} start in {@link #array()} */
    public int stringOffset(int p) {
        return p + ListpackLayout.headerSize(buf[p] & 0xFF);
    }

    /** @return the length of the string entry at {@code p} */
    public int stringLength(int p) {
        int h = ListpackLayout.headerSize(buf[headerInBounds(p)] & 0xFF);
        return inBounds(p, h, ListpackLayout.encodedSize(buf, p) - h);
    }

    /**
     * {@code len} if a string of that length after a header of {@code h} bytes at {@code p} ends before the
     * terminator; always true in a validated listpack, checked so that a shallowly adopted corrupt one fails
     * with {@link ListpackException}.
     */
    private int inBounds(int p, int h, long len) {
        if ((long) p + h + len >= size) {
            throw new ListpackException("string entry passes the end", p);
        }
        return (int) len;
    }

    /** Fills {@code into} with the entry at {@code p} without allocating; returns {@code into}. */
    public ListpackEntry get(int p, ListpackEntry into) {
        byte[] b = buf;
        int first = b[headerInBounds(p)] & 0xFF;
        if (first < 0x80) {
            into.setInteger(first);
        } else if (first < 0xC0) {
            into.setString(b, p + 1, inBounds(p, 1, first & 0x3F));
        } else if (first >= 0xE0 && first < 0xF0) {
            into.setString(b, p + 2, inBounds(p, 2, ((first & 0x0F) << 8) | (b[p + 1] & 0xFF)));
        } else if (first == ListpackLayout.ENC_32BIT_STR) {
            into.setString(b, p + 5, inBounds(p, 5, ListpackLayout.getUInt32(b, p + 1)));
        } else {
            into.setInteger(ListpackLayout.readInt(b, p));
        }
        return into;
    }

    /** @return a new array with the text of the entry at {@code p} (the decimal form of an integer) */
    public byte[] getBytes(int p) {
        if (isInteger(p)) {
            long v = ListpackLayout.readInt(buf, headerInBounds(p));
            byte[] out = new byte[ListpackLayout.decimalLength(v)];
            ListpackLayout.formatDecimal(v, out, 0);
            return out;
        }
        int off = stringOffset(p);
        return Arrays.copyOfRange(buf, off, off + stringLength(p));
    }

    /**
     * Whether the entry at {@code p} reads as {@code s[off, off+len)} (Redis's {@code lpCompare}): a string
     * entry compares bytes, an integer entry compares with the value of a canonical integer text.
     */
    public boolean contentEquals(int p, byte[] s, int off, int len) {
        if (isInteger(p)) {
            long v = ListpackLayout.tryParseInt(s, off, len);
            return ListpackLayout.readInt(buf, headerInBounds(p)) == v && (v != NOT_AN_INT || ListpackLayout.isMinLong(s, off, len));
        }
        int start = stringOffset(p);
        return stringLength(p) == len && Arrays.equals(buf, start, start + len, s, off, off + len);
    }

    /**
     * Finds the first entry from {@code p} on that reads as {@code s[off, off+len)}, comparing one entry and
     * then skipping {@code skip} (Redis's {@code lpFind}: with {@code skip = 1} only the fields of a hash are
     * compared). O(N).
     *
     * @return the offset of the matching entry, or -1
     */
    public int find(int p, byte[] s, int off, int len, int skip) {
        if (p < 0) {
            return -1;
        }
        long v = ListpackLayout.tryParseInt(s, off, len);
        boolean integer = v != NOT_AN_INT || ListpackLayout.isMinLong(s, off, len);
        byte[] b = buf;
        int end = size;
        int skipped = 0;
        while (true) {
            // one decoding of the entry's header serves the comparison and the step to the next entry
            int first = b[p] & 0xFF;
            long enc;
            int h; // header bytes of a string entry, 0 for an integer
            if (first < 0x80) {
                enc = 1;
                h = 0;
            } else if (first < 0xC0) {
                enc = 1 + (first & 0x3F);
                h = 1;
            } else if (first < 0xE0) {
                enc = 2;
                h = 0;
            } else if (first < 0xF0) {
                enc = 2 + (((first & 0x0F) << 8) | (b[p + 1] & 0xFF));
                h = 2;
            } else {
                enc = ListpackLayout.encodedSize(b, headerInBounds(p));
                h = ListpackLayout.isStringEncoding(first) ? ListpackLayout.headerSize(first) : 0;
            }
            long q = p + enc + ListpackLayout.backlenSize(enc);
            if (enc == 0 || q >= end) {
                throw new ListpackException("corrupt entry", p);
            }
            if (skipped == 0) {
                if (h > 0) {
                    if (enc - h == len && Arrays.equals(b, p + h, p + h + len, s, off, off + len)) {
                        return p;
                    }
                } else if (integer && ListpackLayout.readInt(b, p) == v) {
                    return p;
                }
                skipped = skip;
            } else {
                skipped--;
            }
            p = (int) q;
            if ((b[p] & 0xFF) == EOF) {
                return -1;
            }
        }
    }

    /** {@code find(first(), s, 0, s.length, skip)}. */
    public int find(byte[] s, int skip) {
        return find(first(), s, 0, s.length, skip);
    }

    /** @return every element as a new array, in order (integers as decimal text) */
    public List<byte[]> toList() {
        List<byte[]> out = new ArrayList<>(Math.min(count >= 0 ? count : 16, size / 2));
        for (int p = first(); p >= 0; p = next(p)) {
            out.add(getBytes(p));
        }
        return out;
    }

    // ================================================================ random sampling

    /**
     * Picks {@code count} random groups of {@code stride} entries, with repetition, and writes the offset of
     * each group's first entry to {@code out} in the order picked (Redis's {@code lpRandomPairs} for
     * {@code stride = 2}, as HRANDFIELD and ZRANDMEMBER with a negative count use it; {@code stride = 1} for
     * set members). The picks are sorted so the listpack is walked once: O(N + count log count); allocates
     * one {@code long[count]}.
     *
     * @throws IllegalArgumentException if the listpack holds no whole group
     */
    public void randomSample(int count, int stride, RandomGenerator random, int[] out) {
        Objects.checkFromIndexSize(0, count, out.length);
        int groups = count() / stride;
        if (groups == 0 && count > 0) {
            throw new IllegalArgumentException("no group of " + stride + " entries to pick from");
        }
        long[] picks = new long[count]; // group index in the high half, pick order in the low half
        for (int i = 0; i < count; i++) {
            picks[i] = (long) random.nextInt(groups) << 32 | i;
        }
        Arrays.sort(picks);
        int p = first();
        int group = 0;
        for (long pick : picks) {
            int wanted = (int) (pick >>> 32);
            for (; group < wanted; group++) {
                for (int k = 0; k < stride; k++) {
                    p = next(p);
                }
            }
            out[(int) pick] = p;
        }
    }

    /**
     * Picks up to {@code count} distinct random groups of {@code stride} entries by selection sampling (each
     * group is taken with probability remaining-wanted / remaining-groups, as Redis's
     * {@code lpRandomPairsUnique}) and writes the offset of each group's first entry to {@code out}, in
     * listpack order. O(N), no allocation.
     *
     * @return the number of groups picked: {@code min(count, count() / stride)}
     */
    public int randomSampleUnique(int count, int stride, RandomGenerator random, int[] out) {
        int groups = count() / stride;
        int wanted = Math.min(count, groups);
        Objects.checkFromIndexSize(0, wanted, out.length);
        int picked = 0;
        int p = first();
        for (int group = 0; picked < wanted; group++) {
            if (random.nextInt(groups - group) < wanted - picked) {
                out[picked++] = p;
            }
            for (int k = 0; k < stride && p >= 0; k++) {
                p = next(p);
            }
        }
        return picked;
    }

    // ================================================================ inserting

    /** Appends {@code s}; returns the offset of the new entry. */
    public int append(byte[] s) {
        return insertAt(size - 1, s, 0, s.length);
    }

    /** Appends {@code s[off, off+len)}; returns the offset of the new entry. */
    public int append(byte[] s, int off, int len) {
        return insertAt(size - 1, s, off, len);
    }

    /** Appends the integer {@code v} (Redis's {@code lpAppendInteger}); returns the offset of the new entry. */
    public int appendLong(long v) {
        return insertLongAt(size - 1, v);
    }

    /** Prepends {@code s}; returns the offset of the new entry ({@value ListpackLayout#HEADER_SIZE}). */
    public int prepend(byte[] s) {
        return insertAt(HEADER_SIZE, s, 0, s.length);
    }

    /** Prepends {@code s[off, off+len)}; returns the offset of the new entry. */
    public int prepend(byte[] s, int off, int len) {
        return insertAt(HEADER_SIZE, s, off, len);
    }

    /** Prepends the integer {@code v}; returns the offset of the new entry. */
    public int prependLong(long v) {
        return insertLongAt(HEADER_SIZE, v);
    }

    /** Inserts {@code s[off, off+len)} before the entry at {@code p}; returns the offset of the new entry. */
    public int insertBefore(int p, byte[] s, int off, int len) {
        return insertAt(p, s, off, len);
    }

    /** Inserts {@code s[off, off+len)} after the entry at {@code p}; returns the offset of the new entry. */
    public int insertAfter(int p, byte[] s, int off, int len) {
        return insertAt(skip(p), s, off, len);
    }

    /** Inserts the integer {@code v} before the entry at {@code p}; returns the offset of the new entry. */
    public int insertLongBefore(int p, long v) {
        return insertLongAt(p, v);
    }

    /** Inserts the integer {@code v} after the entry at {@code p}; returns the offset of the new entry. */
    public int insertLongAfter(int p, long v) {
        return insertLongAt(skip(p), v);
    }

    /**
     * Inserts {@code s} so that it becomes the element at {@code index} (0 &le; index &le; count; count appends).
     *
     * @return the offset of the new entry
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public int insert(int index, byte[] s) {
        int n = count();
        Objects.checkIndex(index, n + 1);
        return insertAt(index == n ? size - 1 : seek(index), s, 0, s.length);
    }

    /**
     * Appends every element with one move of the bytes (Redis's {@code lpBatchAppend}).
     *
     * @return the offset of the first new entry, or -1 if {@code elements} is empty
     */
    public int batchAppend(List<byte[]> elements) {
        return elements.isEmpty() ? -1 : insertAll(size - 1, elements);
    }

    /** {@code batchAppend(Arrays.asList(elements))}. */
    public int batchAppend(byte[]... elements) {
        return batchAppend(Arrays.asList(elements));
    }

    /**
     * Inserts every element, in order, before or after the entry at {@code p} with one move of the bytes
     * (Redis's {@code lpBatchInsert}).
     *
     * @return the offset of the first new entry, or {@code p} if {@code elements} is empty
     */
    public int batchInsert(int p, boolean after, List<byte[]> elements) {
        return elements.isEmpty() ? p : insertAll(after ? skip(p) : p, elements);
    }

    /**
     * Appends every entry of {@code other}, copying its bytes (Redis's {@code lpMerge}, with this listpack as the
     * target). {@code other} is unchanged.
     */
    public void appendAll(Listpack other) {
        int n = count() + other.count();
        int added = other.size - EMPTY_SIZE;
        int at = size - 1;
        splice(at, 0, added);
        System.arraycopy(other.buf, HEADER_SIZE, buf, at, added);
        count = n;
        writeCount(n);
    }

    private int insertAt(int pos, byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        if (s == buf) {
            s = Arrays.copyOfRange(s, off, off + len);
            off = 0;
        }
        long v = ListpackLayout.tryParseInt(s, off, len);
        if (v != NOT_AN_INT || ListpackLayout.isMinLong(s, off, len)) {
            return insertLongAt(pos, v);
        }
        long encoded = ListpackLayout.stringHeaderSize(len) + (long) len;
        splice(pos, 0, encoded + ListpackLayout.backlenSize(encoded));
        writeString(pos, s, off, len);
        addCount(1);
        return pos;
    }

    private int insertLongAt(int pos, long v) {
        splice(pos, 0, ListpackLayout.intEntrySize(v));
        writeLong(pos, v);
        addCount(1);
        return pos;
    }

    private int insertAll(int pos, List<byte[]> elements) {
        if (elements.contains(buf)) { // an element is our own array: splice would move it under our feet
            elements = elements.stream().map(e -> e == buf ? e.clone() : e).toList();
        }
        long total = 0;
        for (byte[] e : elements) {
            total += ListpackLayout.entrySize(e, 0, e.length);
        }
        splice(pos, 0, total);
        int w = pos;
        for (byte[] e : elements) {
            w += writeEntry(w, e, 0, e.length);
        }
        addCount(elements.size());
        return pos;
    }

    // ================================================================ replacing and deleting

    /** Replaces the entry at {@code p} with {@code s[off, off+len)}; returns {@code p}. */
    public int replace(int p, byte[] s, int off, int len) {
        Objects.checkFromIndexSize(off, len, s.length);
        if (s == buf) {
            s = Arrays.copyOfRange(s, off, off + len);
            off = 0;
        }
        splice(p, entrySize(p), ListpackLayout.entrySize(s, off, len));
        writeEntry(p, s, off, len);
        return p;
    }

    /** Replaces the entry at {@code p} with the integer {@code v}; returns {@code p}. */
    public int replaceLong(int p, long v) {
        splice(p, entrySize(p), ListpackLayout.intEntrySize(v));
        writeLong(p, v);
        return p;
    }

    /**
     * Deletes the entry at {@code p} (Redis's {@code lpDelete}).
     *
     * @return the offset of the entry that followed it (now at {@code p}), or -1 if it was the last
     */
    public int delete(int p) {
        splice(p, entrySize(p), 0);
        addCount(-1);
        return (buf[p] & 0xFF) == EOF ? -1 : p;
    }

    /**
     * Deletes {@code num} elements from {@code index} on (negative from the tail), fewer if the list ends first;
     * nothing if {@code index} is out of range (Redis's {@code lpDeleteRange}). O(bytes).
     */
    public void deleteRange(int index, long num) {
        if (num < 0) {
            throw new IllegalArgumentException("negative count " + num);
        }
        if (num == 0) {
            return;
        }
        int p = seek(index);
        if (p < 0) {
            return;
        }
        if (count >= 0) {
            int from = index < 0 ? count + index : index;
            if (count - from <= num) {
                buf[p] = (byte) EOF;
                size = p + 1;
                writeTotal();
                count = from;
                writeCount(from);
                shrinkIfSparse();
                return;
            }
        }
        deleteRangeAt(p, num);
    }

    /**
     * Deletes {@code num} entries starting with the one at {@code p}, fewer if the list ends first (Redis's
     * {@code lpDeleteRangeWithEntry}). O(bytes).
     *
     * @return the offset of the entry that followed the deleted ones (now at {@code p}), or -1 if none
     */
    public int deleteRangeAt(int p, long num) {
        if (num < 0) {
            throw new IllegalArgumentException("negative count " + num);
        }
        if (num == 0) {
            return p;
        }
        int tail = p;
        int deleted = 0;
        while (num-- > 0) {
            deleted++;
            tail = skip(tail);
            if ((buf[tail] & 0xFF) == EOF) {
                break;
            }
        }
        splice(p, tail - p, 0);
        addCount(-deleted);
        return (buf[p] & 0xFF) == EOF ? -1 : p;
    }

    /**
     * Deletes the entries at {@code offsets[0, n)} with one pass over the bytes (Redis's {@code lpBatchDelete}).
     * The offsets must come from this listpack's navigation methods since its last modification, in increasing
     * order, one per entry. O(bytes).
     *
     * @throws IllegalArgumentException if the offsets are not increasing
     */
    public void batchDelete(int[] offsets, int n) {
        Objects.checkFromIndexSize(0, n, offsets.length);
        if (n == 0) {
            return;
        }
        int w = offsets[0];
        for (int i = 0; i < n; i++) {
            int end = skip(offsets[i]);
            int keepEnd = i + 1 < n ? offsets[i + 1] : size;
            if (keepEnd < end) {
                throw new IllegalArgumentException("offsets not increasing at index " + (i + 1));
            }
            System.arraycopy(buf, end, buf, w, keepEnd - end);
            w += keepEnd - end;
        }
        size = w;
        writeTotal();
        addCount(-n);
        shrinkIfSparse();
    }

    /** A copy of this listpack (its own array, trimmed). */
    public Listpack copy() {
        return new Listpack(toByteArray(), count);
    }

    // ================================================================ bytes

    /**
     * Makes room: removes {@code removed} bytes at {@code pos} and opens {@code inserted} bytes there, moving
     * the rest (terminator included), growing the array by half when needed, and updating the total size.
     */
    private void splice(int pos, int removed, long inserted) {
        long newSize = (long) size - removed + inserted;
        if (newSize > MAX_BYTES) {
            throw new IllegalStateException("listpack would grow to " + newSize + " bytes, more than " + MAX_BYTES);
        }
        if (newSize > buf.length) {
            long grown = Math.max(newSize, buf.length + (long) (buf.length >> 1));
            buf = Arrays.copyOf(buf, (int) Math.min(grown, MAX_BYTES));
        }
        int ins = (int) inserted;
        System.arraycopy(buf, pos + removed, buf, pos + ins, size - pos - removed);
        size = (int) newSize;
        writeTotal();
        if (ins < removed) {
            shrinkIfSparse();
        }
    }

    /**
     * Gives memory back when deletions left the array less than a quarter used (Redis shrinks to fit after
     * every deletion; keeping half of the slack instead keeps appends after deletes amortized O(1)).
     */
    private void shrinkIfSparse() {
        if (buf.length > 256 && size < buf.length >>> 2) {
            buf = Arrays.copyOf(buf, Math.max(size + (size >> 1), DEFAULT_CAPACITY));
        }
    }

    /** Writes the entry for {@code s[off, off+len)} at {@code p}; returns its size. */
    private int writeEntry(int p, byte[] s, int off, int len) {
        long v = ListpackLayout.tryParseInt(s, off, len);
        if (v != NOT_AN_INT || ListpackLayout.isMinLong(s, off, len)) {
            return writeLong(p, v);
        }
        return writeString(p, s, off, len);
    }

    private int writeString(int p, byte[] s, int off, int len) {
        int h = ListpackLayout.writeStringHeader(buf, p, len);
        System.arraycopy(s, off, buf, p + h, len);
        return h + len + ListpackLayout.writeBacklen(buf, p + h + len, h + (long) len);
    }

    private int writeLong(int p, long v) {
        int enc = ListpackLayout.writeInt(buf, p, v);
        buf[p + enc] = (byte) enc;
        return enc + 1;
    }

    private void addCount(int delta) {
        if (count >= 0) {
            count += delta;
            writeCount(count);
        }
    }

    private void writeCount(int n) {
        SHORT_LE.set(buf, COUNT_OFFSET, (short) Math.min(n, COUNT_UNKNOWN));
    }

    private void writeTotal() {
        INT_LE.set(buf, TOTAL_BYTES_OFFSET, size);
    }

    // ================================================================ debugging

    /**
     * The entry-by-entry layout Redis's {@code lpRepr} prints for {@code DEBUG LISTPACK}: a line
     * {@code {total bytes N} {num entries N}}, then per entry a block with its address ({@code baseAddress} plus
     * its offset, as eight or more hex digits), index, offset, the sizes of entry plus back-length, of the header
     * (the encoding byte, or the string length field) and of the back-length, the payload size, every byte as two
     * hex digits followed by {@code |}, and the value as text ({@code [str]}, integers in decimal, the first 40
     * bytes and {@code ...} when longer); then {@code {end}} and an empty line. O(bytes).
     */
    public String repr(long baseAddress) {
        StringBuilder r = new StringBuilder();
        r.append("{total bytes ").append(size).append("} {num entries ").append(count()).append("}\n");
        int index = 0;
        for (int p = first(); p >= 0; p = next(p), index++) {
            int total = entrySize(p);
            int encoded = (int) ListpackLayout.encodedSize(buf, p);
            int hdr = isInteger(p) ? 1 : stringOffset(p) - p;
            r.append("{\n\taddr: 0x").append(String.format("%08x", baseAddress + p)).append(",\n\tindex: ")
                .append(String.format("%2d", index)).append(",\n\toffset: ").append(p)
                .append(",\n\thdr+entrylen+backlen: ").append(String.format("%2d", total))
                .append(",\n\thdrlen: ").append(String.format("%3d", hdr))
                .append(",\n\tbacklen: ").append(String.format("%2d", total - encoded))
                .append(",\n\tpayload: ").append(encoded - hdr).append("\n\tbytes: ");
            for (int i = 0; i < total; i++) {
                r.append(Character.forDigit((buf[p + i] >> 4) & 0xF, 16)).append(Character.forDigit(buf[p + i] & 0xF, 16))
                    .append('|');
            }
            r.append("\n\t[str]");
            byte[] v = getBytes(p);
            int shown = Math.min(v.length, 40);
            r.append(new String(v, 0, shown, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (v.length > 40) {
                r.append("...");
            }
            r.append("\n}\n");
        }
        return r.append("{end}\n\n").toString();
    }

    // ================================================================ object

    /** Two listpacks are equal when their bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Listpack other && Arrays.equals(buf, 0, size, other.buf, 0, other.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "Listpack[" + (count >= 0 ? count : "?") + " elements, " + size + " bytes]";
    }
}
