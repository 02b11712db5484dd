package io.cinnabar.rdb;

import io.cinnabar.rdb.internal.LpCursor;

/**
 * The layout of the listpacks that hold stream entries (types 15, 19, 21), keyed in the rax by a 16-byte master id.
 *
 * <pre>
 *   master entry:  count | deleted | num-fields | field_1 ... field_N | 0
 *   each entry:    flags | ms-diff | seq-diff | [num-fields | field_1 | value_1 ... ] | lp-count
 *                  with flags &amp; SAMEFIELDS (2) the fields are the master's and only values follow;
 *                  flags &amp; DELETED (1) marks a deleted entry; lp-count = entries used, for backward walks
 *   id of an entry = (master ms + ms-diff, master seq + seq-diff)
 * </pre>
 * Walking validates the listpack and these counts. O(size of the listpack).
 */
final class StreamListpack {
    private StreamListpack() {
    }

    /** Walks the entries; live ones go to {@code sink} (may be null: validate only). */
    static void walk(byte[] lp, long base, StreamId master, RdbVisitor sink) {
        LpCursor c = new LpCursor(lp, base, false); // Redis does not check a stream node's count header
        long count = nextInt(c, base, "stream valid count");
        long deleted = nextInt(c, base, "stream deleted count");
        long nf = nextInt(c, base, "stream master field count");
        if (nf < 0 || nf > (lp.length - c.position()) / 2) { // every entry takes at least 2 bytes
            throw new RdbException("stream master field count " + nf + " out of range", base + c.position());
        }
        byte[][] masterFields = new byte[(int) nf][];
        for (int i = 0; i < nf; i++) {
            next(c, base, "stream master field");
            masterFields[i] = c.bytes();
        }
        if (nextInt(c, base, "stream master terminator") != 0) {
            throw new RdbException("stream master entry not terminated by 0", base + c.position());
        }
        long live = 0;
        long dead = 0;
        while (c.next()) {
            long flags = c.intValue();
            long msDiff = nextInt(c, base, "stream entry ms");
            long seqDiff = nextInt(c, base, "stream entry seq");
            byte[][] fv;
            if ((flags & RdbFormat.STREAM_ITEM_FLAG_SAMEFIELDS) != 0) {
                fv = new byte[masterFields.length * 2][];
                for (int i = 0; i < masterFields.length; i++) {
                    next(c, base, "stream value");
                    fv[2 * i] = masterFields[i];
                    fv[2 * i + 1] = c.bytes();
                }
            } else {
                long n = nextInt(c, base, "stream field count");
                if (n < 0 || n > (lp.length - c.position()) / 4) { // a field and a value take at least 4 bytes
                    throw new RdbException("stream field count " + n + " out of range", base + c.position());
                }
                fv = new byte[(int) n * 2][];
                for (int i = 0; i < fv.length; i++) {
                    next(c, base, "stream field or value");
                    fv[i] = c.bytes();
                }
            }
            nextInt(c, base, "stream lp-count");
            if ((flags & RdbFormat.STREAM_ITEM_FLAG_DELETED) != 0) {
                dead++;
            } else {
                live++;
                if (sink != null) {
                    sink.streamEntry(new StreamId(master.ms() + msDiff, master.seq() + seqDiff), fv);
                }
            }
        }
        if (live != count || dead != deleted) {
            throw new RdbException("stream listpack counts " + count + " live and " + deleted + " deleted entries, found "
                + live + " and " + dead, base);
        }
    }

    private static void next(LpCursor c, long base, String what) {
        if (!c.next()) {
            throw new RdbException("stream listpack ends before " + what, base + c.position());
        }
    }

    private static long nextInt(LpCursor c, long base, String what) {
        next(c, base, what);
        return c.intValue();
    }
}
