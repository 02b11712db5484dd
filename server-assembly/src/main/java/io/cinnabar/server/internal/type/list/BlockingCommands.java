package io.cinnabar.server.internal.type.list;

import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.MpopArgs;
import io.cinnabar.server.internal.type.zset.ZSetCommands;

import io.cinnabar.sds.LongDouble;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The blocking list and sorted-set commands: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
 * Each one first behaves as its non-blocking form would on the first key that holds a value (popping through
 * {@link ListValue} / {@link ListCommands} / {@link ZSetCommands}); when none does, it blocks the client with
 * {@link BlockingKeys#block}, which re-executes the very same handler once a key is ready.
 * <p>
 * Replies, as Redis 7.2: BLPOP/BRPOP {@code [key, element]}; BRPOPLPUSH/BLMOVE the element; BLMPOP/BZMPOP as
 * LMPOP/ZMPOP; BZPOPMIN/BZPOPMAX {@code [key, member, score]} (flat in RESP2 and RESP3); a null array on timeout
 * (BRPOPLPUSH and BLMOVE included, as Redis does).
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class BlockingCommands {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final BigDecimal LLONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private BlockingCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("blpop", c -> bpop(c, true));
        t.impl("brpop", c -> bpop(c, false));
        t.impl("brpoplpush", c -> {
            long deadline = deadline(c, 3);
            if (deadline >= 0) {
                bmove(c, false, true, deadline);
            }
        });
        t.impl("blmove", BlockingCommands::blmove);
        t.impl("blmpop", c -> bmpop(c, true));
        t.impl("bzpopmin", c -> bzpop(c, false));
        t.impl("bzpopmax", c -> bzpop(c, true));
        t.impl("bzmpop", c -> bmpop(c, false));
    }

    /** BLPOP/BRPOP key [key ...] timeout. */
    static void bpop(Client c, boolean head) {
        long deadline = deadline(c, c.argc - 1);
        if (deadline < 0) {
            return;
        }
        for (int k = 1; k < c.argc - 1; k++) {
            Entry e = c.server.lookupWrite(c, k);
            if (e == null) {
                continue;
            }
            if (e.type != Entry.TYPE_LIST) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            c.array(2);
            c.bulk(e.key);
            ((ListValue) e.obj).replyPop(c, head);
            c.server.dirty++;
            ListCommands.removed(c, e);
            return;
        }
        c.server.blocking.block(c, 1, c.argc - 1, BlockingKeys.LIST, deadline);
    }

    /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
    static void blmove(Client c) {
        boolean fromLeft;
        boolean toLeft;
        if (c.argIs(3, "left") || c.argIs(3, "right")) {
            fromLeft = c.argIs(3, "left");
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        if (c.argIs(4, "left") || c.argIs(4, "right")) {
            toLeft = c.argIs(4, "left");
        } else {
            c.error(Shared.SYNTAX);
            return;
        }
        long deadline = deadline(c, 5);
        if (deadline >= 0) {
            bmove(c, fromLeft, toLeft, deadline);
        }
    }

    private static void bmove(Client c, boolean fromLeft, boolean toLeft, long deadline) {
        Entry src = c.server.lookupWrite(c, 1);
        if (src != null && src.type != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (src == null) {
            c.server.blocking.block(c, 1, 2, BlockingKeys.LIST, deadline);
            return;
        }
        ListCommands.move(c, fromLeft, toLeft);
    }

    /** BLMPOP / BZMPOP timeout numkeys key [key ...] direction [COUNT count]. */
    static void bmpop(Client c, boolean list) {
        long[] parsed = new long[2];
        int where = list ? MpopArgs.parse(c, 2, "left", "right", parsed) : MpopArgs.parse(c, 2, "min", "max", parsed);
        if (where < 0) {
            return;
        }
        long deadline = deadline(c, 1);
        if (deadline < 0) {
            return;
        }
        boolean served = list ? ListCommands.mpop(c, 3, where, parsed[0] == 0, parsed[1])
            : ZSetCommands.mpop(c, 3, where, parsed[0] == 1, parsed[1]);
        if (!served) {
            c.server.blocking.block(c, 3, where, list ? BlockingKeys.LIST : BlockingKeys.ZSET, deadline);
        }
    }

    /** BZPOPMIN/BZPOPMAX key [key ...] timeout. */
    static void bzpop(Client c, boolean max) {
        long deadline = deadline(c, c.argc - 1);
        if (deadline < 0) {
            return;
        }
        for (int k = 1; k < c.argc - 1; k++) {
            Entry e = c.server.lookupWrite(c, k);
            if (e == null) {
                continue;
            }
            if (e.type != Entry.TYPE_ZSET) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            ZSetCommands.pop(c, e, max, 1, false, true);
            return;
        }
        c.server.blocking.block(c, 1, c.argc - 1, BlockingKeys.ZSET, deadline);
    }

    /**
     * Redis's getTimeoutFromObjectOrReply in seconds: the argument is a long double (strtold syntax: decimals,
     * exponents, hex floats, inf), multiplied by 1000 in 64-bit-significand precision and rounded up to whole
     * milliseconds; 0 means no deadline. Errors: not a float, negative, or out of range (above LLONG_MAX ms, or
     * overflowing when added to the command's time).
     *
     * @return the absolute deadline in unix ms, 0 for none, or -1 after replying the error
     */
    static long deadline(Client c, int arg) {
        LongDouble v = LongDouble.parse(c.argBuf, c.argOff[arg], c.argLen[arg]);
        if (v == null) {
            c.error("ERR timeout is not a float or out of range");
            return -1;
        }
        long ms;
        if (v.isInfinite()) {
            if (!v.isNegative()) {
                c.error("ERR timeout is out of range");
                return -1;
            }
            ms = Long.MIN_VALUE; // (long long) ceill(-inf) on x86-64
        } else {
            BigDecimal product = roundToLongDouble(v.toBigDecimal().multiply(THOUSAND));
            if (product.compareTo(LLONG_MAX) > 0) {
                c.error("ERR timeout is out of range");
                return -1;
            }
            BigDecimal up = product.setScale(0, RoundingMode.CEILING);
            ms = up.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : up.longValueExact();
        }
        if (ms < 0) {
            c.error("ERR timeout is negative");
            return -1;
        }
        if (ms == 0) {
            return 0;
        }
        long now = c.server.cmdTimeMs;
        if (ms > Long.MAX_VALUE - now) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        return ms + now;
    }

    /**
     * Rounds an exact value to the nearest x87 long double (64 significand bits, ties to even), as the product
     * {@code ftval * 1000} is rounded in Redis; values under 1/2 in magnitude are returned as they are (their
     * ceiling does not depend on the rounding).
     */
    static BigDecimal roundToLongDouble(BigDecimal x) {
        if (x.signum() == 0) {
            return x;
        }
        BigDecimal abs = x.abs();
        int e = abs.toBigInteger().bitLength() - 1; // floor(log2 |x|) when |x| >= 1
        if (e < 0) {
            if (abs.compareTo(HALF) < 0) {
                return x; // rounding cannot move a value under 1/2 across an integer: its ceiling is unchanged
            }
            e = -1;
        }
        int shift = 63 - e; // scale so that the significand is a 64-bit integer
        BigDecimal scaled = shift >= 0 ? abs.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : abs.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-shift)));
        BigInteger sig = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = shift >= 0 ? new BigDecimal(sig).divide(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
            : new BigDecimal(sig.shiftLeft(-shift));
        return x.signum() < 0 ? r.negate() : r;
    }
}
