package io.cinnabar.server.internal.type.stream;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.rax.RaxIterator;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.rdb.StreamGroupData;
import io.cinnabar.rdb.StreamMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream to and from rdb-format's model: {@link #listpacks}, {@link #metadata} and {@link #groups} are what
 * {@code RdbWriter.stream} and {@link DumpPayload#stream} write (type 21 STREAM_LISTPACKS_3 in RDB 11, 19 in RDB
 * 10), listpacks as they are; {@link Loader} is the {@link RdbVisitor} half that adopts what {@code RdbReader}
 * reads for a stream of any type (15, 19, 21), filling in what older types lack as Redis 7.2's rdbLoad does.
 *
 * <p>Cost: O(nodes + PEL entries + consumers); listpacks are copied once on dump, adopted without copy on load.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamRdb {
    /** The reply RESTORE gives for a payload whose stream does not hold together. */
    public static final String BAD_DATA = "ERR Bad data format";

    private StreamRdb() {
    }

    /** The DUMP payload of the stream in RDB {@code version} (11: type 21, as Redis 7.2; 10: type 19, as 7.0). */
    public static byte[] dumpPayload(StreamValue s, int version) {
        return DumpPayload.stream(version, listpacks(s), metadata(s), groups(s));
    }

    /** Each node as {16-byte master id, listpack bytes}, in id order. */
    public static List<byte[][]> listpacks(StreamValue s) {
        List<byte[][]> out = new ArrayList<>();
        RaxIterator<Listpack> it = s.rax.iterator();
        it.seekFirst();
        while (it.next()) {
            out.add(new byte[][] {it.key(), it.value().toByteArray()});
        }
        return out;
    }

    public static StreamMetadata metadata(StreamValue s) {
        return new StreamMetadata(s.length, rdb(s.lastId), rdb(s.firstId), rdb(s.maxDeletedEntryId), s.entriesAdded,
            s.groupCount());
    }

    /** Groups by name, each with its PEL in id order and its consumers by name. */
    public static List<StreamGroupData> groups(StreamValue s) {
        List<StreamGroupData> out = new ArrayList<>();
        if (s.groups == null) {
            return out;
        }
        RaxIterator<StreamGroup> gi = s.groups.iterator();
        gi.seekFirst();
        while (gi.next()) {
            StreamGroup g = gi.value();
            List<StreamGroupData.Pending> pending = new ArrayList<>();
            RaxIterator<StreamNack> pi = g.pel.iterator();
            pi.seekFirst();
            while (pi.next()) {
                StreamNack n = pi.value();
                pending.add(new StreamGroupData.Pending(rdbId(pi.key()), n.deliveryTime, n.deliveryCount));
            }
            List<StreamGroupData.Consumer> consumers = new ArrayList<>();
            RaxIterator<StreamConsumer> ci = g.consumers.iterator();
            ci.seekFirst();
            while (ci.next()) {
                StreamConsumer c = ci.value();
                List<io.cinnabar.rdb.StreamId> ids = new ArrayList<>();
                RaxIterator<StreamNack> cp = c.pel.iterator();
                cp.seekFirst();
                while (cp.next()) {
                    ids.add(rdbId(cp.key()));
                }
                consumers.add(new StreamGroupData.Consumer(c.name, c.seenTime, c.activeTime, ids));
            }
            out.add(new StreamGroupData(g.name, rdb(g.lastId), g.entriesRead, pending, consumers));
        }
        return out;
    }

    /** Adopts a DUMP payload of a stream (any stream type); throws {@link StreamException} with {@link #BAD_DATA}. */
    public static StreamValue fromPayload(byte[] payload) {
        Loader loader = new Loader();
        try {
            DumpPayload.read(payload, loader);
        } catch (RuntimeException e) {
            if (e instanceof StreamException se) {
                throw se;
            }
            throw new StreamException(BAD_DATA, e);
        }
        return loader.result();
    }

    private static io.cinnabar.rdb.StreamId rdb(StreamId id) {
        return new io.cinnabar.rdb.StreamId(id.ms(), id.seq());
    }

    private static io.cinnabar.rdb.StreamId rdbId(byte[] key) {
        return io.cinnabar.rdb.StreamId.fromBytes(key, 0);
    }

    private static StreamId ours(io.cinnabar.rdb.StreamId id) {
        return new StreamId(id.ms(), id.seq());
    }

    /**
     * Builds a {@link StreamValue} from a reader's stream callbacks: listpacks are adopted whole (the reader has
     * walked and checked them), metadata and groups follow. Type 15 has no first id, max deleted id, entries
     * added or entries-read: as Redis, entries added is the length, the first id is the first live entry, and a
     * group's entries-read is estimated. Type 15 and 19 consumers get their seen time as active time.
     * Checks Redis's load does: no empty or duplicate node, no duplicate PEL entry, every consumer PEL entry in
     * the group PEL and every group PEL entry owned.
     *
     * <p><b>Note:</b> This class is not threadsafe.
     */
    public static final class Loader implements RdbVisitor {
        private final StreamValue s = new StreamValue();
        private boolean legacy;
        private StreamGroup group;
        private StreamConsumer consumer;

        @Override
        public boolean streamListpack(byte[] masterId, byte[] listpack) {
            Listpack lp;
            try {
                lp = Listpack.adopt(listpack, false);
            } catch (RuntimeException e) {
                throw new StreamException(BAD_DATA, e);
            }
            if (lp.first() < 0 || !validNode(lp, masterId) || !s.rax.tryInsert(masterId.clone(), lp)) {
                // empty or malformed listpack, or a node key seen twice: Redis's stream listpack check
                throw new StreamException(BAD_DATA, new io.cinnabar.rdb.RdbException("invalid stream node", 0));
            }
            return true;
        }

        /**
         * What the reader's walk leaves unchecked and backward reads rely on: every element the entries use is
         * an integer where one is expected, each lp-count equals the elements of its entry, and no entry id lies
         * below the node's master id. O(elements).
         */
        private static boolean validNode(Listpack lp, byte[] masterId) {
            try {
                long masterMs = StreamId.keyMs(masterId, 0);
                long masterSeq = StreamId.keySeq(masterId, 0);
                int p = lp.next(lp.next(lp.first()));
                long masterFields = StreamValue.lpInt(lp, p);
                for (long i = 0; i <= masterFields; i++) {
                    p = lp.next(p);
                }
                if (StreamValue.lpInt(lp, p) != 0) {
                    return false;
                }
                p = lp.next(p);
                while (p >= 0) {
                    long flags = StreamValue.lpInt(lp, p);
                    p = lp.next(p);
                    long ms = masterMs + StreamValue.lpInt(lp, p);
                    p = lp.next(p);
                    long seq = masterSeq + StreamValue.lpInt(lp, p);
                    if (StreamId.compare(ms, seq, masterMs, masterSeq) < 0) {
                        return false;
                    }
                    long elements;
                    if ((flags & StreamValue.FLAG_SAMEFIELDS) != 0) {
                        elements = masterFields + 3;
                        for (long i = 0; i < masterFields; i++) {
                            p = lp.next(p);
                        }
                    } else {
                        p = lp.next(p);
                        long n = StreamValue.lpInt(lp, p);
                        elements = 2 * n + 4;
                        for (long i = 0; i < 2 * n; i++) {
                            p = lp.next(p);
                        }
                    }
                    p = lp.next(p);
                    if (StreamValue.lpInt(lp, p) != elements) {
                        return false;
                    }
                    p = lp.next(p);
                }
                return true;
            } catch (RuntimeException e) {
                return false; // an element missing (offset -1) or not an integer
            }
        }

        @Override
        public void streamMetadata(StreamMetadata m) {
            s.length = m.length();
            s.lastId = ours(m.lastId());
            legacy = m.firstId() == null;
            if (legacy) {
                s.maxDeletedEntryId = StreamId.MIN;
                s.entriesAdded = s.length;
                s.firstId = s.edgeId(true);
            } else {
                s.firstId = ours(m.firstId());
                s.maxDeletedEntryId = ours(m.maxDeletedId());
                s.entriesAdded = m.entriesAdded();
            }
        }

        @Override
        public void streamGroup(byte[] name, io.cinnabar.rdb.StreamId lastDelivered, long entriesRead, long pendingCount) {
            checkOwned();
            StreamId last = ours(lastDelivered);
            long read = legacy ? s.estimateDistanceFromFirstEverEntry(last) : entriesRead;
            group = s.createGroup(name, last, read);
            if (group == null) {
                throw new StreamException(BAD_DATA); // duplicated group name
            }
            consumer = null;
        }

        @Override
        public void streamPending(io.cinnabar.rdb.StreamId id, long deliveryTimeMs, long deliveryCount) {
            if (!group.pel.tryInsert(id.toBytes(), new StreamNack(null, deliveryTimeMs, deliveryCount))) {
                throw new StreamException(BAD_DATA); // duplicated global PEL entry
            }
        }

        @Override
        public void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
            consumer = new StreamConsumer(name.clone(), seenTimeMs, activeTimeMs < 0 ? seenTimeMs : activeTimeMs);
            if (!group.consumers.tryInsert(consumer.name, consumer)) { // Redis's log line for it
                throw new StreamException(BAD_DATA, new IllegalStateException("Duplicate stream consumer detected."));
            }
        }

        @Override
        public void streamConsumerPending(io.cinnabar.rdb.StreamId id) {
            byte[] key = id.toBytes();
            StreamNack nack = group.pel.find(key);
            if (nack == null || nack.consumer != null) {
                throw new StreamException(BAD_DATA); // not in the group PEL, or owned twice
            }
            nack.consumer = consumer;
            consumer.pel.insert(key, nack);
        }

        private void checkOwned() {
            if (group == null) {
                return;
            }
            RaxIterator<StreamNack> it = group.pel.iterator();
            it.seekFirst();
            while (it.next()) {
                if (it.value().consumer == null) {
                    throw new StreamException(BAD_DATA); // a pending entry without a consumer
                }
            }
        }

        /** The stream read; call after the reader returned. */
        public StreamValue result() {
            checkOwned();
            return s;
        }
    }
}
