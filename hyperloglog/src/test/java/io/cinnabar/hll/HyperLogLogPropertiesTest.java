package io.cinnabar.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link HyperLogLog} against a simple model, a {@code HashSet} of the elements added: the estimate stays within
 * the documented bound, a merge equals adding the union, sparse and dense hold the same registers; and hostile
 * bytes through {@code validate} give {@link HllFormatException} and nothing else.
 */
class HyperLogLogPropertiesTest {
    private static final long[] LIMITS = {0, 60, 300, 3000, 12000};

    /** A random element: small integers as text, prefixed counters, raw bytes, long strings. */
    private static byte[] element(Random rnd) {
        String s = switch (rnd.nextInt(5)) {
            case 0 -> Integer.toString(rnd.nextInt(1_000_000));
            case 1 -> "e" + rnd.nextInt(200_000);
            case 2 -> {
                byte[] b = new byte[rnd.nextInt(24)];
                rnd.nextBytes(b);
                yield new String(b, StandardCharsets.ISO_8859_1);
            }
            case 3 -> "long-element-".repeat(1 + rnd.nextInt(4)) + rnd.nextLong();
            default -> Long.toHexString(rnd.nextLong());
        };
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** n distinct elements (the model), in insertion order. */
    private static Set<String> distinct(Random rnd, int n) {
        Set<String> set = new LinkedHashSet<>();
        while (set.size() < n) {
            set.add(new String(element(rnd), StandardCharsets.ISO_8859_1));
        }
        return set;
    }

    private static HyperLogLog hllOf(Iterable<String> elements, long limit, Random rnd) {
        HyperLogLog h = new HyperLogLog().sparseMaxBytes(limit);
        for (String s : elements) {
            byte[] e = s.getBytes(StandardCharsets.ISO_8859_1);
            h.add(e);
            if (rnd.nextInt(8) == 0) {
                assertFalse(h.add(e), "adding an element twice changes nothing");
            }
        }
        return h;
    }

    private static byte[] registers(HyperLogLog h) {
        byte[] r = new byte[HyperLogLog.REGISTERS];
        h.unionInto(r);
        return r;
    }

    /**
     * The documented bound: |estimate - n| <= max(2, 6 standard errors), a standard error being 1.04 / sqrt(16384)
     * = 0.81% of n (Redis's PFSELFTEST uses the same 6-sigma bound). The property therefore fails about once in
     * 10^8 honest runs, and on any systematic bias above a few tenths of a percent.
     */
    @Property(tries = 40)
    void estimateIsWithinTheErrorBound(@ForAll @IntRange(min = 0, max = 40000) int n, @ForAll @LongRange long seed) {
        Random rnd = new Random(seed);
        Set<String> model = distinct(rnd, n);
        HyperLogLog h = hllOf(model, LIMITS[rnd.nextInt(LIMITS.length)], rnd);
        long estimate = h.count();
        double stdErr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long maxErr = Math.max(2, (long) Math.ceil(6 * stdErr * model.size()));
        assertTrue(Math.abs(estimate - model.size()) <= maxErr, "n=" + n + " estimate=" + estimate);
        assertEquals(estimate, h.count(), "the cached count");
        assertEquals(estimate, h.estimate());
    }

    /** PFMERGE a b = PFADD a (elements of b): same registers, same estimate, dense if either was. */
    @Property(tries = 80)
    void mergeOfTwoIsAddOfTheUnion(@ForAll @IntRange(min = 0, max = 3000) int sizeA,
                                   @ForAll @IntRange(min = 0, max = 3000) int sizeB,
                                   @ForAll @LongRange long seed) {
        Random rnd = new Random(seed);
        long limit = LIMITS[rnd.nextInt(LIMITS.length)];
        List<String> a = new ArrayList<>(distinct(rnd, sizeA));
        List<String> b = new ArrayList<>(distinct(rnd, sizeB));
        for (int i = 0; i < Math.min(sizeA, sizeB) / 3; i++) {
            b.set(i, a.get(rnd.nextInt(a.size()))); // overlap
        }
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        HyperLogLog ha = hllOf(a, limit, rnd);
        HyperLogLog hb = hllOf(b, limit, rnd);
        boolean eitherDense = ha.isDense() || hb.isDense();
        byte[] hbBefore = hb.toByteArray();
        ha.merge(hb);
        assertArrayEquals(hbBefore, hb.toByteArray(), "the source is not changed");
        HyperLogLog hu = hllOf(union, limit, rnd);
        assertArrayEquals(registers(hu), registers(ha));
        assertEquals(hu.estimate(), ha.count());
        if (eitherDense) {
            assertTrue(ha.isDense());
        }
        byte[] r = registers(hb);
        byte[] aBytes = hllOf(a, limit, rnd).toByteArray(); // a fresh copy of a, read in place
        HyperLogLog.unionInto(aBytes, 0, aBytes.length, r);
        assertEquals(hu.estimate(), HyperLogLog.estimateUnion(r), "multi-key PFCOUNT");
    }

    /**
     * The same elements in a sparse HLL (whatever its limit) and in one made dense first: the same registers one by
     * one, the same estimate, and converting the sparse one gives the dense one's bytes exactly.
     */
    @Property(tries = 60)
    void sparseAndDenseHoldTheSameRegisters(@ForAll @IntRange(min = 0, max = 4000) int n, @ForAll @LongRange long seed) {
        Random rnd = new Random(seed);
        Set<String> model = distinct(rnd, n);
        HyperLogLog sparse = hllOf(model, rnd.nextBoolean() ? 100_000 : LIMITS[rnd.nextInt(LIMITS.length)], rnd);
        HyperLogLog dense = new HyperLogLog();
        dense.toDense();
        for (String s : model) {
            dense.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        assertEquals(dense.estimate(), sparse.estimate());
        byte[] sr = registers(sparse);
        for (int k = 0; k < 64; k++) {
            int i = rnd.nextInt(HyperLogLog.REGISTERS);
            assertEquals(dense.register(i), sparse.register(i), "register " + i);
            assertEquals(dense.register(i), sr[i], "register " + i);
        }
        if (sparse.isSparse()) {
            assertTrue(sparse.length() <= Math.max(sparse.sparseMaxBytes(), HyperLogLog.HEADER_SIZE + 2));
            HyperLogLog.validate(sparse.array(), 0, sparse.length(), true);
            assertTrue(sparse.toDense());
        }
        assertArrayEquals(dense.toByteArray(), sparse.toByteArray());
    }

    // ------------------------------------------------------------------ hostile bytes

    /** A valid HLL string: sparse of a few elements, sparse near its limit, or dense. */
    private static byte[] sample(Random rnd) {
        int n = new int[] {0, 1, 3, 10, 60, 300, 1500, 3000}[rnd.nextInt(8)];
        HyperLogLog h = hllOf(distinct(rnd, n), LIMITS[rnd.nextInt(LIMITS.length)], rnd);
        if (rnd.nextBoolean()) {
            h.count();
        }
        return h.toByteArray();
    }

    private static byte[] mutate(Random rnd, byte[] v) {
        byte[] b = v.clone();
        if (b.length <= 16) {
            return Arrays.copyOf(b, b.length + 1 + rnd.nextInt(3));
        }
        switch (rnd.nextInt(9)) {
            case 0 -> b[16 + rnd.nextInt(b.length - 16)] = (byte) rnd.nextInt(256);
            case 1 -> {
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    b[16 + rnd.nextInt(b.length - 16)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> b = Arrays.copyOf(b, b.length - 1 - rnd.nextInt(4));
            case 3 -> {
                b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(3));
                for (int i = v.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            case 4 -> b[4] = (byte) rnd.nextInt(4);
            case 5 -> b[rnd.nextInt(4)] ^= 0x20;
            case 6 -> b[8 + rnd.nextInt(8)] = (byte) rnd.nextInt(256);
            case 7 -> b = Arrays.copyOf(b, rnd.nextInt(18));
            default -> b[16 + rnd.nextInt(b.length - 16)] = (byte) (0x40 | rnd.nextInt(64)); // XZERO
        }
        return b;
    }

    /**
     * Mutated valid strings (bytes changed, truncated, extended, encoding, magic, cache, XZEROs planted) and random
     * bytes behind the magic: validate throws only HllFormatException; a string it accepts deep works with every
     * operation; a string it rejects for its registers is rejected by count, merge and conversion too; and no
     * operation throws anything but HllFormatException.
     */
    @Property(tries = 1500)
    void validateThrowsOnlyTheDocumentedException(@ForAll @LongRange long seed) {
        Random rnd = new Random(seed);
        byte[] bad;
        if (rnd.nextInt(5) == 0) {
            bad = new byte[rnd.nextInt(64)];
            rnd.nextBytes(bad);
            System.arraycopy("HYLL".getBytes(StandardCharsets.ISO_8859_1), 0, bad, 0, Math.min(4, bad.length));
            if (bad.length > 4) {
                bad[4] = (byte) rnd.nextInt(2);
            }
        } else {
            bad = mutate(rnd, sample(rnd));
            if (rnd.nextInt(4) == 0) {
                bad = mutate(rnd, bad);
            }
        }
        boolean header = HyperLogLog.isValid(bad, 0, bad.length, false);
        assertEquals(HyperLogLog.isHll(bad, 0, bad.length), header);
        HllFormatException deepProblem = null;
        try {
            HyperLogLog.validate(bad, true);
        } catch (HllFormatException e) {
            deepProblem = e;
        }
        if (!header) {
            assertTrue(deepProblem != null && deepProblem.isHeaderProblem());
            byte[] copy = bad;
            assertThrows(HllFormatException.class, () -> HyperLogLog.wrap(copy, copy.length));
            return;
        }
        if (deepProblem == null) {
            HyperLogLog h = HyperLogLog.wrap(bad.clone(), bad.length);
            h.estimate();
            h.unionInto(new byte[HyperLogLog.REGISTERS]);
            h.register(rnd.nextInt(HyperLogLog.REGISTERS));
            for (int i = 0; i < 20; i++) {
                h.add(element(rnd));
            }
            h.count();
            h.merge(HyperLogLog.wrap(bad.clone(), bad.length));
            HyperLogLog.validate(h.array(), 0, h.length(), true);
            HyperLogLog.wrap(bad.clone(), bad.length).toDense();
            return;
        }
        assertFalse(deepProblem.isHeaderProblem());
        HyperLogLog h = HyperLogLog.wrap(bad.clone(), bad.length);
        assertThrows(HllFormatException.class, h::estimate);
        assertThrows(HllFormatException.class, () -> h.unionInto(new byte[HyperLogLog.REGISTERS]));
        assertThrows(HllFormatException.class, h::toDense);
        h.decodeSparse();
        onlyFormatException(() -> h.register(rnd.nextInt(HyperLogLog.REGISTERS)));
        onlyFormatException(() -> h.count());
        for (int i = 0; i < 20; i++) {
            byte[] e = element(rnd);
            onlyFormatException(() -> h.add(e));
        }
        onlyFormatException(() -> h.mergeRegisters(new byte[HyperLogLog.REGISTERS]));
    }

    private static void onlyFormatException(Runnable op) {
        try {
            op.run();
        } catch (HllFormatException expected) {
            // the documented outcome for corrupted registers
        } catch (RuntimeException e) {
            fail("undocumented exception", e);
        }
    }
}
