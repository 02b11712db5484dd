package io.cinnabar.listpack;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operation sequences applied to a listpack and to the model, an {@code ArrayList<byte[]>}: after every
 * step the listpack validates deeply, reads back as the model, walks the same both ways, and its bytes are
 * exactly those of encoding the model (Redis's integer/string decision is a pure function of each element, and
 * a canonical integer reads back as the same text, so the model needs no canonicalization of its own).
 */
class ListpackPropertiesTest {

    /** One step: an operation code and its random arguments (interpreted modulo the current size). */
    record Op(int code, int a, int b, byte[] element, List<byte[]> batch, long number) {
        @Override
        public String toString() {
            return "Op" + code + "(" + a + "," + b + "," + ListpackTest.s(element) + "," + batch.size() + "," + number + ")";
        }
    }

    private static final int OPS = 16;

    @Provide
    Arbitrary<byte[]> elements() {
        Arbitrary<byte[]> ints = Arbitraries.longs().map(v -> Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> smallInts = Arbitraries.longs().between(-70000, 70000)
            .map(v -> Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> edges = Arbitraries.of("0", "127", "128", "-1", "4095", "4096", "-4096", "-4097", "32767",
                "32768", "-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648",
                "-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "-0", "00", "01", "+1", " 1", "1 ", "", "-", "1.5", "abc", "foo", "\u00ff")
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        Arbitrary<byte[]> text = Arbitraries.strings().withCharRange('0', 'z').ofMaxLength(70)
            .map(s -> s.getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> big = Arbitraries.integers().between(60, 5000).map(n -> {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) ('a' + n % 26));
            return b;
        });
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, ints), net.jqwik.api.Tuple.of(3, smallInts), net.jqwik.api.Tuple.of(3, edges),
            net.jqwik.api.Tuple.of(3, text), net.jqwik.api.Tuple.of(2, binary), net.jqwik.api.Tuple.of(1, big));
    }

