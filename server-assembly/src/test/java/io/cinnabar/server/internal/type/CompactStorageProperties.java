package io.cinnabar.server.internal.type;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.TypedValue;
import io.cinnabar.server.internal.type.hash.HashValue;
import io.cinnabar.server.internal.type.list.ListValue;
import io.cinnabar.server.internal.type.set.SetValue;
import io.cinnabar.server.internal.type.zset.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Small aggregates stored as off-heap blobs between commands (issue #12), against a HashMap model: random inserts,
 * overwrites and deletes of hash fields, set members, sorted-set members and list elements over a few keys, with
 * values of every size (across the allocator's size classes and past the thresholds, so values convert to their big
 * heap encodings and lists convert back), whole-key deletes, renames, and "end of command" points where the keyspace
 * stores the values back and releases its views. After each command every key reads back as the model says, with the
 * encoding the thresholds call for; the heap part of the accounting counts exactly the keys in big encodings; a
 * SCAN that runs across the changes (the table grows and rehashes under it) returns every key present for the whole
 * scan; and deleting everything returns every off-heap byte.
 */
class CompactStorageProperties {
    record Op(int kind, int key, int member, int size) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 12)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(13, 70)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(71, 300)));
        return Combinators.combine(Arbitraries.integers().between(0, 13), Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 30), sizes)
            .as(Op::new).list().ofMinSize(1).ofMaxSize(300);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A value of n bytes: digits (an integer listpack/intset entry) when n is small and even, else letters. */
    private static String val(int member, int n) {
        if (n <= 6 && n % 2 == 0) {
            return Integer.toString(member * 7 + n);
        }
        return ("v" + member + "-").repeat(n / 3 + 1).substring(0, Math.max(1, n));
    }

    @Property(tries = 80)
    void smallAggregatesMatchTheModel(@ForAll("ops") List<Op> ops) {
        TypeLimits lim = new TypeLimits();
        lim.hashEntries = 8;
        lim.hashValue = 40;
        lim.setIntsetEntries = 10;
        lim.setEntries = 8;
        lim.setValue = 40;
        lim.zsetEntries = 8;
        lim.zsetValue = 40;
        lim.listSize = 6; // at most 6 elements per listpack (a positive fill counts elements)
        Keyspace ks = new Keyspace(1);
        Db db = ks.dbs[0];
        long baseline = ks.offHeapAllocated();
        Map<String, Object> model = new HashMap<>();
        Map<String, Boolean> big = new HashMap<>(); // hash/set/zset conversions are one-way
        Set<String> scanned = new HashSet<>();
        Map<String, String> encodings = new HashMap<>();
        Set<String> presentSinceScan = null;
        long cursor = 0;
        for (Op op : ops) {
            String key = "k" + (op.key % 6) + ":" + op.kind % 4;
            byte[] k = b(key);
            int kind = op.kind;
            if (kind == 12) { // DEL
                Entry e = ks.lookupWrite(db, k, 0, k.length, false);
                assertEquals(model.containsKey(key), e != null);
                if (e != null) {
                    ks.delete(db, e);
                    model.remove(key);
                    big.remove(key);
                    if (presentSinceScan != null) {
                        presentSinceScan.remove(key);
                    }
                }
            } else if (kind == 13) { // a SCAN step (the rest of the scan continues across later commands)
                if (presentSinceScan == null) {
                    presentSinceScan = new HashSet<>(model.keySet());
                    scanned.clear();
                    cursor = 0;
                }
                cursor = db.scan(cursor, e -> scanned.add(new String(e.keyBytes(), StandardCharsets.UTF_8)));
                if (cursor == 0) {
                    Set<String> expected = presentSinceScan;
                    assertTrue(scanned.containsAll(expected), () -> "missed " + expected + " " + scanned);
                    presentSinceScan = null;
                }
            } else {
                apply(ks, db, k, key, op, lim, model, big);
                if (presentSinceScan != null) {
                    // a key the command deleted (its last member removed) is no longer one SCAN must return
                    presentSinceScan.retainAll(model.keySet());
                }
            }
            encodings.clear();
            for (String key2 : model.keySet()) { // what the command left, read before the values go off-heap
                byte[] k2 = b(key2);
                encodings.put(key2, ks.lookupRead(db, k2, 0, k2.length, true).encodingName());
            }
            ks.releaseViews(); // end of the command: values go back off-heap
            check(ks, db, model, big, encodings);
            if (op.member % 17 == 0) { // many keys: the table grows and rehashes under the SCAN
                for (int i = 0; i < 20; i++) {
                    byte[] fk = b("filler" + op.key + ":" + i);
                    Entry e = ks.lookupWrite(db, fk, 0, fk.length, false);
                    if (e == null) {
                        SetValue s = SetValue.create(b("1"), 0, 1, 1, lim);
                        ks.addValue(db, fk, Entry.TYPE_SET, s);
                        s.add(b("1"), 0, 1, lim);
                        model.put("filler" + op.key + ":" + i, new TreeMap<>(Map.of("1", 0.0)));
                    }
                }
                ks.releaseViews();
            }
        }
        for (String key : new ArrayList<>(model.keySet())) {
            byte[] k = b(key);
            ks.delete(db, ks.lookupWrite(db, k, 0, k.length, false));
            ks.releaseViews();
        }
        assertEquals(0, db.size());
        assertEquals(baseline, ks.offHeapAllocated(), "every blob and entry freed");
        assertEquals(0, ks.heapDatasetBytes());
    }

    @SuppressWarnings("unchecked")
    private static void apply(Keyspace ks, Db db, byte[] k, String key, Op op, TypeLimits lim, Map<String, Object> model,
            Map<String, Boolean> big) {
        int type = op.kind % 4;
        String m = "m" + op.member;
        String v = val(op.member, op.size);
        byte[] mb = b(m);
        byte[] vb = b(v);
        Entry e = ks.lookupWrite(db, k, 0, k.length, false);
        boolean remove = op.kind >= 8; // kinds 8..11: remove a member / pop
        if (op.kind >= 4 && op.kind < 8 && e != null && op.member % 5 == 0) { // RENAME to a fresh key and back
            byte[] tmp = b(key + ":tmp");
            Entry r = ks.rename(db, e, tmp);
            ks.releaseViews();
            Entry back = ks.rename(db, ks.lookupWrite(db, tmp, 0, tmp.length, false), k);
            assertNotNull(back);
            return;
        }
        if (e == null && remove) {
            return;
        }
        switch (type) {
            case 0 -> { // hash
                Map<String, String> mm = (Map<String, String>) model.computeIfAbsent(key, x -> new HashMap<String, String>());
                HashValue h;
                if (e == null) {
                    h = new HashValue();
                    e = ks.addValue(db, k, Entry.TYPE_HASH, h);
                } else {
                    h = (HashValue) e.value();
                    assertSame(h, e.value(), "one value per command");
                }
                if (remove) {
                    h.removeMember(mb, 0, mb.length);
                    mm.remove(m);
                } else {
                    h.set(mb, 0, mb.length, vb, 0, vb.length, lim);
                    mm.put(m, v);
                    if (mm.size() > lim.hashEntries || vb.length > lim.hashValue) {
                        big.put(key, true);
                    }
                }
                if (mm.isEmpty()) {
                    ks.delete(db, e);
                    model.remove(key);
                    big.remove(key);
                }
            }
            case 1 -> { // set (integers: intset; strings: listpack)
                Map<String, Double> mm = (Map<String, Double>) model.computeIfAbsent(key, x -> new TreeMap<String, Double>());
                String member = op.size % 3 == 0 ? Integer.toString(op.member * 1000 + op.size) : v;
                byte[] mem = b(member);
                SetValue s;
                if (e == null) {
                    s = SetValue.create(mem, 0, mem.length, 1, lim);
                    e = ks.addValue(db, k, Entry.TYPE_SET, s);
                } else {
                    s = (SetValue) e.value();
                }
                if (remove) {
                    String any = mm.isEmpty() ? member : mm.keySet().iterator().next();
                    byte[] ab = b(any);
                    s.removeMember(ab, 0, ab.length);
                    mm.remove(any);
                } else {
                    s.add(mem, 0, mem.length, lim);
                    mm.put(member, 0.0);
                }
                if (mm.isEmpty()) {
                    ks.delete(db, e);
                    model.remove(key);
                    big.remove(key);
                } else if (!s.encodingName().equals("intset") && !s.encodingName().equals("listpack")) {
                    big.put(key, true);
                }
            }
            case 2 -> { // sorted set
                Map<String, Double> mm = (Map<String, Double>) model.computeIfAbsent(key, x -> new TreeMap<String, Double>());
                byte[] mem = op.size > 40 ? vb : mb;
                String member = new String(mem, StandardCharsets.UTF_8);
                ZSetValue z;
                if (e == null) {
                    z = ZSetValue.create(1, mem.length, lim);
                    e = ks.addValue(db, k, Entry.TYPE_ZSET, z);
                } else {
                    z = (ZSetValue) e.value();
                }
                if (remove) {
                    z.removeMember(mem, 0, mem.length);
                    mm.remove(member);
                } else {
                    double old = z.score(mem, 0, mem.length);
                    z.put(mem, 0, mem.length, op.size, old, lim);
                    mm.put(member, (double) op.size);
                }
                if (mm.isEmpty()) {
                    ks.delete(db, e);
                    model.remove(key);
                    big.remove(key);
                } else if (!z.encodingName().equals("listpack")) {
                    big.put(key, true);
                }
            }
            default -> { // list
                LinkedList<String> mm = (LinkedList<String>) model.computeIfAbsent(key, x -> new LinkedList<String>());
                ListValue l;
                if (e == null) {
                    l = new ListValue();
                    e = ks.addValue(db, k, Entry.TYPE_LIST, l);
                } else {
                    l = (ListValue) e.value();
                }
                if (remove) {
                    if (!mm.isEmpty()) {
                        if (l.lp != null) {
                            l.lp.delete(op.member % 2 == 0 ? l.lp.first() : l.lp.last());
                        } else if (op.member % 2 == 0) {
                            l.ql.popHead();
                        } else {
                            l.ql.popTail();
                        }
                        if (op.member % 2 == 0) {
                            mm.removeFirst();
                        } else {
                            mm.removeLast();
                        }
                        l.shrinking(lim);
                    }
                } else {
                    l.growing(vb.length, 1, lim);
                    l.push(vb, 0, vb.length, op.member % 2 == 0);
                    if (op.member % 2 == 0) {
                        mm.addFirst(v);
                    } else {
                        mm.addLast(v);
                    }
                }
                if (mm.isEmpty()) {
                    ks.delete(db, e);
                    model.remove(key);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void check(Keyspace ks, Db db, Map<String, Object> model, Map<String, Boolean> big,
            Map<String, String> encodings) {
        assertEquals(model.size(), db.size());
        long heapKeys = 0;
        for (Map.Entry<String, Object> me : model.entrySet()) {
            byte[] k = b(me.getKey());
            // for writing: reading a big hash or sorted set moves its dict's incremental rehash, which changes its
            // MEMORY USAGE figure; a write lookup has the accounting measure it again (a read stores nothing back)
            Entry e = ks.lookupWrite(db, k, 0, k.length, true);
            assertNotNull(e, me.getKey());
            TypedValue tv = e.value();
            String enc = e.encodingName();
            boolean small = enc.equals("listpack") || enc.equals("intset");
            assertEquals(encodings.get(me.getKey()), enc, "the encoding survives the round trip off-heap");
            if (tv instanceof HashValue h) {
                Map<String, String> mm = (Map<String, String>) me.getValue();
                assertEquals(mm.size(), h.size());
                for (Map.Entry<String, String> f : mm.entrySet()) {
                    byte[] fb = b(f.getKey());
                    assertEquals(f.getValue(), new String(h.get(fb, 0, fb.length), StandardCharsets.UTF_8));
                }
                assertEquals(big.containsKey(me.getKey()), !small, me.getKey() + " " + enc);
            } else if (tv instanceof SetValue s) {
                Set<String> got = new HashSet<>();
                for (byte[] x : s.members()) {
                    got.add(new String(x, StandardCharsets.UTF_8));
                }
                assertEquals(((Map<String, Double>) me.getValue()).keySet(), got);
            } else if (tv instanceof ZSetValue z) {
                Map<String, Double> mm = (Map<String, Double>) me.getValue();
                assertEquals(mm.size(), z.size());
                for (Map.Entry<String, Double> f : mm.entrySet()) {
                    byte[] fb = b(f.getKey());
                    assertEquals(f.getValue(), z.score(fb, 0, fb.length), f.getKey());
                }
                assertEquals(big.containsKey(me.getKey()), !small, me.getKey() + " " + enc);
            } else {
                ListValue l = (ListValue) tv;
                List<String> got = new ArrayList<>();
                for (byte[] x : l.all()) {
                    got.add(new String(x, StandardCharsets.UTF_8));
                }
                assertEquals(me.getValue(), got);
                if (got.size() > 6) {
                    assertEquals("quicklist", enc, me.getKey());
                }
            }
            if (!small) { // measured after the reads above (they move a big dict's incremental rehash)
                heapKeys += tv.memoryUsage(Keyspace.ACCOUNT_SAMPLES);
            }
        }
        ks.releaseViews();
        assertEquals(heapKeys, ks.heapDatasetBytes(), "heap accounting: exactly the big encodings");
        assertEquals(ks.walkDatasetBytes(), ks.usedDatasetBytes());
        Entry none = ks.lookupRead(db, b("absent"), 0, 6, true);
        assertNull(none);
        ks.releaseViews();
    }
}
