package io.cinnabar.server.internal.type.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StreamValue} against a model: a {@link TreeMap} of ids to field/value lists, the last id, the max
 * deleted id, and per group a last-delivered id and a PEL map (id to consumer). Random appends (with tiny node
 * limits so that nodes are many), deletes, exact and approximate trims by MAXLEN and MINID, reads both ways
 * with counts and random bounds, group reads and acks. Approximate trims are checked for what they promise
 * (a prefix is removed, whole nodes only, never below the target, within the limit).
 */
class StreamValueProperties {
    private static final String[] FIELDS = {"f", "g", "1", "name"};

    @Property(tries = 300)
    void behavesLikeTheModel(@ForAll("seeds") long seed) {
        Random rnd = new Random(seed);
        long maxEntries = new long[] {0, 1, 2, 3, 7}[rnd.nextInt(5)];
        long maxBytes = new long[] {0, 30, 64, 150}[rnd.nextInt(4)];
        StreamValue s = new StreamValue();
        TreeMap<StreamId, List<String>> model = new TreeMap<>();
        StreamId maxDeleted = StreamId.MIN;
        StreamId last = StreamId.MIN;
        Map<String, StreamId> groupLast = new HashMap<>();
        Map<String, TreeMap<StreamId, String>> pel = new HashMap<>();
        long ms = 0;
        for (int step = 0; step < 120; step++) {
            int op = rnd.nextInt(20);
            if (op < 9) {
                ms += rnd.nextInt(3);
                StreamId.AddId id = rnd.nextBoolean() ? new StreamId.AddId(ms, 0, false, true)
                    : new StreamId.AddId(ms, rnd.nextInt(3), true, true);
                int pairs = 1 + rnd.nextInt(3);
                byte[][] argv = new byte[pairs * 2][];
                List<String> fv = new ArrayList<>();
                for (int i = 0; i < pairs; i++) {
                    String f = rnd.nextInt(4) == 0 ? FIELDS[rnd.nextInt(FIELDS.length)] : FIELDS[i];
                    String v = rnd.nextBoolean() ? String.valueOf(rnd.nextInt(1000) - 500) : "v" + rnd.nextInt(50);
                    argv[2 * i] = f.getBytes(StandardCharsets.US_ASCII);
                    argv[2 * i + 1] = v.getBytes(StandardCharsets.US_ASCII);
                    fv.add(f);
                    fv.add(v);
                }
                StreamId expected = id.seqGiven() ? new StreamId(id.ms(), id.seq())
                    : id.ms() == last.ms() ? new StreamId(ms, last.seq() + 1) : new StreamId(ms, 0);
                if (expected.compareTo(last) <= 0) {
                    StreamException e = org.junit.jupiter.api.Assertions.assertThrows(StreamException.class,
                        () -> s.append(id, 0, argv, 0, pairs, maxBytes, maxEntries));
                    assertEquals(StreamId.XADD_SMALLER, e.getMessage());
                } else {
                    assertEquals(expected, s.append(id, 0, argv, 0, pairs, maxBytes, maxEntries));
                    model.put(expected, fv);
                    last = expected;
                }
            } else if (op < 12) {
                List<StreamId> ids = new ArrayList<>();
                for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
                    ids.add(pick(rnd, model, last));
                }
                long removed = 0;
                for (StreamId id : new java.util.LinkedHashSet<>(ids)) {
                    if (model.remove(id) != null) {
                        removed++;
                        if (id.compareTo(maxDeleted) > 0) {
                            maxDeleted = id;
                        }
                    }
                }
                assertEquals(removed, s.delete(ids));
            } else if (op < 15) {
                trim(rnd, s, model, maxEntries);
            } else if (op < 17) {
                StreamId a = pick(rnd, model, last);
                StreamId b = pick(rnd, model, last);
                StreamId lo = a.compareTo(b) <= 0 ? a : b;
                StreamId hi = a.compareTo(b) <= 0 ? b : a;
                int count = rnd.nextInt(6);
                boolean rev = rnd.nextBoolean();
                NavigableMap<StreamId, List<String>> sub = model.subMap(lo, true, hi, true);
                if (rev) {
                    sub = sub.descendingMap();
                }
                List<String> expected = new ArrayList<>();
                for (Map.Entry<StreamId, List<String>> e : sub.entrySet()) {
                    if (count != 0 && expected.size() == count) {
                        break;
                    }
                    expected.add(e.getKey() + " " + e.getValue());
                }
                assertEquals(expected, text(s.range(lo, hi, rev, count)));
            } else if (op < 19) {
                String g = "g" + rnd.nextInt(2);
                StreamGroup group = s.group(g.getBytes(StandardCharsets.US_ASCII));
                if (group == null) {
                    StreamId start = rnd.nextBoolean() ? StreamId.MIN : s.lastId();
                    group = s.createGroup(g.getBytes(StandardCharsets.US_ASCII), start, StreamGroup.INVALID_ENTRIES_READ);
                    groupLast.put(g, start);
                    pel.put(g, new TreeMap<>());
                }
                String c = "c" + rnd.nextInt(3);
                StreamConsumer consumer = group.lookupOrCreateConsumer(c.getBytes(StandardCharsets.US_ASCII), step);
                int count = rnd.nextInt(4);
                List<String> got = new ArrayList<>();
                s.readGroupNew(group, consumer, count, false, step, it -> got.add(it.id() + " " + fields(it)));
                List<String> expected = new ArrayList<>();
                for (Map.Entry<StreamId, List<String>> e : model.tailMap(groupLast.get(g), false).entrySet()) {
                    if (count != 0 && expected.size() == count) {
                        break;
                    }
                    expected.add(e.getKey() + " " + e.getValue());
                    groupLast.put(g, e.getKey());
                    pel.get(g).put(e.getKey(), c);
                }
                assertEquals(expected, got);
                assertEquals(groupLast.get(g), group.lastId());
            } else {
                String g = "g" + rnd.nextInt(2);
                StreamGroup group = s.group(g.getBytes(StandardCharsets.US_ASCII));
                if (group != null && !pel.get(g).isEmpty()) {
                    StreamId id = rnd.nextBoolean() ? pel.get(g).firstKey() : pick(rnd, model, last);
                    assertEquals(pel.get(g).remove(id) != null, group.ack(id));
                }
            }
            assertEquals(model.size(), s.length());
            assertEquals(last, s.lastId());
            assertEquals(model.isEmpty() ? StreamId.MIN : model.firstKey(), s.firstId());
            assertEquals(maxDeleted, s.maxDeletedEntryId());
            for (Map.Entry<String, TreeMap<StreamId, String>> e : pel.entrySet()) {
                StreamGroup group = s.group(e.getKey().getBytes(StandardCharsets.US_ASCII));
                List<String> actual = new ArrayList<>();
                for (StreamGroup.PendingEntry p : group.pendingRange(StreamId.MIN, StreamId.MAX, Long.MAX_VALUE, null, 0, 0)) {
                    actual.add(p.id() + "=" + new String(p.consumer(), StandardCharsets.US_ASCII));
                }
                List<String> expected = new ArrayList<>();
                e.getValue().forEach((id, c) -> expected.add(id + "=" + c));
                assertEquals(expected, actual);
            }
        }
        assertEquals(text(s.range(StreamId.MIN, StreamId.MAX, false, 0)), modelText(model));
        byte[] dump = StreamRdb.dumpPayload(s, 11);
        StreamValue again = StreamRdb.fromPayload(dump);
        assertArrayEquals(dump, StreamRdb.dumpPayload(again, 11));
        assertArrayEquals(dump, StreamRdb.dumpPayload(s.copy(), 11));
    }

    private static void trim(Random rnd, StreamValue s, TreeMap<StreamId, List<String>> model, long maxEntries) {
        boolean approx = rnd.nextBoolean();
        long limit = approx ? (rnd.nextBoolean() ? StreamValue.Trim.defaultLimit(maxEntries) : rnd.nextInt(6)) : 0;
        StreamValue.Trim t;
        if (rnd.nextBoolean()) {
            t = StreamValue.Trim.maxlen(rnd.nextInt(8), approx, limit);
        } else {
            t = StreamValue.Trim.minid(pick(rnd, model, s.lastId()), approx, limit);
        }
        List<StreamId> before = new ArrayList<>(model.keySet());
        long removed = s.trim(t);
        List<StreamId> after = new ArrayList<>();
        for (StreamValue.Entry e : s.range(StreamId.MIN, StreamId.MAX, false, 0)) {
            after.add(e.id());
        }
        // a prefix went, the rest is untouched
        assertEquals(before.subList((int) removed, before.size()), after);
        for (StreamId id : before.subList(0, (int) removed)) {
            model.remove(id);
            if (!t.byMaxlen()) {
                assertTrue(id.compareTo(t.minid()) < 0);
            }
        }
        if (t.byMaxlen()) {
            assertTrue(model.size() >= Math.min(before.size(), t.maxlen()));
        }
        if (!approx) {
            long expectedLeft = t.byMaxlen() ? Math.min(before.size(), t.maxlen())
                : model.tailMap(t.minid(), true).size();
            assertEquals(expectedLeft, model.size());
        } else if (limit > 0) {
            assertTrue(removed <= limit);
        }
    }

    private static StreamId pick(Random rnd, TreeMap<StreamId, List<String>> model, StreamId last) {
        if (!model.isEmpty() && rnd.nextInt(4) != 0) {
            List<StreamId> keys = new ArrayList<>(model.keySet());
            return keys.get(rnd.nextInt(keys.size()));
        }
        return new StreamId(rnd.nextInt((int) Math.min(last.ms() + 2, 1000)), rnd.nextInt(3));
    }

    private static List<String> text(List<StreamValue.Entry> entries) {
        List<String> out = new ArrayList<>();
        for (StreamValue.Entry e : entries) {
            out.add(e.id() + " " + strings(e.fieldsAndValues()));
        }
        return out;
    }

    private static List<String> modelText(TreeMap<StreamId, List<String>> model) {
        List<String> out = new ArrayList<>();
        model.forEach((id, fv) -> out.add(id + " " + fv));
        return out;
    }

    private static String fields(StreamIterator it) {
        return strings(it.fieldsAndValues());
    }

    private static String strings(byte[][] fv) {
        return Arrays.stream(fv).map(b -> new String(b, StandardCharsets.US_ASCII)).toList().toString();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