    @Provide
    Arbitrary<List<byte[]>> lists() {
        return elements().list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, OPS - 1),
            Arbitraries.integers().between(-1000, 1000),
            Arbitraries.integers().between(0, 40),
            elements(),
            elements().list().ofMaxSize(6),
            Arbitraries.longs()).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 400)
    void randomOperationsKeepTheListpackEqualToTheModel(@ForAll("lists") List<byte[]> initial,
                                                        @ForAll("ops") List<Op> ops) {
        List<byte[]> model = new ArrayList<>(initial);
        Listpack lp = Listpack.of(initial);
        check(lp, model);
        for (Op op : ops) {
            apply(op, lp, model);
            check(lp, model);
        }
    }

    /** Applies one operation to both; operations that only read compare their answers on the spot. */
    private static void apply(Op op, Listpack lp, List<byte[]> model) {
        int n = model.size();
        int i = n == 0 ? 0 : Math.floorMod(op.a(), n);
        byte[] e = op.element();
        switch (op.code()) {
            case 0 -> {
                lp.append(e);
                model.add(e);
            }
            case 1 -> {
                lp.prepend(e);
                model.add(0, e);
            }
            case 2 -> {
                int at = Math.floorMod(op.a(), n + 1);
                lp.insert(at, e);
                model.add(at, e);
            }
            case 3 -> { // insert before or after an entry found by seek (negative index from the tail)
                if (n == 0) {
                    return;
                }
                boolean after = (op.b() & 1) == 1;
                int p = lp.seek(i - n);
                int q = after ? lp.insertAfter(p, e, 0, e.length) : lp.insertBefore(p, e, 0, e.length);
                model.add(after ? i + 1 : i, e);
                assertArrayEquals(e, lp.getBytes(q));
            }
            case 4 -> {
                if (n > 0) {
                    int p = lp.replace(lp.seek(i), e, 0, e.length);
                    model.set(i, e);
                    assertArrayEquals(e, lp.getBytes(p));
                }
            }
            case 5 -> {
                if (n > 0) {
                    int p = lp.delete(lp.seek(i));
                    model.remove(i);
                    assertNextIs(lp, p, model, i);
                }
            }
            case 6 -> { // delete range by index, possibly negative or out of range
                int index = op.a() % (n + 3);
                long num = op.b() == 40 ? Long.MAX_VALUE : op.b();
                lp.deleteRange(index, num);
                int from = index < 0 ? n + index : index;
                if (from >= 0 && from < n) {
                    model.subList(from, (int) Math.min(n, from + Math.min(num, n))).clear();
                }
            }
            case 7 -> {
                if (n > 0) {
                    int p = lp.deleteRangeAt(lp.seek(i), op.b());
                    model.subList(i, Math.min(n, i + op.b())).clear();
                    assertNextIs(lp, p, model, i);
                }
            }
            case 8 -> { // seek anywhere, in range or not
                int index = op.a() % (n + 3);
                int p = lp.seek(index);
                int norm = index < 0 ? n + index : index;
                if (norm < 0 || norm >= n) {
                    assertEquals(-1, p);
                } else {
                    assertArrayEquals(model.get(norm), lp.getBytes(p));
                }
            }
            case 9 -> { // find with skip, for a value present or not
                int skip = op.b() % 3;
                int start = n == 0 ? 0 : Math.floorMod(op.number(), n);
                byte[] query = n > 0 && (op.b() & 4) == 0 ? model.get(i) : e;
                int p = lp.find(n == 0 ? -1 : lp.seek(start), query, 0, query.length, skip);
                int expected = -1;
                for (int k = start; k < n && n > 0; k += skip + 1) {
                    if (Arrays.equals(model.get(k), query)) {
                        expected = k;
                        break;
                    }
                }
                assertEquals(expected < 0 ? -1 : lp.seek(expected), p);
            }
            case 10 -> {
                if (n == 0) {
                    lp.batchAppend(op.batch());
                    model.addAll(op.batch());
                } else {
                    boolean after = (op.b() & 1) == 1;
                    int p = lp.batchInsert(lp.seek(i), after, op.batch());
                    model.addAll(after ? i + 1 : i, op.batch());
                    if (!op.batch().isEmpty()) {
                        assertArrayEquals(op.batch().get(0), lp.getBytes(p));
                    }
                }
            }
            case 11 -> {
                lp.batchAppend(op.batch());
                model.addAll(op.batch());
            }
            case 12 -> {
                byte[] text = Long.toString(op.number()).getBytes(StandardCharsets.US_ASCII);
                if ((op.b() & 1) == 0) {
                    lp.appendLong(op.number());
                    model.add(text);
                } else {
                    lp.prependLong(op.number());
                    model.add(0, text);
                }
            }
            case 13 -> {
                if (n > 0) {
                    lp.replaceLong(lp.seek(i), op.number());
                    model.set(i, Long.toString(op.number()).getBytes(StandardCharsets.US_ASCII));
                }
            }
            case 14 -> { // batch delete every (b % 4 + 1)-th element from i on
                int step = op.b() % 4 + 1;
                int[] offsets = new int[n];
                int k = 0;
                for (int j = i; j < n; j += step) {
                    offsets[k++] = lp.seek(j);
                }
                lp.batchDelete(offsets, k);
                for (int j = i + (k - 1) * step; k > 0 && j >= i; j -= step) {
                    model.remove(j);
                }
            }
            default -> { // walk backwards, reading through the reusable entry view
                ListpackEntry entry = new ListpackEntry();
                int k = n;
                for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
                    byte[] m = model.get(--k);
                    assertTrue(lp.get(p, entry).contentEquals(m, 0, m.length));
                    assertArrayEquals(m, entry.toBytes());
                }
                assertEquals(0, k);
            }
        }
    }

    private static void assertNextIs(Listpack lp, int p, List<byte[]> model, int i) {
        if (i >= model.size()) {
            assertEquals(-1, p);
        } else {
            assertArrayEquals(model.get(i), lp.getBytes(p));
        }
    }

    private static void check(Listpack lp, List<byte[]> model) {
        byte[] bytes = lp.toByteArray();
        assertEquals(model.size(), Listpack.validate(bytes, true));
        assertEquals(model.size(), lp.count());
        assertArrayEquals(Listpack.encode(model), bytes);
        List<byte[]> got = lp.toList();
        assertEquals(model.size(), got.size());
        for (int k = 0; k < got.size(); k++) {
            assertArrayEquals(model.get(k), got.get(k));
        }
    }

    /** However a list is built, the same elements give the same bytes. */
    @Property(tries = 300)
    void theSameElementsAlwaysEncodeToTheSameBytes(@ForAll("lists") List<byte[]> elements) {
        byte[] expected = Listpack.encode(elements);
        Listpack appended = new Listpack();
        elements.forEach(appended::append);
        Listpack prepended = new Listpack(1);
        for (int k = elements.size() - 1; k >= 0; k--) {
            prepended.prepend(elements.get(k));
        }
        Listpack halves = Listpack.of(elements.subList(elements.size() / 2, elements.size()));
        if (halves.first() >= 0) {
            halves.batchInsert(halves.first(), false, elements.subList(0, elements.size() / 2));
        } else {
            halves.batchAppend(elements.subList(0, elements.size() / 2));
        }
        Listpack merged = Listpack.of(elements.subList(0, elements.size() / 3));
        merged.appendAll(Listpack.of(elements.subList(elements.size() / 3, elements.size())));
        Listpack adopted = Listpack.adopt(expected.clone());
        for (Listpack lp : List.of(appended, prepended, halves, merged, adopted)) {
            assertArrayEquals(expected, lp.toByteArray());
        }
        assertArrayEquals(expected, Listpack.encode(Listpack.decode(expected, 0, expected.length)));
    }
}
