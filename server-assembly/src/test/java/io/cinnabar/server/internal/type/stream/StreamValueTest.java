package io.cinnabar.server.internal.type.stream;

import io.cinnabar.listpack.Listpack;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Worked examples: the node layout of package-info, node removal, consumer groups, claims and lag. */
class StreamValueTest {
    private static byte[][] argv(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.US_ASCII);
        }
        return b;
    }

    private static StreamId add(StreamValue s, String id, String... fv) {
        return s.append(StreamId.parseAdd(id.getBytes(StandardCharsets.US_ASCII)), 1000, argv(fv), 0, fv.length / 2,
            StreamValue.DEFAULT_NODE_MAX_BYTES, StreamValue.DEFAULT_NODE_MAX_ENTRIES);
    }

    private static io.cinnabar.rdb.StreamMetadata withGroups(io.cinnabar.rdb.StreamMetadata m) {
        return new io.cinnabar.rdb.StreamMetadata(m.length(), m.lastId(), m.firstId(), m.maxDeletedId(), m.entriesAdded(), 1);
    }

    private static List<String> elements(byte[] lp) {
        List<String> out = new ArrayList<>();
        for (byte[] e : Listpack.decode(lp, 0, lp.length)) {
            out.add(new String(e, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /**
     * XREAD's "is the last live entry after this id" answered from the last node XADD keeps ({@code lastEntryAfter})
     * agrees with the backward walk of an iterator (Redis's streamLastValidID) after random appends (same and other
     * fields, small nodes), deletions (the last entry included), trims and XSETID past the top entry; when it cannot
     * answer it says so (-1), and it answers most of the time, so the check is not vacuous.
     */
    @Test
    void lastEntryAfterAgreesWithTheBackwardWalk() {
        java.util.Random r = new java.util.Random(7);
        int answered = 0;
        int probes = 0;
        for (int round = 0; round < 20; round++) {
            StreamValue s = new StreamValue();
            int nodeEntries = 1 + r.nextInt(5);
            long ms = 1;
            long seq = 0;
            List<StreamId> ids = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                int op = r.nextInt(10);
                if (op < 6 || s.length() == 0) {
                    if (r.nextBoolean()) {
                        ms += r.nextInt(3);
                        seq = 0;
                    } else {
                        seq++;
                    }
                    if (new StreamId(ms, seq).compareTo(s.lastId()) <= 0) {
                        ms = s.lastId().ms() + 1;
                        seq = 0;
                    }
                    String[] fv = r.nextBoolean() ? new String[] {"f", "v" + step} : new String[] {"g" + r.nextInt(2), "1"};
                    ids.add(s.append(StreamId.parseAdd((ms + "-" + seq).getBytes(StandardCharsets.US_ASCII)), 0,
                        argv(fv), 0, 1, StreamValue.DEFAULT_NODE_MAX_BYTES, nodeEntries));
                } else if (op < 8) {
                    StreamId victim = r.nextBoolean() ? ids.get(ids.size() - 1) : ids.get(r.nextInt(ids.size()));
                    s.delete(List.of(victim));
                } else if (op < 9) {
                    s.trim(StreamValue.Trim.maxlen(r.nextInt(20), r.nextBoolean(), 0));
                } else {
                    StreamId last = s.lastId();
                    s.setId(new StreamId(last.ms() + r.nextInt(2), last.seq() + 1), -1, null);
                    ms = s.lastId().ms();
                    seq = s.lastId().seq();
                }
                StreamIterator back = s.iterator(StreamId.MIN, StreamId.MAX, true);
                StreamId lastLive = back.next() ? back.id() : null;
                long[][] probe = {{0, 0}, {ms, seq}, {ms, 0}, {ms - 1, 5}, {-1L, -1L},
                    lastLive == null ? new long[] {1, 1} : new long[] {lastLive.ms(), lastLive.seq()},
                    lastLive == null ? new long[] {2, 0} : new long[] {lastLive.ms(), lastLive.seq() - 1}};
                for (long[] id : probe) {
                    int known = s.lastEntryAfter(id[0], id[1]);
                    probes++;
                    if (known < 0) {
                        continue;
                    }
                    answered++;
                    boolean expected = lastLive != null && StreamId.compare(lastLive.ms(), lastLive.seq(), id[0], id[1]) > 0;
                    assertEquals(expected, known == 1, "round " + round + " step " + step + " probe " + id[0] + "-" + id[1]);
                }
            }
        }
        assertTrue(answered > probes / 3, answered + " of " + probes + " answered from the last node");
    }

    @Test
    void nodeLayoutOfThePackageDoc() {
        StreamValue s = new StreamValue();
        add(s, "5-1", "temp", "20", "hum", "3");
        add(s, "5-2", "temp", "21", "hum", "4");
        add(s, "6-0", "other", "x");
        List<byte[][]> nodes = StreamRdb.listpacks(s);
        assertEquals(1, nodes.size());
        assertEquals(new StreamId(5, 1), StreamId.fromKey(nodes.get(0)[0], 0));
        assertEquals(List.of("3", "0", "2", "temp", "hum", "0",
            "2", "0", "0", "20", "3", "5",
            "2", "0", "1", "21", "4", "5",
            "0", "1", "-1", "1", "other", "x", "6"), elements(nodes.get(0)[1]));
    }

    @Test
    void deletingTheLastLiveEntryOfANodeRemovesIt() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 4; i++) {
            s.append(new StreamId.AddId(i, 0, true, true), 0, argv("f", "v"), 0, 1, 0, 2);
        }
        assertEquals(2, s.nodeCount());
        assertEquals(1, s.delete(List.of(new StreamId(1, 0))));
        assertEquals(new StreamId(2, 0), s.firstId());
        assertEquals(2, s.nodeCount());
        assertEquals(1, s.delete(List.of(new StreamId(2, 0), new StreamId(2, 0))));
        assertEquals(1, s.nodeCount());
        assertEquals(new StreamId(3, 0), s.firstId());
        assertEquals(new StreamId(2, 0), s.maxDeletedEntryId());
        assertEquals(2, s.length());
        assertEquals(4, s.entriesAdded());
    }

    @Test
    void groupsReadAckClaimAndLag() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 5; i++) {
            add(s, i + "-0", "f", String.valueOf(i));
        }
        StreamGroup g = s.createGroup("g".getBytes(StandardCharsets.US_ASCII), StreamId.MIN, 0);
        assertNull(s.createGroup("g".getBytes(StandardCharsets.US_ASCII), StreamId.MIN, 0));
        assertEquals(5L, s.lag(g));
        StreamConsumer alice = g.lookupOrCreateConsumer("alice".getBytes(StandardCharsets.US_ASCII), 100);
        List<StreamId> read = new ArrayList<>();
        assertEquals(3, s.readGroupNew(g, alice, 3, false, 100, it -> read.add(it.id())));
        assertEquals(List.of(new StreamId(1, 0), new StreamId(2, 0), new StreamId(3, 0)), read);
        assertEquals(3, g.entriesRead());
        assertEquals(2L, s.lag(g));
        assertEquals(100, alice.activeTime());
        assertTrue(g.ack(new StreamId(1, 0)));
        assertFalse(g.ack(new StreamId(1, 0)));
        // XDEL after the group's position: the counter can no longer be trusted, lag becomes unknown
        s.delete(List.of(new StreamId(4, 0)));
        assertNull(s.lag(g));
        // XCLAIM by bob: 2-0 idle 50 ms at time 150 with min-idle 40 moves; 3-0 too; 9-0 is not pending
        StreamConsumer bob = g.lookupOrCreateConsumer("bob".getBytes(StandardCharsets.US_ASCII), 150);
        StreamValue.ClaimResult r = s.claim(g, bob, 40, List.of(new StreamId(2, 0), new StreamId(9, 0)), -1, -1,
            false, false, null, 150);
        assertEquals(List.of(new StreamId(2, 0)), r.claimed());
        assertEquals(2, g.pel().find(new StreamId(2, 0).toKey()).deliveryCount());
        assertEquals(1, alice.pendingCount());
        assertEquals(1, bob.pendingCount());
        // the entry of 3-0 goes away: XAUTOCLAIM drops it from the PEL and reports it
        s.delete(List.of(new StreamId(3, 0)));
        StreamValue.ClaimResult auto = s.autoClaim(g, bob, 0, StreamId.MIN, 10, true, 200);
        assertEquals(List.of(new StreamId(2, 0)), auto.claimed());
        assertEquals(List.of(new StreamId(3, 0)), auto.deleted());
        assertEquals(StreamId.MIN, auto.next());
        assertEquals(0, alice.pendingCount());
        StreamGroup.PendingSummary summary = g.pendingSummary();
        assertEquals(1, summary.count());
        assertEquals("bob", new String(summary.consumers().get(0).name(), StandardCharsets.US_ASCII));
        assertEquals(1, g.deleteConsumer("bob".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(g.pel().isEmpty());
    }

    @Test
    void brokenPayloadsAreRefusedWithRedisError() {
        StreamValue s = new StreamValue();
        add(s, "1-1", "f", "v");
        add(s, "2-1", "f", "w");
        byte[] good = StreamRdb.dumpPayload(s, 11);
        assertEquals(2, StreamRdb.fromPayload(good).length());
        io.cinnabar.rdb.StreamId one = new io.cinnabar.rdb.StreamId(1, 1);
        io.cinnabar.rdb.StreamId two = new io.cinnabar.rdb.StreamId(2, 1);
        byte[] name = "g".getBytes(StandardCharsets.US_ASCII);
        // a consumer owns an id that is not in the group PEL
        byte[] orphan = io.cinnabar.rdb.DumpPayload.stream(11, StreamRdb.listpacks(s), withGroups(StreamRdb.metadata(s)),
            List.of(new io.cinnabar.rdb.StreamGroupData(name, two, 2, List.of(new io.cinnabar.rdb.StreamGroupData.Pending(one, 5, 1)),
                List.of(new io.cinnabar.rdb.StreamGroupData.Consumer(name, 5, 5, List.of(two))))));
        assertEquals(StreamRdb.BAD_DATA, org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
            () -> StreamRdb.fromPayload(orphan)).getMessage());
        // a group PEL entry nobody owns
        byte[] unowned = io.cinnabar.rdb.DumpPayload.stream(11, StreamRdb.listpacks(s), withGroups(StreamRdb.metadata(s)),
            List.of(new io.cinnabar.rdb.StreamGroupData(name, two, 2, List.of(new io.cinnabar.rdb.StreamGroupData.Pending(one, 5, 1)),
                List.of())));
        assertEquals(StreamRdb.BAD_DATA, org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
            () -> StreamRdb.fromPayload(unowned)).getMessage());
        // a flipped byte: checksum (or, past it, the listpack walk) refuses it
        byte[] flipped = good.clone();
        flipped[20] ^= 0x40;
        assertEquals(StreamRdb.BAD_DATA, org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
            () -> StreamRdb.fromPayload(flipped)).getMessage());
        // an lp-count that does not match its entry (a backward read would step outside it)
        byte[] badCount = io.cinnabar.rdb.DumpPayload.stream(11,
            java.util.Collections.singletonList(new byte[][] {new StreamId(1, 1).toKey(), Listpack.of(argv("1", "0", "1", "f", "0", "2", "0", "0", "v", "9"))
                .toByteArray()}), new io.cinnabar.rdb.StreamMetadata(1, new io.cinnabar.rdb.StreamId(1, 1), one,
                io.cinnabar.rdb.StreamId.ZERO, 1, 0), List.of());
        assertEquals(StreamRdb.BAD_DATA, org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
            () -> StreamRdb.fromPayload(badCount)).getMessage());
        byte[] rightCount = io.cinnabar.rdb.DumpPayload.stream(11,
            java.util.Collections.singletonList(new byte[][] {new StreamId(1, 1).toKey(), Listpack.of(argv("1", "0", "1", "f", "0", "2", "0", "0", "v", "4"))
                .toByteArray()}), new io.cinnabar.rdb.StreamMetadata(1, new io.cinnabar.rdb.StreamId(1, 1), one,
                io.cinnabar.rdb.StreamId.ZERO, 1, 0), List.of());
        assertEquals(1, StreamRdb.fromPayload(rightCount).range(StreamId.MIN, StreamId.MAX, true, 0).size());
        // an empty listpack as a node
        byte[] empty = io.cinnabar.rdb.DumpPayload.stream(11,
            java.util.Collections.singletonList(new byte[][] {new StreamId(1, 1).toKey(), new Listpack().toByteArray()}), StreamRdb.metadata(s), List.of());
        assertEquals(StreamRdb.BAD_DATA, org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
            () -> StreamRdb.fromPayload(empty)).getMessage());
    }
}
