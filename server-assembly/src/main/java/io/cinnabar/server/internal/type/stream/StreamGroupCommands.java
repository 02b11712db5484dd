package io.cinnabar.server.internal.type.stream;

import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.TypeCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumer groups and reads: XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER, XACK, XPENDING, XREAD and
 * XREADGROUP (BLOCK on the server's {@link BlockingKeys}), with Redis 7.2's argument order, replies and error texts.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class StreamGroupCommands {
    private final BlockingKeys blocking;

    private StreamGroupCommands(BlockingKeys blocking) {
        this.blocking = blocking;
    }

    public static void register(CommandTable t, BlockingKeys blocking) {
        StreamGroupCommands g = new StreamGroupCommands(blocking);
        for (String sub : new String[] {"create", "setid", "destroy", "createconsumer", "delconsumer"}) {
            t.impl("xgroup|" + sub, c -> xgroup(c, sub));
        }
        t.impl("xack", StreamGroupCommands::xack);
        t.impl("xpending", StreamGroupCommands::xpending);
        t.impl("xclaim", StreamGroupCommands::xclaim);
        t.impl("xinfo|stream", c -> xinfo(c, "stream"));
        t.impl("xinfo|groups", c -> xinfo(c, "groups"));
        t.impl("xinfo|consumers", c -> xinfo(c, "consumers"));
        t.impl("xinfo|help", c -> c.help("XINFO", new String[] {
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream."}));
        t.impl("xgroup|help", c -> c.help("XGROUP", new String[] {
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter."}));
        t.impl("xautoclaim", StreamGroupCommands::xautoclaim);
        t.impl("xread", c -> g.xread(c, false));
        t.impl("xreadgroup", c -> g.xread(c, true));
    }

    private static String str(Client c, int arg) {
        return new String(c.arg(arg), StandardCharsets.ISO_8859_1);
    }

    private static void subcommandSyntax(Client c) {
        c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1) + "'. Try XGROUP HELP.");
    }

    /** ENTRIESREAD's value at {@code i + 1}; {@code Long.MIN_VALUE} after an error reply. */
    private static long entriesRead(Client c, int i) {
        if (!c.argLong(i + 1)) {
            return Long.MIN_VALUE;
        }
        long v = c.ctx.tmp[0];
        if (v < 0 && v != StreamGroup.INVALID_ENTRIES_READ) {
            c.error("ERR value for ENTRIESREAD must be positive or -1");
            return Long.MIN_VALUE;
        }
        return v;
    }

    static void xgroup(Client c, String opt) {
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        if (opt.equals("create") || opt.equals("setid")) {
            for (int i = 5; i < c.argc; ) {
                if (opt.equals("create") && c.argIs(i, "mkstream")) {
                    mkstream = true;
                    i++;
                } else if (c.argIs(i, "entriesread") && i + 1 < c.argc) {
                    entriesRead = entriesRead(c, i);
                    if (entriesRead == Long.MIN_VALUE) {
                        return;
                    }
                    i += 2;
                } else {
                    subcommandSyntax(c);
                    return;
                }
            }
        }
        Entry e = c.server.lookupWrite(c, 2);
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamValue s = e == null ? null : (StreamValue) e.value();
        byte[] groupName = c.arg(3);
        StreamGroup g = null;
        if (!mkstream) {
            if (s == null) {
                c.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
                    + "use the MKSTREAM option to create an empty stream automatically.");
                return;
            }
            g = s.group(groupName);
            if (g == null && !opt.equals("create") && !opt.equals("destroy")) {
                c.error("NOGROUP No such consumer group '" + str(c, 3) + "' for key name '" + str(c, 2) + "'");
                return;
            }
        }
        long now = c.server.keyspace.cmdTimeMs;
        switch (opt) {
            case "create" -> {
                if (c.argc > 8) {
                    subcommandSyntax(c);
                    return;
                }
                StreamId id;
                if (c.argLen[4] == 1 && c.argBuf[c.argOff[4]] == '$') {
                    id = s != null ? s.lastId() : StreamId.MIN;
                } else {
                    id = StreamCommands.strictId(c, 4, 0);
                    if (id == null) {
                        return;
                    }
                }
                if (s == null) {
                    s = new StreamValue();
                    Entry ne = c.server.keyspace.add(c.db, c.arg(2));
                    c.server.keyspace.initAccess(ne);
                    ne.setType(Entry.TYPE_STREAM);
                    ne.setValue(s);
                }
                if (s.createGroup(groupName, id, entriesRead) != null) {
                    c.ok();
                    c.modified(2, 1);
                    c.notify(Notify.STREAM, "xgroup-create", 2);
                } else {
                    c.error("BUSYGROUP Consumer Group name already exists");
                }
            }
            case "setid" -> {
                if (c.argc != 5 && c.argc != 7) {
                    subcommandSyntax(c);
                    return;
                }
                StreamId id;
                if (c.argLen[4] == 1 && c.argBuf[c.argOff[4]] == '$') {
                    id = s.lastId();
                } else {
                    try {
                        id = StreamId.parse(c.arg(4), 0);
                    } catch (StreamException ex) {
                        c.error(ex.getMessage());
                        return;
                    }
                }
                g.setLastId(id, entriesRead);
                c.ok();
                c.modified(2, 1);
                c.notify(Notify.STREAM, "xgroup-setid", 2);
            }
            case "destroy" -> {
                if (g != null && s.destroyGroup(groupName)) {
                    c.modified(2, 1); // also wakes blocked XREADGROUP clients, which run again: NOGROUP (7.2)
                    c.notify(Notify.STREAM, "xgroup-destroy", 2);
                    c.integer(1);
                } else {
                    c.integer(0);
                }
            }
            case "createconsumer" -> {
                StreamConsumer created = g.createConsumer(c.arg(4), now);
                if (created != null) {
                    c.modified(2, 1);
                    c.notify(Notify.STREAM, "xgroup-createconsumer", 2);
                }
                c.integer(created != null ? 1 : 0);
            }
            default -> { // delconsumer
                long pending = g.deleteConsumer(c.arg(4));
                if (pending >= 0) {
                    c.modified(2, 1);
                    c.notify(Notify.STREAM, "xgroup-delconsumer", 2);
                }
                c.integer(Math.max(pending, 0));
            }
        }
    }

    static void xack(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamGroup g = e == null ? null : ((StreamValue) e.value()).group(c.arg(2));
        if (g == null) {
            c.integer(0);
            return;
        }
        List<StreamId> ids = new ArrayList<>(c.argc - 3);
        for (int j = 3; j < c.argc; j++) {
            StreamId id = StreamCommands.strictId(c, j, 0);
            if (id == null) {
                return;
            }
            ids.add(id);
        }
        long acked = 0;
        for (StreamId id : ids) {
            if (g.ack(id)) {
                acked++;
            }
        }
        c.server.keyspace.changes(acked); // Redis does not signal the key for XACK
        c.integer(acked);
    }

    static void xpending(Client c) {
        boolean justInfo = c.argc == 3;
        if (c.argc > 3 && c.argc < 6) {
            c.error(Shared.SYNTAX);
            return;
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minIdle = 0;
        int consumerArg = -1;
        if (c.argc >= 6) {
            int startIdx = 3;
            if (c.argIs(3, "idle")) {
                if (!c.argLong(4)) {
                    return;
                }
                minIdle = c.ctx.tmp[0];
                if (c.argc < 8) {
                    c.error(Shared.SYNTAX);
                    return;
                }
                startIdx += 2;
            }
            if (!c.argLong(startIdx + 2)) {
                return;
            }
            count = Math.max(0, c.ctx.tmp[0]);
            try {
                start = StreamId.parseInterval(c.arg(startIdx), true);
                end = StreamId.parseInterval(c.arg(startIdx + 1), false);
            } catch (StreamException ex) {
                c.error(ex.getMessage());
                return;
            }
            if (startIdx + 3 < c.argc) {
                consumerArg = startIdx + 3;
            }
        }
        Entry e = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamGroup g = e == null ? null : ((StreamValue) e.value()).group(c.arg(2));
        if (g == null) {
            c.error("NOGROUP No such key '" + str(c, 1) + "' or consumer group '" + str(c, 2) + "'");
            return;
        }
        if (justInfo) {
            StreamGroup.PendingSummary sum = g.pendingSummary();
            c.array(4);
            c.integer(sum.count());
            if (sum.count() == 0) {
                c.nullBulk();
                c.nullBulk();
                c.nullArray();
                return;
            }
            c.bulk(sum.smallest().toBytes());
            c.bulk(sum.greatest().toBytes());
            c.array(sum.consumers().size());
            for (StreamGroup.ConsumerPending cp : sum.consumers()) {
                c.array(2);
                c.bulk(cp.name());
                c.bulkLong(cp.pending());
            }
            return;
        }
        StreamConsumer consumer = null;
        if (consumerArg >= 0) {
            consumer = g.consumer(c.arg(consumerArg));
            if (consumer == null) {
                c.array(0);
                return;
            }
        }
        List<StreamGroup.PendingEntry> list = g.pendingRange(start, end, count, consumer, minIdle,
            c.server.keyspace.cmdTimeMs);
        c.array(list.size());
        for (StreamGroup.PendingEntry pe : list) {
            c.array(4);
            c.bulk(pe.id().toBytes());
            c.bulk(pe.consumer());
            c.integer(pe.idle());
            c.integer(pe.deliveryCount());
        }
    }

    /**
     * Blocks c on its stream keys until one of them changes (then the command runs again) or the timeout passes
     * (a null array). As Redis does, each {@code $} is first replaced by the id it stood for, so that the command
     * run again reads what was added after it blocked; a command run again keeps its first deadline.
     */
    private void block(Client c, int streamsArg, int streamsCount, StreamId[] ids, long timeoutMs, boolean group) {
        byte[][] argv = new byte[c.argc][];
        for (int i = 0; i < c.argc; i++) {
            int idx = i - streamsArg - streamsCount;
            boolean dollar = idx >= 0 && c.argLen[i] == 1 && c.argBuf[c.argOff[i]] == '$';
            argv[i] = dollar ? ids[idx].toBytes() : c.arg(i);
        }
        int total = 0;
        for (byte[] a : argv) {
            total += a.length;
        }
        byte[] buf = new byte[total];
        int off = 0;
        for (int i = 0; i < argv.length; i++) { // the query buffer stays as it is: pipelined input follows
            System.arraycopy(argv[i], 0, buf, off, argv[i].length);
            c.argOff[i] = off;
            c.argLen[i] = argv[i].length;
            off += argv[i].length;
        }
        c.argBuf = buf;
        long deadline = timeoutMs == 0 ? 0 : c.server.keyspace.cmdTimeMs + timeoutMs;
        if (deadline < 0) {
            deadline = Long.MAX_VALUE;
        }
        // XREADGROUP also wakes when its key is deleted, replaced or loses the group (Redis 7.2's unblock_on_nokey)
        blocking.block(c, streamsArg, streamsArg + streamsCount, BlockingKeys.STREAM, deadline, group);
    }

    /** The group of argument 2 in the stream of argument 1; null after a WRONGTYPE or NOGROUP reply. */
    private static StreamGroup groupOrNogroup(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return null;
        }
        StreamGroup g = e == null ? null : ((StreamValue) e.value()).group(c.arg(2));
        if (g == null) {
            c.error("NOGROUP No such key '" + str(c, 1) + "' or consumer group '" + str(c, 2) + "'");
        }
        return g;
    }

    /**
     * The claimed ids, or their entries, written in place with one reused iterator (the claim moved only ids whose
     * entries are in the stream): nothing allocated per entry.
     */
    private static void replyClaimed(Client c, StreamValue s, List<StreamId> ids, boolean justId) {
        c.array(ids.size());
        if (justId) {
            for (StreamId id : ids) {
                StreamCommands.bulkId(c, id.ms(), id.seq());
            }
            return;
        }
        StreamIterator it = null;
        for (StreamId id : ids) {
            if (it == null) {
                it = s.iterator(id, id, false);
            } else {
                it.reset(id.ms(), id.seq(), id.ms(), id.seq());
            }
            if (it.next()) {
                StreamCommands.replyCurrent(c, it);
            } else { // not reached: claimed ids are live
                c.nullArray();
            }
        }
    }

    /** The group, its stream and the min-idle-time (argument 4) of an XCLAIM or XAUTOCLAIM. */
    private record Claim(StreamGroup g, StreamValue s, long minIdle) {
    }

    /** The start XCLAIM and XAUTOCLAIM share: NOGROUP / WRONGTYPE, then min-idle-time; null after an error reply. */
    private static Claim claimStart(Client c, String cmd) {
        StreamGroup g = groupOrNogroup(c);
        if (g == null) {
            return null;
        }
        StreamValue s = (StreamValue) c.server.lookupQuiet(c.db, c.argBuf, c.argOff[1], c.argLen[1]).value();
        if (!c.argLongOr(4, "ERR Invalid min-idle-time argument for " + cmd)) {
            return null;
        }
        return new Claim(g, s, Math.max(0, c.ctx.tmp[0]));
    }

    /**
     * The end they share: each claimed entry propagates as the XCLAIM that recreates it and each dropped one (its
     * stream entry is gone) as the XCLAIM of its old NACK, which drops it on the replica too, in the order they
     * happened; never the command itself. When nothing propagated and {@code lastIdMoved} (XCLAIM's LASTID), the
     * group's new last id goes as XGROUP SETID, as Redis's xclaimCommand does.
     */
    private static void propagateClaims(Client c, StreamGroup g, StreamConsumer consumer, StreamValue.ClaimResult r,
                                        boolean lastIdMoved) {
        if (Rewrites.active(c)) {
            List<StreamValue.Drop> drops = r.drops();
            int d = 0;
            for (int i = 0; i <= r.claimed().size(); i++) {
                for (; d < drops.size() && drops.get(d).claimedBefore() == i; d++) {
                    StreamValue.Drop drop = drops.get(d);
                    StreamNack n = drop.nack();
                    Rewrites.also(c, XCLAIM, c.arg(1), g.name(), n.consumer().name(), ZERO, drop.id().toBytes(),
                        TIME, Rewrites.num(n.deliveryTime()), RETRYCOUNT, Rewrites.num(n.deliveryCount()), FORCE,
                        JUSTID, LASTID, g.lastId().toBytes());
                }
                if (i < r.claimed().size()) {
                    propagateClaim(c, g, consumer, r.claimed().get(i), g.lastId());
                }
            }
            if (lastIdMoved && r.claimed().isEmpty() && drops.isEmpty()) {
                propagateGroupId(c, c.arg(1), g);
            }
            Rewrites.prevent(c);
        }
    }

    /** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]. */
    static void xclaim(Client c) {
        Claim cl = claimStart(c, "XCLAIM");
        if (cl == null) {
            return;
        }
        StreamGroup g = cl.g();
        StreamValue s = cl.s();
        long minIdle = cl.minIdle();
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < c.argc; j++) {
            try {
                ids.add(StreamId.parseStrict(c.arg(j), 0));
            } catch (StreamException ex) {
                break; // perhaps the options start here
            }
        }
        long now = c.server.keyspace.cmdTimeMs;
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = null;
        for (; j < c.argc; j++) {
            boolean more = c.argc - 1 - j > 0;
            if (c.argIs(j, "force")) {
                force = true;
            } else if (c.argIs(j, "justid")) {
                justId = true;
            } else if (c.argIs(j, "idle") && more) {
                if (!c.argLongOr(++j, "ERR Invalid IDLE option argument for XCLAIM")) {
                    return;
                }
                deliveryTime = now - c.ctx.tmp[0];
            } else if (c.argIs(j, "time") && more) {
                if (!c.argLongOr(++j, "ERR Invalid TIME option argument for XCLAIM")) {
                    return;
                }
                deliveryTime = c.ctx.tmp[0];
            } else if (c.argIs(j, "retrycount") && more) {
                if (!c.argLongOr(++j, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) {
                    return;
                }
                retryCount = c.ctx.tmp[0];
            } else if (c.argIs(j, "lastid") && more) {
                lastId = StreamCommands.strictId(c, ++j, 0);
                if (lastId == null) {
                    return;
                }
            } else {
                c.error("ERR Unrecognized XCLAIM option '" + c.argString(j) + "'");
                return;
            }
        }
        StreamConsumer consumer = consumer(c, g, 3, 1, now); // 7.2: created even if nothing is claimed
        StreamId lastBefore = g.lastId();
        StreamValue.ClaimResult r = s.claim(g, consumer, minIdle, ids, deliveryTime, retryCount, force, justId,
            lastId, now);
        replyClaimed(c, s, r.claimed(), justId);
        // as Redis: one change per claimed entry and per dropped PEL entry, else one if LASTID moved the group
        long changes = r.claimed().size() + r.deleted().size();
        c.server.keyspace.changes(changes == 0 && !g.lastId().equals(lastBefore) ? 1 : changes);
        propagateClaims(c, g, consumer, r, !g.lastId().equals(lastBefore));
    }

    private static final byte[] XCLAIM = Rewrites.ascii("XCLAIM");
    private static final byte[] XGROUP = Rewrites.ascii("XGROUP");
    private static final byte[] SETID = Rewrites.ascii("SETID");
    private static final byte[] CREATECONSUMER = Rewrites.ascii("CREATECONSUMER");
    private static final byte[] ENTRIESREAD = Rewrites.ascii("ENTRIESREAD");
    private static final byte[] ZERO = Rewrites.ascii("0");
    private static final byte[] TIME = Rewrites.ascii("TIME");
    private static final byte[] RETRYCOUNT = Rewrites.ascii("RETRYCOUNT");
    private static final byte[] FORCE = Rewrites.ascii("FORCE");
    private static final byte[] JUSTID = Rewrites.ascii("JUSTID");
    private static final byte[] LASTID = Rewrites.ascii("LASTID");

    /**
     * Redis's streamPropagateXCLAIM: a delivery or claim propagates as
     * {@code XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last}, which recreates the
     * pending entry exactly (its delivery time and count) and moves the group's last id.
     */
    static void propagateClaim(Client c, StreamGroup g, StreamConsumer consumer, StreamId id, StreamId lastId) {
        StreamNack n = g.pel().find(id.toKey());
        if (n == null) {
            return;
        }
        Rewrites.also(c, XCLAIM, c.arg(1), g.name(), consumer.name(), ZERO, id.toBytes(), TIME,
            Rewrites.num(n.deliveryTime()), RETRYCOUNT, Rewrites.num(n.deliveryCount()), FORCE, JUSTID, LASTID,
            lastId.toBytes());
    }

    /** {@link #propagateClaim} for a stream named by argument key (XREADGROUP reads several). */
    static void propagateClaimKey(Client c, byte[] key, StreamGroup g, StreamConsumer consumer, StreamId id) {
        StreamNack n = g.pel().find(id.toKey());
        if (n == null) {
            return;
        }
        Rewrites.also(c, XCLAIM, key, g.name(), consumer.name(), ZERO, id.toBytes(), TIME,
            Rewrites.num(n.deliveryTime()), RETRYCOUNT, Rewrites.num(n.deliveryCount()), FORCE, JUSTID, LASTID,
            id.toBytes());
    }

    /** Redis's streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
    static void propagateGroupId(Client c, byte[] key, StreamGroup g) {
        Rewrites.also(c, XGROUP, SETID, key, g.name(), g.lastId().toBytes(), ENTRIESREAD,
            Rewrites.num(g.entriesRead()));
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]. */
    static void xautoclaim(Client c) {
        // as Redis: every argument is parsed before the key and group are looked up
        if (!c.argLongOr(4, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) {
            return;
        }
        long minIdle = Math.max(0, c.ctx.tmp[0]);
        StreamId start;
        try {
            start = StreamId.parseInterval(c.arg(5), true);
        } catch (StreamException ex) {
            c.error(ex.getMessage());
            return;
        }
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < c.argc; ) {
            if (c.argIs(j, "count") && c.argc - 1 - j > 0) {
                if (!c.argLongOr(j + 1, "ERR COUNT must be > 0")) {
                    return;
                }
                count = c.ctx.tmp[0];
                if (count < 1 || count > Long.MAX_VALUE / StreamId.BYTES) {
                    c.error("ERR COUNT must be > 0");
                    return;
                }
                j += 2;
            } else if (c.argIs(j, "justid")) {
                justId = true;
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        StreamGroup g = groupOrNogroup(c);
        if (g == null) {
            return;
        }
        StreamValue s = (StreamValue) c.server.lookupQuiet(c.db, c.argBuf, c.argOff[1], c.argLen[1]).value();
        long now = c.server.keyspace.cmdTimeMs;
        StreamConsumer consumer = consumer(c, g, 3, 1, now);
        StreamValue.ClaimResult r = s.autoClaim(g, consumer, minIdle, start, count, justId, now);
        c.array(3);
        c.bulk(r.next().toBytes());
        replyClaimed(c, s, r.claimed(), justId);
        c.array(r.deleted().size());
        for (StreamId id : r.deleted()) {
            c.bulk(id.toBytes());
        }
        c.server.keyspace.changes(r.claimed().size() + r.deleted().size()); // Redis does not signal the key
        propagateClaims(c, g, consumer, r, false);
    }

    /**
     * The consumer named by argument nameArg in g (stream key at keyArg), created if absent as Redis's
     * streamCreateConsumer does: one change and an xgroup-createconsumer event.
     */
    private static StreamConsumer consumer(Client c, StreamGroup g, int nameArg, int keyArg, long now) {
        byte[] name = c.arg(nameArg);
        if (g.consumer(name) == null) {
            c.notify(Notify.STREAM, "xgroup-createconsumer", keyArg);
            c.server.keyspace.changes(1);
        }
        return g.lookupOrCreateConsumer(name, now);
    }

    /** The first or last live entry as XINFO STREAM replies it, or a null. */
    private static void edgeEntry(Client c, StreamValue s, boolean first) {
        StreamIterator it = s.iterator(StreamId.MIN, StreamId.MAX, !first);
        if (it.next()) {
            StreamCommands.replyCurrent(c, it);
        } else {
            c.nullBulk();
        }
    }

    /** XINFO STREAM key [FULL [COUNT n]], XINFO GROUPS key, XINFO CONSUMERS key group, with 7.2's fields. */
    static void xinfo(Client c, String opt) {
        Entry e = c.server.lookupRead(c, 2);
        if (e == null) {
            c.error("ERR no such key");
            return;
        }
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamValue s = (StreamValue) e.value();
        long now = c.server.keyspace.cmdTimeMs;
        switch (opt) {
            case "consumers" -> {
                StreamGroup g = s.group(c.arg(3));
                if (g == null) {
                    c.error("NOGROUP No such consumer group '" + str(c, 3) + "' for key name '" + str(c, 2) + "'");
                    return;
                }
                c.array(g.consumers().size());
                io.cinnabar.rax.RaxIterator<StreamConsumer> it = g.consumers().iterator();
                it.seekFirst();
                while (it.next()) {
                    StreamConsumer sc = it.value();
                    c.map(4);
                    c.bulk("name");
                    c.bulk(sc.name());
                    c.bulk("pending");
                    c.integer(sc.pendingCount());
                    c.bulk("idle");
                    c.integer(Math.max(0, now - sc.seenTime()));
                    c.bulk("inactive");
                    c.integer(sc.activeTime() != -1 ? now - sc.activeTime() : -1);
                }
            }
            case "groups" -> {
                if (s.groups() == null) {
                    c.array(0);
                    return;
                }
                c.array(s.groups().size());
                io.cinnabar.rax.RaxIterator<StreamGroup> it = s.groups().iterator();
                it.seekFirst();
                while (it.next()) {
                    StreamGroup g = it.value();
                    c.map(6);
                    c.bulk("name");
                    c.bulk(g.name());
                    c.bulk("consumers");
                    c.integer(g.consumers().size());
                    c.bulk("pending");
                    c.integer(g.pel().size());
                    c.bulk("last-delivered-id");
                    c.bulk(g.lastId().toBytes());
                    entriesReadAndLag(c, s, g);
                }
            }
            default -> {
                long count = 10; // FULL's default, so a huge stream does not stall the server
                boolean full = c.argc > 3;
                if (full) {
                    int optc = c.argc - 3;
                    if ((optc != 1 && optc != 3) || !c.argIs(3, "full") || (optc == 3 && !c.argIs(4, "count"))) {
                        c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                            + "'. Try XINFO HELP.");
                        return;
                    }
                    if (optc == 3) {
                        if (!c.argLong(5)) {
                            return;
                        }
                        count = c.ctx.tmp[0] < 0 ? 10 : c.ctx.tmp[0];
                    }
                }
                c.map(full ? 9 : 10);
                c.bulk("length");
                c.integer(s.length());
                c.bulk("radix-tree-keys");
                c.integer(s.nodeCount());
                c.bulk("radix-tree-nodes");
                c.integer(s.raxNodeCount());
                c.bulk("last-generated-id");
                c.bulk(s.lastId().toBytes());
                c.bulk("max-deleted-entry-id");
                c.bulk(s.maxDeletedEntryId().toBytes());
                c.bulk("entries-added");
                c.integer(s.entriesAdded());
                c.bulk("recorded-first-entry-id");
                c.bulk(s.firstId().toBytes());
                if (full) {
                    xinfoStreamFull(c, s, count);
                    return;
                }
                c.bulk("groups");
                c.integer(s.groupCount());
                c.bulk("first-entry");
                edgeEntry(c, s, true);
                c.bulk("last-entry");
                edgeEntry(c, s, false);
            }
        }
    }

    /** A group's "entries-read" and "lag" fields of XINFO GROUPS and XINFO STREAM FULL (null when unknown). */
    private static void entriesReadAndLag(Client c, StreamValue s, StreamGroup g) {
        c.bulk("entries-read");
        if (g.entriesRead() != StreamGroup.INVALID_ENTRIES_READ) {
            c.integer(g.entriesRead());
        } else {
            c.nullBulk();
        }
        c.bulk("lag");
        Long lag = s.lag(g);
        if (lag != null) {
            c.integer(lag);
        } else {
            c.nullBulk();
        }
    }

    /** How many of {@code size} items a FULL reply shows under COUNT {@code count} (0: all). */
    private static long capped(long size, long count) {
        return count == 0 ? size : Math.min(size, count);
    }

    /**
     * The rest of XINFO STREAM key FULL [COUNT n] after the common fields, as Redis 7.2: entries (at most
     * {@code count}, 0 meaning all), then every group with its PEL (at most {@code count} nacks, as [id, consumer,
     * delivery-time, delivery-count]) and every consumer with seen-time, active-time (absolute ms) and its PEL
     * (at most {@code count} nacks, as [id, delivery-time, delivery-count]).
     */
    private static void xinfoStreamFull(Client c, StreamValue s, long count) {
        c.bulk("entries");
        StreamCommands.replyRange(c, s, StreamId.MIN, StreamId.MAX, false, count);
        c.bulk("groups");
        if (s.groups() == null) {
            c.array(0);
            return;
        }
        c.array(s.groups().size());
        io.cinnabar.rax.RaxIterator<StreamGroup> git = s.groups().iterator();
        git.seekFirst();
        while (git.next()) {
            StreamGroup g = git.value();
            c.map(7);
            c.bulk("name");
            c.bulk(g.name());
            c.bulk("last-delivered-id");
            c.bulk(g.lastId().toBytes());
            entriesReadAndLag(c, s, g);
            c.bulk("pel-count");
            c.integer(g.pel().size());
            c.bulk("pending");
            long n = capped(g.pel().size(), count);
            c.array(n);
            io.cinnabar.rax.RaxIterator<StreamNack> pit = g.pel().iterator();
            pit.seekFirst();
            for (long i = 0; i < n && pit.next(); i++) {
                StreamNack nack = pit.value();
                c.array(4);
                c.bulk(StreamId.fromKey(pit.key(), 0).toBytes());
                c.bulk(nack.consumer().name());
                c.integer(nack.deliveryTime());
                c.integer(nack.deliveryCount());
            }
            c.bulk("consumers");
            c.array(g.consumers().size());
            io.cinnabar.rax.RaxIterator<StreamConsumer> cit = g.consumers().iterator();
            cit.seekFirst();
            while (cit.next()) {
                StreamConsumer sc = cit.value();
                c.map(5);
                c.bulk("name");
                c.bulk(sc.name());
                c.bulk("seen-time");
                c.integer(sc.seenTime());
                c.bulk("active-time");
                c.integer(sc.activeTime());
                c.bulk("pel-count");
                c.integer(sc.pel().size());
                c.bulk("pending");
                long m = capped(sc.pel().size(), count);
                c.array(m);
                io.cinnabar.rax.RaxIterator<StreamNack> cpit = sc.pel().iterator();
                cpit.seekFirst();
                for (long i = 0; i < m && cpit.next(); i++) {
                    StreamNack nack = cpit.value();
                    c.array(3);
                    c.bulk(StreamId.fromKey(cpit.key(), 0).toBytes());
                    c.integer(nack.deliveryTime());
                    c.integer(nack.deliveryCount());
                }
            }
        }
    }

    /**
     * Writes what a group read delivers straight into the reply (the length was written first): [id, [field,
     * value, ...]] from the listpack, or [id, nil] for a pending id gone from the stream. Collects the ids only when
     * they must be propagated.
     */
    private static final class Direct implements StreamValue.GroupReader {
        final Client c;
        final List<StreamId> ids;

        Direct(Client c, boolean collectIds) {
            this.c = c;
            this.ids = collectIds ? new ArrayList<>() : null;
        }

        @Override
        public void entry(StreamIterator it) {
            StreamCommands.replyCurrent(c, it);
            if (ids != null) {
                ids.add(it.id());
            }
        }

        @Override
        public void missing(StreamId id) {
            c.array(2);
            StreamCommands.bulkId(c, id.ms(), id.seq());
            c.nullArray();
        }
    }

    /**
     * XREAD and XREADGROUP as Redis 7.2's {@code xreadCommand}: options, then per stream the checks (WRONGTYPE,
     * NOGROUP, {@code $} and {@code >}), then the streams that can be served now are replied (RESP2: an array of
     * [key, entries]; RESP3: a map). When none can be and BLOCK was given, the client blocks ({@link #block}).
     */
    void xread(Client c, boolean group) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        int groupArg = -1;
        for (int i = 1; i < c.argc; i++) {
            int more = c.argc - i - 1;
            if (c.argIs(i, "block") && more > 0) {
                i++;
                if (!c.argLongOr(i, "ERR timeout is not an integer or out of range")) {
                    return;
                }
                timeout = c.ctx.tmp[0];
                if (timeout < 0) {
                    c.error("ERR timeout is negative");
                    return;
                }
            } else if (c.argIs(i, "count") && more > 0) {
                i++;
                if (!c.argLong(i)) {
                    return;
                }
                count = Math.max(0, c.ctx.tmp[0]);
            } else if (c.argIs(i, "streams") && more > 0) {
                streamsArg = i + 1;
                streamsCount = c.argc - streamsArg;
                if (streamsCount % 2 != 0) {
                    c.error("ERR Unbalanced '" + (group ? "xreadgroup" : "xread") + "' list of streams: for each "
                        + "stream key an ID or '" + (group ? '>' : '$') + "' must be specified.");
                    return;
                }
                streamsCount /= 2;
                break;
            } else if (c.argIs(i, "group") && more >= 2) {
                if (!group) {
                    c.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                groupArg = i + 1;
                i += 2;
            } else if (c.argIs(i, "noack")) {
                if (!group) {
                    c.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                noack = true;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        if (streamsArg == 0) {
            c.error(Shared.SYNTAX);
            return;
        }
        if (group && groupArg < 0) {
            c.error("ERR Missing GROUP option for XREADGROUP");
            return;
        }
        if (readValues.length < streamsCount) {
            int n = Math.max(streamsCount, 2 * readValues.length);
            readIds = new long[2 * n];
            readValues = new StreamValue[n];
            readGroups = new StreamGroup[n];
            readConsumers = new StreamConsumer[n];
            readFlags = new byte[n];
        }
        try {
            read(c, group, count, timeout, noack, streamsArg, streamsCount, groupArg);
        } finally { // the per-server arrays keep no stream, group or consumer past the command
            java.util.Arrays.fill(readValues, 0, streamsCount, null);
            java.util.Arrays.fill(readGroups, 0, streamsCount, null);
            java.util.Arrays.fill(readConsumers, 0, streamsCount, null);
        }
    }

    /** Per stream of an XREAD: SERVE (replied now), HISTORY (XREADGROUP with an id: the consumer's PEL). */
    private static final byte SERVE = 1;
    private static final byte HISTORY = 2;

    /**
     * XREAD's per-stream state, kept for the next command of this server (a read of one stream allocates nothing):
     * the ids as ms/seq pairs, and the streams, groups, consumers and flags at the same index.
     */
    private long[] readIds = new long[2];
    private StreamValue[] readValues = new StreamValue[1];
    private StreamGroup[] readGroups = new StreamGroup[1];
    private StreamConsumer[] readConsumers = new StreamConsumer[1];
    private byte[] readFlags = new byte[1];

    /** {@link #xread} after its options: the checks per stream, then the reply or the block. */
    private void read(Client c, boolean group, long count, long timeout, boolean noack, int streamsArg,
                      int streamsCount, int groupArg) {
        long[] ids = readIds;
        StreamValue[] values = readValues;
        StreamGroup[] groups = readGroups;
        StreamConsumer[] consumers = readConsumers;
        byte[] flags = readFlags;
        byte[] groupName = group ? c.arg(groupArg) : null;
        for (int i = streamsArg + streamsCount; i < c.argc; i++) {
            int idx = i - streamsArg - streamsCount;
            Entry e = c.server.lookupRead(c, i - streamsCount);
            if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
                return;
            }
            StreamValue s = e == null ? null : (StreamValue) e.value();
            values[idx] = s;
            flags[idx] = 0;
            if (group) {
                StreamGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    c.error("NOGROUP No such key '" + str(c, i - streamsCount) + "' or consumer group '"
                        + str(c, groupArg) + "' in XREADGROUP with GROUP option");
                    return;
                }
                groups[idx] = g;
            }
            boolean one = c.argLen[i] == 1;
            byte ch = one ? c.argBuf[c.argOff[i]] : 0;
            if (one && ch == '$') {
                if (group) {
                    c.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
                        + "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
                        + "would just return an empty result set.");
                    return;
                }
                StreamId last = s != null ? s.lastId() : StreamId.MIN;
                ids[2 * idx] = last.ms();
                ids[2 * idx + 1] = last.seq();
                continue;
            } else if (one && ch == '>') {
                if (!group) {
                    c.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                        + "<consumer> option.");
                    return;
                }
                ids[2 * idx] = -1L; // StreamId.MAX
                ids[2 * idx + 1] = -1L;
                continue;
            }
            try {
                StreamId.parseStrict(c.argBuf, c.argOff[i], c.argLen[i], 0, ids, 2 * idx);
            } catch (StreamException ex) {
                c.error(ex.getMessage());
                return;
            }
        }
        // decide what is served now (consumers are created on the way, as Redis does), then reply
        long now = c.server.keyspace.cmdTimeMs;
        int served = 0;
        for (int i = 0; i < streamsCount; i++) {
            StreamValue s = values[i];
            if (s == null) {
                continue;
            }
            if (group) {
                if (ids[2 * i] != -1L || ids[2 * i + 1] != -1L) { // an id, not '>' (nor the greatest id)
                    flags[i] = SERVE | HISTORY;
                } else if (s.length() > 0 && StreamCommands.lastValidAfter(c, s, groups[i].lastId())) {
                    flags[i] = SERVE;
                }
                boolean created = groups[i].consumer(c.arg(groupArg + 1)) == null;
                consumers[i] = consumer(c, groups[i], groupArg + 1, streamsArg + i, now);
                if (created && noack && Rewrites.active(c)) {
                    // as Redis 7.2: a NOACK read propagates no XCLAIM that would create the consumer elsewhere
                    Rewrites.also(c, XGROUP, CREATECONSUMER, c.arg(streamsArg + i), groups[i].name(),
                        consumers[i].name());
                }
            } else if (s.length() > 0 && StreamCommands.lastValidAfter(c, s, ids[2 * i], ids[2 * i + 1])) {
                flags[i] = SERVE;
            }
            if ((flags[i] & SERVE) != 0) {
                served++;
            }
        }
        if (group) {
            // as Redis's xreadCommand: XREADGROUP itself never propagates, even when it only created a consumer;
            // its deliveries go as XCLAIMs (below)
            Rewrites.prevent(c);
        }
        if (served == 0) {
            if (timeout != -1) {
                StreamId[] blockIds = new StreamId[streamsCount];
                for (int i = 0; i < streamsCount; i++) {
                    blockIds[i] = new StreamId(ids[2 * i], ids[2 * i + 1]);
                }
                block(c, streamsArg, streamsCount, blockIds, timeout, group);
                return;
            }
            c.nullArray();
            return;
        }
        if (c.resp == 2) {
            c.array(served);
        } else {
            c.map(served);
        }
        for (int i = 0; i < streamsCount; i++) {
            if ((flags[i] & SERVE) == 0) {
                continue;
            }
            if (c.resp == 2) {
                c.array(2);
            }
            c.bulk(c.argBuf, c.argOff[streamsArg + i], c.argLen[streamsArg + i]);
            StreamValue s = values[i];
            long ms = ids[2 * i];
            long seq = ids[2 * i + 1];
            // served from after the id given, as Redis does (streamIncrID; none after the greatest id)
            boolean after = seq != -1L || ms != -1L;
            long startMs = seq != -1L ? ms : ms + 1;
            long startSeq = seq != -1L ? seq + 1 : 0;
            if (!group) {
                if (!after) {
                    c.array(0);
                } else {
                    StreamCommands.replyRange(c, s, startMs, startSeq, -1L, -1L, false, count);
                }
                continue;
            }
            boolean history = (flags[i] & HISTORY) != 0;
            Direct out = new Direct(c, !history && Rewrites.active(c) && !noack);
            if (history) {
                if (after) {
                    StreamId start = new StreamId(startMs, startSeq);
                    c.array(s.countPending(consumers[i], start, count));
                    s.readGroupHistory(consumers[i], start, count, now, out);
                } else {
                    c.array(0);
                }
            } else {
                c.array(s.countNew(groups[i], count));
                long delivered = s.readGroupNew(groups[i], consumers[i], count, noack, now, out);
                if (Rewrites.active(c) && delivered > 0) {
                    // each new delivery as the XCLAIM that recreates it; with NOACK only the group's new last id
                    if (noack) {
                        propagateGroupId(c, c.arg(streamsArg + i), groups[i]);
                    } else {
                        for (StreamId id : out.ids) {
                            propagateClaimKey(c, c.arg(streamsArg + i), groups[i], consumers[i], id);
                        }
                    }
                }
            }
            c.modified(streamsArg + i, 1);
        }
    }
}
