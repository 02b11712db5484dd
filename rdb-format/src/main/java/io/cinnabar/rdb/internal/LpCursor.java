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
    /** Offset of the listpack header's 16-bit element count. */
    private static final int COUNT_OFFSET = 4;
    private final Listpack lp;
    private final long base;
    private int p = -2;

    public LpCursor(byte[] blob, long base) {
        this(blob, base, true);
    }

    /**
     * A cursor over {@code blob}; with {@code checkCount} false the header's element count is not compared with
     * the entries, as Redis's {@code streamValidateListpackIntegrity} does for stream nodes (it validates the
     * header shallowly and walks the entries itself). A mismatching count then costs one copy of the blob, with
     * the count field set to "unknown", to validate the entries; the cursor walks that copy.
     */
    public LpCursor(byte[] blob, long base, boolean checkCount) {
        this.base = base;
        Listpack adopted;
        try {
            adopted = Listpack.adopt(blob);
        } catch (ListpackException e) {
            if (checkCount || e.offset() != COUNT_OFFSET) {
                throw new RdbException("invalid listpack: " + e.getMessage(), base + Math.max(0, e.offset()), e);
            }
            byte[] copy = blob.clone();
            copy[COUNT_OFFSET] = (byte) 0xFF;
            copy[COUNT_OFFSET + 1] = (byte) 0xFF;
            try {
                adopted = Listpack.adopt(copy);
            } catch (ListpackException e2) {
                throw new RdbException("invalid listpack: " + e2.getMessage(), base + Math.max(0, e2.offset()), e2);
            }
        }
        this.lp = adopted;
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
