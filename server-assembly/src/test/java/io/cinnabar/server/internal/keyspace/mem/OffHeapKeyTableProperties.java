package io.cinnabar.server.internal.keyspace.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The off-heap table against a HashMap model: inserts and overwrites with values of every size class (int, embstr,
 * raw, aggregate), appends, SETRANGE writes (with zero padding), deletes, expire set/remove, rehash and defrag steps; SCAN across resizes.
 */
class OffHeapKeyTableProperties {
    static final int HASH = EntryLayout.TYPE_HASH;
    static final int LISTPACK = 2; // a heap aggregate (hashtable): 11 and 6 mean off-heap blobs in the table

    /** What the model holds for a key. kind: 0 int, 1 embstr, 2 raw, 3 object. */
    record Val(int kind, long num, byte[] bytes, Object obj, long expire) {
        Val withExpire(long e) {
            return new Val(kind, num, bytes, obj, e);
        }
    }

    record Op(int code, int key, int len, long num) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> lens = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 120)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(121, 8200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(8201, 20_000)));
        return Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 150),
                lens, Arbitraries.longs()).as(Op::new).list().ofMinSize(1).ofMaxSize(700);
    }

    static byte[] key(int id) {
        // key lengths 0..~40: id 0 is the empty key
        if (id == 0) {
            return new byte[0];
        }
        String s = "key:" + id + ":" + "x".repeat(id % 37);
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(int len, long seed) {
        byte[] b = new byte[len];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Property(tries = 120)
    void tableAgreesWithModel(@ForAll("ops") List<Op> ops) {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 2, Long.MAX_VALUE);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        Map<String, Val> model = new HashMap<>();
        long cursor = 0;
        for (Op op : ops) {
            byte[] k = key(op.key);
            String ks = Arrays.toString(k);
            Val old = model.get(ks);
            long e = t.find(k, 0, k.length);
            assertEquals(old != null, e != 0);
            long keepExp = old == null ? -1 : old.expire;
            switch (op.code) {
                case 0 -> {
                    t.putInt(k, 0, k.length, op.num);
                    model.put(ks, new Val(0, op.num, null, null, keepExp));
                }
                case 1, 2 -> {
                    byte[] v = value(op.len, op.num);
                    t.putString(k, 0, k.length, v, 0, v.length, op.code == 2);
                    model.put(ks, new Val(op.code, 0, v, null, keepExp));
                }
                case 3 -> {
                    Object o = new Object();
                    t.putObject(k, 0, k.length, HASH, LISTPACK, o);
                    model.put(ks, new Val(3, 0, null, o, keepExp));
                }
                case 4, 5 -> {
                    assertEquals(old != null, t.delete(k, 0, k.length));
                    model.remove(ks);
                }
                case 6 -> {
                    if (e != 0) {
                        long when = op.num & 0xFFFF_FFFF_FFFFL;
                        long n = t.setExpire(e, when);
                        assertEquals(when, t.expireAt(n));
                        model.put(ks, old.withExpire(when));
                    }
                }
                case 7 -> {
                    if (e != 0) {
                        t.removeExpire(e);
                        model.put(ks, old.withExpire(-1));
                    }
                }
                case 8 -> {
                    if (e != 0 && old.kind != 3) {
                        byte[] add = value(op.len % 300, op.num);
                        byte[] cur = old.kind == 0 ? Long.toString(old.num).getBytes(StandardCharsets.US_ASCII)
                                : old.bytes;
                        long n = t.append(e, add, 0, add.length);
                        assertTrue(t.stringCapacity(n) >= cur.length + add.length);
                        byte[] joined = Arrays.copyOf(cur, cur.length + add.length);
                        System.arraycopy(add, 0, joined, cur.length, add.length);
                        model.put(ks, new Val(2, 0, joined, null, old.expire));
                    }
                }
                case 9 -> t.rehash(op.key % 3);
                case 10 -> {
                    if (e != 0 && old.kind != 3) {
                        int pos = (int) Math.floorMod(op.num, 200L);
                        byte[] src = value(op.len % 100, op.num);
                        byte[] cur = old.kind == 0 ? Long.toString(old.num).getBytes(StandardCharsets.US_ASCII)
                                : old.bytes;
                        long n = t.setRange(e, pos, src, 0, src.length);
                        byte[] expect = Arrays.copyOf(cur, Math.max(cur.length, pos + src.length));
                        System.arraycopy(src, 0, expect, pos, src.length);
                        assertEquals(EntryLayout.ENC_RAW, t.encoding(n));
                        model.put(ks, new Val(2, 0, expect, null, old.expire));
                    }
                }
                default -> cursor = t.defrag(cursor);
            }
            if (op.key % 10 == 0) {
                checkAll(t, model);
            }
        }
        checkAll(t, model);
        t.clear();
        assertEquals(0, t.size());
        assertEquals(0, mem.allocatedBytes(), "clear frees every entry and raw value");
        assertEquals(0, mem.liveAllocations());
    }

    static void checkAll(OffHeapKeyTable<Object> t, Map<String, Val> model) {
        assertEquals(model.size(), t.size());
        int volatileKeys = 0;
        for (Map.Entry<String, Val> m : model.entrySet()) {
            byte[] k = keyOf(m.getKey());
            long e = t.find(k, 0, k.length);
            assertNotEquals(0, e, m.getKey());
            assertArrayEquals(k, t.keyBytes(e));
            Val v = m.getValue();
            assertEquals(v.expire, t.expireAt(e));
            volatileKeys += v.expire >= 0 ? 1 : 0;
            switch (v.kind) {
                case 0 -> {
                    assertEquals(EntryLayout.ENC_INT, t.encoding(e));
                    assertEquals(v.num, t.intValue(e));
                    assertEquals(Long.toString(v.num).length(), t.stringLength(e));
                }
                case 1, 2 -> {
                    assertEquals(v.kind == 1 ? EntryLayout.ENC_EMBSTR : EntryLayout.ENC_RAW, t.encoding(e));
                    assertArrayEquals(v.bytes, t.stringBytes(e));
                }
                default -> {
                    assertEquals(HASH, t.type(e));
                    assertEquals(LISTPACK, t.encoding(e));
                    assertSame(v.obj, t.object(e));
                }
            }
        }
        assertEquals(volatileKeys, t.volatileCount());
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < t.volatileCount(); i++) {
            long e = t.volatileEntry(i);
            assertTrue(seen.add(e));
            assertTrue(t.hasExpire(e));
            byte[] k = t.keyBytes(e);
            assertEquals(e, t.find(k, 0, k.length), "the volatile array holds the entry's current handle");
        }
    }

    /** Inverse of Arrays.toString(byte[]) for the model's keys. */
    static byte[] keyOf(String s) {
        String body = s.substring(1, s.length() - 1);
        if (body.isEmpty()) {
            return new byte[0];
        }
        String[] parts = body.split(", ");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Byte.parseByte(parts[i]);
        }
        return b;
    }

    /**
     * Between SCAN calls keys are added (the table grows) or deleted (it shrinks) and rehash steps run: every key
     * present from the start to the end of the scan is returned at least once.
     */
    @Property(tries = 80)
    void scanSurvivesResizes(@ForAll @IntRange(min = 1, max = 3000) int initial,
            @ForAll @IntRange(min = 0, max = 3000) int added, @ForAll @IntRange(min = 0, max = 100) int deletePct,
            @ForAll @IntRange(min = 0, max = 3) int rehashPerCall, @ForAll boolean expires,
            @ForAll @IntRange(min = 0, max = OffHeapKeyTable.AHEAD + 8) int ahead) {
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(new SlabAllocator());
        for (int i = 0; i < initial; i++) {
            byte[] k = ("s" + i).getBytes(StandardCharsets.US_ASCII);
            long e = t.putInt(k, 0, k.length, i);
            if (expires && i % 3 == 0) {
                t.setExpire(e, i);
            }
        }
        int toDelete = initial * deletePct / 100; // keys s0 .. s(toDelete-1) go away during the scan
        Set<Integer> stable = new HashSet<>();
        for (int i = toDelete; i < initial; i++) {
            stable.add(i);
        }
        Set<Integer> returned = new HashSet<>();
        long cursor = 0;
        int nextAdd = 0;
        int nextDelete = 0;
        int calls = 0;
        OffHeapKeyTable.EntryVisitor v = e -> {
            String s = new String(t.keyBytes(e), StandardCharsets.US_ASCII);
            if (s.startsWith("s")) {
                returned.add(Integer.parseInt(s.substring(1)));
            }
        };
        do {
            // ahead 0: one cursor per call (scan); otherwise up to that many (scanAhead, the snapshot's walk)
            cursor = ahead == 0 ? t.scan(cursor, v) : t.scanAhead(cursor, ahead, v);
            for (int j = 0; j < 40 && nextAdd < added; j++, nextAdd++) {
                byte[] k = ("a" + nextAdd).getBytes(StandardCharsets.US_ASCII);
                t.putString(k, 0, k.length, k, 0, k.length, false);
            }
            for (int j = 0; j < 40 && nextDelete < toDelete; j++, nextDelete++) {
                byte[] k = ("s" + nextDelete).getBytes(StandardCharsets.US_ASCII);
                assertTrue(t.delete(k, 0, k.length));
            }
            t.rehash(rehashPerCall);
            assertTrue(++calls < 1_000_000, "scan does not end");
        } while (cursor != 0);
        assertTrue(returned.containsAll(stable), "missed " + (stable.size() - returned.size()));
    }

    /**
     * scanAhead(v, n) is scan called once per cursor: the same entries in the same order and the same next cursor,
     * over tables of every kind of entry (int, embstr, raw, heap object, with and without expires, the empty key)
     * built by the model's operations, mid-rehash too (one cursor then). Entries deleted by the visitor (lazy
     * expiry) do not change that.
     */
    @Property(tries = 150)
    void scanAheadIsScanPerCursor(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 80) int n,
            @ForAll @IntRange(min = 0, max = 4) int deleteEvery) {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 2, Long.MAX_VALUE);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        build(t, ops);
        List<Long> expected = new java.util.ArrayList<>();
        List<Long> got = new java.util.ArrayList<>();
        long cursor = 0;
        int calls = 0;
        do {
            long c = cursor;
            boolean rehashing = t.rehashing();
            int cursors = 0;
            // the expectation first, without deleting (scan does not change the table)
            do {
                c = t.scan(c, expected::add);
                cursors++;
            } while (c != 0 && cursors < Math.min(n, OffHeapKeyTable.AHEAD) && !rehashing);
            int[] seen = {0};
            long next = t.scanAhead(cursor, n, e -> {
                got.add(e);
                if (deleteEvery > 0 && ++seen[0] % deleteEvery == 0) {
                    byte[] k = t.keyBytes(e);
                    assertTrue(t.delete(k, 0, k.length)); // the visited entry goes away, as lazy expiry does
                }
            });
            assertEquals(c, next, "next cursor");
            assertEquals(expected, got, "entries of the cursors from " + cursor);
            expected.clear();
            got.clear();
            cursor = next;
            if (calls % 3 == 0) {
                t.rehash(1); // a rehash running between calls: scanAhead takes one cursor then
            }
            assertTrue(++calls < 1_000_000, "scan does not end");
        } while (cursor != 0);
    }

    /**
     * readAhead (the event loop's read-ahead of a pipeline's keys) changes nothing: after it, over a table of every
     * kind of entry, mid-rehash or not, a full SCAN returns the same entries in the same order (no bucket moved),
     * the size, the rehash state and the allocator's bytes are the same, and every key is found where it was;
     * keys present, absent and empty, slices at an offset in a bigger buffer. A slice outside the buffer throws.
     */
    @Property(tries = 100)
    void readAheadChangesNothing(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 3) int rehashSteps,
            @ForAll List<@IntRange(min = 0, max = 200) Integer> ids, @ForAll boolean midRehash,
            @ForAll @IntRange(min = 1, max = 2) int step) {
        SlabAllocator mem = new SlabAllocator(16 * 1024, 2, Long.MAX_VALUE);
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        build(t, ops);
        for (int i = 0; midRehash && !t.rehashing(); i++) { // up to the next growth's start
            byte[] k = ("grow" + i).getBytes(StandardCharsets.US_ASCII);
            t.putInt(k, 0, k.length, i);
        }
        t.rehash(rehashSteps);
        // the keys side by side in one buffer, after a 3-byte prefix, as in a query buffer; key j is argument
        // 1 + j * step (MGET's layout with step 1, MSET's with step 2: the values' slices lie outside the buffer)
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        buf.write('*');
        buf.write('\r');
        buf.write('\n');
        int n = Math.min(ids.size(), OffHeapKeyTable.KEYS_AHEAD + 4);
        int[] offs = new int[1 + n * step];
        int[] lens = new int[offs.length];
        Arrays.fill(offs, -7); // read as a key, any of these throws
        for (int j = 0; j < n; j++) {
            byte[] k = key(ids.get(j));
            offs[1 + j * step] = buf.size();
            lens[1 + j * step] = k.length;
            buf.writeBytes(k);
        }
        byte[] b = buf.toByteArray();
        List<Long> before = entries(t);
        int size = t.size();
        boolean rehashing = t.rehashing();
        long allocated = mem.allocatedBytes();
        t.readAhead(b, offs, lens, 1, step, n);
        assertEquals(before, entries(t), "scan order after readAhead (a bucket moved?)");
        assertEquals(size, t.size());
        assertEquals(rehashing, t.rehashing());
        assertEquals(allocated, mem.allocatedBytes());
        int last = 1 + (Math.min(n, OffHeapKeyTable.KEYS_AHEAD) - 1) * step; // keys past KEYS_AHEAD are not read
        if (n > 0) {
            int[] bad = offs.clone();
            bad[last] = b.length - lens[last] + 1;
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> t.readAhead(b, bad, lens, 1, step, n));
        }
        if (rehashing) { // the reads ahead followed each key to the table that holds it: nothing moved either
            assertEquals(before, entries(t), "scan order after a readAhead mid-rehash");
        }
        Set<String> present = new HashSet<>();
        for (long e : before) {
            byte[] k = t.keyBytes(e);
            present.add(Arrays.toString(k));
            assertEquals(e, t.find(k, 0, k.length), "the entry of " + Arrays.toString(k));
        }
        for (int id = 0; id <= 200; id++) {
            byte[] k = key(id);
            assertEquals(present.contains(Arrays.toString(k)), t.find(k, 0, k.length) != 0, "key " + id);
        }
    }

    /** Every entry in SCAN order (scan changes nothing: rehashing is paused while it runs). */
    private static List<Long> entries(OffHeapKeyTable<Object> t) {
        List<Long> all = new java.util.ArrayList<>();
        long c = 0;
        do {
            c = t.scan(c, all::add);
        } while (c != 0);
        return all;
    }

    /** Applies the model test's table operations without checking (a table of every kind of entry). */
    static void build(OffHeapKeyTable<Object> t, List<Op> ops) {
        for (Op op : ops) {
            byte[] k = key(op.key);
            long e = t.find(k, 0, k.length);
            switch (op.code) {
                case 0 -> t.putInt(k, 0, k.length, op.num);
                case 1, 2 -> {
                    byte[] v = value(op.len, op.num);
                    t.putString(k, 0, k.length, v, 0, v.length, op.code == 2);
                }
                case 3 -> t.putObject(k, 0, k.length, HASH, LISTPACK, new Object());
                case 4 -> t.delete(k, 0, k.length);
                case 5, 6 -> {
                    if (e != 0) {
                        t.setExpire(e, op.num & 0xFFFF_FFFF_FFFFL);
                    }
                }
                case 7 -> {
                    if (e != 0) {
                        t.removeExpire(e);
                    }
                }
                case 8 -> {
                    if (e != 0 && t.type(e) == EntryLayout.TYPE_STRING) {
                        byte[] add = value(op.len % 300, op.num);
                        t.append(e, add, 0, add.length);
                    }
                }
                case 9 -> t.rehash(op.key % 3);
                default -> {
                }
            }
        }
    }

    @Property(tries = 300)
    void hashOfArrayAndOfOffHeapBytesAgree(@ForAll byte[] key, @ForAll @IntRange(min = 0, max = 9) int pad) {
        ByteBuffer buf = ByteBuffer.allocateDirect(key.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(pad, key);
        byte[] padded = new byte[key.length + pad];
        System.arraycopy(key, 0, padded, pad, key.length);
        assertEquals(KeyHash.hash(key, 0, key.length), KeyHash.hash(buf, pad, key.length));
        assertEquals(KeyHash.hash(key, 0, key.length), KeyHash.hash(padded, pad, key.length));
    }
}
