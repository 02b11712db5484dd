package io.cinnabar.server.internal.type.list;

import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.blocking.Timeouts;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.MpopArgs;
import io.cinnabar.server.internal.type.zset.ZSetCommands;


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
    /** Where a command that finds nothing to pop blocks its client. */
    private final BlockingKeys keys;

    private BlockingCommands(BlockingKeys keys) {
        this.keys = keys;
    }

    /** Registers the blocking commands, which block their clients in {@code keys}. */
    public static void register(CommandTable t, BlockingKeys keys) {
        BlockingCommands b = new BlockingCommands(keys);
        t.impl("blpop", c -> b.bpop(c, true));
        t.impl("brpop", c -> b.bpop(c, false));
        t.impl("brpoplpush", c -> {
            long deadline = Timeouts.deadline(c, 3);
            if (deadline >= 0) {
                b.bmove(c, false, true, deadline);
            }
        });
        t.impl("blmove", b::blmove);
        t.impl("blmpop", c -> b.bmpop(c, true));
        t.impl("bzpopmin", c -> b.bzpop(c, false));
        t.impl("bzpopmax", c -> b.bzpop(c, true));
        t.impl("bzmpop", c -> b.bmpop(c, false));
    }

    /** BLPOP/BRPOP key [key ...] timeout. */
    void bpop(Client c, boolean head) {
        long deadline = Timeouts.deadline(c, c.argc - 1);
        if (deadline < 0) {
            return;
        }
        for (int k = 1; k < c.argc - 1; k++) {
            Entry e = c.server.lookupWrite(c, k);
            if (e == null) {
                continue;
            }
            if (e.type() != Entry.TYPE_LIST) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            c.array(2);
            c.bulk(e.keyArray(), 0, e.klen());
            ((ListValue) e.value()).pop(head, c.bulkSink);
            Rewrites.rewrite(c, head ? Rewrites.LPOP : Rewrites.RPOP, c.arg(k)); // BLPOP propagates as LPOP key
            ListCommands.popped(c, e, head, 1);
            return;
        }
        keys.block(c, 1, c.argc - 1, BlockingKeys.LIST, deadline);
    }

    /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
    void blmove(Client c) {
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
        long deadline = Timeouts.deadline(c, 5);
        if (deadline >= 0) {
            bmove(c, fromLeft, toLeft, deadline);
        }
    }

    private void bmove(Client c, boolean fromLeft, boolean toLeft, long deadline) {
        Entry src = c.server.lookupWrite(c, 1);
        if (src != null && src.type() != Entry.TYPE_LIST) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (src == null) {
            if (c.denyBlocking) { // inside EXEC: an empty source answers nil at once, as Redis's blmove does
                c.nullBulk();
                return;
            }
            keys.block(c, 1, 2, BlockingKeys.LIST, deadline);
            return;
        }
        ListCommands.move(c, fromLeft, toLeft);
    }

    /** BLMPOP / BZMPOP timeout numkeys key [key ...] direction [COUNT count]. */
    void bmpop(Client c, boolean list) {
        long[] parsed = new long[2];
        int where = list ? MpopArgs.parse(c, 2, "left", "right", parsed) : MpopArgs.parse(c, 2, "min", "max", parsed);
        if (where < 0) {
            return;
        }
        long deadline = Timeouts.deadline(c, 1);
        if (deadline < 0) {
            return;
        }
        boolean served = list ? ListCommands.mpop(c, 3, where, parsed[0] == 0, parsed[1])
            : ZSetCommands.mpop(c, 3, where, parsed[0] == 1, parsed[1]);
        if (!served) {
            keys.block(c, 3, where, list ? BlockingKeys.LIST : BlockingKeys.ZSET, deadline);
        }
    }

    /** BZPOPMIN/BZPOPMAX key [key ...] timeout. */
    void bzpop(Client c, boolean max) {
        long deadline = Timeouts.deadline(c, c.argc - 1);
        if (deadline < 0) {
            return;
        }
        for (int k = 1; k < c.argc - 1; k++) {
            Entry e = c.server.lookupWrite(c, k);
            if (e == null) {
                continue;
            }
            if (e.type() != Entry.TYPE_ZSET) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            ZSetCommands.pop(c, e, max, 1, false, true);
            return;
        }
        keys.block(c, 1, c.argc - 1, BlockingKeys.ZSET, deadline);
    }
}
