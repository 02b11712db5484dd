package io.cinnabar.lua;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Lua string: an immutable run of bytes (binary-safe, as Redis scripts need). {@link #wrap} shares the caller's
 * array without copying, so a host can hand request bytes to a script and read reply bytes back with
 * {@link #array()}, {@link #offset()} and {@link #length()}; whoever wraps an array promises not to change it.
 */
public final class LuaString implements Comparable<LuaString> {
    private static final LuaString EMPTY = new LuaString(new byte[0], 0, 0);
    private static final LuaString[] SINGLE = new LuaString[256];

    static {
        for (int i = 0; i < 256; i++) {
            SINGLE[i] = new LuaString(new byte[] {(byte) i}, 0, 1);
        }
    }

    private final byte[] bytes;
    private final int off;
    private final int len;
    private int hash;
    /**
     * Non-null for the result of {@link #concat}: {@link #EXACT} when it has no room, else the array is a growable
     * buffer and {@code fill[0]} is the end of its used part, shared by every string made on that buffer. Bytes past
     * it belong to nobody yet.
     */
    private final int[] fill;
    private static final int[] EXACT = new int[0];

    private LuaString(byte[] bytes, int off, int len) {
        this(bytes, off, len, null);
    }

    private LuaString(byte[] bytes, int off, int len, int[] fill) {
        this.bytes = bytes;
        this.off = off;
        this.len = len;
        this.fill = fill;
    }

    /** Made by {@link #concat}: a later concat starting with this string may append in place or get room. */
    public boolean isBuffer() {
        return fill != null;
    }

    /**
     * Lua's {@code ..} of {@code parts[0..n)} (all LuaStrings) whose lengths add up to {@code total}, for the
     * interpreter. When the first part is the last string made on a growable buffer with room for the rest, the
     * others are appended in place after it (its own bytes do not change), so {@code s = s .. x} loops copy each
     * byte a constant number of times instead of building every intermediate string afresh. Otherwise the result
     * gets a buffer of its own: with {@code room} spare bytes when the first part was itself made by concat (a
     * string that grows again), exactly sized otherwise.
     */
    public static LuaString concat(Object[] parts, int n, int total, int room) {
        LuaString head = (LuaString) parts[0];
        int[] fl = head.fill;
        byte[] out;
        int p;
        int start;
        if (fl != null && fl != EXACT && fl[0] == head.off + head.len && head.bytes.length - head.off >= total) {
            out = head.bytes;
            start = head.off;
            p = head.off + head.len;
        } else {
            int cap = fl != null ? total + room : total;
            out = Arrays.copyOfRange(head.bytes, head.off, head.off + cap); // no zeroing of the copied bytes
            start = 0;
            p = head.len;
            fl = fl != null && room > 0 ? new int[1] : EXACT;
        }
        for (int i = 1; i < n; i++) {
            LuaString s = (LuaString) parts[i];
            System.arraycopy(s.bytes, s.off, out, p, s.len);
            p += s.len;
        }
        if (fl != EXACT) {
            fl[0] = p;
        }
        return total == 0 ? EMPTY : new LuaString(out, start, total, fl);
    }

    /** Shares {@code bytes[off, off+len)} without copying. */
    public static LuaString wrap(byte[] bytes, int off, int len) {
        if (off < 0 || len < 0 || off + len > bytes.length) {
            throw new IndexOutOfBoundsException("off=" + off + " len=" + len + " size=" + bytes.length);
        }
        if (len == 0) {
            return EMPTY;
        }
        return new LuaString(bytes, off, len);
    }

    /** Shares the whole array without copying. */
    public static LuaString wrap(byte[] bytes) {
        return wrap(bytes, 0, bytes.length);
    }

    /** A copy of {@code bytes[off, off+len)}. */
    public static LuaString copyOf(byte[] bytes, int off, int len) {
        if (len == 1) {
            return SINGLE[bytes[off] & 0xff];
        }
        return wrap(Arrays.copyOfRange(bytes, off, off + len));
    }

    /** The UTF-8 bytes of {@code s}. */
    public static LuaString of(String s) {
        return wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The one-byte string {@code b & 0xff}. */
    public static LuaString ofByte(int b) {
        return SINGLE[b & 0xff];
    }

    /** The backing array; the string is {@code array()[offset(), offset()+length())}. Do not modify. */
    public byte[] array() {
        return bytes;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    /** The byte at {@code i} (0-based), unsigned. */
    public int byteAt(int i) {
        return bytes[off + i] & 0xff;
    }

    /** A fresh copy of the bytes. */
    public byte[] toBytes() {
        return Arrays.copyOfRange(bytes, off, off + len);
    }

    /** The substring {@code [from, to)} (0-based), sharing this string's array. */
    public LuaString substring(int from, int to) {
        if (from == 0 && to == len) {
            return this;
        }
        if (to - from == 1) {
            return SINGLE[bytes[off + from] & 0xff];
        }
        return wrap(bytes, off + from, to - from);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 1;
            for (int i = off, end = off + len; i < end; i++) {
                h = 31 * h + bytes[i];
            }
            if (h == 0) {
                h = 1;
            }
            hash = h;
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LuaString s) || s.len != len || (hash != 0 && s.hash != 0 && hash != s.hash)) {
            return false;
        }
        return Arrays.equals(bytes, off, off + len, s.bytes, s.off, s.off + len);
    }

    /** Byte-wise unsigned order (Lua 5.1's {@code strcoll} in the C locale). */
    @Override
    public int compareTo(LuaString o) {
        return Arrays.compareUnsigned(bytes, off, off + len, o.bytes, o.off, o.off + o.len);
    }

    /** The bytes decoded as UTF-8 (lossy for other bytes); for messages and tests. */
    @Override
    public String toString() {
        return new String(bytes, off, len, StandardCharsets.UTF_8);
    }
}
