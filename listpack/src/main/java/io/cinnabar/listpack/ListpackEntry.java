package io.cinnabar.listpack;

import java.util.Arrays;

/**
 * A reusable view of one listpack entry, filled by {@link Listpack#get(int, ListpackEntry)} without allocating.
 * An entry is either an integer ({@link #isInteger()}, {@link #longValue()}) or a string that stays inside the
 * listpack's array ({@link #array()}, {@link #offset()}, {@link #length()}). The view is valid until the
 * listpack is next modified.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ListpackEntry {
    private boolean integer;
    private long value;
    private byte[] array;
    private int offset;
    private int length;

    void setInteger(long v) {
        integer = true;
        value = v;
        array = null;
        offset = 0;
        length = 0;
    }

    void setString(byte[] a, int off, int len) {
        integer = false;
        value = 0;
        array = a;
        offset = off;
        length = len;
    }

    /** @return whether the entry is stored with an integer encoding */
    public boolean isInteger() {
        return integer;
    }

    /**
     * @return the value of an integer entry
     * @throws IllegalStateException if the entry is a string
     */
    public long longValue() {
        if (!integer) {
            throw new IllegalStateException("string entry");
        }
        return value;
    }

    /** @return the array holding a string entry's bytes (the listpack's own array), or null for an integer */
    public byte[] array() {
        return array;
    }

    /** @return where a string entry's bytes start in {@link #array()} */
    public int offset() {
        return offset;
    }

    /** @return the length of a string entry, or of the decimal form of an integer entry */
    public int length() {
        return integer ? ListpackLayout.decimalLength(value) : length;
    }

    /** Whether the entry's text (the decimal form for integers) equals {@code s[off, off+len)}. */
    public boolean contentEquals(byte[] s, int off, int len) {
        if (integer) {
            long v = ListpackLayout.tryParseInt(s, off, len);
            return v == value && (v != ListpackLayout.NOT_AN_INT || ListpackLayout.isMinLong(s, off, len));
        }
        return len == length && Arrays.equals(array, offset, offset + length, s, off, off + len);
    }

    /** Copies the entry's text (the decimal form for integers) to {@code dst[off]}; returns its length. */
    public int copyTo(byte[] dst, int off) {
        if (integer) {
            return ListpackLayout.formatDecimal(value, dst, off);
        }
        System.arraycopy(array, offset, dst, off, length);
        return length;
    }

    /** @return a new array with the entry's text (the decimal form for integers) */
    public byte[] toBytes() {
        byte[] out = new byte[length()];
        copyTo(out, 0);
        return out;
    }

    @Override
    public String toString() {
        return integer ? Long.toString(value) : new String(array, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
