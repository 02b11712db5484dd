package io.cinnabar.server.internal.type.stream;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.rax.Rax;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rax.RaxSeek;
import io.cinnabar.server.internal.keyspace.RedisSizes;
import io.cinnabar.server.internal.keyspace.TypedValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream as Redis 7.2 keeps it: a rax whose keys are the 16-byte master ids of listpack nodes, each node
 * holding a master entry and the entries delta-encoded against it (layout in {@code package-info}), plus the
 * stream's length, last id, first id, max deleted entry id, entries-added counter and consumer groups.
 *
 * <p>Appends go to the last node until it reaches {@code stream-node-max-bytes} or
 * {@code stream-node-max-entries} (both passed in, as Redis reads its config at each XADD). Deletion marks the
 * entry in place; a node whose last live entry goes leaves the rax. Trimming removes whole nodes from the head
 * and, when exact, marks entries of the next node deleted.
 *
 * <p>Costs: append O(log N + bytes of the new entry) (a listpack append may copy the node, bounded by the node
 * limits); delete by id O(log N + node size); range reads O(log N) then O(node elements) per entry; trimming
 * O(removed nodes) plus one node walk when exact, at most {@code limit} entries when approximate.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamValue implements TypedValue {
    /** Entry flag: deleted, skipped by readers. */
    public static final int FLAG_DELETED = 1;
    /** Entry flag: same fields as the master entry, only values are stored. */
    public static final int FLAG_SAMEFIELDS = 2;
    /** Redis's STREAM_LISTPACK_MAX_SIZE: the cap of a node (and of one entry's fields and values). */
    public static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** Defaults of {@code stream-node-max-bytes} and {@code stream-node-max-entries}. */
    public static final long DEFAULT_NODE_MAX_BYTES = 4096;
    public static final long DEFAULT_NODE_MAX_ENTRIES = 100;
    /** XADD with fields and values larger than {@link #LISTPACK_MAX_SIZE} in total. */
    public static final String TOO_LARGE = "ERR Elements are too large to be stored";

    final Rax<Listpack> rax = new Rax<>();
    long length;
    StreamId lastId = StreamId.MIN;
    StreamId firstId = StreamId.MIN;
    StreamId maxDeletedEntryId = StreamId.MIN;
    long entriesAdded;
    Rax<StreamGroup> groups;
    /**
     * The node XADD opened last in this process, which Redis allocates with lpNew(preallocation) and shrinks to fit
     * only when the next node opens; null for nodes loaded or copied (allocated exactly). For MEMORY USAGE.
     */
    private Listpack openNode;
    private long openNodeAlloc;
    /**
     * MEMORY USAGE's listpack part (see {@link #memoryUsage}) for {@link #lpPartSamples} samples, valid while
     * {@link #lpPartValid}: the memory accounting measures a stream before and after every write, and walking the
     * rax to the first and last nodes was a quarter of XADD's time. An append to the last node changes only that
     * node's allocation, which XADD adds to it; a new node, XDEL and XTRIM drop it.
     */
    private long lpPart;
    private long lpPartSamples;
    private boolean lpPartValid;

    public StreamValue() {
    }

    /**
     * Redis's lazyfreeGetFreeEffort for a stream: its rax nodes, plus per consumer group its PEL size + 1 (a
     * consumer's PEL shares the group's NACKs).
     */
    @Override
    public long freeEffort() {
        long effort = rax.nodeCount();
        if (groups != null) {
            io.cinnabar.rax.RaxIterator<StreamGroup> gi = groups.iterator();
            gi.seekFirst();
            while (gi.next()) {
                effort += gi.value().pel().size() + 1;
            }
        }
        return effort;
    }

    @Override
    public String encodingName() {
        return "stream";
    }

    @Override
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        RaxIterator<Listpack> it = rax.iterator();
        it.seekFirst();
        while (it.next()) {
            s.rax.insert(it.key(), it.value().copy());
        }
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedEntryId = maxDeletedEntryId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            s.groups = new Rax<>();
            RaxIterator<StreamGroup> gi = groups.iterator();
            gi.seekFirst();
            while (gi.next()) {
                s.groups.insert(gi.key(), gi.value().copy());
            }
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------------ metadata

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedEntryId() {
        return maxDeletedEntryId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** Number of listpack nodes (XINFO STREAM's radix-tree-keys). */
    public long nodeCount() {
        return rax.size();
    }

    /** Rax nodes (XINFO STREAM's radix-tree-nodes). */
    public long raxNodeCount() {
        return rax.nodeCount();
    }

    /**
     * objectComputeSize for a stream: the stream struct, the rax by Redis's formula (streamRadixTreeMemoryUsage),
     * the listpacks by their allocated size (the first {@code samples} nodes averaged over all but the last, plus
     * the last, which Redis preallocates), and per group the streamCG, its PEL rax and NACKs, and per consumer its
     * struct, name and PEL rax. O(samples + rax nodes of the PELs).
     */
    @Override
    public long memoryUsage(long samples) {
        long size = RedisSizes.ROBJ + RedisSizes.STREAM + RedisSizes.streamRaxSize(rax.size(), rax.nodeCount());
        if (!lpPartValid || lpPartSamples != samples) {
            lpPart = listpacksUsage(samples);
            lpPartSamples = samples;
            lpPartValid = true;
        }
        size += lpPart;
        if (groups != null) {
            RaxIterator<StreamGroup> gi = groups.iterator();
            gi.seekFirst();
            while (gi.next()) {
                size += gi.value().memoryUsage();
            }
        }
        return size;
    }

    /** The listpack part {@link #memoryUsage} keeps (tests compare it with {@link #listpacksUsage}). */
    long listpacksUsageKept() {
        return lpPart;
    }

    /** The listpacks' part of {@link #memoryUsage}, computed afresh. O(samples + rax depth). */
    long listpacksUsage(long samples) {
        long size = 0;
        long lpsize = 0;
        long n = 0;
        RaxIterator<Listpack> it = rax.iterator();
        it.seekFirst();
        while (n < samples && it.next()) {
            lpsize += allocation(it.value());
            n++;
        }
        if (rax.size() <= n) {
            size += lpsize;
        } else {
            size += lpsize / n * (rax.size() - 1);
            it.seekLast();
            it.next();
            size += allocation(it.value());
        }
        return size;
    }

    /** zmalloc_size of a node's listpack: its bytes, or the preallocation of the node XADD opened last. */
    private long allocation(Listpack lp) {
        long bytes = RedisSizes.mallocSize(lp.bytes());
        return lp == openNode ? Math.max(bytes, openNodeAlloc) : bytes;
    }

    /**
     * XSETID: sets the last id and, when given, entries-added ({@code -1}: keep) and the max deleted id (null or
     * 0-0: keep), after Redis's checks.
     *
     * @throws StreamException with Redis's texts for an id below the top entry, an entries-added below the
     *                         length, or a last id below the max deleted id
     */
    public void setId(StreamId id, long entriesAdded, StreamId maxDeleted) {
        if (maxDeleted != null && id.compareTo(maxDeleted) < 0) {
            throw new StreamException("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        }
        if (length > 0) {
            StreamId top = edgeId(false);
            if (id.compareTo(top) < 0) {
                throw new StreamException("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && Long.compareUnsigned(length, entriesAdded) > 0) {
                throw new StreamException("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        lastId = id;
        if (entriesAdded != -1) {
            this.entriesAdded = entriesAdded;
        }
        if (maxDeleted != null && !maxDeleted.isZero()) {
            maxDeletedEntryId = maxDeleted;
        }
    }

    // ------------------------------------------------------------------------------------------------ listpack access

    /** An integer element (strings that hold a number are accepted, as Redis's lpGetInteger). */
    static long lpInt(Listpack lp, int p) {
        if (lp.isInteger(p)) {
            return lp.getLong(p);
        }
        byte[] b = lp.getBytes(p);
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("stream listpack element at " + p + " is not an integer");
        }
    }

    // ------------------------------------------------------------------------------------------------ append

    /**
     * XADD's append (Redis's {@code streamAppendItem}): resolves {@code id} against the last id ({@code *} takes
     * {@code nowMs}), then appends the {@code pairs} field/value pairs {@code argv[from..]} to the last node, or to
     * a new node when the last one has {@code lp_bytes + fields-and-values bytes >= nodeMaxBytes} (0 meaning
     * 1 GiB) or holds {@code nodeMaxEntries} entries live or deleted (0: no limit).
     *
     * @return the id added
     * @throws StreamException {@link StreamId#EXHAUSTED}, {@link StreamId#XADD_SMALLER} or {@link #TOO_LARGE}
     */
    public StreamId append(StreamId.AddId id, long nowMs, byte[][] argv, int from, int pairs, long nodeMaxBytes,
                           long nodeMaxEntries) {
        int n = pairs * 2;
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += argv[from + i].length;
        }
        byte[] buf = new byte[total];
        int[] off = new int[n];
        int[] len = new int[n];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] a = argv[from + i];
            System.arraycopy(a, 0, buf, at, a.length);
            off[i] = at;
            len[i] = a.length;
            at += a.length;
        }
        return append(id, nowMs, buf, off, len, 0, pairs, nodeMaxBytes, nodeMaxEntries);
    }

    /**
     * XADD's append with the fields and values as slices of one buffer (a client's arguments {@code from} on):
     * field {@code i} is {@code buf[off[from+2i], +len[from+2i])}, its value the next slice. Copies nothing but
     * into the listpack.
     */
    public StreamId append(StreamId.AddId id, long nowMs, byte[] buf, int[] off, int[] len, int from, int pairs,
                           long nodeMaxBytes, long nodeMaxEntries) {
        if (lastId.ms() == -1L && lastId.seq() == -1L) {
            throw new StreamException(StreamId.EXHAUSTED);
        }
        StreamId newId = resolve(id, nowMs);
        long total = 0;
        for (int i = 0; i < pairs * 2; i++) {
            total += len[from + i];
        }
        if (total > LISTPACK_MAX_SIZE) {
            throw new StreamException(TOO_LARGE);
        }
        appendEntry(newId, buf, off, len, from, pairs, total, nodeMaxBytes, nodeMaxEntries);
        return newId;
    }

    private StreamId resolve(StreamId.AddId id, long nowMs) {
        StreamId newId;
        if (!id.explicit()) {
            if (Long.compareUnsigned(nowMs, lastId.ms()) > 0) {
                newId = new StreamId(nowMs, 0);
            } else {
                newId = lastId.increment();
            }
        } else if (!id.seqGiven()) {
            if (lastId.ms() == id.ms()) {
                if (lastId.seq() == -1L) {
                    throw new StreamException(StreamId.XADD_SMALLER);
                }
                newId = new StreamId(id.ms(), lastId.seq() + 1);
            } else {
                newId = new StreamId(id.ms(), 0);
            }
        } else {
            newId = new StreamId(id.ms(), id.seq());
        }
        if (newId.compareTo(lastId) <= 0) {
            throw new StreamException(StreamId.XADD_SMALLER);
        }
        return newId;
    }

    /** XADD's view of the tail node, reused (a seek resets it): no iterator or key copy per append. */
    private RaxIterator<Listpack> tailIt;
    /** The last node and its key (the newest ids are always in it), or null until looked up again. */
    private Listpack tailLp;
    private final byte[] tailKey = new byte[StreamId.BYTES];

    /**
     * Whether the last live entry is after {@code ms-seq} (Redis's streamLastValidID compared with it, XREAD's test),
     * answered from the last node XADD keeps when that node's last entry is live: 1 (after), 0 (not after), or -1
     * when it cannot say (no last node known, an empty node, the last entry deleted), and the caller walks back with
     * an iterator. No rax descent, no master-entry parse: reads the last entry's flags and id deltas, backwards.
     */
    int lastEntryAfter(long ms, long seq) {
        Listpack lp = tailLp;
        if (lp == null) {
            return -1;
        }
        int p = lp.last();
        long count = lpInt(lp, p); // the last entry's lp-count, 0 for the master entry's terminator
        if (count == 0) {
            return -1;
        }
        for (long i = 0; i < count; i++) {
            p = lp.prev(p);
        }
        if ((lpInt(lp, p) & FLAG_DELETED) != 0) {
            return -1;
        }
        p = lp.next(p);
        long lastMs = StreamId.keyMs(tailKey, 0) + lpInt(lp, p);
        long lastSeq = StreamId.keySeq(tailKey, 0) + lpInt(lp, lp.next(p));
        return StreamId.compare(lastMs, lastSeq, ms, seq) > 0 ? 1 : 0;
    }

    private void appendEntry(StreamId id, byte[] buf, int[] off, int[] len, int from, int pairs, long total,
                             long nodeMaxBytes, long nodeMaxEntries) {
        if (tailIt == null) {
            tailIt = rax.iterator();
        }
        RaxIterator<Listpack> it = tailIt;
        Listpack lp = null;
        byte[] key = null;
        if (tailLp == null && it.seekLast() && it.next()) {
            tailLp = it.value();
            it.copyKey(tailKey, 0);
        }
        if (tailLp != null) {
            lp = tailLp;
            key = tailKey;
            long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : nodeMaxBytes;
            if (lp.bytes() + total >= maxBytes) {
                lp = null;
            } else if (nodeMaxEntries != 0) {
                int p = lp.first();
                long count = lpInt(lp, p) + lpInt(lp, lp.next(p));
                if (count >= nodeMaxEntries) {
                    lp = null;
                }
            }
        }
        int flags = 0;
        long masterMs;
        long masterSeq;
        long allocBefore = 0;
        if (lp == null) {
            lpPartValid = false; // a new node: the node count, the samples and the last node change
            masterMs = id.ms();
            masterSeq = id.seq();
            long prealloc = nodeMaxBytes > 0 && nodeMaxBytes < RedisSizes.STREAM_LISTPACK_PREALLOC
                ? nodeMaxBytes : RedisSizes.STREAM_LISTPACK_PREALLOC;
            if (openNode != null) {
                openNode.trimToSize(); // the node it replaces gets no more appends: give its slack back
            }
            // as Redis's lpNew(prealloc): the node is allocated once for the appends to come, not grown by copies
            lp = new Listpack((int) Math.max(prealloc, 7));
            openNode = lp;
            openNodeAlloc = RedisSizes.mallocSize(Math.max(prealloc, 7));
            lp.appendLong(1);
            lp.appendLong(0);
            lp.appendLong(pairs);
            for (int i = 0; i < pairs; i++) {
                lp.append(buf, off[from + 2 * i], len[from + 2 * i]);
            }
            lp.appendLong(0);
            byte[] nodeKey = id.toKey();
            rax.insert(nodeKey, lp);
            tailLp = lp;
            System.arraycopy(nodeKey, 0, tailKey, 0, StreamId.BYTES);
            flags = FLAG_SAMEFIELDS;
        } else {
            masterMs = StreamId.keyMs(key, 0);
            masterSeq = StreamId.keySeq(key, 0);
            allocBefore = allocation(lp);
            int p = lp.first();
            lp.replaceLong(p, lpInt(lp, p) + 1);
            p = lp.next(lp.next(p));
            long masterFields = lpInt(lp, p);
            if (masterFields == pairs) {
                int i = 0;
                for (; i < pairs; i++) {
                    p = lp.next(p);
                    if (!lp.contentEquals(p, buf, off[from + 2 * i], len[from + 2 * i])) {
                        break;
                    }
                }
                if (i == pairs) {
                    flags = FLAG_SAMEFIELDS;
                }
            }
        }
        lp.appendLong(flags);
        lp.appendLong(id.ms() - masterMs);
        lp.appendLong(id.seq() - masterSeq);
        boolean same = flags == FLAG_SAMEFIELDS;
        if (!same) {
            lp.appendLong(pairs);
        }
        for (int i = 0; i < pairs; i++) {
            if (!same) {
                lp.append(buf, off[from + 2 * i], len[from + 2 * i]);
            }
            lp.append(buf, off[from + 2 * i + 1], len[from + 2 * i + 1]);
        }
        lp.appendLong(same ? pairs + 3 : 2L * pairs + 4);
        if (allocBefore != 0) {
            lpPart += allocation(lp) - allocBefore; // only the last node changed (see lpPart)
        }
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) {
            firstId = id;
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** Live entries with ids in {@code [start, end]}, ascending or ({@code rev}) descending. */
    public StreamIterator iterator(StreamId start, StreamId end, boolean rev) {
        return new StreamIterator(this, start.ms(), start.seq(), end.ms(), end.seq(), rev);
    }

    /** One entry as new arrays: its id and field, value, field, value... */
    public record Entry(StreamId id, byte[][] fieldsAndValues) {
    }

    /** At most {@code count} (0: all) live entries in {@code [start, end]}, allocating each (for tests; replies read the listpacks in place). */
    public List<Entry> range(StreamId start, StreamId end, boolean rev, long count) {
        List<Entry> out = new ArrayList<>();
        StreamIterator it = iterator(start, end, rev);
        while ((count == 0 || out.size() < count) && it.next()) {
            out.add(new Entry(it.id(), it.fieldsAndValues()));
        }
        return out;
    }

    /** Whether a live entry has this id (Redis's streamEntryExists). */
    public boolean contains(StreamId id) {
        if (probe == null) {
            probe = iterator(id, id, false);
        } else {
            probe.reset(id.ms(), id.seq(), id.ms(), id.seq()); // a seek from the root: safe after any change
        }
        return probe.next();
    }

    /** The iterator {@link #contains} reuses (XCLAIM asks once per id). */
    private StreamIterator probe;

    /**
     * The id of the first or last live entry (Redis's streamGetEdgeID skipping tombstones); with no live entry,
     * max-max for the first and 0-0 for the last, as Redis.
     */
    public StreamId edgeId(boolean first) {
        StreamIterator it = iterator(StreamId.MIN, StreamId.MAX, !first);
        if (it.next()) {
            return it.id();
        }
        return first ? StreamId.MAX : StreamId.MIN;
    }

    // ------------------------------------------------------------------------------------------------ deleting

    /**
     * XDEL: marks each id's entry deleted; updates the first id and the max deleted entry id as Redis 7.2 does.
     *
     * @return the number of entries deleted
     */
    public long delete(List<StreamId> ids) {
        lpPartValid = false; // counts inside nodes may change size, emptied nodes go
        tailLp = null;
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            StreamIterator it = iterator(id, id, false);
            if (!it.next()) {
                continue;
            }
            it.removeCurrent();
            if (id.equals(firstId)) {
                firstEntry = true;
            }
            if (id.compareTo(maxDeletedEntryId) > 0) {
                maxDeletedEntryId = id;
            }
            deleted++;
        }
        if (deleted > 0) {
            if (length == 0) {
                firstId = StreamId.MIN;
            } else if (firstEntry) {
                firstId = edgeId(true);
            }
        }
        return deleted;
    }

    // ------------------------------------------------------------------------------------------------ trimming

    /**
     * How XADD and XTRIM trim: by {@code MAXLEN} (keep at most {@code maxlen}) or {@code MINID} (drop ids below
     * {@code minid}), exact or approximate ({@code ~}: whole nodes only), with a work {@code limit} of entries (0:
     * none; only meaningful with {@code ~}).
     */
    public record Trim(boolean byMaxlen, long maxlen, StreamId minid, boolean approx, long limit) {
        public static Trim maxlen(long maxlen, boolean approx, long limit) {
            return new Trim(true, maxlen, null, approx, limit);
        }

        public static Trim minid(StreamId minid, boolean approx, long limit) {
            return new Trim(false, 0, minid, approx, limit);
        }

        /** The limit when {@code ~} comes without LIMIT: 100 nodes' worth, clamped to [10000 when 0, 1000000]. */
        public static long defaultLimit(long nodeMaxEntries) {
            long limit = 100 * nodeMaxEntries;
            if (limit <= 0 || nodeMaxEntries > 1_000_000_000L) {
                limit = nodeMaxEntries > 0 ? 1_000_000 : 10_000;
            }
            return Math.min(limit, 1_000_000);
        }
    }

    /**
     * Trims from the head (Redis's {@code streamTrim}); the first id follows, the max deleted id does not.
     *
     * @return the number of entries removed
     */
    public long trim(Trim t) {
        lpPartValid = false;
        tailLp = null;
        RaxIterator<Listpack> ri = rax.iterator();
        ri.seekFirst();
        long deleted = 0;
        while (ri.next()) {
            if (t.byMaxlen() && Long.compareUnsigned(length, t.maxlen()) <= 0) {
                break;
            }
            Listpack lp = ri.value();
            long entries = lpInt(lp, lp.first());
            if (t.limit() != 0 && deleted + entries > t.limit()) {
                break;
            }
            byte[] key = ri.key();
            long masterMs = StreamId.keyMs(key, 0);
            long masterSeq = StreamId.keySeq(key, 0);
            boolean removeNode;
            if (t.byMaxlen()) {
                removeNode = length - entries >= t.maxlen();
            } else {
                removeNode = lastElementId(lp, masterMs, masterSeq).compareTo(t.minid()) < 0;
            }
            if (removeNode) {
                rax.remove(key);
                ri.seek(RaxSeek.GE, key);
                length -= entries;
                deleted += entries;
                continue;
            }
            if (t.approx()) {
                break;
            }
            deleted += trimInsideNode(lp, t, entries, masterMs, masterSeq);
            break;
        }
        firstId = length == 0 ? StreamId.MIN : edgeId(true);
        return deleted;
    }

    private long trimInsideNode(Listpack lp, Trim t, long entries, long masterMs, long masterSeq) {
        int p = lp.next(lp.next(lp.first()));
        long masterFields = lpInt(lp, p);
        for (long j = 0; j <= masterFields; j++) {
            p = lp.next(p);
        }
        p = lp.next(p); // first entry's flags, or -1
        long removed = 0;
        while (p >= 0) {
            int flagsPos = p;
            long flags = lpInt(lp, p);
            p = lp.next(p);
            long ms = masterMs + lpInt(lp, p);
            p = lp.next(p);
            long seq = masterSeq + lpInt(lp, p);
            boolean stop = t.byMaxlen() ? Long.compareUnsigned(length, t.maxlen()) <= 0
                : StreamId.compare(ms, seq, t.minid().ms(), t.minid().seq()) >= 0;
            if (stop) {
                break;
            }
            long skip;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                skip = masterFields;
            } else {
                p = lp.next(p);
                skip = 2 * lpInt(lp, p);
            }
            for (long k = 0; k < skip; k++) {
                p = lp.next(p);
            }
            p = lp.next(p); // lp-count
            p = lp.next(p); // next flags or -1
            if ((flags & FLAG_DELETED) == 0) {
                lp.replaceLong(flagsPos, flags | FLAG_DELETED); // 0..3: one byte either way, offsets hold
                removed++;
                length--;
            }
        }
        int q = lp.first();
        lp.replaceLong(q, entries - removed);
        q = lp.next(q);
        lp.replaceLong(q, lpInt(lp, q) + removed);
        return removed;
    }

    /** The id of the last element of a node, deleted or not (Redis's lpGetEdgeStreamID, last). */
    private static StreamId lastElementId(Listpack lp, long masterMs, long masterSeq) {
        int p = lp.last();
        long count = lpInt(lp, p);
        for (long i = 0; i < count; i++) {
            p = lp.prev(p);
        }
        p = lp.next(p);
        long ms = masterMs + lpInt(lp, p);
        return new StreamId(ms, masterSeq + lpInt(lp, lp.next(p)));
    }

    // ------------------------------------------------------------------------------------------------ lag accounting

    /**
     * Whether a deleted entry may lie in {@code [start, end]} (null: unbounded), Redis's streamRangeHasTombstones:
     * only the max deleted id is known, so the answer is "maybe" whenever it falls inside.
     */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedEntryId.isZero()) {
            return false;
        }
        if (firstId.compareTo(maxDeletedEntryId) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedEntryId) <= 0 && maxDeletedEntryId.compareTo(e) <= 0;
    }

    /**
     * The logical read counter of {@code id} (Redis's streamEstimateDistanceFromFirstEverEntry): exact for an
     * unused stream, the last id and the first entry, estimated below the first entry when no tombstone lies
     * after it, else {@link StreamGroup#INVALID_ENTRIES_READ}.
     */
    public long estimateDistanceFromFirstEverEntry(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedEntryId.isZero() || maxDeletedEntryId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** A group's lag as XINFO GROUPS reports it, or null when it cannot be known. */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistanceFromFirstEverEntry(g.lastId);
        return read == StreamGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    // ------------------------------------------------------------------------------------------------ groups

    /** The group or null. */
    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.find(name);
    }

    /** The groups by name; null when none was ever created. */
    public Rax<StreamGroup> groups() {
        return groups;
    }

    public long groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /** XGROUP CREATE: a new group, or null if the name exists (BUSYGROUP). */
    public StreamGroup createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        if (groups == null) {
            groups = new Rax<>();
        }
        StreamGroup g = new StreamGroup(name.clone(), lastDelivered, entriesRead);
        return groups.tryInsert(g.name, g) ? g : null;
    }

    /** XGROUP DESTROY: true if the group existed. */
    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name);
    }

    /** Receives the entries of a group read. */
    public interface GroupReader {
        /** A live entry; the iterator is on it. */
        void entry(StreamIterator it);

        /** A pending id whose entry is no longer in the stream (history reads only). */
        default void missing(StreamId id) {
        }
    }

    /**
     * XREADGROUP with {@code >}: delivers up to {@code count} (0: all) entries after the group's last id to
     * {@code consumer}, moving the group's last id and read counter (7.2 accounting) and, unless {@code noack},
     * adding each to the PELs (an entry already pending elsewhere is handed over with its count reset to 1).
     *
     * @return the number of entries delivered
     */
    public long readGroupNew(StreamGroup g, StreamConsumer consumer, long count, boolean noack, long nowMs,
                             GroupReader reader) {
        StreamId start = g.lastId.increment();
        if (start == null) {
            return 0;
        }
        StreamIterator it = iterator(start, StreamId.MAX, false);
        long n = 0;
        byte[] key = new byte[StreamId.BYTES];
        while ((count == 0 || n < count) && it.next()) {
            StreamId id = it.id();
            if (id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
                    g.entriesRead++;
                } else if (entriesAdded != 0) {
                    g.entriesRead = estimateDistanceFromFirstEverEntry(id);
                }
                g.lastId = id;
            }
            reader.entry(it);
            if (!noack) {
                StreamId.writeKey(it.ms(), it.seq(), key, 0);
                g.deliver(key.clone(), consumer, nowMs);
                consumer.activeTime = nowMs;
            }
            n++;
        }
        return n;
    }

    /** How many entries {@link #readGroupNew} would deliver now (the reply's length, written first). */
    public long countNew(StreamGroup g, long count) {
        StreamId start = g.lastId.increment();
        if (start == null) {
            return 0;
        }
        StreamIterator it = iterator(start, StreamId.MAX, false);
        long n = 0;
        while ((count == 0 || n < count) && it.next()) {
            n++;
        }
        return n;
    }

    /** How many ids {@link #readGroupHistory} would report now. */
    public long countPending(StreamConsumer consumer, StreamId start, long count) {
        RaxIterator<StreamNack> ri = consumer.pel.iterator();
        ri.seek(RaxSeek.GE, start.toKey());
        long n = 0;
        while ((count == 0 || n < count) && ri.next()) {
            n++;
        }
        return n;
    }

    /**
     * XREADGROUP with an id: the consumer's pending entries from {@code start}, at most {@code count} (0: all);
     * each one still in the stream goes to {@link GroupReader#entry} and counts one more delivery now, the others
     * to {@link GroupReader#missing}.
     *
     * @return the number of ids reported
     */
    public long readGroupHistory(StreamConsumer consumer, StreamId start, long count, long nowMs, GroupReader reader) {
        RaxIterator<StreamNack> ri = consumer.pel.iterator();
        ri.seek(RaxSeek.GE, start.toKey());
        long n = 0;
        StreamIterator it = null;
        byte[] key = new byte[StreamId.BYTES];
        while ((count == 0 || n < count) && ri.next()) {
            ri.copyKey(key, 0);
            long ms = StreamId.keyMs(key, 0);
            long seq = StreamId.keySeq(key, 0);
            if (it == null) {
                it = new StreamIterator(this, ms, seq, ms, seq, false);
            } else {
                it.reset(ms, seq, ms, seq); // one iterator for the whole read: nothing allocated per entry
            }
            if (it.next()) {
                reader.entry(it);
                StreamNack nack = ri.value();
                nack.deliveryTime = nowMs;
                nack.deliveryCount++;
            } else {
                reader.missing(StreamId.fromKey(key, 0));
            }
            n++;
        }
        return n;
    }

    /**
     * What XCLAIM and XAUTOCLAIM did: the ids now owned by the consumer (in order), the ids dropped from the PEL
     * because their entries are gone, XAUTOCLAIM's next cursor (0-0 at the end), and each drop with its pending
     * entry in the order it happened among the claims (Redis propagates both as XCLAIMs, in that order).
     */
    public record ClaimResult(List<StreamId> claimed, List<StreamId> deleted, StreamId next, List<Drop> drops) {
    }

    /**
     * A pending entry dropped because its stream entry is gone: its id, the NACK as it was (owner, delivery time
     * and count), and how many ids had been claimed before it.
     */
    public record Drop(StreamId id, StreamNack nack, int claimedBefore) {
    }

    /**
     * XCLAIM (Redis 7.2): for each id, a pending entry whose stream entry is gone is dropped; else (with
     * {@code force}, creating the NACK when missing) an entry idle at least {@code minIdle} moves to
     * {@code consumer} with delivery time {@code deliveryTime} and its count set to {@code retryCount} (when
     * {@code >= 0}) or incremented (unless {@code justId}). {@code lastId} (or null) may raise the group's last id.
     *
     * @param deliveryTime from IDLE/TIME, or -1 for now; out of range values become now
     */
    public ClaimResult claim(StreamGroup g, StreamConsumer consumer, long minIdle, List<StreamId> ids,
                             long deliveryTime, long retryCount, boolean force, boolean justId, StreamId lastId,
                             long nowMs) {
        if (lastId != null && lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
        }
        if (deliveryTime < 0 || deliveryTime > nowMs) {
            deliveryTime = nowMs;
        }
        List<StreamId> claimed = new ArrayList<>();
        List<StreamId> dropped = new ArrayList<>();
        List<Drop> drops = new ArrayList<>();
        for (StreamId id : ids) {
            byte[] key = id.toKey();
            StreamNack nack = g.pel.find(key);
            if (!contains(id)) {
                if (nack != null) {
                    g.dropPending(key);
                    dropped.add(id);
                    drops.add(new Drop(id, nack, claimed.size()));
                }
                continue;
            }
            if (force && nack == null) {
                nack = new StreamNack(null, nowMs, 1);
                g.pel.insert(key, nack);
            }
            if (nack == null) {
                continue;
            }
            if (nack.consumer != null && minIdle != 0 && nowMs - nack.deliveryTime < minIdle) {
                continue;
            }
            nack.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                nack.deliveryCount = retryCount;
            } else if (!justId) {
                nack.deliveryCount++;
            }
            StreamGroup.transfer(key, nack, consumer);
            consumer.activeTime = nowMs;
            claimed.add(id);
        }
        return new ClaimResult(claimed, dropped, null, drops);
    }

    /**
     * XAUTOCLAIM (Redis 7.2): walks the group PEL from {@code start}, at most {@code count * attemptsFactor}
     * PEL entries and {@code count} results; entries gone from the stream are dropped (and count), entries idle
     * at least {@code minIdle} move to {@code consumer} with delivery time now and, unless {@code justId}, one
     * more delivery.
     */
    public ClaimResult autoClaim(StreamGroup g, StreamConsumer consumer, long minIdle, StreamId start, long count,
                                 boolean justId, long nowMs) {
        long attempts = count * 10;
        List<StreamId> claimed = new ArrayList<>();
        List<StreamId> dropped = new ArrayList<>();
        List<Drop> drops = new ArrayList<>();
        RaxIterator<StreamNack> ri = g.pel.iterator();
        ri.seek(RaxSeek.GE, start.toKey());
        while (attempts-- > 0 && count > 0 && ri.next()) {
            byte[] key = ri.key();
            StreamId id = StreamId.fromKey(key, 0);
            StreamNack nack = ri.value();
            if (!contains(id)) {
                g.dropPending(key);
                dropped.add(id);
                drops.add(new Drop(id, nack, claimed.size()));
                ri.seek(RaxSeek.GE, key);
                count--;
                continue;
            }
            if (minIdle != 0 && nowMs - nack.deliveryTime < minIdle) {
                continue;
            }
            nack.deliveryTime = nowMs;
            if (!justId) {
                nack.deliveryCount++;
            }
            if (nack.consumer != consumer) {
                if (nack.consumer != null) {
                    nack.consumer.pel.remove(key);
                }
                consumer.pel.insert(key, nack);
                nack.consumer = consumer;
            }
            consumer.activeTime = nowMs;
            claimed.add(id);
            count--;
        }
        StreamId next = ri.next() ? StreamId.fromKey(ri.key(), 0) : StreamId.MIN;
        return new ClaimResult(claimed, dropped, next, drops);
    }
}
