package io.cinnabar.intset;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntsetPropertiesTest {

    /** Values clustered around the encoding boundaries so that every upgrade path occurs. */
    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(-40, 40),
            Arbitraries.longs().between(Short.MIN_VALUE - 3L, Short.MIN_VALUE + 3L),
            Arbitraries.longs().between(Short.MAX_VALUE - 3L, Short.MAX_VALUE + 3L),
            Arbitraries.longs().between(Integer.MIN_VALUE - 3L, Integer.MIN_VALUE + 3L),
            Arbitraries.longs().between(Integer.MAX_VALUE - 3L, Integer.MAX_VALUE + 3L),
            Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 3),
            Arbitraries.longs().between(Long.MAX_VALUE - 3, Long.MAX_VALUE),
            Arbitraries.longs());
    }

    @Provide
    Arbitrary<List<long[]>> operations() {
        Arbitrary<long[]> op = Arbitraries.integers().between(0, 2).flatMap(kind ->
            values().map(v -> new long[] {kind, v}));
        return op.list().ofMaxSize(300);
    }

    @Property(tries = 500)
    void behavesLikeTreeSet(@ForAll("operations") List<long[]> ops) {
        Intset s = new Intset();
        TreeSet<Long> model = new TreeSet<>();
        int widest = Intset.ENC_INT16;
        for (long[] op : ops) {
            long v = op[1];
            switch ((int) op[0]) {
                case 0 -> assertEquals(model.add(v), s.add(v));
                case 1 -> assertEquals(model.remove(v), s.remove(v));
                default -> assertEquals(model.contains(v), s.contains(v));
            }
            if (op[0] == 0) {
                widest = Math.max(widest, Intset.valueEncoding(v));
            }
            assertEquals(widest, s.encoding(), "encoding is the widest ever added, never narrower");
        }
        long[] expected = model.stream().mapToLong(Long::longValue).toArray();
        assertArrayEquals(expected, s.toLongArray());
        assertEquals(model.size(), s.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.get(i));
            assertEquals(i, s.search(expected[i]));
        }
        byte[] blob = s.toByteArray();
        assertEquals(8 + s.size() * s.encoding(), blob.length);
        if (s.size() > 0) {
            Intset again = Intset.wrap(blob, true);
            assertEquals(s, again);
        }
    }

    /** Whatever the bytes, validation and adoption either succeed or throw IntsetFormatException. */
    @Property(tries = 3000)
    void randomBytesOnlyEverThrowIntsetFormatException(@ForAll @Size(max = 64) byte[] b, @ForAll boolean deep) {
        exercise(b, deep);
    }

    /** Mutations of valid blobs: truncation, bit flips, and length fields pointing past the end. */
    @Property(tries = 3000)
    void mutatedBlobsOnlyEverThrowIntsetFormatException(@ForAll("operations") List<long[]> ops,
                                                        @ForAll @IntRange(min = 0, max = 2) int mutation,
                                                        @ForAll @IntRange(min = 0, max = 1 << 20) int where,
                                                        @ForAll @IntRange(min = 0, max = 31) int bit,
                                                        @ForAll boolean deep) {
        Intset s = new Intset();
        ops.forEach(op -> s.add(op[1]));
        byte[] b = s.toByteArray();
        switch (mutation) {
            case 0 -> b = Arrays.copyOf(b, where % (b.length + 1));
            case 1 -> b[where % b.length] ^= (byte) (1 << (bit & 7));
            default -> {
                int len = s.size() + (1 << bit) * (where % 2 == 0 ? 1 : -1);
                b[4] = (byte) len;
                b[5] = (byte) (len >>> 8);
                b[6] = (byte) (len >>> 16);
                b[7] = (byte) (len >>> 24);
            }
        }
        exercise(b, deep);
    }

    private static void exercise(byte[] b, boolean deep) {
        boolean valid = Intset.isValid(b, 0, b.length, deep);
        try {
            Intset s = Intset.wrap(b, deep);
            assertTrue(valid);
            // whatever was adopted must be readable end to end without another exception
            long[] all = s.toLongArray();
            assertEquals(s.size(), all.length);
            assertTrue(s.size() > 0);
            if (deep) {
                for (int i = 1; i < all.length; i++) {
                    assertTrue(all[i - 1] < all[i]);
                }
                assertTrue(s.contains(all[all.length / 2]));
            }
        } catch (IntsetFormatException e) {
            assertEquals(false, valid);
        }
    }
}
