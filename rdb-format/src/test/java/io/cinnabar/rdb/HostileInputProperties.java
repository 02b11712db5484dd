package io.cinnabar.rdb;

import io.cinnabar.testkit.Fixtures;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Truncations and bit flips of the fixture files (and of DUMP payloads, with the checksum fixed up so that the
 * value decoder itself is exercised) only ever end in {@link RdbException}: no other exception, no hang, no
 * allocation beyond the input (the runs are bounded by the surefire heap).
 */
class HostileInputProperties {
    static final List<byte[]> FILES = new ArrayList<>();
    static final List<byte[]> PAYLOADS = new ArrayList<>();

    static {
        for (Path p : Fixtures.list("rdb", ".rdb")) {
            FILES.add(Fixtures.bytes(p));
        }
        for (Path p : Fixtures.list("redis-assets", ".rdb")) {
            FILES.add(Fixtures.bytes(p));
        }
        for (Path p : Fixtures.list("rdb", "-dump-payloads.json")) {
            for (Map.Entry<String, byte[]> e : Fixtures.dumpPayloads(p).entrySet()) {
                PAYLOADS.add(e.getValue());
            }
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.of(FILES);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.of(PAYLOADS);
    }

    private static void readAll(byte[] b, boolean checksum, boolean stream) {
        RdbReader r = stream ? RdbReader.of(new ByteArrayInputStream(b)) : RdbReader.of(b);
        r.verifyChecksum(checksum).skipModules(true).read(new Collect());
    }

    /** Runs {@code r}; success or RdbException pass, anything else fails the property. */
    private static boolean onlyRdbException(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RdbException e) {
            return e.getMessage().contains("at offset ");
        }
    }

    @Property(tries = 400)
    boolean truncatedFilesFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 0, max = 1 << 20) int cut,
                                      @ForAll boolean stream) {
        int len = cut % file.length;
        byte[] t = java.util.Arrays.copyOf(file, len);
        try {
            readAll(t, true, stream);
            return false; // a strict prefix never holds the EOF opcode and trailer where they belong
        } catch (RdbException e) {
            return e.getMessage().contains("at offset ");
        }
    }

    @Property(tries = 600)
    boolean flippedBitsFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 0, max = 1 << 24) int at,
                                   @ForAll @IntRange(min = 1, max = 4) int flips, @ForAll boolean stream) {
        byte[] t = file.clone();
        for (int i = 0; i < flips; i++) {
            int bit = (at * (i + 7) + i * 131) % (t.length * 8);
            t[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return onlyRdbException(() -> readAll(t, false, stream));
    }

    @Property(tries = 600)
    boolean hostileLengthsFailCleanly(@ForAll("files") byte[] file, @ForAll @IntRange(min = 9, max = 1 << 24) int at,
                                      @ForAll byte value) {
        byte[] t = file.clone();
        int p = 9 + at % (t.length - 9);
        t[p] = (byte) (0x80 | (value & 1)); // a 32- or 64-bit length marker where anything was
        return onlyRdbException(() -> readAll(t, false, false));
    }

    @Property(tries = 600)
    boolean corruptPayloadsFailCleanly(@ForAll("payloads") byte[] payload, @ForAll @IntRange(min = 0, max = 1 << 24) int at) {
        byte[] t = payload.clone();
        int body = t.length - DumpPayload.FOOTER;
        int bit = at % (body * 8);
        t[bit / 8] ^= (byte) (1 << (bit % 8));
        long crc = Crc64.of(t, 0, t.length - 8);
        for (int i = 0; i < 8; i++) {
            t[t.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
        return onlyRdbException(() -> DumpPayload.read(t, new Collect()));
    }
}
