package io.cinnabar.rax;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random operation sequences against a {@code TreeMap<byte[], V>} ordered by {@link Arrays#compareUnsigned}. */
class RaxPropertyTest {

    /** One operation: kind, key, and a number of iterator steps (negative: backward). */
    record Op(int kind, byte[] key, int steps) {
        @Override
        public String toString() {
            return kind + ":" + Arrays.toString(key) + ":" + steps;
        }
    }

    private static final byte[] ALPHABET = {0, 1, 'a', 'b', 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    /** Short keys over a small alphabet, so that prefixes are shared and runs split and merge often. */
    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.integers().between(0, ALPHABET.length - 1)
            .map(i -> ALPHABET[i]).list().ofMaxSize(7)
            .map(l -> {
                byte[] b = new byte[l.size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = l.get(i);
                }
                return b;
            });
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 11), keys(), Arbitraries.integers().between(-6, 6))
            .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(250);
    }

    private static TreeMap<byte[], Integer> model() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    @Property(tries = 400)
    void behavesLikeATreeMap(@ForAll("ops") List<Op> ops) {
        Rax<Integer> rax = new Rax<>();
        TreeMap<byte[], Integer> model = model();
        int v = 0;
        for (Op op : ops) {
            byte[] k = op.key();
            v++;
            switch (op.kind()) {
                case 0, 1 -> assertEquals(!model.containsKey(k), rax.insert(k, v));
                case 2 -> assertEquals(!model.containsKey(k), rax.tryInsert(k.clone(), v));
                case 3 -> assertEquals(model.get(k), rax.put(k, v));
                case 4, 5 -> assertEquals(model.containsKey(k), rax.remove(k));
                case 6 -> assertEquals(model.get(k), rax.removeValue(k));
                case 7 -> {
                    assertEquals(model.get(k), rax.find(k));
                    assertEquals(model.containsKey(k), rax.contains(k));
                }
                default -> checkSeek(rax, model, RaxSeek.values()[op.kind() - 8 + (op.steps() & 3)], k, op.steps());
            }
            switch (op.kind()) {
                case 0, 1, 3 -> model.put(k, v);
                case 2 -> model.putIfAbsent(k, v);
                case 4, 5, 6 -> model.remove(k);
                default -> { }
            }
            assertEquals(model.size(), rax.size());
        }
        rax.verify();
        checkFullScan(rax, model);
        checkCanonical(rax, model, new Random(ops.size()));
    }

    /** Seeks with {@code op} and walks {@code steps} steps, comparing each element with the model's navigation. */
    static void checkSeek(Rax<Integer> rax, TreeMap<byte[], Integer> model, RaxSeek op, byte[] k, int steps) {
        RaxIterator<Integer> it = rax.iterator();
        byte[] expected = switch (op) {
            case FIRST -> model.isEmpty() ? null : model.firstKey();
            case LAST -> model.isEmpty() ? null : model.lastKey();
            case EQ -> model.containsKey(k) ? k : null;
            case GT -> model.higherKey(k);
            case GE -> model.ceilingKey(k);
            case LT -> model.lowerKey(k);
            case LE -> model.floorKey(k);
        };
        assertEquals(expected != null, it.seek(op, k), () -> op + " " + Arrays.toString(k));
        boolean fwd = steps >= 0;
        assertEquals(expected != null, fwd ? it.next() : it.prev());
        if (expected == null) {
            assertFalse(it.next());
            return;
        }
        assertArrayEquals(expected, it.key());
        assertEquals(model.get(expected), it.value());
        byte[] cur = expected;
        for (int s = 0; s < Math.abs(steps); s++) {
            boolean dir = s % 3 == 2 ? !fwd : fwd;
            byte[] want = dir ? model.higherKey(cur) : model.lowerKey(cur);
            assertEquals(want != null, dir ? it.next() : it.prev());
            if (want == null) {
                return;
            }
            assertArrayEquals(want, it.key());
            assertEquals(0, it.compareKey(want));
            cur = want;
        }
    }

    static void checkFullScan(Rax<Integer> rax, TreeMap<byte[], Integer> model) {
        RaxIterator<Integer> it = rax.iterator();
        it.seekFirst();
        for (Map.Entry<byte[], Integer> e : model.entrySet()) {
            assertTrue(it.next());
            assertArrayEquals(e.getKey(), it.key());
            assertEquals(e.getValue(), it.value());
        }
        assertFalse(it.next());
        it.seek("$", null);
        for (Map.Entry<byte[], Integer> e : model.descendingMap().entrySet()) {
            assertTrue(it.prev());
            assertArrayEquals(e.getKey(), it.key());
        }
        assertFalse(it.prev());
    }

    /** The shape depends only on the set of keys: a fresh tree from the same keys in any order is identical. */
    static void checkCanonical(Rax<Integer> rax, TreeMap<byte[], Integer> model, Random r) {
        List<byte[]> keys = new ArrayList<>(model.keySet());
        Collections.shuffle(keys, r);
        Rax<Integer> fresh = new Rax<>();
        for (byte[] k : keys) {
            fresh.insert(k, model.get(k));
        }
        fresh.verify();
        assertEquals(fresh.nodeCount(), rax.nodeCount());
        assertEquals(fresh.dump(), rax.dump());
        assertEquals(fresh.estimatedBytes(), rax.estimatedBytes());
    }

    /** Insert keys sharing prefixes, remove a random part: the tree re-compresses to the fresh tree's shape. */
    @Property(tries = 200)
    void removalRecompresses(@ForAll("keys") byte[] seed, @ForAll long salt) {
        Random r = new Random(salt);
        Rax<Integer> rax = new Rax<>();
        TreeMap<byte[], Integer> model = model();
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            byte[] k = Arrays.copyOf(seed, seed.length + r.nextInt(6));
            for (int j = seed.length; j < k.length; j++) {
                k[j] = ALPHABET[r.nextInt(3)];
            }
            rax.insert(k, i);
            model.put(k, i);
        }
        List<byte[]> keys = new ArrayList<>(model.keySet());
        for (byte[] k : keys) {
            if (r.nextBoolean()) {
                assertTrue(rax.remove(k));
                model.remove(k);
                rax.verify();
            }
        }
        checkCanonical(rax, model, r);
        checkFullScan(rax, model);
    }

    /** Removing through the iterator while walking in either direction visits every key once. */
    @Property(tries = 200)
    void iteratorRemoveContinues(@ForAll("ops") List<Op> ops, @ForAll boolean forward) {
        Rax<Integer> rax = new Rax<>();
        TreeMap<byte[], Integer> model = model();
        for (Op op : ops) {
            rax.insert(op.key(), op.steps());
            model.put(op.key(), op.steps());
        }
        RaxIterator<Integer> it = rax.iterator();
        if (forward) {
            it.seekFirst();
        } else {
            it.seekLast();
        }
        List<byte[]> seen = new ArrayList<>();
        int i = 0;
        while (forward ? it.next() : it.prev()) {
            seen.add(it.key());
            if (i++ % 2 == 0) {
                model.remove(it.key());
                it.remove();
            }
        }
        assertEquals(i, seen.size());
        List<byte[]> all = new ArrayList<>(seen);
        if (!forward) {
            Collections.reverse(all);
        }
        for (int j = 1; j < all.size(); j++) {
            assertTrue(Arrays.compareUnsigned(all.get(j - 1), all.get(j)) < 0);
        }
        rax.verify();
        checkFullScan(rax, model);
        checkCanonical(rax, model, new Random(1));
        assertNull(rax.find(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}));
    }
}
