package io.cinnabar.server.internal.type;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Entry;

/**
 * The argument syntax LMPOP, ZMPOP (and later their blocking forms) share:
 * {@code numkeys key [key ...] <first|second> [COUNT count]}, parsed with Redis's error texts and order of checks.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class MpopArgs {
    private MpopArgs() {
    }

    /**
     * Parses the arguments from index {@code from} (the numkeys argument).
     *
     * @param out receives {@code out[0]} = 1 when the direction was {@code second} (else 0) and {@code out[1]} = the
     *            count (1 when absent)
     * @return the index of the direction argument (keys are {@code from+1 .. result-1}), or -1 after replying
     *         with the error
     */
    public static int parse(Client c, int from, String first, String second, long[] out) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[from], c.argLen[from], c.ctx.tmp) || c.ctx.tmp[0] < 1) {
            c.error("ERR numkeys should be greater than 0");
            return -1;
        }
        long numkeys = c.ctx.tmp[0];
        if (numkeys > c.argc - from - 1) {
            c.error(Shared.SYNTAX);
            return -1;
        }
        int where = from + 1 + (int) numkeys;
        if (where >= c.argc) {
            c.error(Shared.SYNTAX);
            return -1;
        }
        if (c.argIs(where, first)) {
            out[0] = 0;
        } else if (c.argIs(where, second)) {
            out[0] = 1;
        } else {
            c.error(Shared.SYNTAX);
            return -1;
        }
        long count = -1;
        for (int j = where + 1; j < c.argc; j++) {
            if (count == -1 && c.argIs(j, "count") && j < c.argc - 1) {
                j++;
                if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] <= 0) {
                    c.error("ERR count should be greater than 0");
                    return -1;
                }
                count = c.ctx.tmp[0];
            } else {
                c.error(Shared.SYNTAX);
                return -1;
            }
        }
        out[1] = count == -1 ? 1 : count;
        return where;
    }

    /** Pops from one value for an MPOP command: up to count elements of e (of the right type) and the reply. */
    @FunctionalInterface
    public interface Pop {
        void pop(Client c, Entry e, boolean flag, long count);
    }

    /**
     * The one LMPOP/ZMPOP/BLMPOP/BZMPOP skeleton: pops with {@code pop} from the first key among the arguments
     * from..to-1 that exists; a key of another type stops the search with WRONGTYPE.
     *
     * @return false, having replied nothing, when none of the keys exists; true after a reply (or a WRONGTYPE)
     */
    public static boolean popFirst(Client c, int from, int to, int type, boolean flag, long count, Pop pop) {
        for (int k = from; k < to; k++) {
            Entry e = c.server.lookupWrite(c, k);
            if (e == null) {
                continue;
            }
            if (e.type() != type) {
                c.error(Shared.WRONGTYPE);
                return true;
            }
            pop.pop(c, e, flag, count);
            return true;
        }
        return false;
    }
}
