package io.cinnabar.server.internal.type;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Glob;

import java.util.List;

/**
 * MATCH and COUNT options of HSCAN, SSCAN and ZSCAN (Redis's scanGenericCommand for a value), and the reply.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ScanOptions {
    public long count = 10;
    byte[] pattern;
    /** Set by {@link #start}: the cursor argument and the key's value. */
    public long cursor;
    public Object value;

    /** Parses the options from argument from on; null after an error reply. */
    public static ScanOptions parse(Client c, int from) {
        ScanOptions o = new ScanOptions();
        for (int j = from; j < c.argc; j++) {
            boolean more = j < c.argc - 1;
            if (c.argIs(j, "count") && more) {
                if (!c.argLong(j + 1)) {
                    return null;
                }
                o.count = c.ctx.tmp[0];
                if (o.count < 1) {
                    c.error(Shared.SYNTAX);
                    return null;
                }
                j++;
            } else if (c.argIs(j, "match") && more) {
                byte[] p = c.arg(j + 1);
                o.pattern = p.length == 1 && p[0] == '*' ? null : p;
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return null;
            }
        }
        return o;
    }

    /** The reply to a scan of a missing key: cursor 0, no elements. */
    public static void emptyScan(Client c) {
        c.array(2);
        c.bulk("0");
        c.array(0);
    }

    /** Replies [cursor, elements], keeping groups of width elements whose first one matches the pattern. */
    public static void reply(Client c, long cursor, List<byte[]> items, int width, ScanOptions o) {
        int keep = items.size();
        boolean[] drop = null;
        if (o.pattern != null) {
            drop = new boolean[items.size()];
            for (int i = 0; i < items.size(); i += width) {
                if (!Glob.match(o.pattern, items.get(i), false)) {
                    for (int k = 0; k < width; k++) {
                        drop[i + k] = true;
                    }
                    keep -= width;
                }
            }
        }
        c.array(2);
        c.bulk(Long.toUnsignedString(cursor));
        c.array(keep);
        for (int i = 0; i < items.size(); i++) {
            if (drop == null || !drop[i]) {
                c.bulk(items.get(i));
            }
        }
    }


    /** Parses an unsigned 64-bit SCAN cursor; false after "invalid cursor". */
    /**
     * The start SSCAN, HSCAN and ZSCAN share: the cursor (argument 2), the key (argument 1) read as {@code type},
     * then the options from argument 3. Returns the options with {@link #cursor} and {@link #value} set, or null
     * when the reply is already written (an error, or the empty scan of a missing key, which Redis answers before
     * it parses the options).
     */
    public static ScanOptions start(Client c, int type) {
        if (!parseCursor(c, 2)) {
            return null;
        }
        long cursor = c.ctx.tmp[0];
        io.cinnabar.server.internal.keyspace.Entry e = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, e, type)) {
            return null;
        }
        if (e == null) {
            emptyScan(c);
            return null;
        }
        ScanOptions o = parse(c, 3);
        if (o != null) {
            o.cursor = cursor;
            o.value = e.value();
        }
        return o;
    }

    public static boolean parseCursor(Client c, int arg) {
        int off = c.argOff[arg];
        int len = c.argLen[arg];
        if (len == 0 || len > 20) {
            c.error("ERR invalid cursor");
            return false;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            int d = c.argBuf[off + i] - '0';
            if (d < 0 || d > 9) {
                c.error("ERR invalid cursor");
                return false;
            }
            long nv = v * 10 + d;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0 || Long.compareUnsigned(nv, v) < 0 && v != 0) {
                c.error("ERR invalid cursor");
                return false;
            }
            v = nv;
        }
        c.ctx.tmp[0] = v;
        return true;
    }
}
