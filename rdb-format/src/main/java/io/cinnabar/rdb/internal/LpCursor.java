package io.cinnabar.rdb.internal;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.listpack.ListpackException;
import io.cinnabar.rdb.RdbException;

import java.nio.charset.StandardCharsets;

/**
 * A forward cursor over a listpack blob read from an RDB file: the blob is adopted by the {@code listpack} module
 * (which owns the format and validates it deeply, as {@code lpValidateIntegrity}) and walked with its API; its
 * errors become {@link RdbException}s carrying the file offset.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class LpCursor {
    private final Listpack lp;
    private final long base;
    private int p = -2;

    public LpCursor(byte[] blob, long base) {
        this.base = base;
        try {
            this.lp = Listpack.adopt(blob);
        } catch (ListpackException e) {
            throw new RdbException("invalid listpack: " + e.getMessage(), base + Math.max(0, e.offset()), e);
        }
    }

    /** The adopted listpack (shares the blob). */
    public Listpack listpack() {
        return lp;
    }

    /** Advances to the next entry; false at the end. */
    public boolean next() {
        if (p == -1) {
            return false;
        }
        p = p == -2 ? lp.first() : lp.next(p);
        return p >= 0;
    }

    public boolean isInt() {
        return lp.isInteger(p);
    }

    /** The current entry as an integer; a string that is not a decimal integer is an error. */
    public long intValue() {
        if (lp.isInteger(p)) {
            return lp.getLong(p);
        }
        String s = new String(lp.getBytes(p), StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new RdbException("listpack entry is not an integer", base + p);
        }
    }

    /** The current entry as bytes (integers as decimal text). */
    public byte[] bytes() {
        return lp.getBytes(p);
    }

    /** Offset of the current entry within the blob (-1 at the end). */
    public int position() {
        return Math.max(p, 0);
    }
}
