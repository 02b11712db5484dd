package io.cinnabar.rdb.internal;

import io.cinnabar.rdb.RdbException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A validating forward cursor over a listpack blob read from an RDB file. Stand-in until the {@code listpack}
 * module (which owns the format and its diagram) is merged; it checks header size, every entry's bounds and
 * back-length, the terminator and the count.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class LpCursor {
    private final byte[] lp;
    private final long base;
    private final int declared;
    private int p = 6;
    private int seen;
    private boolean isInt;
    private long intValue;
    private int strOff;
    private int strLen;

    public LpCursor(byte[] lp, long base) {
        this.lp = lp;
        this.base = base;
        if (lp.length < 7) {
            throw new RdbException("listpack of " + lp.length + " bytes is shorter than its header", base);
        }
        long total = (lp[0] & 0xffL) | (lp[1] & 0xffL) << 8 | (lp[2] & 0xffL) << 16 | (lp[3] & 0xffL) << 24;
        if (total != lp.length) {
            throw new RdbException("listpack header says " + total + " bytes, blob has " + lp.length, base);
        }
        declared = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
    }

    /** The count in the header, or 65535 when unknown. */
    public int declaredCount() {
        return declared;
    }

    /** Advances to the next entry; false (after checking terminator and count) at the end. */
    public boolean next() {
        if (p >= lp.length) {
            throw new RdbException("listpack has no terminator", base + p);
        }
        int b = lp[p] & 0xff;
        if (b == 0xff) {
            if (p != lp.length - 1) {
                throw new RdbException("listpack terminator before the end of the blob", base + p);
            }
            if (declared != 0xffff && declared != seen) {
                throw new RdbException("listpack header counts " + declared + " entries, found " + seen, base + 4);
            }
            return false;
        }
        int start = p;
        int encLen = entry(b);
        int back = backlenSize(encLen);
        if ((long) start + encLen + back > lp.length - 1) {
            throw new RdbException("listpack entry passes the end", base + start);
        }
        long bl = 0;
        for (int i = 0; i < back; i++) {
            int x = lp[start + encLen + back - 1 - i] & 0xff;
            bl |= (long) (x & 0x7f) << (7 * i);
        }
        if (bl != encLen) {
            throw new RdbException("listpack entry back-length " + bl + " does not match its size " + encLen, base + start);
        }
        p = start + encLen + back;
        seen++;
        return true;
    }

    private int entry(int b) {
        int s = p;
        if ((b & 0x80) == 0) {
            setInt(b & 0x7f);
            return 1;
        }
        if ((b & 0xc0) == 0x80) {
            return str(s + 1, b & 0x3f, 1);
        }
        if ((b & 0xe0) == 0xc0) {
            need(s, 2);
            int v = ((b & 0x1f) << 8) | (lp[s + 1] & 0xff);
            setInt((v << 19) >> 19);
            return 2;
        }
        if ((b & 0xf0) == 0xe0) {
            need(s, 2);
            return str(s + 2, ((b & 0x0f) << 8) | (lp[s + 1] & 0xff), 2);
        }
        switch (b) {
            case 0xf0 -> {
                need(s, 5);
                long len = le(s + 1, 4) & 0xffffffffL;
                if (len > lp.length) {
                    throw new RdbException("listpack string length " + len + " passes the end", base + s);
                }
                return str(s + 5, (int) len, 5);
            }
            case 0xf1 -> { return integer(s, 2); }
            case 0xf2 -> { return integer(s, 3); }
            case 0xf3 -> { return integer(s, 4); }
            case 0xf4 -> { return integer(s, 8); }
            default -> throw new RdbException("bad listpack encoding 0x" + Integer.toHexString(b), base + s);
        }
    }

    private int integer(int s, int n) {
        need(s, 1 + n);
        long v = le(s + 1, n);
        setInt((v << (64 - 8 * n)) >> (64 - 8 * n));
        return 1 + n;
    }

    private int str(int off, int len, int hdr) {
        if (off + (long) len > lp.length - 1) {
            throw new RdbException("listpack string of " + len + " bytes passes the end", base + p);
        }
        isInt = false;
        strOff = off;
        strLen = len;
        return hdr + len;
    }

    private void setInt(long v) {
        isInt = true;
        intValue = v;
    }

    private void need(int s, int n) {
        if (s + (long) n > lp.length - 1) {
            throw new RdbException("listpack entry passes the end", base + s);
        }
    }

    private long le(int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (lp[off + i] & 0xffL);
        }
        return v;
    }

    private static int backlenSize(int l) {
        return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
    }

    public boolean isInt() {
        return isInt;
    }

    /** The current entry as an integer; strings that are not canonical integers are an error. */
    public long intValue() {
        if (isInt) {
            return intValue;
        }
        try {
            return Long.parseLong(new String(lp, strOff, strLen, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RdbException("listpack entry is not an integer", base + p);
        }
    }

    /** The current entry as bytes (integers as decimal text). */
    public byte[] bytes() {
        return isInt ? Long.toString(intValue).getBytes(StandardCharsets.US_ASCII) : Arrays.copyOfRange(lp, strOff, strOff + strLen);
    }

    /** Offset of the current position within the blob. */
    public int position() {
        return p;
    }
}
