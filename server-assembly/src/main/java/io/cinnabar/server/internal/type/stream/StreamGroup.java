package io.cinnabar.server.internal.type.stream;

import io.cinnabar.rax.Rax;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rax.RaxSeek;
import io.cinnabar.server.internal.keyspace.RedisSizes;

import java.util.ArrayList;
import java.util.List;

/**
 * A consumer group (Redis's {@code streamCG}): the last id delivered to it, its logical read counter
 * ({@code entries-read}, {@link #INVALID_ENTRIES_READ} when unknown), its PEL (every {@link StreamNack}, keyed by
 * 16-byte id) and its consumers keyed by name. Operations that need the entries themselves (XREADGROUP, XCLAIM,
 * XAUTOCLAIM, lag) live on {@link StreamValue}; the ones here touch only the group.
 *
 * <p>Costs: PEL lookups, inserts and removals are O(16) rax steps; {@link #pendingSummary} walks the consumers,
 * {@link #pendingRange} at most {@code count} PEL entries plus the ones skipped by {@code IDLE}.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamGroup {
    /** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
    public static final long INVALID_ENTRIES_READ = -1;

    final byte[] name;
    StreamId lastId;
    long entriesRead;
    final Rax<StreamNack> pel = new Rax<>();
    final Rax<StreamConsumer> consumers = new Rax<>();

    StreamGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    /**
     * This group's part of objectComputeSize: the streamCG, its PEL rax and NACKs, and per consumer the struct, the
     * name's bytes and its PEL rax (NACKs are shared with the group PEL). O(consumers + PEL rax nodes).
     */
    long memoryUsage() {
        long size = RedisSizes.STREAM_CG + RedisSizes.streamRaxSize(pel.size(), pel.nodeCount())
            + RedisSizes.STREAM_NACK * pel.size();
        RaxIterator<StreamConsumer> ci = consumers.iterator();
        ci.seekFirst();
        while (ci.next()) {
            StreamConsumer c = ci.value();
            size += RedisSizes.STREAM_CONSUMER + c.name.length + RedisSizes.streamRaxSize(c.pel.size(), c.pel.nodeCount());
        }
        return size;
    }

    public byte[] name() {
        return name;
    }

    public StreamId lastId() {
        return lastId;
    }

    public long entriesRead() {
        return entriesRead;
    }

    /** XGROUP SETID: the last delivered id and the read counter ({@link #INVALID_ENTRIES_READ} when not given). */
    public void setLastId(StreamId id, long entriesRead) {
        this.lastId = id;
        this.entriesRead = entriesRead;
    }

    /** The group PEL, keyed by 16-byte id; read-only for callers. */
    public Rax<StreamNack> pel() {
        return pel;
    }

    /** The consumers keyed by name; read-only for callers. */
    public Rax<StreamConsumer> consumers() {
        return consumers;
    }

    public StreamConsumer consumer(byte[] consumerName) {
        return consumers.find(consumerName);
    }

    /** Creates a consumer seen now with no active time; null if the name exists (Redis's streamCreateConsumer). */
    public StreamConsumer createConsumer(byte[] consumerName, long nowMs) {
        StreamConsumer c = new StreamConsumer(consumerName.clone(), nowMs, -1);
        return consumers.tryInsert(c.name, c) ? c : null;
    }

    /** The consumer, created if missing, with its seen time set to now (what XREADGROUP and XCLAIM do first). */
    public StreamConsumer lookupOrCreateConsumer(byte[] consumerName, long nowMs) {
        StreamConsumer c = consumers.find(consumerName);
        if (c == null) {
            c = createConsumer(consumerName, nowMs);
        }
        c.seenTime = nowMs;
        return c;
    }

    /**
     * XGROUP DELCONSUMER: removes the consumer and its pending entries from the group PEL.
     *
     * @return the number of pending entries it had, or -1 if there is no such consumer
     */
    public long deleteConsumer(byte[] consumerName) {
        StreamConsumer c = consumers.find(consumerName);
        if (c == null) {
            return -1;
        }
        long pending = c.pel.size();
        RaxIterator<StreamNack> it = c.pel.iterator();
        it.seekFirst();
        while (it.next()) {
            pel.remove(it.key());
        }
        consumers.remove(consumerName);
        return pending;
    }

    /** XACK of one id: true if it was pending (it is then gone from the group and its consumer). */
    public boolean ack(StreamId id) {
        byte[] key = id.toKey();
        StreamNack nack = pel.removeValue(key);
        if (nack == null) {
            return false;
        }
        if (nack.consumer != null) {
            nack.consumer.pel.remove(key);
        }
        return true;
    }

    /** XPENDING's summary form; {@code smallest}/{@code greatest} are null when nothing is pending. */
    public record PendingSummary(long count, StreamId smallest, StreamId greatest, List<ConsumerPending> consumers) {
    }

    /** One consumer with pending entries and how many. */
    public record ConsumerPending(byte[] name, long pending) {
    }

    /** XPENDING key group: count, smallest and greatest pending id, consumers (by name) with their counts. */
    public PendingSummary pendingSummary() {
        if (pel.isEmpty()) {
            return new PendingSummary(0, null, null, List.of());
        }
        RaxIterator<StreamNack> it = pel.iterator();
        it.seekFirst();
        it.next();
        StreamId smallest = StreamId.fromKey(it.key(), 0);
        it.seekLast();
        it.next();
        StreamId greatest = StreamId.fromKey(it.key(), 0);
        List<ConsumerPending> list = new ArrayList<>();
        RaxIterator<StreamConsumer> ci = consumers.iterator();
        ci.seekFirst();
        while (ci.next()) {
            StreamConsumer c = ci.value();
            if (!c.pel.isEmpty()) {
                list.add(new ConsumerPending(c.name, c.pel.size()));
            }
        }
        return new PendingSummary(pel.size(), smallest, greatest, list);
    }

    /** One line of XPENDING's extended form; {@code idle} is never negative. */
    public record PendingEntry(StreamId id, byte[] consumer, long idle, long deliveryCount) {
    }

    /**
     * XPENDING key group [IDLE min] start end count [consumer]: pending entries in {@code [start, end]} of the
     * group, or of {@code consumer} when not null, at most {@code count}, skipping those idle less than
     * {@code minIdle} ms.
     */
    public List<PendingEntry> pendingRange(StreamId start, StreamId end, long count, StreamConsumer consumer,
                                           long minIdle, long nowMs) {
        List<PendingEntry> out = new ArrayList<>();
        Rax<StreamNack> from = consumer != null ? consumer.pel : pel;
        RaxIterator<StreamNack> it = from.iterator();
        it.seek(RaxSeek.GE, start.toKey());
        byte[] endKey = end.toKey();
        while (count > 0 && it.next()) {
            if (it.compareKey(endKey) > 0) {
                break;
            }
            StreamNack nack = it.value();
            long idle = nowMs - nack.deliveryTime;
            if (minIdle != 0 && idle < minIdle) {
                continue;
            }
            count--;
            out.add(new PendingEntry(StreamId.fromKey(it.key(), 0), nack.consumer.name, Math.max(idle, 0),
                nack.deliveryCount));
        }
        return out;
    }

    /** Adds (or hands over) the pending entry {@code key} to {@code c}, as XREADGROUP does for a new delivery. */
    void deliver(byte[] key, StreamConsumer c, long nowMs) {
        StreamNack nack = new StreamNack(c, nowMs, 1);
        if (pel.tryInsert(key, nack)) {
            c.pel.insert(key, nack);
            return;
        }
        nack = pel.find(key);
        if (nack.consumer != null) {
            nack.consumer.pel.remove(key);
        }
        nack.consumer = c;
        nack.deliveryTime = nowMs;
        nack.deliveryCount = 1;
        c.pel.insert(key, nack);
    }

    /** Drops a pending entry from the group and its owner (XCLAIM/XAUTOCLAIM of an entry no longer in the stream). */
    void dropPending(byte[] key) {
        StreamNack nack = pel.removeValue(key);
        if (nack != null && nack.consumer != null) {
            nack.consumer.pel.remove(key);
        }
    }

    /** Moves {@code nack} (pending under {@code key}) to {@code c} if it belongs to someone else. */
    static void transfer(byte[] key, StreamNack nack, StreamConsumer c) {
        if (nack.consumer != c) {
            if (nack.consumer != null) {
                nack.consumer.pel.remove(key);
            }
            c.pel.insert(key, nack);
            nack.consumer = c;
        }
    }

    StreamGroup copy() {
        StreamGroup g = new StreamGroup(name, lastId, entriesRead);
        RaxIterator<StreamConsumer> ci = consumers.iterator();
        ci.seekFirst();
        while (ci.next()) {
            StreamConsumer c = ci.value();
            StreamConsumer d = new StreamConsumer(c.name, c.seenTime, c.activeTime);
            g.consumers.insert(d.name, d);
            RaxIterator<StreamNack> pi = c.pel.iterator();
            pi.seekFirst();
            while (pi.next()) {
                StreamNack n = pi.value();
                StreamNack m = new StreamNack(d, n.deliveryTime, n.deliveryCount);
                byte[] k = pi.key();
                g.pel.insert(k, m);
                d.pel.insert(k, m);
            }
        }
        return g;
    }
}
