package io.cinnabar.sds;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A binary-safe, growable byte string with Redis's SDS semantics: the length is explicit (any byte, NUL
 * included, may appear), appends reserve spare room by Redis's greedy policy, and the edits Redis performs in
 * place ({@code sdsrange}, {@code sdstrim}, {@code sdssubstr}) keep the buffer.
 *
 * <h2>Layout</h2>
 * <pre>
 *   buf:  [ b0 b1 ... b(len-1) | spare ... ]
 *           &lt;----- length() -----&gt;
 *           &lt;------------- alloc() -------------&gt;
 * </pre>
 * Redis keeps a 1-17 byte header and a NUL terminator around the bytes; here the length is a field and there is
 * no terminator, so {@link #alloc()} counts exactly the bytes available for content (Redis's {@code sdsalloc}
 * before allocator rounding).
 *
 * <h2>Growth ({@code sdsMakeRoomFor})</h2>
 * When an append needs more than {@link #avail()}, the buffer becomes {@code newlen * 2} bytes while
 * {@code newlen = length() + added} is below {@link #MAX_PREALLOC} (1 MB), and {@code newlen + 1 MB} from then on,
 * so n appends cost amortized O(1) each and the waste is bounded by 1 MB above that size.
 * {@link #makeRoomForNonGreedy(int)} grows to exactly what is needed. Nothing shrinks the buffer except
 * {@link #removeFreeSpace()} and {@link #resize(int)}. The largest string is {@link #MAX_LENGTH} bytes.
 *
 * <h2>Costs</h2>
 * Appends are O(added) amortized; {@link #range}, {@link #trim} and {@link #substr} are O(result) (one
 * {@code arraycopy}); {@link #compareTo} is O(min length) with {@link Arrays#compareUnsigned}; {@link #split} is
 * O(length * separator length) as in Redis and allocates its results.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class Sds implements Comparable<Sds> {
    /** Redis's {@code SDS_MAX_PREALLOC}: greedy growth doubles below it and adds it above. */
    public static final int MAX_PREALLOC = 1024 * 1024;
    /** The longest content a Java array can hold here. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private static final byte[] EMPTY = new byte[0];

    private byte[] buf;
    private int len;

    private Sds(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** {@code sdsempty}: an empty string with no spare room. */
    public static Sds empty() {
        return new Sds(EMPTY, 0);
    }

    /** An empty string with {@code capacity} bytes of room. */
    public static Sds withCapacity(int capacity) {
        checkLength(capacity);
        return new Sds(new byte[capacity], 0);
    }

    /** {@code sdsnewlen}: a copy of {@code b[off, off+n)} with no spare room. */
    public static Sds of(byte[] b, int off, int n) {
        Objects.checkFromIndexSize(off, n, b.length);
        return new Sds(Arrays.copyOfRange(b, off, off + n), n);
    }

    /** A copy of {@code b}. */
    public static Sds of(byte[] b) {
        return of(b, 0, b.length);
    }

    /** The UTF-8 bytes of {@code s}. */
    public static Sds of(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Sds(b, b.length);
    }

    /**
     * Adopts {@code b[0, n)} as content without copying; the string owns {@code b} from now on, and
     * {@code b.length} is its alloc.
     */
    public static Sds wrap(byte[] b, int n) {
        Objects.checkFromIndexSize(0, n, b.length);
        return new Sds(b, n);
    }

    /** {@code sdsfromlonglong}: the decimal text of {@code v}. */
    public static Sds fromLong(long v) {
        Sds s = withCapacity(Numbers.MAX_LONG_CHARS);
        s.len = Numbers.ll2string(v, s.buf, 0);
        return s;
    }

    /** {@code sdsdup}. */
    public Sds copy() {
        return of(buf, 0, len);
    }

    /** @return {@code sdslen} */
    public int length() {
        return len;
    }

    /** @return {@code sdsalloc}: content bytes the buffer holds without growing */
    public int alloc() {
        return buf.length;
    }

    /** @return {@code sdsavail}: {@code alloc() - length()} */
    public int avail() {
        return buf.length - len;
    }

    /** @return the byte at {@code i} */
    public byte byteAt(int i) {
        Objects.checkIndex(i, len);
        return buf[i];
    }

    /** Sets the byte at {@code i}. */
    public void setByteAt(int i, byte b) {
        Objects.checkIndex(i, len);
        buf[i] = b;
    }

    /**
     * The backing array, not a copy: bytes {@code [0, length())} are the content. Valid until the next operation
     * that grows the string.
     */
    public byte[] array() {
        return buf;
    }

    /** @return a copy of the content */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** {@code sdsclear}: length zero, buffer kept. */
    public void clear() {
        len = 0;
    }

    /**
     * {@code sdsMakeRoomFor}: ensures {@code avail() >= addlen}, growing greedily (see the class comment).
     *
     * @throws IllegalStateException if the result would exceed {@link #MAX_LENGTH}
     */
    public Sds makeRoomFor(int addlen) {
        return makeRoom(addlen, true);
    }

    /** {@code sdsMakeRoomForNonGreedy}: ensures {@code avail() >= addlen} by growing to exactly that. */
    public Sds makeRoomForNonGreedy(int addlen) {
        return makeRoom(addlen, false);
    }

    private Sds makeRoom(int addlen, boolean greedy) {
        if (addlen < 0) {
            throw new IllegalArgumentException("negative room " + addlen);
        }
        if (buf.length - len >= addlen) {
            return this;
        }
        long newlen = (long) len + addlen;
        if (newlen > MAX_LENGTH) {
            throw new IllegalStateException("string of " + newlen + " bytes exceeds " + MAX_LENGTH);
        }
        if (greedy) {
            newlen = newlen < MAX_PREALLOC ? newlen * 2 : Math.min(MAX_LENGTH, newlen + MAX_PREALLOC);
        }
        buf = Arrays.copyOf(buf, (int) newlen);
        return this;
    }

    /**
     * {@code sdsResize}: sets the alloc to exactly {@code size}, truncating the content if it is longer.
     */
    public Sds resize(int size) {
        checkLength(size);
        if (size != buf.length) {
            buf = Arrays.copyOf(buf, size);
            len = Math.min(len, size);
        }
        return this;
    }

    /** {@code sdsRemoveFreeSpace}: alloc becomes length. */
    public Sds removeFreeSpace() {
        return resize(len);
    }

    /** {@code sdsIncrLen}: adopts {@code incr} bytes written directly into the spare room (negative to cut). */
    public void incrLen(int incr) {
        long n = (long) len + incr;
        if (n < 0 || n > buf.length) {
            throw new IndexOutOfBoundsException("length " + n + " outside [0, " + buf.length + "]");
        }
        len = (int) n;
    }

    /** {@code sdscatlen}: appends {@code b[off, off+n)}. */
    public Sds append(byte[] b, int off, int n) {
        Objects.checkFromIndexSize(off, n, b.length);
        makeRoom(n, true);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** Appends all of {@code b}. */
    public Sds append(byte[] b) {
        return append(b, 0, b.length);
    }

    /** {@code sdscatsds}. Appending a string to itself works. */
    public Sds append(Sds other) {
        return append(other.buf, 0, other.len);
    }

    /** Appends one byte. */
    public Sds append(byte b) {
        if (len == buf.length) {
            makeRoom(1, true);
        }
        buf[len++] = b;
        return this;
    }

    /** Appends the decimal text of {@code v} without allocating (beyond growth). */
    public Sds appendLong(long v) {
        makeRoom(Numbers.MAX_LONG_CHARS, true);
        len += Numbers.ll2string(v, buf, len);
        return this;
    }

    /** Appends {@code v} as Redis 7.2's {@code d2string} prints it. */
    public Sds appendDouble(double v) {
        makeRoom(Numbers.MAX_D2STRING_CHARS, true);
        len += Numbers.d2string(v, buf, len);
        return this;
    }

    /** {@code sdscpylen}: replaces the content with {@code b[off, off+n)}. */
    public Sds set(byte[] b, int off, int n) {
        Objects.checkFromIndexSize(off, n, b.length);
        if (buf.length < n) {
            makeRoom(n - len, true);
        }
        System.arraycopy(b, off, buf, 0, n);
        len = n;
        return this;
    }

    /**
     * {@code sdsgrowzero}: extends the string to {@code newlen} with zero bytes (no-op when already that long),
     * growing greedily, as {@code SETRANGE} and {@code SETBIT} do.
     */
    public Sds growZero(int newlen) {
        checkLength(newlen);
        if (newlen <= len) {
            return this;
        }
        makeRoom(newlen - len, true);
        Arrays.fill(buf, len, newlen, (byte) 0);
        len = newlen;
        return this;
    }

    /**
     * {@code sdssubstr}: keeps {@code n} bytes from {@code start}, clamped to the content (a start at or past the
     * end leaves an empty string).
     */
    public Sds substr(int start, int n) {
        if (start < 0 || n < 0) {
            throw new IllegalArgumentException("negative start or length");
        }
        if (start >= len) {
            start = 0;
            n = 0;
        }
        n = Math.min(n, len - start);
        if (n > 0 && start > 0) {
            System.arraycopy(buf, start, buf, 0, n);
        }
        len = n;
        return this;
    }

    /**
     * {@code sdsrange}: keeps the bytes from {@code start} to {@code end}, both inclusive, where negative indexes
     * count from the end (-1 is the last byte). As in Redis 7: an empty string stays empty; a negative index is
     * added to the length once and not clamped, so an index before the start (for example {@code -100} on a
     * 4-byte string) makes a start beyond any content (empty result) or an end before the start (empty result);
     * an end past the content is clamped.
     */
    public Sds range(long start, long end) {
        if (len == 0) {
            return this;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0 || start >= len) { // C: (size_t) start is huge for a negative start
            len = 0;
            return this;
        }
        end = Math.min(end, len - 1); // substr would clamp it anyway; this keeps end - start + 1 in range
        return substr((int) start, start > end ? 0 : (int) (end - start + 1));
    }

    /**
     * {@code sdstrim}: removes from both ends every byte found in {@code cset}. As in Redis, where the set is a C
     * string, a zero byte in the content always counts as part of the set ({@code strchr} finds the set's
     * terminator).
     */
    public Sds trim(byte[] cset) {
        long m0 = 1; // the zero byte, always
        long m1 = 0;
        long m2 = 0;
        long m3 = 0;
        for (byte c : cset) {
            int v = c & 0xff;
            switch (v >>> 6) {
                case 0 -> m0 |= 1L << v;
                case 1 -> m1 |= 1L << v;
                case 2 -> m2 |= 1L << v;
                default -> m3 |= 1L << v;
            }
        }
        int sp = 0;
        int ep = len - 1;
        while (sp <= ep && inSet(buf[sp], m0, m1, m2, m3)) {
            sp++;
        }
        while (ep > sp && inSet(buf[ep], m0, m1, m2, m3)) {
            ep--;
        }
        int n = sp > ep ? 0 : ep - sp + 1;
        if (sp != 0 && n > 0) {
            System.arraycopy(buf, sp, buf, 0, n);
        }
        len = n;
        return this;
    }

    private static boolean inSet(byte b, long m0, long m1, long m2, long m3) {
        int v = b & 0xff;
        long m = switch (v >>> 6) {
            case 0 -> m0;
            case 1 -> m1;
            case 2 -> m2;
            default -> m3;
        };
        return (m & (1L << v)) != 0;
    }

    /** {@link #trim(byte[])} with the ASCII characters of {@code cset}. */
    public Sds trim(String cset) {
        return trim(cset.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code sdstolower}: ASCII letters to lower case (C locale). */
    public Sds toLowerCase() {
        for (int i = 0; i < len; i++) {
            byte b = buf[i];
            if (b >= 'A' && b <= 'Z') {
                buf[i] = (byte) (b + 32);
            }
        }
        return this;
    }

    /** {@code sdstoupper}: ASCII letters to upper case (C locale). */
    public Sds toUpperCase() {
        for (int i = 0; i < len; i++) {
            byte b = buf[i];
            if (b >= 'a' && b <= 'z') {
                buf[i] = (byte) (b - 32);
            }
        }
        return this;
    }

    /**
     * {@code sdssplitlen} of this string's content.
     *
     * @see #split(byte[], int, int, byte[])
     */
    public Sds[] split(byte[] sep) {
        return split(buf, 0, len, sep);
    }

    /**
     * {@code sdssplitlen}: the pieces of {@code s[off, off+n)} between occurrences of {@code sep}, scanning left
     * to right and skipping each match. An empty input gives no pieces; otherwise there is always a last piece,
     * possibly empty ({@code "a,b,"} gives {@code "a", "b", ""}).
     *
     * @throws IllegalArgumentException if {@code sep} is empty (Redis returns NULL)
     */
    public static Sds[] split(byte[] s, int off, int n, byte[] sep) {
        Objects.checkFromIndexSize(off, n, s.length);
        if (sep.length == 0) {
            throw new IllegalArgumentException("empty separator");
        }
        if (n == 0) {
            return new Sds[0];
        }
        Sds[] tokens = new Sds[5];
        int count = 0;
        int start = 0;
        int last = n - (sep.length - 1);
        for (int j = 0; j < last; j++) {
            if (matches(s, off + j, sep)) {
                if (count + 2 > tokens.length) {
                    tokens = Arrays.copyOf(tokens, tokens.length * 2);
                }
                tokens[count++] = of(s, off + start, j - start);
                start = j + sep.length;
                j += sep.length - 1;
            }
        }
        if (count + 1 > tokens.length) {
            tokens = Arrays.copyOf(tokens, count + 1);
        }
        tokens[count++] = of(s, off + start, n - start);
        return count == tokens.length ? tokens : Arrays.copyOf(tokens, count);
    }

    private static boolean matches(byte[] s, int at, byte[] sep) {
        if (s[at] != sep[0]) {
            return false;
        }
        for (int i = 1; i < sep.length; i++) {
            if (s[at + i] != sep[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code sdscatrepr}: appends {@code p[off, off+n)} quoted and escaped as {@link SdsArgs#repr} describes
     * ({@code "a\\x00b\\n"}). This is how MONITOR, CLIENT LIST and the logs show values.
     */
    public Sds appendRepr(byte[] p, int off, int n) {
        int need = SdsArgs.reprLength(p, off, n);
        makeRoom(need, true);
        len = SdsArgs.repr(p, off, n, buf, len);
        return this;
    }

    /**
     * {@code sdssplitargs}: splits a line into arguments the way redis-cli, config files and inline commands do
     * (rules: {@link SdsArgs}). The input is not changed.
     *
     * @return the arguments (empty for a blank line), or null for unbalanced quotes or a closing quote followed
     *     by something else (Redis: "Protocol error: unbalanced quotes in request")
     */
    public static Sds[] splitArgs(byte[] line, int off, int n) {
        java.util.List<byte[]> args = SdsArgs.split(line, off, n);
        if (args == null) {
            return null;
        }
        Sds[] out = new Sds[args.size()];
        for (int i = 0; i < out.length; i++) {
            byte[] a = args.get(i);
            out[i] = wrap(a, a.length);
        }
        return out;
    }

    /**
     * {@code sdscmp}: {@code memcmp} (bytes unsigned) over the common length, then the longer string is greater.
     */
    @Override
    public int compareTo(Sds o) {
        return compare(buf, 0, len, o.buf, 0, o.len);
    }

    /** {@code sdscmp} on ranges. Returns negative, zero or positive. */
    public static int compare(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        int min = Math.min(aLen, bLen);
        int c = Arrays.compareUnsigned(a, aOff, aOff + min, b, bOff, bOff + min);
        if (c != 0) {
            return c;
        }
        return Integer.compare(aLen, bLen);
    }

    /** Equal content (alloc ignored). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Sds s && Arrays.equals(buf, 0, len, s.buf, 0, s.len);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < len; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    /** The content decoded as ISO-8859-1 (one char per byte, lossless). */
    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
    }

    private static void checkLength(int n) {
        if (n < 0 || n > MAX_LENGTH) {
            throw new IllegalArgumentException("length " + n + " outside [0, " + MAX_LENGTH + "]");
        }
    }
}
