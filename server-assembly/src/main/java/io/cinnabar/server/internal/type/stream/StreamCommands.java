package io.cinnabar.server.internal.type.stream;

import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.listpack.ListpackEntry;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.TypeCommands;

import java.util.ArrayList;
import java.util.List;

/**
 * Stream commands over {@link StreamValue}, with Redis 7.2's argument order, replies and error texts: XADD, XLEN,
 * XRANGE, XREVRANGE, XDEL, XTRIM, XSETID. The value answers and throws {@link StreamException} with Redis's
 * text; this class parses, looks keys up and replies.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class StreamCommands {
    private StreamCommands() {
    }

    /** Registers the stream commands; XREAD and XREADGROUP block through {@code blocking}. */
    public static void register(CommandTable t, BlockingKeys blocking) {
        t.impl("xadd", StreamCommands::xadd);
        t.impl("xlen", StreamCommands::xlen);
        t.impl("xrange", c -> xrange(c, false));
        t.impl("xrevrange", c -> xrange(c, true));
        t.impl("xdel", StreamCommands::xdel);
        t.impl("xtrim", StreamCommands::xtrim);
        t.impl("xsetid", StreamCommands::xsetid);
        StreamGroupCommands.register(t, blocking);
    }

    /** An id argument parsed strictly; null after the error reply. */
    static StreamId strictId(Client c, int arg, long missingSeq) {
        try {
            return StreamId.parseStrict(c.arg(arg), missingSeq);
        } catch (StreamException e) {
            c.error(e.getMessage());
            return null;
        }
    }

    static long nodeMaxBytes(Client c) {
        return c.server.limits.streamNodeMaxBytes;
    }

    static long nodeMaxEntries(Client c) {
        return c.server.limits.streamNodeMaxEntries;
    }

    // ------------------------------------------------------------------------------------------------ XADD/XTRIM

    static final String INCOMPATIBLE = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

    /** What XADD and XTRIM parsed (Redis's streamAddTrimArgs). */
    static final class AddTrimArgs {
        StreamId.AddId id = StreamId.AddId.AUTO;
        boolean idGiven;
        boolean zeroId;
        boolean noMkstream;
        int strategy; // 0 none, 1 maxlen, 2 minid
        long maxlen;
        StreamId minid;
        boolean approx;
        /** Index of the "~" argument when approx (its threshold follows it). */
        int approxArg;
        long limit;
        /** Index of the argument after the options (XADD: the id). */
        int next;

        StreamValue.Trim trim() {
            return strategy == 1 ? StreamValue.Trim.maxlen(maxlen, approx, limit)
                : StreamValue.Trim.minid(minid, approx, limit);
        }
    }

    /** What {@code XADD key * ...} (no option, automatic id) parses to: shared, never modified. */
    private static final AddTrimArgs PLAIN_AUTO = new AddTrimArgs();

    static {
        PLAIN_AUTO.next = 2;
    }

    /** Redis's streamParseAddOrTrimArgsOrReply; null after an error reply. */
    /**
     * After MAXLEN or MINID at i (more arguments follow it): refuses a second trim strategy, reads an optional
     * {@code ~} (approximate) or {@code =}; the index just before the threshold argument, or -1 after an error reply.
     */
    private static int trimOperator(Client c, AddTrimArgs a, int i, int more) {
        if (a.strategy != 0) {
            c.error(INCOMPATIBLE);
            return -1;
        }
        a.approx = false;
        if (more >= 2 && c.argIs(i + 1, "~")) {
            a.approx = true;
            a.approxArg = i + 1;
            return i + 1;
        }
        return more >= 2 && c.argIs(i + 1, "=") ? i + 1 : i;
    }

    static AddTrimArgs parseAddTrim(Client c, boolean xadd) {
        if (xadd && c.argc > 2 && c.argLen[2] == 1 && c.argBuf[c.argOff[2]] == '*') {
            return PLAIN_AUTO; // the common XADD: nothing to allocate
        }
        AddTrimArgs a = new AddTrimArgs();
        boolean limitGiven = false;
        int i = 2;
        for (; i < c.argc; i++) {
            int more = c.argc - 1 - i;
            if (xadd && c.argLen[i] == 1 && c.argBuf[c.argOff[i]] == '*') {
                break;
            } else if (c.argIs(i, "maxlen") && more > 0) {
                i = trimOperator(c, a, i, more);
                if (i < 0) {
                    return null;
                }
                if (!c.argLong(i + 1)) {
                    return null;
                }
                a.maxlen = c.ctx.tmp[0];
                if (a.maxlen < 0) {
                    c.error("ERR The MAXLEN argument must be >= 0.");
                    return null;
                }
                i++;
                a.strategy = 1;
            } else if (c.argIs(i, "minid") && more > 0) {
                i = trimOperator(c, a, i, more);
                if (i < 0) {
                    return null;
                }
                a.minid = strictId(c, i + 1, 0);
                if (a.minid == null) {
                    return null;
                }
                i++;
                a.strategy = 2;
            } else if (c.argIs(i, "limit") && more > 0) {
                if (!c.argLong(i + 1)) {
                    return null;
                }
                a.limit = c.ctx.tmp[0];
                if (a.limit < 0) {
                    c.error("ERR The LIMIT argument must be >= 0.");
                    return null;
                }
                limitGiven = true;
                i++;
            } else if (xadd && c.argIs(i, "nomkstream")) {
                a.noMkstream = true;
            } else if (xadd) {
                try {
                    a.id = StreamId.parseAdd(c.arg(i));
                } catch (StreamException e) {
                    if (!e.getMessage().equals(StreamId.XADD_ZERO)) {
                        c.error(e.getMessage());
                        return null;
                    }
                    a.zeroId = true; // reported after the arity check, as Redis does
                }
                a.idGiven = true;
                break;
            } else {
                c.error(Shared.SYNTAX);
                return null;
            }
        }
        if (a.limit != 0 && a.strategy == 0) {
            c.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return null;
        }
        if (!xadd && a.strategy == 0) {
            c.error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return null;
        }
        if (c.obeyed()) {
            // as Redis for the master and the AOF: no work limit, the trim argument was rewritten to the exact result
            a.limit = 0;
        } else if (limitGiven) {
            if (!a.approx) {
                c.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                return null;
            }
        } else {
            a.limit = a.approx ? StreamValue.Trim.defaultLimit(nodeMaxEntries(c)) : 0;
        }
        a.next = i;
        return a;
    }

    static void xadd(Client c) {
        AddTrimArgs a = parseAddTrim(c, true);
        if (a == null) {
            return;
        }
        int fieldPos = a.next + 1;
        int n = c.argc - fieldPos;
        if (n < 2 || n % 2 == 1) {
            c.error("ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (a.zeroId) {
            c.error(StreamId.XADD_ZERO);
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamValue s;
        if (e == null) {
            if (a.noMkstream) {
                c.nullBulk();
                return;
            }
            s = new StreamValue();
        } else {
            s = (StreamValue) e.value();
        }
        StreamId id;
        try {
            id = s.append(a.id, c.server.keyspace.cmdTimeMs, c.argBuf, c.argOff, c.argLen, fieldPos, n / 2,
                nodeMaxBytes(c), nodeMaxEntries(c));
        } catch (StreamException ex) {
            c.error(ex.getMessage());
            return;
        }
        if (e == null) {
            e = c.server.keyspace.add(c.db, c.arg(1));
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STREAM);
            e.setValue(s);
        }
        bulkId(c, id.ms(), id.seq());
        c.modified(1, 1);
        c.notify(Notify.STREAM, "xadd", 1);
        if (a.strategy != 0 && s.trim(a.trim()) > 0) {
            c.notify(Notify.STREAM, "xtrim", 1);
        }
        if ((!a.idGiven || !a.id.seqGiven() || a.approx) && Rewrites.active(c)) {
            // Redis propagates the XADD with the id it generated, and an approximate trim as the exact one it did
            byte[] idBytes = id.toBytes();
            byte[][] rewritten = new byte[c.argc][];
            for (int i = 0; i < c.argc; i++) {
                rewritten[i] = i == a.next ? idBytes : c.arg(i);
            }
            exactTrim(rewritten, a, s);
            Rewrites.rewrite(c, rewritten);
        }
    }

    private static final byte[] EXACT = {'='};

    /** Redis's streamRewriteApproxSpecifier + streamRewriteTrimArgument: "~ n" becomes "= what is left". */
    static void exactTrim(byte[][] argv, AddTrimArgs a, StreamValue s) {
        if (!a.approx) {
            return;
        }
        argv[a.approxArg] = EXACT;
        if (a.strategy == 1) {
            argv[a.approxArg + 1] = Rewrites.num(s.length());
        } else {
            StreamId first = s.length() > 0 ? s.edgeId(true) : s.lastId();
            argv[a.approxArg + 1] = first.toBytes();
        }
    }

    static void xtrim(Client c) {
        AddTrimArgs a = parseAddTrim(c, false);
        if (a == null) {
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        long deleted = ((StreamValue) e.value()).trim(a.trim());
        if (deleted > 0) {
            c.notify(Notify.STREAM, "xtrim", 1);
            c.modified(1, deleted);
            c.server.keyspace.signalModified(c.db, c.argBuf, c.argOff[1], c.argLen[1]);
            if (a.approx && Rewrites.active(c)) {
                byte[][] argv = new byte[c.argc][];
                for (int i = 0; i < c.argc; i++) {
                    argv[i] = c.arg(i);
                }
                exactTrim(argv, a, (StreamValue) e.value());
                Rewrites.rewrite(c, argv);
            }
        }
        c.integer(deleted);
    }

    // ------------------------------------------------------------------------------------------------ reads

    static void xlen(Client c) {
        Entry e = c.server.lookupRead(c, 1);
        if (!TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            c.integer(e == null ? 0 : ((StreamValue) e.value()).length());
        }
    }


    /**
     * Replies at most {@code count} (0: all) live entries of {@code [start, end]} as XRANGE does, straight from the
     * listpacks: a first walk counts them (the reply's length comes first), a second writes each id and its fields
     * and values in place. Allocates the two iterators, nothing per entry. O(log N + 2 x walked elements).
     */
    static void replyRange(Client c, StreamValue s, StreamId start, StreamId end, boolean rev, long count) {
        replyRange(c, s, start.ms(), start.seq(), end.ms(), end.seq(), rev, count);
    }

    /** {@link #replyRange(Client, StreamValue, StreamId, StreamId, boolean, long)} with the bounds by parts. */
    static void replyRange(Client c, StreamValue s, long startMs, long startSeq, long endMs, long endSeq, boolean rev,
                           long count) {
        // one pass, as Redis's addReplyDeferredLen: the array's length is written once the entries are
        StreamIterator it = reader(c, s, startMs, startSeq, endMs, endSeq, rev);
        int header = c.deferredArray();
        long n = 0;
        while ((count == 0 || n < count) && it.next()) {
            replyCurrent(c, it);
            n++;
        }
        c.setDeferredArray(header, n);
    }

    /**
     * Whether the last live entry of s is after {@code ms-seq} (Redis's streamLastValidID compared with it): from
     * the stream's last node when XADD knows it and its last entry is live, else read backwards with the server's
     * range reader. No allocation.
     */
    static boolean lastValidAfter(Client c, StreamValue s, long ms, long seq) {
        int known = s.lastEntryAfter(ms, seq); // the last node XADD keeps, when its last entry is live
        if (known >= 0) {
            return known == 1;
        }
        StreamIterator it = reader(c, s, 0, 0, -1L, -1L, true);
        return it.next() && StreamId.compare(it.ms(), it.seq(), ms, seq) > 0;
    }

    /** {@link #lastValidAfter(Client, StreamValue, long, long)} of an id. */
    static boolean lastValidAfter(Client c, StreamValue s, StreamId id) {
        return lastValidAfter(c, s, id.ms(), id.seq());
    }

    /**
     * An iterator over {@code [start, end]} of s: the server's range reader when it last read s (reset, no
     * allocation), else a new one that becomes it. The server holds it weakly, so that it never keeps a deleted
     * stream reachable (the next collection drops it, and the next range read makes another).
     */
    static StreamIterator reader(Client c, StreamValue s, long startMs, long startSeq, long endMs, long endSeq,
                                 boolean rev) {
        java.lang.ref.WeakReference<Object> ref = c.ctx.streamReader;
        if (ref != null && ref.get() instanceof StreamIterator it && it.stream() == s) {
            it.reset(startMs, startSeq, endMs, endSeq, rev);
            return it;
        }
        StreamIterator it = new StreamIterator(s, startMs, startSeq, endMs, endSeq, rev);
        c.ctx.streamReader = new java.lang.ref.WeakReference<>(it);
        return it;
    }

    /** [id, [field, value, ...]] of the iterator's entry, without allocating. */
    static void replyCurrent(Client c, StreamIterator it) {
        c.array(2);
        bulkId(c, it.ms(), it.seq());
        int fields = it.fieldCount();
        c.array(2L * fields);
        for (int i = 0; i < fields; i++) {
            bulkElement(c, it.field(i, c.ctx.element));
            bulkElement(c, it.value(i, c.ctx.element));
        }
    }

    private static void bulkElement(Client c, ListpackEntry e) {
        if (e.isInteger()) {
            c.bulkLong(e.longValue());
        } else {
            c.bulk(e.array(), e.offset(), e.length());
        }
    }

    /**
     * {@code ms-seq} as a bulk reply, formatted in the server's scratch ({@code CallContext.writeId}: several servers
     * may share this JVM), which reuses the digits of ms when the previous id had the same.
     */
    static void bulkId(Client c, long ms, long seq) {
        int len = c.ctx.writeId(ms, seq);
        c.bulk(c.ctx.idText(), 0, len);
    }

    static void xrange(Client c, boolean rev) {
        StreamId start;
        StreamId end;
        try {
            int a = rev ? 3 : 2;
            int b = rev ? 2 : 3;
            start = StreamId.parseInterval(c.argBuf, c.argOff[a], c.argLen[a], true);
            end = StreamId.parseInterval(c.argBuf, c.argOff[b], c.argLen[b], false);
        } catch (StreamException ex) {
            c.error(ex.getMessage());
            return;
        }
        long count = -1;
        for (int j = 4; j < c.argc; j++) {
            if (c.argIs(j, "count") && c.argc - j - 1 >= 1) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                count = Math.max(0, c.ctx.tmp[0]);
                j++;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.array(0);
            return;
        }
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        if (count == 0) {
            c.nullArray();
            return;
        }
        replyRange(c, (StreamValue) e.value(), start, end, rev, count < 0 ? 0 : count);
    }

    // ------------------------------------------------------------------------------------------------ XDEL/XSETID

    static void xdel(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        List<StreamId> ids = new ArrayList<>(c.argc - 2);
        for (int j = 2; j < c.argc; j++) {
            StreamId id = strictId(c, j, 0);
            if (id == null) {
                return;
            }
            ids.add(id);
        }
        long deleted = ((StreamValue) e.value()).delete(ids);
        if (deleted > 0) {
            c.modified(1, deleted);
            c.notify(Notify.STREAM, "xdel", 1);
        }
        c.integer(deleted);
    }

    static void xsetid(Client c) {
        StreamId id = strictId(c, 2, 0);
        if (id == null) {
            return;
        }
        long entriesAdded = -1;
        StreamId maxDeleted = null;
        for (int i = 3; i < c.argc; ) {
            boolean more = c.argc - 1 - i > 0;
            if (c.argIs(i, "entriesadded") && more) {
                if (!c.argLong(i + 1)) {
                    return;
                }
                entriesAdded = c.ctx.tmp[0];
                if (entriesAdded < 0) {
                    c.error("ERR entries_added must be positive");
                    return;
                }
                i += 2;
            } else if (c.argIs(i, "maxdeletedid") && more) {
                maxDeleted = strictId(c, i + 1, 0);
                if (maxDeleted == null) {
                    return;
                }
                if (id.compareTo(maxDeleted) < 0) {
                    c.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                i += 2;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.error("ERR no such key");
            return;
        }
        if (TypeCommands.wrongType(c, e, Entry.TYPE_STREAM)) {
            return;
        }
        StreamValue s = (StreamValue) e.value();
        try {
            s.setId(id, entriesAdded, maxDeleted);
        } catch (StreamException ex) {
            c.error(ex.getMessage());
            return;
        }
        c.modified(1, 1);
        c.notify(Notify.STREAM, "xsetid", 1);
        c.ok();
    }
}
