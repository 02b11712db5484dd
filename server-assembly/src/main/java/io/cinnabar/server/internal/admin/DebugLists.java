package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.quicklist.Quicklist;

/**
 * {@code DEBUG LISTPACK <key>} and {@code DEBUG QUICKLIST-PACKED-THRESHOLD <size>}.
 * <ul>
 *   <li>LISTPACK writes the key's listpack layout ({@link Listpack#repr(long)}, Redis's {@code lpRepr} format) to
 *   the server log as it is, and replies {@code +Listpack structure printed on stdout} (Redis's text; the log goes
 *   to stdout unless {@code logfile} is set). A hash, sorted set, set or list in another encoding, or a string:
 *   {@code -ERR Not a listpack encoded object.}; a missing key: {@code -ERR no such key}.</li>
 *   <li>QUICKLIST-PACKED-THRESHOLD sets the element size from which list elements go to plain quicklist nodes:
 *   a memory value (b, k, kb, m, mb, g, gb) up to 4 GiB - 1 MiB, 0 restoring the default 1 GiB, as Redis's
 *   {@code quicklistSetPackedThreshold}; anything else gets Redis's error. Lists pick it up on their next
 *   insertion (Redis reads one global).</li>
 * </ul>
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class DebugLists {
    private DebugLists() {
    }

    static void listpack(Client c) {
        Entry e = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[2], c.argLen[2]);
        if (e == null) {
            c.error("ERR no such key");
            return;
        }
        Listpack lp = switch (e.value()) {
            case HashValue h -> h.lp;
            case ZSetValue z -> z.lp;
            case SetValue s -> s.lp;
            case ListValue l -> l.lp;
            case null, default -> null;
        };
        if (lp == null) {
            c.error("ERR Not a listpack encoded object.");
            return;
        }
        // a stable stand-in for the C pointer: the value's identity hash in the high bits
        long base = (long) System.identityHashCode(lp) << 16;
        c.server.log.raw(lp.repr(base));
        c.simple("Listpack structure printed on stdout");
    }

    static void packedThreshold(Client c) {
        long size = memory(c.argString(2));
        if (size < 0 || size > (1L << 32) - (1L << 20)) {
            c.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
            return;
        }
        c.server.limits.listPackedThreshold = size == 0 ? Quicklist.DEFAULT_PACKED_THRESHOLD : size;
        c.ok();
    }

    /** Redis's memtoull: digits (possibly none, meaning 0) and an optional unit; -1 when invalid. */
    static long memory(String s) {
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits)) && s.charAt(digits) < 128) {
            digits++;
        }
        String unit = s.substring(digits);
        if (digits == 0 && (unit.isEmpty() || Config.memtoll("0" + unit) == 0)) {
            return 0;
        }
        return Config.memtoll(s);
    }
}
