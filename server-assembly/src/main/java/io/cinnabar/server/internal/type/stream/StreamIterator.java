package io.cinnabar.server.internal.type.stream;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.listpack.ListpackEntry;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rax.RaxSeek;

/**
 * Walks the live entries of a {@link StreamValue} whose ids lie in {@code [start, end]}, forward or backward
 * (Redis's {@code streamIterator}). After {@link #next()} returns true the iterator is on an entry: its id is
 * {@link #ms()}-{@link #seq()} and its {@link #fieldCount()} field/value pairs are read in place with
 * {@link #field} and {@link #value} without allocating.
 *
 * <p>Seeking: forward starts at the node whose master id is the greatest at or below {@code start} (else the
 * first node); backward at the greatest at or below {@code end} (else the last node). Inside a node, forward
 * walks entry after entry from the master entry; backward reads each entry's {@code lp-count} and steps back
 * that many elements to its flags, stopping at the master entry's terminating 0.
 *
 * <p>Cost: O(log N) rax seek, then O(elements) listpack steps per entry; deleted entries are stepped over.
 * Changing the stream other than through {@link #removeCurrent()} invalidates the iterator.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamIterator {
    private final StreamValue stream;
    private long startMs;
    private long startSeq;
    private long endMs;
    private long endSeq;
    private boolean rev;
    private RaxIterator<Listpack> ri;
    private boolean done;

    private Listpack lp;
    private final byte[] nodeKey = new byte[StreamId.BYTES];
    private long masterMs;
    private long masterSeq;
    private int masterFields;
    private int[] masterFieldPos = new int[8];
    /** Forward: offset of the next entry's flags (-1 at the node's end). Backward: offset of the next lp-count. */
    private int pos;

    private long ms;
    private long seq;
    private int flagsPos;
    private int fields;
    private int[] fieldPos = new int[8];
    private int[] valuePos = new int[8];

    StreamIterator(StreamValue stream, long startMs, long startSeq, long endMs, long endSeq, boolean rev) {
        this.stream = stream;
        this.startMs = startMs;
        this.startSeq = startSeq;
        this.endMs = endMs;
        this.endSeq = endSeq;
        this.rev = rev;
        seek();
    }

    /**
     * Starts over on another range of the same stream (same direction), reusing this iterator's rax iterator and
     * buffers: no allocation. The stream must not have changed shape since the iterator was made.
     */
    void reset(long startMs, long startSeq, long endMs, long endSeq) {
        this.startMs = startMs;
        this.startSeq = startSeq;
        this.endMs = endMs;
        this.endSeq = endSeq;
        this.done = false;
        seek();
    }

    /**
     * {@link #reset(long, long, long, long)} in either direction: a range reader reused by every XRANGE, XREVRANGE
     * and XREAD of the same stream (see {@code StreamCommands.reader}). Valid whatever changed in the stream since
     * the last use: the seek starts from the rax's root and the node is read again.
     */
    void reset(long startMs, long startSeq, long endMs, long endSeq, boolean rev) {
        this.rev = rev;
        reset(startMs, startSeq, endMs, endSeq);
    }

    /** The stream this iterator walks. */
    StreamValue stream() {
        return stream;
    }

    private final byte[] seekKey = new byte[StreamId.BYTES];

    private void seek() {
        if (ri == null) {
            ri = stream.rax.iterator();
        }
        lp = null;
        long ms0 = rev ? endMs : startMs;
        long seq0 = rev ? endSeq : startSeq;
        if (ms0 != 0 || seq0 != 0) {
            byte[] key = seekKey;
            StreamId.writeKey(ms0, seq0, key, 0);
            if (!ri.seek(RaxSeek.LE, key)) {
                ri.seek(rev ? RaxSeek.LAST : RaxSeek.FIRST, null);
            }
        } else {
            ri.seek(rev ? RaxSeek.LAST : RaxSeek.FIRST, null);
        }
    }

    /** Moves to the next live entry in range; false when there is none (then stays at the end). */
    public boolean next() {
        if (done) {
            return false;
        }
        boolean found = rev ? prevEntry() : nextEntry();
        if (!found) {
            done = true;
        }
        return found;
    }

    private boolean nextEntry() {
        while (true) {
            if (lp == null) {
                if (!ri.next()) {
                    return false;
                }
                openNode();
                pos = lp.next(masterEnd());
            }
            if (pos < 0) {
                lp = null;
                continue;
            }
            int p = readEntry(pos);
            pos = lp.next(p);
            if (deleted()) {
                continue;
            }
            if (StreamId.compare(ms, seq, startMs, startSeq) < 0) {
                continue;
            }
            return StreamId.compare(ms, seq, endMs, endSeq) <= 0;
        }
    }

    private boolean prevEntry() {
        while (true) {
            if (lp == null) {
                if (!ri.prev()) {
                    return false;
                }
                openNode();
                masterEnd();
                pos = lp.last();
            }
            long count = StreamValue.lpInt(lp, pos);
            if (count == 0) { // the master entry's terminator
                lp = null;
                continue;
            }
            int p = pos;
            for (long i = 0; i < count; i++) {
                p = lp.prev(p);
            }
            readEntry(p);
            pos = lp.prev(p);
            if (deleted()) {
                continue;
            }
            if (StreamId.compare(ms, seq, endMs, endSeq) > 0) {
                continue;
            }
            return StreamId.compare(ms, seq, startMs, startSeq) >= 0;
        }
    }

    private void openNode() {
        lp = ri.value();
        ri.copyKey(nodeKey, 0);
        masterMs = StreamId.keyMs(nodeKey, 0);
        masterSeq = StreamId.keySeq(nodeKey, 0);
    }

    /** Reads the master entry; returns the offset of its terminating 0. */
    private int masterEnd() {
        int p = lp.next(lp.next(lp.first())); // count, deleted, num-fields
        masterFields = (int) StreamValue.lpInt(lp, p);
        if (masterFieldPos.length < masterFields) {
            masterFieldPos = new int[masterFields];
        }
        for (int i = 0; i < masterFields; i++) {
            p = lp.next(p);
            masterFieldPos[i] = p;
        }
        return lp.next(p);
    }

    /** Reads the entry whose flags are at {@code p}; returns the offset of its lp-count. */
    private int readEntry(int p) {
        flagsPos = p;
        int flags = (int) StreamValue.lpInt(lp, p);
        p = lp.next(p);
        ms = masterMs + StreamValue.lpInt(lp, p);
        p = lp.next(p);
        seq = masterSeq + StreamValue.lpInt(lp, p);
        boolean same = (flags & StreamValue.FLAG_SAMEFIELDS) != 0;
        if (same) {
            fields = masterFields;
        } else {
            p = lp.next(p);
            fields = (int) StreamValue.lpInt(lp, p);
        }
        if (fieldPos.length < fields) {
            fieldPos = new int[fields];
            valuePos = new int[fields];
        }
        for (int i = 0; i < fields; i++) {
            if (same) {
                fieldPos[i] = masterFieldPos[i];
            } else {
                p = lp.next(p);
                fieldPos[i] = p;
            }
            p = lp.next(p);
            valuePos[i] = p;
        }
        return lp.next(p);
    }

    private boolean deleted() {
        return (StreamValue.lpInt(lp, flagsPos) & StreamValue.FLAG_DELETED) != 0;
    }

    /** Milliseconds part of the current entry's id. */
    public long ms() {
        return ms;
    }

    /** Sequence part of the current entry's id. */
    public long seq() {
        return seq;
    }

    /** The current entry's id (allocates). */
    public StreamId id() {
        return new StreamId(ms, seq);
    }

    /** Number of field/value pairs of the current entry. */
    public int fieldCount() {
        return fields;
    }

    /** Fills {@code into} with field {@code i} of the current entry (no allocation); returns it. */
    public ListpackEntry field(int i, ListpackEntry into) {
        return lp.get(fieldPos[i], into);
    }

    /** Fills {@code into} with value {@code i} of the current entry (no allocation); returns it. */
    public ListpackEntry value(int i, ListpackEntry into) {
        return lp.get(valuePos[i], into);
    }

    /** Field {@code i} as a new array (integers in decimal). */
    public byte[] fieldBytes(int i) {
        return lp.getBytes(fieldPos[i]);
    }

    /** Value {@code i} as a new array (integers in decimal). */
    public byte[] valueBytes(int i) {
        return lp.getBytes(valuePos[i]);
    }

    /** field, value, field, value... of the current entry as new arrays. */
    public byte[][] fieldsAndValues() {
        byte[][] fv = new byte[fields * 2][];
        for (int i = 0; i < fields; i++) {
            fv[2 * i] = fieldBytes(i);
            fv[2 * i + 1] = valueBytes(i);
        }
        return fv;
    }

    /**
     * Marks the current entry deleted in its node (Redis's {@code streamIteratorRemoveEntry}): the flags get
     * the deleted bit, the master entry's counts move by one, and a node whose last live entry this was leaves
     * the rax. The iterator then re-seeks past the entry. The stream's length drops by one; first id and
     * max-deleted id are the caller's business (XDEL updates them).
     */
    public void removeCurrent() {
        int flags = (int) StreamValue.lpInt(lp, flagsPos);
        lp.replaceLong(flagsPos, flags | StreamValue.FLAG_DELETED);
        int p = lp.first();
        long live = StreamValue.lpInt(lp, p);
        if (live == 1) {
            stream.rax.remove(nodeKey);
        } else {
            lp.replaceLong(p, live - 1);
            p = lp.next(p);
            lp.replaceLong(p, StreamValue.lpInt(lp, p) + 1);
        }
        stream.length--;
        reseekAfterRemoval();
    }

    /** Walks on from the removed entry: the bound behind it moves to its id, where it is now skipped as deleted. */
    private void reseekAfterRemoval() {
        if (rev) {
            endMs = ms;
            endSeq = seq;
        } else {
            startMs = ms;
            startSeq = seq;
        }
        seek();
    }
}
