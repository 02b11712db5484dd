package io.cinnabar.server.internal.type.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link Hll} on its own: the worked example of its Javadoc, the register packing, and the error bound. */
class HllTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(Hll h) {
        return Arrays.copyOf(h.buf(), h.length());
    }

    /** What Redis 7.0.15 stores for PFADD k a, then PFCOUNT k (bytes taken from redis-cli GET). */
    @Test
    void workedExample() {
        Hll h = new Hll();
        // createHLLObject: "HYLL", sparse, a valid cached count of 0, XZERO:16384
        assertEquals("48594c4c0100000000000000000000007fff", HexFormat.of().formatHex(bytes(h)));
        assertEquals("Z:16384", h.decode());
        assertEquals(1, h.add(b("a"), 0, 1, 3000));
        h.invalidateCache();
        // "HYLL", sparse, 3 unused, stale cache (bit 7 of byte 15), XZERO:12711 VAL:2,1 XZERO:3672
        assertEquals("48594c4c01000000000000000000008071a6844e57", HexFormat.of().formatHex(bytes(h)));
        assertEquals("Z:12711 v:2,1 Z:3672", h.decode());
        long[] card = new long[1];
        assertTrue(h.count(card));
        assertEquals(1, card[0]);
        h.setCachedCardinality(card[0]);
        assertTrue(h.cacheValid());
        assertEquals("48594c4c01000000010000000000000071a6844e57", HexFormat.of().formatHex(bytes(h)));
        assertEquals(0, h.add(b("a"), 0, 1, 3000));
    }

    @Test
    void murmurMatchesRedisRegisterChoice() {
        // register 12711 with run length 2 for "a" (see workedExample): low 14 bits and trailing zeros of the rest
        long hash = Hll.murmur64a(b("a"), 0, 1, Hll.SEED);
        assertEquals(12711, hash & 16383);
        assertEquals(2, Long.numberOfTrailingZeros(hash >>> 14) + 1);
    }

    @Test
    void denseRegistersArePackedIndependently() {
        byte[] d = new byte[Hll.DENSE_SIZE];
        Random rnd = new Random(7);
        int[] model = new int[Hll.REGISTERS];
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < Hll.REGISTERS; i++) {
                model[i] = rnd.nextInt(64);
                Hll.denseSetRaw(d, Hll.HDR, i, model[i]);
            }
            for (int i = 0; i < Hll.REGISTERS; i++) {
                assertEquals(model[i], Hll.denseGet(d, Hll.HDR, i), "register " + i);
            }
        }
        // register 1 sits in the top 2 bits of byte 16 and the low 4 bits of byte 17
        Arrays.fill(d, (byte) 0);
        Hll.denseSetRaw(d, Hll.HDR, 1, 0x3f);
        assertEquals((byte) 0xc0, d[Hll.HDR]);
        assertEquals(0x0f, d[Hll.HDR + 1]);
    }

    @Test
    void sparseAndDenseAgreeAndPromotionHappens() {
        Hll sparse = new Hll();
        Hll dense = new Hll();
        assertTrue(dense.toDense());
        long[] c1 = new long[1];
        long[] c2 = new long[1];
        for (int i = 0; i < 5000; i++) {
            byte[] e = b("el" + i);
            sparse.add(e, 0, e.length, 3000);
            dense.add(e, 0, e.length, 3000);
            if (i % 97 == 0) {
                assertTrue(sparse.count(c1));
                assertTrue(dense.count(c2));
                assertEquals(c2[0], c1[0], "at " + i);
                assertTrue(sparse.encoding() == Hll.DENSE || sparse.length() <= 3000);
            }
        }
        assertEquals(Hll.DENSE, sparse.encoding());
        for (int i = 0; i < Hll.REGISTERS; i++) {
            assertEquals(dense.register(i), sparse.register(i));
        }
    }

    @Test
    void corruptedSparseIsReported() {
        Hll h = new Hll();
        byte[] bad = bytes(h);
        bad[Hll.HDR + 1] = 0; // XZERO:16129 instead of 16384
        Hll c = new Hll(bad, bad.length);
        assertFalse(c.count(new long[1]));
        assertFalse(Hll.merge(bad, 0, bad.length, new byte[Hll.REGISTERS]));
        assertFalse(c.toDense());
        assertFalse(Hll.isHll(b("HYLL"), 0, 4));
        assertFalse(Hll.isHll(Arrays.copyOf(b("HYLL\u0002"), 18), 0, 18));
        assertFalse(Hll.isHll(Arrays.copyOf(b("HYLL\u0000"), 100), 0, 100));
        assertTrue(Hll.isHll(bad, 0, bad.length));
        assertTrue(Hll.validate(bad, 0, bad.length, false));
        assertFalse(Hll.validate(bad, 0, bad.length, true));
        byte[] good = bytes(new Hll());
        assertTrue(Hll.validate(good, 0, good.length, true));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        trailing[good.length] = (byte) 0x80; // VAL:1,1 after all 16384 registers: corrupted since the CVE fix
        assertFalse(Hll.validate(trailing, 0, trailing.length, true));
        assertFalse(new Hll(trailing, trailing.length).toDense());
    }

    /** The count stays within Redis's own PFSELFTEST bound (6 standard errors, 1.04/sqrt(m) each). */
    @Property(tries = 60)
    void countIsWithinErrorBound(@ForAll @IntRange(min = 0, max = 40000) int n, @ForAll @LongRange long seed) {
        Random rnd = new Random(seed);
        Set<String> exact = new HashSet<>();
        Hll h = new Hll();
        while (exact.size() < n) {
            String s = Long.toHexString(rnd.nextLong()) + ":" + rnd.nextInt(1000);
            exact.add(s);
            byte[] e = b(s);
            h.add(e, 0, e.length, 3000);
            if (rnd.nextInt(8) == 0) { // duplicates never change the estimate's input set
                h.add(e, 0, e.length, 3000);
            }
        }
        long[] card = new long[1];
        assertTrue(h.count(card));
        double relerr = 1.04 / Math.sqrt(Hll.REGISTERS);
        long maxerr = Math.max(2, (long) Math.ceil(relerr * 6 * n));
        long err = Math.abs(card[0] - exact.size());
        assertTrue(err <= maxerr, "n=" + n + " estimate=" + card[0]);
    }

    @Test
    void rawHistogramMatchesDenseHistogram() {
        Hll h = new Hll();
        h.toDense();
        for (int i = 0; i < 30000; i++) {
            byte[] e = b("x" + i);
            h.add(e, 0, e.length, 3000);
        }
        byte[] max = new byte[Hll.REGISTERS];
        assertTrue(Hll.merge(h.buf(), 0, h.length(), max));
        int[] h1 = new int[64];
        int[] h2 = new int[64];
        Hll.rawHistogram(max, h1);
        assertTrue(Hll.histogram(h.buf(), 0, h.length(), h2));
        assertArrayEquals(h2, h1);
    }
}
