package io.cinnabar.quicklist;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random operation sequences against an {@code ArrayList<byte[]>}, for every fill and compress setting. */
class QuicklistPropertyTest {

    /** One operation: kind, two numbers, and an element. */
    record Op(int kind, int a, int b, byte[] value) {
        @Override
        public String toString() {
            return kind + ":" + a + ":" + b + ":" + value.length;
        }
    }

    /** Integers, short strings, and compressible strings of up to 2.5 KB (so nodes fill, split and compress). */
    @Provide
    Arbitrary<byte[]> values() {
        return Arbitraries.integers().between(0, 99).flatMap(kind -> Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            if (kind < 25) {
                return Long.toString(r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(20000) - 10000)
                    .getBytes(StandardCharsets.US_ASCII);
            }
            int n = kind < 70 ? r.nextInt(24) : kind < 95 ? 24 + r.nextInt(600) : 600 + r.nextInt(1900);
            byte[] b = new byte[n];
            int alphabet = 1 + r.nextInt(kind < 70 ? 26 : 4);
            for (int i = 0; i < n; i++) {
                b[i] = (byte) ('a' + r.nextInt(alphabet));
            }
            return b;
        }));
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 19),
            Arbitraries.integers().between(-400, 400), Arbitraries.integers().between(0, 40), values())
            .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Provide
    Arbitrary<Integer> fills() {
        return Arbitraries.of(-5, -4, -3, -2, -1, 1, 2, 128);
    }

    @Property(tries = 400)
    void behavesLikeAnArrayList(@ForAll("fills") int fill, @ForAll("compressDepths") int compress,
                                @ForAll boolean lowPackedThreshold, @ForAll boolean mergeOnDelete,
                                @ForAll @IntRange(max = 1500) int prefill, @ForAll("ops") List<Op> ops) {
        Quicklist ql = new Quicklist(fill, compress);
        if (lowPackedThreshold) {
            assertTrue(ql.setPackedThreshold(700));
        }
        ql.setMergeOnDelete(mergeOnDelete);
        List<byte[]> model = new ArrayList<>();
        Random r = new Random(prefill);
        for (int i = 0; i < prefill; i++) {
            byte[] v = filler(r, i);
            ql.pushTail(v);
            model.add(v);
        }
        boolean compressed = false;
        boolean plain = false;
        int maxNodes = 0;
        for (Op op : ops) {
            apply(ql, model, op);
            assertEquals(model.size(), ql.count(), op::toString);
            ql.verify();
            for (QuicklistNode n = ql.head(); n != null; n = n.next()) {
                compressed |= n.isCompressed();
                plain |= n.isPlain();
            }
            maxNodes = Math.max(maxNodes, ql.nodeCount());
        }
        checkAll(ql, model);
        Statistics.label("compressed node seen").collect(compressed);
        Statistics.label("plain node seen").collect(plain);
        Statistics.label("max nodes").collect(maxNodes < 3 ? "<3" : maxNodes < 10 ? "3-9" : "10+");
    }

    /** Prefill elements: numbers, words, and every 50th a compressible run of 100..1000 bytes. */
    static byte[] filler(Random r, int i) {
        if (i % 50 == 49) {
            byte[] b = new byte[100 + r.nextInt(900)];
            Arrays.fill(b, (byte) ('a' + r.nextInt(3)));
            return b;
        }
        String s = i % 3 == 0 ? Integer.toString(r.nextInt(100000)) : "item:" + r.nextInt(1000) + ":payload";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Provide
    Arbitrary<Integer> compressDepths() {
        return Arbitraries.integers().between(0, 2);
    }

    private static int clampIndex(List<byte[]> model, int a) {
        return model.isEmpty() ? a : Math.floorMod(a, model.size());
    }

    static void apply(Quicklist ql, List<byte[]> model, Op op) {
        byte[] v = op.value();
        int size = model.size();
        switch (op.kind()) {
            case 0, 1, 2 -> {
                ql.pushTail(v);
                model.add(v);
            }
            case 3, 4 -> {
                ql.pushHead(v);
                model.add(0, v);
            }
            case 5 -> assertArrayEquals(size == 0 ? null : model.remove(0), ql.popHead());
            case 6 -> assertArrayEquals(size == 0 ? null : model.remove(size - 1), ql.popTail());
            case 7 -> {
                long idx = op.a();
                byte[] want = idx >= 0 ? (idx < size ? model.get((int) idx) : null)
                    : (-idx <= size ? model.get((int) (size + idx)) : null);
                assertArrayEquals(want, ql.get(idx));
            }
            case 8, 9 -> {
                int i = clampIndex(model, op.a());
                boolean ok = ql.replace(i, v);
                assertEquals(size > 0, ok);
                if (ok) {
                    model.set(i, v);
                }
            }
            case 10, 11 -> {
                int i = clampIndex(model, op.a());
                boolean after = op.kind() == 11;
                boolean ok = after ? ql.insertAfter(i, v) : ql.insertBefore(i, v);
                assertEquals(size > 0, ok);
                if (ok) {
                    model.add(after ? i + 1 : i, v);
                }
            }
            case 12 -> {
                int start = op.a() % (size + 3);
                long n = op.b();
                boolean deleted = ql.deleteRange(start, n);
                int from = start >= 0 ? start : size + start;
                boolean expect = n > 0 && from >= 0 && from < size;
                assertEquals(expect, deleted);
                if (expect) {
                    model.subList(from, (int) Math.min(size, from + n)).clear();
                }
            }
            case 13, 14 -> removeMatching(ql, model, op.kind() == 13, op.b());
            case 15 -> iterateFrom(ql, model, clampIndex(model, op.a()) * (op.b() % 2 == 0 ? 1 : -1), op.b() % 3 == 0);
            case 16 -> {
                // LREM-like on equal values through the iterator, then insert through the iterator
                if (size > 0) {
                    byte[] pivot = model.get(clampIndex(model, op.a()));
                    try (QuicklistIterator it = ql.iterator(true)) {
                        int i = 0;
                        while (it.next()) {
                            if (it.valueEquals(pivot)) {
                                it.insertAfter(v);
                                model.add(i + 1, v);
                                break;
                            }
                            i++;
                        }
                    }
                }
            }
            case 17 -> {
                if (size > 0) {
                    int i = clampIndex(model, op.a());
                    QuicklistIterator it = ql.iterator(i, true);
                    assertTrue(it.next());
                    it.replace(v);
                    assertFalse(it.next());
                    model.set(i, v);
                }
            }
            default -> {
                ql.pushTail(v);
                model.add(v);
                ql.pushHead(v);
                model.add(0, v);
            }
        }
    }

    /** Removes every element whose index in the model has {@code (index % 3 == every % 3)}, walking either way. */
    static void removeMatching(Quicklist ql, List<byte[]> model, boolean forward, int every) {
        int size = model.size();
        List<byte[]> kept = new ArrayList<>();
        try (QuicklistIterator it = ql.iterator(forward)) {
            int seen = 0;
            while (it.next()) {
                int index = forward ? seen : size - 1 - seen;
                assertArrayEquals(model.get(index), it.value());
                if (index % 3 == every % 3) {
                    it.remove();
                } else {
                    kept.add(model.get(index));
                }
                seen++;
            }
            assertEquals(size, seen);
        }
        if (!forward) {
            java.util.Collections.reverse(kept);
        }
        model.clear();
        model.addAll(kept);
    }

    static void iterateFrom(Quicklist ql, List<byte[]> model, long index, boolean forward) {
        int size = model.size();
        QuicklistIterator it = ql.iterator(index, forward);
        long start = index >= 0 ? index : size + index;
        if (size == 0 || start < 0 || start >= size) {
            assertFalse(it.next());
            return;
        }
        for (long i = start; i >= 0 && i < size; i += forward ? 1 : -1) {
            assertTrue(it.next());
            assertArrayEquals(model.get((int) i), it.value());
            byte[] m = model.get((int) i);
            assertTrue(it.valueEquals(m));
            if (it.isInteger()) {
                assertEquals(Long.parseLong(new String(m, StandardCharsets.US_ASCII)), it.longValue());
            }
        }
        assertFalse(it.next());
        it.close();
    }

    static void checkAll(Quicklist ql, List<byte[]> model) {
        List<byte[]> got = ql.toList();
        assertEquals(model.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(model.get(i), got.get(i), "element " + i);
        }
        try (QuicklistIterator it = ql.iterator(false)) {
            for (int i = model.size() - 1; i >= 0; i--) {
                assertTrue(it.next());
                assertArrayEquals(model.get(i), it.value());
            }
            assertFalse(it.next());
        }
        for (int i = 0; i < model.size(); i += 7) {
            assertArrayEquals(model.get(i), ql.get(i));
            assertArrayEquals(model.get(i), ql.get(i - model.size()));
        }
        assertNull(ql.get(model.size()));
        long sum = 0;
        for (QuicklistNode n = ql.head(); n != null; n = n.next()) {
            sum += n.count();
            byte[] raw = n.rawBytes();
            assertEquals(n.size(), raw.length);
            if (!n.isPlain()) {
                assertEquals(n.count(), io.cinnabar.listpack.Listpack.validate(raw, true));
            }
        }
        assertEquals(model.size(), sum);
    }

    /** Pushes alone keep every multi-element node within the fill limit. */
    @Property(tries = 200)
    void pushesRespectFill(@ForAll("fills") int fill, @ForAll("compressDepths") int compress,
                           @ForAll("ops") List<Op> ops) {
        Quicklist ql = new Quicklist(fill, compress);
        List<byte[]> model = new ArrayList<>();
        for (Op op : ops) {
            if (op.kind() % 2 == 0) {
                ql.pushTail(op.value());
                model.add(op.value());
            } else {
                ql.pushHead(op.value());
                model.add(0, op.value());
            }
        }
        ql.verify();
        for (QuicklistNode n = ql.head(); n != null; n = n.next()) {
            if (n.count() > 1) {
                assertFalse(ql.exceedsLimit(n.size(), n.count()), n::toString);
            }
            boolean inner = ql.nodeCount() > 2 * compress && compress > 0 && !withinDepth(ql, n, compress);
            if (!inner) {
                assertFalse(n.isCompressed());
            }
        }
        checkAll(ql, model);
        assertTrue(Arrays.equals(model.isEmpty() ? null : model.get(0), ql.get(0)));
    }

    private static boolean withinDepth(Quicklist ql, QuicklistNode n, int depth) {
        QuicklistNode f = ql.head();
        QuicklistNode r = ql.tail();
        for (int i = 0; i < depth; i++) {
            if (f == n || r == n) {
                return true;
            }
            f = f.next();
            r = r.prev();
        }
        return false;
    }
}
