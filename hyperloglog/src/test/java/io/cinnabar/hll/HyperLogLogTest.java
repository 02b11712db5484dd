package io.cinnabar.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.lzf.Lzf;
import io.cinnabar.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HyperLogLog} on fixed data: the worked example of its Javadoc, the register packing, promotion, the
 * corruption rules, and the HLL strings real Redis (2.8 to 7.2) wrote into the fixtures.
 */
class HyperLogLogTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What Redis 7.0.15 stores for PFADD k a, then PFCOUNT k (bytes taken from redis-cli GET). */
    @Test
    void workedExample() {
        HyperLogLog h = new HyperLogLog();
        // createHLLObject: "HYLL", sparse, a valid cached count of 0, XZERO:16384
        assertEquals("48594c4c0100000000000000000000007fff", HEX.formatHex(h.toByteArray()));
        assertEquals("Z:16384", h.decodeSparse());
        assertTrue(h.isCacheValid());
        assertTrue(h.add(b("a")));
        // "HYLL", sparse, 3 unused, stale cache (bit 7 of byte 15), XZERO:12711 VAL:2,1 XZERO:3672
        assertEquals("48594c4c01000000000000000000008071a6844e57", HEX.formatHex(h.toByteArray()));
        assertEquals("Z:12711 v:2,1 Z:3672", h.decodeSparse());
        assertFalse(h.isCacheValid());
        assertEquals(1, h.estimate());
        assertFalse(h.isCacheValid(), "estimate() leaves the cache alone");
        assertEquals(1, h.count());
        assertTrue(h.isCacheValid());
        assertEquals("48594c4c01000000010000000000000071a6844e57", HEX.formatHex(h.toByteArray()));
        assertFalse(h.add(b("a")));
        assertTrue(h.isCacheValid(), "an add that changes nothing keeps the cache");
        assertEquals(2, h.register(12711));
        assertEquals(0, h.register(12710));
        assertEquals(0, h.register(12712));
    }

    @Test
    void hashChoosesRedisRegister() {
        // register 12711 with run length 2 for "a" (see workedExample): low 14 bits and trailing zeros of the rest
        long hash = HyperLogLog.hash(b("a"), 0, 1);
        assertEquals(12711, hash & 16383);
        assertEquals(2, Long.numberOfTrailingZeros(hash >>> 14) + 1);
        // all tail lengths 0..7 and more than one block go through the same function
        byte[] text = b("xabcdefghijklmnopq");
        for (int n = 0; n <= 17; n++) {
            assertEquals(HyperLogLog.hash(Arrays.copyOfRange(text, 1, 1 + n), 0, n), HyperLogLog.hash(text, 1, n));
        }
    }

    @Test
    void denseRegistersArePackedIndependently() {
        byte[] d = new byte[HyperLogLog.DENSE_SIZE];
        Random rnd = new Random(7);
        int[] model = new int[HyperLogLog.REGISTERS];
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                model[i] = rnd.nextInt(64);
                HyperLogLog.setDenseRegister(d, 0, i, model[i]);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                assertEquals(model[i], HyperLogLog.denseRegister(d, 0, i), "register " + i);
            }
        }
        // register 1 sits in the top 2 bits of byte 16 and the low 4 bits of byte 17
        Arrays.fill(d, (byte) 0);
        HyperLogLog.setDenseRegister(d, 0, 1, 0x3f);
        assertEquals((byte) 0xc0, d[HyperLogLog.HEADER_SIZE]);
        assertEquals(0x0f, d[HyperLogLog.HEADER_SIZE + 1]);
        assertThrows(IndexOutOfBoundsException.class, () -> HyperLogLog.setDenseRegister(d, 0, 0, 64));
        assertThrows(IndexOutOfBoundsException.class, () -> HyperLogLog.setDenseRegister(d, 0, 16384, 1));
    }

    @Test
    void sparseTurnsDenseAtTheSizeLimitAndAgreesWithDense() {
        HyperLogLog sparse = new HyperLogLog();
        HyperLogLog dense = new HyperLogLog();
        assertTrue(dense.toDense());
        assertFalse(dense.toDense());
        for (int i = 0; i < 5000; i++) {
            byte[] e = b("el" + i);
            sparse.add(e);
            dense.add(e);
            if (i % 97 == 0) {
                assertEquals(dense.estimate(), sparse.estimate(), "at " + i);
                assertTrue(sparse.isDense() || sparse.length() <= 3000, "sparse length " + sparse.length());
            }
        }
        assertTrue(sparse.isDense());
        assertArrayEquals(dense.toByteArray(), sparse.toByteArray());
    }

    @Test
    void sparseMaxBytesIsAParameter() {
        HyperLogLog zero = new HyperLogLog().sparseMaxBytes(0);
        assertTrue(zero.add(b("a")));
        assertTrue(zero.isDense(), "a limit of 0 converts on the first growing edit");
        HyperLogLog big = new HyperLogLog().sparseMaxBytes(100_000);
        for (int i = 0; i < 5000; i++) {
            big.add(b("el" + i));
        }
        assertTrue(big.isSparse(), "5000 elements fit a 100000-byte sparse string");
        // a value above 32 (a run of 33+ zero bits in a hash) makes it dense whatever the limit
        HyperLogLog h = new HyperLogLog().sparseMaxBytes(100_000);
        assertTrue(h.raise(5, 33));
        assertTrue(h.isDense());
        assertEquals(33, h.register(5));
        assertThrows(IllegalArgumentException.class, () -> h.sparseMaxBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> h.raise(16384, 1));
        assertThrows(IllegalArgumentException.class, () -> h.raise(0, 64));
        assertFalse(h.raise(0, 0));
    }

    @Test
    void headerChecks() {
        assertHeaderProblem(b("HYLL"), "shorter");
        assertHeaderProblem(Arrays.copyOf(b("HYLX\u0001"), 18), "magic");
        assertHeaderProblem(Arrays.copyOf(b("HYLL\u0002"), 18), "encoding 2");
        assertHeaderProblem(Arrays.copyOf(b("HYLL\u0000"), 100), "dense string of 100 bytes");
        assertHeaderProblem(Arrays.copyOf(b("HYLL\u0000"), HyperLogLog.DENSE_SIZE + 1), "dense");
        byte[] dense = Arrays.copyOf(b("HYLL\u0000"), HyperLogLog.DENSE_SIZE);
        assertTrue(HyperLogLog.isHll(dense, 0, dense.length));
        HyperLogLog.validate(dense, true);
        assertEquals(0, HyperLogLog.wrap(dense, dense.length).count());
        // in the middle of a larger array
        byte[] framed = new byte[40];
        System.arraycopy(new HyperLogLog().toByteArray(), 0, framed, 5, 18);
        HyperLogLog.validate(framed, 5, 18, true);
        assertFalse(HyperLogLog.isValid(framed, 0, 18, false));
        assertEquals(0, HyperLogLog.copyOf(framed, 5, 18).count());
    }

    private static void assertHeaderProblem(byte[] bytes, String message) {
        assertFalse(HyperLogLog.isHll(bytes, 0, bytes.length));
        HllFormatException e = assertThrows(HllFormatException.class, () -> HyperLogLog.validate(bytes, false));
        assertTrue(e.isHeaderProblem());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertThrows(HllFormatException.class, () -> HyperLogLog.wrap(bytes, bytes.length));
        assertThrows(HllFormatException.class, () -> HyperLogLog.copyOf(bytes, 0, bytes.length));
    }

    @Test
    void corruptedSparseIsReported() {
        byte[] bad = new HyperLogLog().toByteArray();
        bad[HyperLogLog.HEADER_SIZE + 1] = 0; // XZERO:16129 instead of 16384
        HyperLogLog c = HyperLogLog.wrap(bad, bad.length);
        assertCorrupted(() -> c.estimate());
        c.invalidateCache();
        assertCorrupted(() -> c.count());
        assertCorrupted(() -> c.toDense());
        assertCorrupted(() -> c.register(16200));
        assertEquals(0, c.register(100));
        assertCorrupted(() -> c.unionInto(new byte[HyperLogLog.REGISTERS]));
        assertCorrupted(() -> HyperLogLog.unionInto(bad, 0, bad.length, new byte[HyperLogLog.REGISTERS]));
        assertCorrupted(() -> c.raise(16383, 1)); // past the runs: as Redis, the edit finds no opcode
        assertTrue(c.raise(3, 1), "an edit inside the runs still works, as in Redis");
        assertTrue(c.isSparse());
        HyperLogLog.validate(bad, false);
        assertCorrupted(() -> HyperLogLog.validate(bad, true));

        byte[] good = new HyperLogLog().toByteArray();
        HyperLogLog.validate(good, true);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        trailing[good.length] = (byte) 0x80; // VAL:1,1 after all 16384 registers: corrupted since the CVE fix
        assertCorrupted(() -> HyperLogLog.validate(trailing, true));
        assertCorrupted(() -> HyperLogLog.wrap(trailing, trailing.length).toDense());
        HyperLogLog other = new HyperLogLog();
        other.add(b("x"));
        byte[] before = other.toByteArray();
        assertCorrupted(() -> other.merge(HyperLogLog.wrap(trailing, trailing.length)));
        assertArrayEquals(before, other.toByteArray(), "a failed merge changes nothing");
    }

    /**
     * An XZERO cut in half at the end of the string: Redis reads its second byte from the string terminator. The
     * array's byte past the string plays that role; without one, it reads as 0.
     */
    @Test
    void xzeroCutAtTheEndReadsTheTerminator() {
        // XZERO:16128 (7e ff) + XZERO cut: 0x40, second byte past the end; with 0xff there it is XZERO:256
        byte[] cut = HEX.parseHex("48594c4c0100000000000000000000807eff40");
        assertCorrupted(() -> HyperLogLog.validate(cut, true)); // 16128 + 1 registers
        byte[] withTerminator = Arrays.copyOf(cut, cut.length + 1);
        withTerminator[cut.length] = (byte) 0xff;
        HyperLogLog.validate(withTerminator, 0, cut.length, true); // 16128 + 256
        HyperLogLog h = HyperLogLog.wrap(withTerminator, cut.length);
        assertEquals(0, h.estimate());
        assertEquals("Z:16128 Z:256", h.decodeSparse());
    }

    private static void assertCorrupted(org.junit.jupiter.api.function.Executable op) {
        HllFormatException e = assertThrows(HllFormatException.class, op);
        assertFalse(e.isHeaderProblem(), e.getMessage());
    }

    @Test
    void unionOfRegistersCountsLikeTheMergedHll() {
        HyperLogLog a = new HyperLogLog();
        HyperLogLog b = new HyperLogLog();
        for (int i = 0; i < 30000; i++) {
            a.add(b("x" + i));
            if (i < 300) {
                b.add(b("y" + i));
            }
        }
        byte[] registers = new byte[HyperLogLog.REGISTERS];
        a.unionInto(registers);
        b.unionInto(registers);
        a.merge(b);
        assertEquals(a.estimate(), HyperLogLog.estimateUnion(registers));
        byte[] again = new byte[HyperLogLog.REGISTERS];
        a.unionInto(again);
        assertArrayEquals(registers, again);
        registers[7] = 64;
        assertThrows(IllegalArgumentException.class, () -> HyperLogLog.estimateUnion(registers));
        assertThrows(IllegalArgumentException.class, () -> a.mergeRegisters(registers));
        assertThrows(IllegalArgumentException.class, () -> HyperLogLog.estimateUnion(new byte[10]));
    }

    // ------------------------------------------------------------------ fixtures written by real Redis

    /** Redis 7.0.15's PFCOUNT of the fixture strings (SET hll:sparse ...; PFCOUNT hll:sparse). */
    private static final long SPARSE_COUNT = 50;
    private static final long DENSE_COUNT = 19901;

    /**
     * The HLLs of the RDB fixtures (Redis 2.8 to 7.2): hll:sparse was written by PFADD of "e0".."e49" one at a time
     * and hll:dense by PFADD of "e0".."e19999"; adding the same elements here gives the same bytes, sparse opcodes
     * and stale cache bit included. Counting gives Redis's PFCOUNT and writes the cache bytes Redis writes.
     */
    @Test
    void fixtureHllsAreRedisBytes() {
        HyperLogLog sparse = new HyperLogLog();
        for (int i = 0; i < 50; i++) {
            sparse.add(b("e" + i));
        }
        HyperLogLog dense = new HyperLogLog();
        for (int i = 0; i < 20000; i++) {
            dense.add(b("e" + i));
        }
        int seen = 0;
        for (Path json : Fixtures.list("rdb", "-all-types.json")) {
            Iterator<Map.Entry<String, JsonNode>> dbs = Fixtures.json(json).get("dbs").fields();
            while (dbs.hasNext()) {
                Iterator<Map.Entry<String, JsonNode>> keys = dbs.next().getValue().fields();
                while (keys.hasNext()) {
                    Map.Entry<String, JsonNode> k = keys.next();
                    JsonNode v = k.getValue().get("value");
                    if (!v.isTextual() || !v.asText().startsWith("SFlMTA")) {
                        continue;
                    }
                    String key = Fixtures.latin1(java.util.Base64.getDecoder().decode(k.getKey()));
                    byte[] value = Fixtures.b64(v);
                    String where = json.getFileName() + " " + key;
                    HyperLogLog.validate(value, true);
                    switch (key) {
                        case "hll:sparse" -> checkFixture(where, value, sparse, SPARSE_COUNT);
                        case "hll:dense" -> checkFixture(where, value, dense, DENSE_COUNT);
                        default -> throw new AssertionError("unexpected HLL key " + where);
                    }
                    seen++;
                }
            }
        }
        assertEquals(14, seen, "HLL keys in the fixtures of Redis 2.8, 3.2, 4.0, 5.0, 6.2, 7.0, 7.2");
    }

    private static void checkFixture(String where, byte[] value, HyperLogLog built, long redisCount) {
        assertArrayEquals(value, built.toByteArray(), where);
        HyperLogLog h = HyperLogLog.copyOf(value, 0, value.length);
        assertFalse(h.isCacheValid(), where);
        assertEquals(redisCount, h.count(), where);
        byte[] expected = value.clone();
        for (int i = 0; i < 8; i++) {
            expected[HyperLogLog.CARDINALITY_OFFSET + i] = (byte) (redisCount >>> (8 * i));
        }
        assertArrayEquals(expected, h.toByteArray(), where + ": the cache bytes PFCOUNT writes");
        // the sparse fixture's registers equal a dense HLL of the same elements
        if (h.isSparse()) {
            HyperLogLog d = new HyperLogLog();
            d.toDense();
            for (int i = 0; i < 50; i++) {
                d.add(b("e" + i));
            }
            HyperLogLog s = HyperLogLog.copyOf(value, 0, value.length);
            assertTrue(s.toDense());
            assertArrayEquals(d.toByteArray(), s.toByteArray(), where);
        }
    }

    /** The same HLL strings inside the DUMP payloads of every version (the dense one LZF-compressed). */
    @Test
    void fixtureDumpPayloadsCarryTheSameHlls() {
        int seen = 0;
        for (Path file : Fixtures.list("rdb", "-dump-payloads.json")) {
            JsonNode db0 = Fixtures.expectedDataset(file).get("dbs").get("0");
            for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(file).entrySet()) {
                if (!e.getKey().startsWith("hll:")) {
                    continue;
                }
                byte[] p = e.getValue();
                assertEquals(0, p[0], "RDB_TYPE_STRING");
                byte[] value = RdbString.read(p, new int[] {1});
                String b64key = java.util.Base64.getEncoder().encodeToString(b(e.getKey()));
                assertArrayEquals(Fixtures.b64(db0.get(b64key).get("value")), value, file + " " + e.getKey());
                HyperLogLog.validate(value, true);
                assertEquals(e.getKey().equals("hll:dense") ? DENSE_COUNT : SPARSE_COUNT,
                    HyperLogLog.copyOf(value, 0, value.length).count());
                seen++;
            }
        }
        assertEquals(14, seen);
    }

    /** The subset of RDB string decoding needed to pull a string out of a DUMP payload. */
    static final class RdbString {
        static byte[] read(byte[] b, int[] pos) {
            int first = b[pos[0]] & 0xff;
            if ((first >>> 6) == 3) {
                pos[0]++;
                if ((first & 0x3f) != 3) {
                    throw new IllegalArgumentException("integer-encoded string where an HLL was expected");
                }
                int clen = (int) length(b, pos);
                int len = (int) length(b, pos);
                byte[] out = Lzf.decompress(b, pos[0], clen, len);
                pos[0] += clen;
                return out;
            }
            int len = (int) length(b, pos);
            byte[] out = Arrays.copyOfRange(b, pos[0], pos[0] + len);
            pos[0] += len;
            return out;
        }

        static long length(byte[] b, int[] pos) {
            int first = b[pos[0]++] & 0xff;
            switch (first >>> 6) {
                case 0:
                    return first & 0x3f;
                case 1:
                    return ((first & 0x3f) << 8) | (b[pos[0]++] & 0xff);
                case 2:
                    int n = first == 0x80 ? 4 : first == 0x81 ? 8 : -1;
                    if (n < 0) {
                        throw new IllegalArgumentException("bad length byte " + first);
                    }
                    long v = 0;
                    for (int i = 0; i < n; i++) {
                        v = (v << 8) | (b[pos[0]++] & 0xff);
                    }
                    return v;
                default:
                    throw new IllegalArgumentException("special encoding where a length was expected");
            }
        }
    }
}
